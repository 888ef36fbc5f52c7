// A subscription to someone else's stream: one RTCPeerConnection (relayed: to the publisher, which
// offers; routed: to the router, whose offer comes back on `subscribe`) and the <video> element that
// plays it.
import { UmbraError } from './errors.js';
import { Emitter } from './events.js';
import { IceRestarter } from './ice-restart.js';
import { type SessionLink, TaskQueue, rtcConfig } from './link.js';
import { type MediaStats, collectStats } from './stats.js';
import type { Stream } from './stream.js';

export interface SubscribeOptions {
  // Start with audio / video on (default true). Toggle later with subscribeToAudio/subscribeToVideo.
  subscribeToAudio?: boolean;
  subscribeToVideo?: boolean;
  // Reuse an existing <video> element.
  element?: HTMLVideoElement;
}

// Simulcast layers (routed sessions, a stream published with simulcast: true): the highest one the
// router may send this subscriber.
export type SimulcastLayer = 'low' | 'medium' | 'high';

export interface SubscriberEvents {
  // The first remote track arrived (media is flowing, or about to).
  connected: { stream: Stream };
  connectionStateChanged: { state: RTCPeerConnectionState };
  // The subscription ended (unsubscribed, the stream was destroyed, the session ended). Routed: reason
  // `mediaFailed` with a MediaConnectionLostError when the router lost this subscription's media path
  // (ICE consent expired, DTLS failed) while the stream lives on: subscribe again to resume.
  destroyed: { stream: Stream; reason: string; error?: UmbraError };
  // Routed: the link to the router broke (ICE "failed", or "disconnected" for 3 s) or restartIce() was
  // called, and an ICE restart is under way (attempt 1, 2, 3). The subscription stays meanwhile.
  reconnecting: { stream: Stream; attempt: number; reason: 'failed' | 'disconnected' | 'requested' };
  // Routed: ICE is connected again after a restart; the media goes on over the new path.
  reconnected: { stream: Stream };
  // Routed: the restarts did not help (or the server refused them). If the path stays broken the
  // router ends the subscription (`destroyed` with reason `mediaFailed`).
  reconnectFailed: { stream: Stream; error: UmbraError };
  // DESIGN.md 4.10 (E2EE sessions only).
  encryptionSecretMismatch: { stream: Stream };
  encryptionSecretMatch: { stream: Stream };
}

export class Subscriber extends Emitter<SubscriberEvents> {
  readonly element: HTMLVideoElement;
  readonly stream: Stream;
  readonly mediaStream = new MediaStream();

  readonly #link: SessionLink;
  readonly #pc: RTCPeerConnection;
  readonly #queue = new TaskQueue();
  #pendingCandidates: (RTCIceCandidateInit | null)[] = [];
  #audio: boolean;
  #video: boolean;
  #destroyed = false;
  #preferredLayer: SimulcastLayer = 'high';
  #connectedEmitted = false;
  readonly #iceRestarter: IceRestarter | null = null;

  // Session.subscribe() calls this; applications use session.subscribe(stream, options).
  constructor(link: SessionLink, stream: Stream, options: SubscribeOptions) {
    super();
    this.#link = link;
    this.stream = stream;
    this.#audio = options.subscribeToAudio !== false;
    this.#video = options.subscribeToVideo !== false;
    this.element = options.element ?? document.createElement('video');
    this.element.autoplay = true;
    this.element.playsInline = true;
    this.element.srcObject = this.mediaStream;
    this.element.dataset['umbraStreamId'] = stream.streamId;

    this.#pc = new RTCPeerConnection(rtcConfig(link));
    this.#pc.ontrack = (ev) => {
      const track = ev.track;
      track.enabled = track.kind === 'audio' ? this.#audio : this.#video;
      this.#link.e2ee?.attachReceiver(
        ev.receiver,
        track.kind === 'audio' ? 'audio' : 'video',
        stream.streamId,
        (event) => this.emit(event, { stream: this.stream }),
      );
      for (const old of this.mediaStream.getTracks().filter((t) => t.kind === track.kind)) {
        this.mediaStream.removeTrack(old);
      }
      this.mediaStream.addTrack(track);
      // Re-assigning srcObject makes the element pick up a track added after it started playing.
      this.element.srcObject = this.mediaStream;
      if (!this.#connectedEmitted) {
        this.#connectedEmitted = true;
        this.emit('connected', { stream: this.stream });
      }
    };
    if (link.mediaMode === 'relayed') {
      this.#pc.onicecandidate = (ev) => {
        this.#link.send('candidate', {
          to: stream.connection.connectionId,
          streamId: stream.streamId,
          candidate: ev.candidate ? ev.candidate.toJSON() : null,
        });
      };
    }
    this.#pc.onconnectionstatechange = () => {
      this.emit('connectionStateChanged', { state: this.#pc.connectionState });
    };
    if (link.mediaMode === 'routed') {
      this.#iceRestarter = new IceRestarter(this.#pc, {
        restart: () => this.#restartRouterIce(),
        alive: () => !this.#destroyed,
        reconnecting: (attempt, reason) => this.emit('reconnecting', { stream: this.stream, attempt, reason }),
        reconnected: () => this.emit('reconnected', { stream: this.stream }),
        reconnectFailed: (error) => this.emit('reconnectFailed', { stream: this.stream, error }),
      });
    }
  }

  get isSubscribedToAudio(): boolean {
    return this.#audio;
  }

  get isSubscribedToVideo(): boolean {
    return this.#video;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#pc.connectionState;
  }

  async subscribeToAudio(enabled: boolean): Promise<void> {
    await this.#toggle('audio', enabled);
  }

  async subscribeToVideo(enabled: boolean): Promise<void> {
    await this.#toggle('video', enabled);
  }

  async getStats(): Promise<MediaStats> {
    return collectStats([this.#pc], 'inbound');
  }

  // Routed sessions: the highest simulcast layer to receive ('high' until set). The router switches at
  // the new layer's next keyframe, so the picture changes within about a second and never breaks; it
  // sends a lower layer meanwhile if the publisher stops sending this one. Throws NotSimulcastError
  // when the stream was published without simulcast, MediaModeError in a relayed session.
  async setPreferredLayer(layer: SimulcastLayer): Promise<void> {
    if (layer !== 'low' && layer !== 'medium' && layer !== 'high') {
      throw new UmbraError('InvalidParameterError', "layer must be 'low', 'medium' or 'high'");
    }
    if (this.#destroyed) throw new UmbraError('InvalidStateError', 'this subscriber was destroyed');
    await this.#link.request('updateSubscription', { streamId: this.stream.streamId, preferredLayer: layer });
    this.#preferredLayer = layer;
  }

  get preferredLayer(): SimulcastLayer {
    return this.#preferredLayer;
  }

  // Restarts ICE now (RFC 8445 section 9): new credentials and candidates, same subscription. Routed
  // sessions do this on their own when the link to the router breaks; call it when you know the network
  // changed. Resolves once the new offer/answer is applied (`reconnected` follows when ICE is
  // connected). In relayed sessions the publisher's side restarts (MediaModeError here).
  async restartIce(): Promise<void> {
    if (this.#destroyed) throw new UmbraError('InvalidStateError', 'this subscriber was destroyed');
    if (this.#iceRestarter === null) {
      throw new UmbraError('MediaModeError', 'in relayed sessions the publisher restarts ICE', 'routed_required');
    }
    return this.#iceRestarter.restartNow();
  }

  // Routed ICE restart (docs/protocol.md 3.13): the router offers again with new credentials, we answer
  // with ours. Serialized with the other steps on this peer connection.
  #restartRouterIce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.run(
        async () => {
          if (this.#destroyed) throw new UmbraError('InvalidStateError', 'this subscriber was destroyed');
          if (this.#pc.remoteDescription === null || this.#pc.signalingState !== 'stable') {
            throw new UmbraError('InvalidStateError', 'the subscription is still being negotiated');
          }
          const response = await this.#link.request('restartIce', { streamId: this.stream.streamId });
          const sdp = response['sdp'];
          if (typeof sdp !== 'string') throw new UmbraError('NegotiationFailedError', 'the router sent no offer');
          try {
            await this.#pc.setRemoteDescription({ type: 'offer', sdp });
            await this.#pc.setLocalDescription(await this.#pc.createAnswer());
          } catch (err) {
            throw new UmbraError('NegotiationFailedError', `the router's restart offer could not be answered: ${String(err)}`);
          }
          await this.#link.request('restartIceAnswer', {
            streamId: this.stream.streamId,
            sdp: this.#pc.localDescription?.sdp,
          });
          resolve();
        },
        (err) => reject(err),
      );
    });
  }

  async #toggle(kind: 'audio' | 'video', enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean') throw new UmbraError('InvalidParameterError', 'pass true or false');
    if (this.#destroyed) throw new UmbraError('InvalidStateError', 'this subscriber was destroyed');
    if (kind === 'audio') this.#audio = enabled;
    else this.#video = enabled;
    for (const track of this.mediaStream.getTracks()) {
      if (track.kind === kind) track.enabled = enabled;
    }
    await this.#link.request('updateSubscription', {
      streamId: this.stream.streamId,
      audio: this.#audio,
      video: this.#video,
    });
  }

  // --- called by Session ---------------------------------------------------------------------------

  // Routed: answer the router's offer from the `subscribe` response.
  async _answerRouter(offerSdp: string): Promise<void> {
    try {
      await this.#pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const answer = await this.#pc.createAnswer();
      await this.#pc.setLocalDescription(answer);
    } catch (err) {
      throw new UmbraError('NegotiationFailedError', `the router's offer could not be answered: ${String(err)}`);
    }
    await this.#link.request('subscribeAnswer', {
      streamId: this.stream.streamId,
      sdp: this.#pc.localDescription?.sdp,
    });
  }

  // Relayed: the publisher offered (first time or an ICE restart).
  _onOffer(sdp: string): void {
    this.#queue.run(
      async () => {
        if (this.#destroyed) return;
        await this.#pc.setRemoteDescription({ type: 'offer', sdp });
        const answer = await this.#pc.createAnswer();
        await this.#pc.setLocalDescription(answer);
        for (const c of this.#pendingCandidates) await this.#pc.addIceCandidate(c ?? undefined).catch(() => {});
        this.#pendingCandidates = [];
        await this.#link.request('answer', {
          to: this.stream.connection.connectionId,
          streamId: this.stream.streamId,
          sdp: this.#pc.localDescription?.sdp ?? answer.sdp,
        });
      },
      (err) => {
        if (!this.#destroyed) console.warn('umbra: answering the publisher failed', err);
      },
    );
  }

  _onCandidate(candidate: RTCIceCandidateInit | null): void {
    this.#queue.run(
      async () => {
        if (this.#destroyed) return;
        if (this.#pc.remoteDescription === null) {
          this.#pendingCandidates.push(candidate);
          return;
        }
        await this.#pc.addIceCandidate(candidate ?? undefined);
      },
      () => {
        /* a candidate from an older ICE generation; harmless */
      },
    );
  }

  _destroy(reason: string, error?: UmbraError): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#iceRestarter?.stop();
    this.#pc.close();
    for (const track of this.mediaStream.getTracks()) track.stop();
    this.element.srcObject = null;
    this.emit('destroyed', error ? { stream: this.stream, reason, error } : { stream: this.stream, reason });
  }
}
