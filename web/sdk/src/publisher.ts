// A published stream: the local camera/microphone (or screen) tracks, the <video> preview, and the
// peer connections that carry them. Relayed sessions open one RTCPeerConnection per subscriber (this side
// offers, docs/protocol.md 3.7); routed sessions one to the media router (the offer rides on `publish`).
import { preferE2eeCodecs } from './e2ee-hook.js';
import { UmbraError, errorFromMedia } from './errors.js';
import { Emitter } from './events.js';
import { IceRestarter } from './ice-restart.js';
import { type SessionLink, TaskQueue, rtcConfig } from './link.js';
import { type MediaStats, collectStats } from './stats.js';
import type { Stream, VideoDimensions, VideoType } from './stream.js';

export interface PublishOptions {
  // Shown to others as stream.name (at most 256 characters).
  name?: string;
  // true (default for camera): the default microphone; false/null: no audio; or a track you made.
  audioSource?: boolean | MediaStreamTrack | null;
  // true (default): the camera; 'screen': screen sharing via getDisplayMedia (videoType "screen");
  // false/null: no video; or a track you made (a canvas, a file).
  videoSource?: boolean | 'screen' | MediaStreamTrack | null;
  audioDeviceId?: string;
  videoDeviceId?: string;
  // Overrides the videoType others see (default "screen" for videoSource 'screen', else "camera").
  videoType?: VideoType;
  resolution?: VideoDimensions;
  frameRate?: number;
  // Start muted / with the camera off (the tracks exist, nothing is sent until enabled).
  publishAudio?: boolean;
  publishVideo?: boolean;
  // Reuse an existing <video> element for the preview.
  element?: HTMLVideoElement;
  // Routed sessions: send the camera as three VP8 layers (quarter, half and full resolution) so the
  // router can give each subscriber the one it asks for (subscriber.setPreferredLayer). Ignored in
  // relayed sessions. End-to-end encryption encrypts every layer alike.
  simulcast?: boolean;
}

// The simulcast layers, lowest first as the router expects them (docs/protocol.md 3.6): rid, scale,
// and a bitrate cap that suits 1280x720 at 30 fps.
const kSimulcastEncodings: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

// The router switches layers at keyframes it must recognise: VP8 first (E2EE keeps only VP8 anyway).
function preferVp8(transceiver: RTCRtpTransceiver): void {
  const codecs = typeof RTCRtpSender.getCapabilities === 'function' ? RTCRtpSender.getCapabilities('video') : null;
  if (codecs === null || typeof transceiver.setCodecPreferences !== 'function') return;
  const vp8 = codecs.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
  const rest = codecs.codecs.filter((c) => c.mimeType.toLowerCase() !== 'video/vp8');
  if (vp8.length > 0) transceiver.setCodecPreferences([...vp8, ...rest]);
}

export interface PublisherEvents {
  // The stream is live on the server; `stream` is also available as publisher.stream.
  streamCreated: { stream: Stream };
  // The stream ended: unpublished, the session ended, or the screen share was stopped in the browser UI.
  // Routed: reason `mediaFailed` when the router lost the media path (ICE consent expired, DTLS failed);
  // the server has destroyed the stream for everyone, publish again to come back.
  streamDestroyed: { stream: Stream | null; reason: string };
  // A moderator muted this publisher's audio (docs/protocol.md 3.9).
  forceMuted: { stream: Stream };
  // A subscriber's media link changed state (relayed) or the router link did (routed).
  connectionStateChanged: { connectionId: string | null; state: RTCPeerConnectionState };
  // Routed: the link to the router broke (ICE "failed", or "disconnected" for 3 s) or restartIce() was
  // called, and an ICE restart is under way (attempt 1, 2, 3). The stream stays published meanwhile.
  reconnecting: { stream: Stream | null; attempt: number; reason: 'failed' | 'disconnected' | 'requested' };
  // Routed: ICE is connected again after a restart; the media goes on over the new path.
  reconnected: { stream: Stream | null };
  // Routed: the restarts did not help (or the server refused them). If the path stays broken the
  // router ends the stream with streamDestroyed `mediaFailed`.
  reconnectFailed: { stream: Stream | null; error: UmbraError };
}

const kMaxNameLength = 256;

export class Publisher extends Emitter<PublisherEvents> {
  readonly element: HTMLVideoElement;
  readonly mediaStream: MediaStream;
  readonly videoType: VideoType;
  stream: Stream | null = null;

  readonly #link: SessionLink;
  readonly #name: string;
  #audioTrack: MediaStreamTrack | null;
  #videoTrack: MediaStreamTrack | null;
  #audioEnabled: boolean;
  #videoEnabled: boolean;
  // Relayed: subscriber connectionId → its peer connection. Routed: the single key "router".
  readonly #peers = new Map<string, { pc: RTCPeerConnection; queue: TaskQueue }>();
  readonly #simulcast: boolean;
  #iceRestarter: IceRestarter | null = null;
  #destroyed = false;

  private constructor(
    link: SessionLink,
    name: string,
    media: MediaStream,
    videoType: VideoType,
    options: PublishOptions,
  ) {
    super();
    this.#link = link;
    this.#name = name;
    this.mediaStream = media;
    this.videoType = videoType;
    this.#audioTrack = media.getAudioTracks()[0] ?? null;
    this.#videoTrack = media.getVideoTracks()[0] ?? null;
    this.#audioEnabled = this.#audioTrack !== null && options.publishAudio !== false;
    this.#videoEnabled = this.#videoTrack !== null && options.publishVideo !== false;
    this.#simulcast = options.simulcast === true;
    if (this.#audioTrack) this.#audioTrack.enabled = this.#audioEnabled;
    if (this.#videoTrack) this.#videoTrack.enabled = this.#videoEnabled;
    this.element = options.element ?? document.createElement('video');
    this.element.autoplay = true;
    this.element.playsInline = true;
    this.element.muted = true; // never play your own microphone back
    this.element.srcObject = media;
    this.element.dataset['umbraPublisher'] = '';
    // The browser's "Stop sharing" button ends the track; the stream must go with it.
    this.#videoTrack?.addEventListener('ended', () => {
      if (this.videoType === 'screen' && !this.#destroyed) this.#onTrackEnded();
    });
  }

  // Session.publish() calls this; applications use session.publish(options).
  static async _create(link: SessionLink, options: PublishOptions): Promise<Publisher> {
    const name = options.name ?? '';
    if (typeof name !== 'string' || name.length > kMaxNameLength) {
      throw new UmbraError('InvalidParameterError', `name must be a string of at most ${kMaxNameLength} characters`);
    }
    if (options.simulcast !== undefined && typeof options.simulcast !== 'boolean') {
      throw new UmbraError('InvalidParameterError', 'simulcast must be true or false');
    }
    const screen = options.videoSource === 'screen';
    const videoType: VideoType = options.videoType ?? (screen ? 'screen' : 'camera');
    if (videoType !== 'camera' && videoType !== 'screen') {
      throw new UmbraError('InvalidParameterError', 'videoType must be "camera" or "screen"');
    }
    const media = await acquireMedia(options, screen);
    if (media.getTracks().length === 0) {
      throw new UmbraError('InvalidParameterError', 'nothing to publish: both audioSource and videoSource are off');
    }
    return new Publisher(link, name, media, videoType, options);
  }

  get hasAudioTrack(): boolean {
    return this.#audioTrack !== null;
  }

  get hasVideoTrack(): boolean {
    return this.#videoTrack !== null;
  }

  get isPublishingAudio(): boolean {
    return this.#audioEnabled;
  }

  get isPublishingVideo(): boolean {
    return this.#videoEnabled;
  }

  // Mutes/unmutes the microphone for everyone (others get streamPropertyChanged hasAudio).
  async publishAudio(enabled: boolean): Promise<void> {
    await this.#toggle('audio', enabled);
  }

  // Turns the camera (or screen) on/off for everyone (streamPropertyChanged hasVideo).
  async publishVideo(enabled: boolean): Promise<void> {
    await this.#toggle('video', enabled);
  }

  async getStats(): Promise<MediaStats> {
    return collectStats(
      [...this.#peers.values()].map((p) => p.pc),
      'outbound',
    );
  }

  // Per-subscriber stats in relayed sessions (connectionId → stats).
  async getStatsBySubscriber(): Promise<Map<string, MediaStats>> {
    const out = new Map<string, MediaStats>();
    for (const [id, peer] of this.#peers) out.set(id, await collectStats([peer.pc], 'outbound'));
    return out;
  }

  async #toggle(kind: 'audio' | 'video', enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean') throw new UmbraError('InvalidParameterError', 'pass true or false');
    const track = kind === 'audio' ? this.#audioTrack : this.#videoTrack;
    if (track === null) {
      if (!enabled) return;
      throw new UmbraError('InvalidStateError', `this publisher has no ${kind} track to turn on`);
    }
    const current = kind === 'audio' ? this.#audioEnabled : this.#videoEnabled;
    if (current === enabled) return;
    track.enabled = enabled;
    if (kind === 'audio') this.#audioEnabled = enabled;
    else this.#videoEnabled = enabled;
    const stream = this.stream;
    if (stream === null || this.#destroyed) return;
    const field = kind === 'audio' ? 'hasAudio' : 'hasVideo';
    stream[field] = enabled;
    await this.#link.request('updateStream', { streamId: stream.streamId, [field]: enabled });
  }

  // Restarts ICE now (RFC 8445 section 9): new credentials and candidates, same stream, same DTLS.
  // Routed sessions do this on their own when the link to the router breaks; call it when you know
  // the network changed. Relayed sessions re-offer to every subscriber with an ICE restart. Resolves
  // once the new offer/answer is applied (routed: `reconnected` follows when ICE is connected).
  async restartIce(): Promise<void> {
    if (this.#destroyed || this.stream === null) {
      throw new UmbraError('InvalidStateError', 'this publisher is not published');
    }
    if (this.#iceRestarter !== null) return this.#iceRestarter.restartNow();
    for (const [id, peer] of this.#peers) {
      peer.queue.run(
        () => this.#offer(id, peer.pc, true),
        (err) => this.#negotiationFailed(id, err),
      );
    }
  }

  // --- called by Session ---------------------------------------------------------------------------

  _streamInfo(): Record<string, unknown> {
    const settings = this.#videoTrack?.getSettings();
    const dims =
      settings?.width !== undefined && settings.height !== undefined
        ? { width: Math.round(settings.width), height: Math.round(settings.height) }
        : null;
    return {
      name: this.#name,
      hasAudio: this.#audioEnabled,
      hasVideo: this.#videoEnabled,
      videoType: this.videoType,
      videoDimensions: this.#videoEnabled ? dims : null,
    };
  }

  // Routed: the offer that rides on `publish`; the answer comes back in its response.
  async _createRouterOffer(): Promise<string> {
    const peer = this.#newPeer('router', null);
    this.#iceRestarter = new IceRestarter(peer.pc, {
      restart: () => this.#restartRouterIce(peer.pc),
      alive: () => !this.#destroyed && this.stream !== null,
      reconnecting: (attempt, reason) => this.emit('reconnecting', { stream: this.stream, attempt, reason }),
      reconnected: () => this.emit('reconnected', { stream: this.stream }),
      reconnectFailed: (error) => this.emit('reconnectFailed', { stream: this.stream, error }),
    });
    const offer = await peer.pc.createOffer();
    await peer.pc.setLocalDescription(offer);
    return peer.pc.localDescription?.sdp ?? offer.sdp ?? '';
  }

  async _acceptRouterAnswer(sdp: string): Promise<void> {
    const peer = this.#peers.get('router');
    if (!peer) throw new UmbraError('InternalError', 'no router peer connection to answer');
    try {
      await peer.pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (err) {
      throw new UmbraError('NegotiationFailedError', `the router's answer was refused: ${String(err)}`);
    }
  }

  _published(stream: Stream): void {
    this.stream = stream;
    this.emit('streamCreated', { stream });
  }

  // Relayed: a subscriber asked for this stream; offer to it.
  _addSubscriber(connectionId: string): void {
    if (this.#destroyed || this.stream === null) return;
    this.#peers.get(connectionId)?.pc.close();
    const peer = this.#newPeer(connectionId, connectionId);
    peer.queue.run(
      () => this.#offer(connectionId, peer.pc, false),
      (err) => this.#negotiationFailed(connectionId, err),
    );
  }

  _removeSubscriber(connectionId: string): void {
    const peer = this.#peers.get(connectionId);
    if (!peer) return;
    peer.pc.close();
    this.#peers.delete(connectionId);
  }

  _onAnswer(from: string, sdp: string): void {
    const peer = this.#peers.get(from);
    if (!peer) return;
    peer.queue.run(
      async () => {
        if (peer.pc.signalingState !== 'have-local-offer') return; // a stale answer
        await peer.pc.setRemoteDescription({ type: 'answer', sdp });
      },
      (err) => this.#negotiationFailed(from, err),
    );
  }

  _onCandidate(from: string, candidate: RTCIceCandidateInit | null): void {
    const peer = this.#peers.get(from);
    if (!peer) return;
    peer.queue.run(
      async () => {
        if (peer.pc.remoteDescription === null) return; // an ICE restart offer is still unanswered
        await peer.pc.addIceCandidate(candidate ?? undefined);
      },
      () => {
        /* a candidate from an older ICE generation; harmless */
      },
    );
  }

  // After a signaling resume: media links that broke (or whose offer/answer was lost while the socket was
  // down) get an ICE restart offer (docs/protocol.md section 5).
  _afterResume(): void {
    for (const [id, peer] of this.#peers) {
      if (id === 'router') continue;
      const s = peer.pc.connectionState;
      const stuck = peer.pc.signalingState !== 'stable' || (s !== 'connected' && s !== 'connecting');
      if (!stuck) continue;
      peer.queue.run(
        () => this.#offer(id, peer.pc, true),
        (err) => this.#negotiationFailed(id, err),
      );
    }
  }

  _forceMuted(): void {
    if (this.#audioTrack) this.#audioTrack.enabled = false;
    this.#audioEnabled = false;
    if (this.stream) {
      this.stream.hasAudio = false;
      this.emit('forceMuted', { stream: this.stream });
    }
  }

  _propertyChanged(property: string, value: unknown): void {
    if (!this.stream) return;
    if (property === 'hasAudio' && typeof value === 'boolean') {
      this.stream.hasAudio = value;
      if (!value && this.#audioTrack) {
        this.#audioTrack.enabled = false;
        this.#audioEnabled = false;
      }
    } else if (property === 'hasVideo' && typeof value === 'boolean') {
      this.stream.hasVideo = value;
    }
  }

  // Ends everything local: peer connections, tracks, preview.
  _destroy(reason: string): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#iceRestarter?.stop();
    for (const peer of this.#peers.values()) peer.pc.close();
    this.#peers.clear();
    for (const track of this.mediaStream.getTracks()) track.stop();
    this.element.srcObject = null;
    this.emit('streamDestroyed', { stream: this.stream, reason });
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  // Set by Session: called when the screen-share track ends so the stream is unpublished.
  _onEnded: (() => void) | null = null;

  #onTrackEnded(): void {
    this._onEnded?.();
  }

  #newPeer(key: string, remote: string | null): { pc: RTCPeerConnection; queue: TaskQueue } {
    const pc = new RTCPeerConnection(rtcConfig(this.#link));
    const queue = new TaskQueue();
    const streamId = this.stream?.streamId ?? '';
    for (const track of [this.#audioTrack, this.#videoTrack]) {
      if (track === null) continue;
      // Simulcast goes to the router only (key 'router'): a relayed subscriber takes one encoding.
      const simulcast = this.#simulcast && key === 'router' && track.kind === 'video';
      const transceiver = pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [this.mediaStream],
        ...(simulcast ? { sendEncodings: kSimulcastEncodings.map((e) => ({ ...e })) } : {}),
      });
      if (simulcast) preferVp8(transceiver);
      const e2ee = this.#link.e2ee;
      if (e2ee) {
        const kind = track.kind === 'audio' ? 'audio' : 'video';
        preferE2eeCodecs(transceiver, kind);
        e2ee.attachSender(transceiver.sender, kind, streamId);
      }
    }
    if (remote !== null) {
      pc.onicecandidate = (ev) => {
        this.#link.send('candidate', {
          to: remote,
          streamId: this.stream?.streamId,
          candidate: ev.candidate ? ev.candidate.toJSON() : null,
        });
      };
    }
    pc.onconnectionstatechange = () => {
      this.emit('connectionStateChanged', { connectionId: remote, state: pc.connectionState });
    };
    this.#peers.set(key, { pc, queue });
    return { pc, queue };
  }

  async #offer(to: string, pc: RTCPeerConnection, iceRestart: boolean): Promise<void> {
    if (pc.signalingState === 'closed' || this.stream === null) return;
    if (pc.signalingState === 'have-local-offer' && iceRestart) {
      await pc.setLocalDescription({ type: 'rollback' });
    }
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    await this.#link.request('offer', {
      to,
      streamId: this.stream.streamId,
      sdp: pc.localDescription?.sdp ?? offer.sdp,
    });
  }

  // Routed ICE restart (docs/protocol.md 3.13): our offer with new credentials, the router's answer
  // with its new ones. On any failure the old description is restored, so the old path (if it still
  // works) keeps carrying media.
  async #restartRouterIce(pc: RTCPeerConnection): Promise<void> {
    const stream = this.stream;
    if (stream === null || pc.signalingState === 'closed') {
      throw new UmbraError('InvalidStateError', 'this publisher is not published');
    }
    if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
    const offer = await pc.createOffer({ iceRestart: true });
    await pc.setLocalDescription(offer);
    try {
      const response = await this.#link.request('restartIce', {
        streamId: stream.streamId,
        sdp: pc.localDescription?.sdp ?? offer.sdp,
      });
      const sdp = response['sdp'];
      if (typeof sdp !== 'string') throw new UmbraError('NegotiationFailedError', 'the router sent no answer');
      await pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (err) {
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
      if (err instanceof UmbraError) throw err;
      throw new UmbraError('NegotiationFailedError', `the router's restart answer was refused: ${String(err)}`);
    }
  }

  #negotiationFailed(connectionId: string, err: unknown): void {
    if (this.#destroyed) return;
    console.warn(`umbra: negotiation with ${connectionId} failed`, err);
  }
}

async function acquireMedia(options: PublishOptions, screen: boolean): Promise<MediaStream> {
  const tracks: MediaStreamTrack[] = [];
  const audio = options.audioSource ?? !screen;
  const video = options.videoSource ?? true;
  const stopAll = () => tracks.forEach((t) => t.stop());

  const videoConstraints: MediaTrackConstraints = {};
  if (options.resolution) {
    videoConstraints.width = { ideal: options.resolution.width };
    videoConstraints.height = { ideal: options.resolution.height };
  }
  if (options.frameRate !== undefined) videoConstraints.frameRate = { ideal: options.frameRate };

  if (video instanceof MediaStreamTrack) {
    tracks.push(video);
  } else if (screen) {
    if (!navigator.mediaDevices?.getDisplayMedia) {
      throw new UmbraError('ScreenShareNotSupportedError', 'this browser cannot share the screen');
    }
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: videoConstraints, audio: false });
      tracks.push(...display.getVideoTracks());
    } catch (err) {
      throw errorFromMedia(err, 'screen');
    }
  }

  const wantMicrophone = audio === true;
  const wantCamera = video === true;
  if (wantMicrophone || wantCamera) {
    if (!navigator.mediaDevices?.getUserMedia) {
      stopAll();
      throw new UmbraError('MediaAccessDeniedError', 'camera and microphone need a secure context (https)');
    }
    try {
      const constraints: MediaStreamConstraints = {
        audio: wantMicrophone ? (options.audioDeviceId ? { deviceId: { exact: options.audioDeviceId } } : true) : false,
        video: wantCamera
          ? {
              ...videoConstraints,
              ...(options.videoDeviceId ? { deviceId: { exact: options.videoDeviceId } } : {}),
            }
          : false,
      };
      const user = await navigator.mediaDevices.getUserMedia(constraints);
      tracks.push(...user.getTracks());
    } catch (err) {
      stopAll();
      throw errorFromMedia(err, wantCamera && wantMicrophone ? 'camera and microphone' : wantCamera ? 'camera' : 'microphone');
    }
  }
  if (audio instanceof MediaStreamTrack) tracks.push(audio);
  return new MediaStream(tracks);
}
