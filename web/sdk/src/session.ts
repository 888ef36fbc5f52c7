// A Session is one client connection to one Umbra session: the signaling socket (and its resumption),
// the mirror of who is in the session and what they publish, and the Publishers and Subscribers this
// client owns. Wire messages are docs/protocol.md; the public surface is documented in docs/web-sdk.md.
import { type Archive, isRunning, parseArchive } from './archive.js';
import { SessionE2ee } from './e2ee-hook.js';
import { normalizeSecret } from './e2ee/secret.js';
import { UmbraError, errorFromServer } from './errors.js';
import { Emitter } from './events.js';
import type { SessionLink } from './link.js';
import { type PublishOptions, Publisher } from './publisher.js';
import { type Message, SignalingChannel } from './signaling.js';
import {
  type Connection,
  type MediaMode,
  type SessionInfo,
  type Stream,
  parseConnection,
  parseDimensions,
  parseSessionInfo,
  parseStream,
} from './stream.js';
import { type SubscribeOptions, Subscriber } from './subscriber.js';

export const SDK_VERSION = '0.1.0';

export interface SessionOptions {
  // Where `umbra serve` runs, e.g. "https://video.example.com". Default: the page's origin.
  serverUrl?: string;
  // E2EE sessions only (DESIGN.md section 4): the secret everyone in the call shares.
  encryptionSecret?: string;
  // Extra STUN/TURN servers for relayed sessions (added to the ones the server announces).
  iceServers?: RTCIceServer[];
}

export type SessionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export type DisconnectReason =
  | 'clientDisconnected' // you called disconnect()
  | 'networkDisconnected' // the link stayed down past the resume window
  | 'forceDisconnected' // a moderator or the REST API removed you
  | 'policyViolation' // the server closed the link for flooding or protocol abuse
  | 'sessionDeleted'; // the session was deleted

export interface SignalEvent {
  type: string;
  data: string;
  // null for signals sent through the REST API.
  from: Connection | null;
}

export interface SessionEvents {
  sessionConnected: { connection: Connection; session: SessionInfo };
  sessionDisconnected: { reason: DisconnectReason | string };
  connectionCreated: { connection: Connection };
  connectionDestroyed: { connection: Connection; reason: string };
  streamCreated: { stream: Stream };
  streamDestroyed: { stream: Stream; reason: string };
  streamPropertyChanged: {
    stream: Stream;
    changedProperty: 'hasAudio' | 'hasVideo' | 'videoDimensions' | 'name';
    oldValue: unknown;
    newValue: unknown;
  };
  signal: SignalEvent;
  // The signaling link dropped; the SDK is resuming (media keeps flowing meanwhile when it can).
  reconnecting: Record<string, never>;
  // The link is back with the same connection and streams.
  reconnected: Record<string, never>;
  // A moderator muted one of your streams (also emitted on that Publisher).
  forceMuted: { stream: Stream };
  // E2EE: a subscribed stream cannot be opened with our secret / can again (also on the Subscriber).
  encryptionSecretMismatch: { stream: Stream };
  encryptionSecretMatch: { stream: Stream };
  // The session is being recorded (docs/archiving.md): show it. Also emitted after a resume when an
  // archive started while the link was down.
  archiveStarted: { archive: Archive };
  // The recording ended: `archive.status` is "stopping" (the server is still finishing the files),
  // "stopped" or "failed"; `archive.reason` says why ("requested", "last_stream_left", "session_ended",
  // "storage_failed", "interrupted"; null when the router could not start it) and `archive.error` what
  // failed. After a resume, an archive that ended while the link was down is reported with the last
  // state we knew and reason null (GET /v1/archives/{id} has the details).
  archiveStopped: { archive: Archive };
  // Something went wrong in the background that the application may want to show (never thrown).
  exception: { error: UmbraError };
}

// `signal:<type>` events are emitted besides `signal`, OpenTok-style.
type AllSessionEvents = SessionEvents & { [K in `signal:${string}`]: SignalEvent };

export interface SignalOptions {
  type?: string;
  data?: string;
  // Omit for everyone in the session (including you); or one or more connections / connection ids.
  to?: Connection | string | (Connection | string)[];
}

const kMaxSignalType = 128;
const kMaxSignalData = 8192;
const kMaxBackoffMs = 4000;

export class Session extends Emitter<AllSessionEvents> {
  readonly sessionId: string;
  readonly #serverUrl: string;
  readonly #extraIceServers: RTCIceServer[];
  #encryptionSecret: string | undefined;

  #state: SessionState = 'disconnected';
  #channel: SignalingChannel | null = null;
  #connection: Connection | null = null;
  #info: SessionInfo | null = null;
  #iceServers: RTCIceServer[] = [];
  #resumeToken = '';
  #resumeWindowMs = 30_000;
  #heartbeatMs = 10_000;
  #e2ee: SessionE2ee | null = null;
  #archive: Archive | null = null;
  // Resolves when a reconnect finishes (or rejects when it gives up); requests made meanwhile wait on it.
  #reconnected: Promise<void> | null = null;

  readonly #connections = new Map<string, Connection>();
  readonly #streams = new Map<string, Stream>();
  readonly #publishers = new Map<string, Publisher>(); // by streamId
  readonly #subscribers = new Map<string, Subscriber>(); // by streamId

  constructor(sessionId: string, options: SessionOptions = {}) {
    super();
    if (typeof sessionId !== 'string' || sessionId === '') {
      throw new UmbraError('InvalidParameterError', 'initSession needs a session id');
    }
    this.sessionId = sessionId;
    this.#serverUrl = options.serverUrl ?? globalThis.location?.origin ?? '';
    this.#extraIceServers = options.iceServers ?? [];
    this.#encryptionSecret = options.encryptionSecret;
  }

  // --- state ---------------------------------------------------------------------------------------

  get state(): SessionState {
    return this.#state;
  }

  get isConnected(): boolean {
    return this.#state === 'connected' || this.#state === 'reconnecting';
  }

  // This client's connection (null before connect()).
  get connection(): Connection | null {
    return this.#connection;
  }

  get info(): SessionInfo | null {
    return this.#info;
  }

  get mediaMode(): MediaMode | null {
    return this.#info?.mediaMode ?? null;
  }

  // The archive recording this session right now, or null. Set from `joined` and the archive events,
  // kept across a resume (and corrected from the server's snapshot then).
  get archive(): Archive | null {
    return this.#archive;
  }

  get connections(): Connection[] {
    return [...this.#connections.values()];
  }

  get streams(): Stream[] {
    return [...this.#streams.values()];
  }

  get publishers(): Publisher[] {
    return [...this.#publishers.values()];
  }

  get subscribers(): Subscriber[] {
    return [...this.#subscribers.values()];
  }

  getStream(streamId: string): Stream | undefined {
    return this.#streams.get(streamId) ?? this.#publishers.get(streamId)?.stream ?? undefined;
  }

  getConnection(connectionId: string): Connection | undefined {
    if (this.#connection?.connectionId === connectionId) return this.#connection;
    return this.#connections.get(connectionId);
  }

  // --- connect / disconnect ------------------------------------------------------------------------

  async connect(token: string): Promise<void> {
    if (typeof token !== 'string' || token === '') {
      throw new UmbraError('InvalidParameterError', 'connect needs a client token');
    }
    if (this.#state !== 'disconnected') {
      throw new UmbraError('AlreadyConnectedError', `the session is already ${this.#state}`);
    }
    // An unusable secret is refused before joining, so nobody briefly sees a participant who cannot decrypt.
    if (this.#encryptionSecret !== undefined) normalizeSecret(this.#encryptionSecret);
    this.#state = 'connecting';
    let channel: SignalingChannel | null = null;
    try {
      channel = await this.#openChannel();
      const joined = await channel.request('join', { token, sdk: { name: 'umbra-js', version: SDK_VERSION } });
      if (this.#state !== 'connecting') {
        // disconnect() was called while joining: leave at once instead of lingering for the resume window.
        await channel.request('leave', {}, 3000).catch(() => {});
        throw new UmbraError('NotConnectedError', 'disconnect() was called while connecting');
      }
      const info = parseSessionInfo(joined['session'], this.sessionId);
      if (info.sessionId !== this.sessionId) {
        throw new UmbraError(
          'InvalidTokenError',
          `the token is for session ${info.sessionId}, not ${this.sessionId}`,
          'invalid_token',
        );
      }
      if (info.e2ee) {
        this.#e2ee = new SessionE2ee(this.sessionId);
        if (this.#encryptionSecret !== undefined) await this.#e2ee.setEncryptionSecret(this.#encryptionSecret);
      }
      this.#channel = channel;
      this.#info = info;
      this.#acceptJoined(joined);
      this.#state = 'connected';
      channel.startHeartbeat(this.#heartbeatMs);
    } catch (err) {
      channel?.close();
      this.#e2ee?.close();
      this.#e2ee = null;
      this.#archive = null;
      this.#state = 'disconnected';
      throw err;
    }
    this.emit('sessionConnected', { connection: this.#connection!, session: this.#info });
    // Everyone already here, as if they had just arrived (so one handler builds the UI).
    for (const connection of this.#connections.values()) this.emit('connectionCreated', { connection });
    for (const stream of this.#streams.values()) this.emit('streamCreated', { stream });
    // A recording already running, as if it had just started (the same handler shows the indicator).
    if (this.#archive !== null) this.emit('archiveStarted', { archive: this.#archive });
  }

  // Leaves the session: unpublishes, unsubscribes and closes the link. Others see clientDisconnected.
  async disconnect(): Promise<void> {
    if (this.#state === 'disconnected') return;
    const channel = this.#channel;
    if (channel?.isOpen) {
      await channel.request('leave', {}, 3000).catch(() => {});
    }
    this.#terminate('clientDisconnected');
  }

  // --- publish / subscribe -------------------------------------------------------------------------

  async publish(options: PublishOptions = {}): Promise<Publisher> {
    this.#requireConnected('publish');
    if (this.#connection!.role === 'subscriber') {
      throw new UmbraError('PermissionDeniedError', 'a subscriber token cannot publish', 'forbidden');
    }
    this.#requireSecret('publish');
    const publisher = await Publisher._create(this.#link, options);
    try {
      const fields: Record<string, unknown> = { stream: publisher._streamInfo() };
      if (this.mediaMode === 'routed') fields['sdp'] = await publisher._createRouterOffer();
      const response = await this.#request('publish', fields);
      const streamId = response['streamId'];
      if (typeof streamId !== 'string' || streamId === '') {
        throw new UmbraError('InternalError', 'the server did not return a stream id');
      }
      if (this.mediaMode === 'routed') {
        const sdp = response['sdp'];
        if (typeof sdp !== 'string') throw new UmbraError('NegotiationFailedError', 'the router sent no answer');
        await publisher._acceptRouterAnswer(sdp);
      }
      const stream = parseStream(
        { ...publisher._streamInfo(), streamId, connectionId: this.#connection!.connectionId, createdAt: Date.now() },
        () => this.#connection!,
      )!;
      this.#publishers.set(streamId, publisher);
      publisher._onEnded = () => {
        this.unpublish(publisher).catch(() => {});
      };
      publisher._published(stream);
      return publisher;
    } catch (err) {
      publisher._destroy('publishFailed');
      throw err;
    }
  }

  async unpublish(publisher: Publisher): Promise<void> {
    const stream = publisher.stream;
    if (stream === null || !this.#publishers.has(stream.streamId)) {
      publisher._destroy('unpublished');
      return;
    }
    this.#publishers.delete(stream.streamId);
    // The server hears of it before the peer connection closes: in routed sessions the router reports a
    // closed transport on its own, and a close that won the race would read as `mediaFailed`.
    try {
      if (this.isConnected) await this.#request('unpublish', { streamId: stream.streamId });
    } finally {
      publisher._destroy('unpublished');
    }
  }

  async subscribe(stream: Stream | string, options: SubscribeOptions = {}): Promise<Subscriber> {
    this.#requireConnected('subscribe');
    const s = typeof stream === 'string' ? this.#streams.get(stream) : stream;
    if (s === undefined || !this.#streams.has(s.streamId)) {
      throw new UmbraError('NotFoundError', 'that stream is not (or no longer) in this session', 'not_found');
    }
    if (this.#connection!.role === 'publisheronly') {
      throw new UmbraError('PermissionDeniedError', 'a publisheronly token cannot subscribe', 'forbidden');
    }
    if (this.#subscribers.has(s.streamId)) {
      throw new UmbraError('ConflictError', 'already subscribed to this stream', 'conflict');
    }
    this.#requireSecret('subscribe');
    const subscriber = new Subscriber(this.#link, s, options);
    subscriber.on('encryptionSecretMismatch', (e) => this.emit('encryptionSecretMismatch', e));
    subscriber.on('encryptionSecretMatch', (e) => this.emit('encryptionSecretMatch', e));
    subscriber.on('destroyed', () => this.#e2ee?.detachReceiver(s.streamId));
    // Registered before the request: in relayed sessions the publisher's offer may follow the response
    // immediately.
    this.#subscribers.set(s.streamId, subscriber);
    try {
      const response = await this.#request('subscribe', {
        streamId: s.streamId,
        audio: options.subscribeToAudio !== false,
        video: options.subscribeToVideo !== false,
      });
      if (this.mediaMode === 'routed') {
        const sdp = response['sdp'];
        if (typeof sdp !== 'string') throw new UmbraError('NegotiationFailedError', 'the router sent no offer');
        await subscriber._answerRouter(sdp);
      }
      return subscriber;
    } catch (err) {
      this.#subscribers.delete(s.streamId);
      subscriber._destroy('subscribeFailed');
      throw err;
    }
  }

  async unsubscribe(subscriber: Subscriber): Promise<void> {
    const id = subscriber.stream.streamId;
    const known = this.#subscribers.get(id) === subscriber;
    if (known) this.#subscribers.delete(id);
    // Request first, then close (see unpublish): else the router's report of the closed transport may
    // reach the server first and the unsubscribe find nothing.
    try {
      if (known && this.isConnected && this.#streams.has(id)) await this.#request('unsubscribe', { streamId: id });
    } finally {
      subscriber._destroy('unsubscribed');
    }
  }

  // --- signals and moderation ----------------------------------------------------------------------

  async signal(options: SignalOptions = {}): Promise<void> {
    this.#requireConnected('signal');
    const type = options.type ?? '';
    const data = options.data ?? '';
    if (typeof type !== 'string' || typeof data !== 'string') {
      throw new UmbraError('InvalidParameterError', 'signal type and data must be strings');
    }
    if (type.length > kMaxSignalType) {
      throw new UmbraError('MessageTooLargeError', `signal type is longer than ${kMaxSignalType} characters`);
    }
    if (new TextEncoder().encode(data).length > kMaxSignalData) {
      throw new UmbraError('MessageTooLargeError', `signal data is larger than ${kMaxSignalData} bytes`);
    }
    const fields: Record<string, unknown> = { signalType: type, data };
    if (options.to !== undefined) {
      const list = Array.isArray(options.to) ? options.to : [options.to];
      fields['to'] = list.map((c) => (typeof c === 'string' ? c : c.connectionId));
    }
    await this.#request('signal', fields);
  }

  // Moderators only (else PermissionDeniedError).
  async forceDisconnect(connection: Connection | string): Promise<void> {
    this.#requireConnected('forceDisconnect');
    const connectionId = typeof connection === 'string' ? connection : connection.connectionId;
    await this.#request('forceDisconnect', { connectionId });
  }

  // Moderators only: mutes one stream's audio (its publisher gets forceMuted).
  async forceMuteStream(stream: Stream | string): Promise<void> {
    this.#requireConnected('forceMuteStream');
    const streamId = typeof stream === 'string' ? stream : stream.streamId;
    await this.#request('forceMute', { streamId });
  }

  // Moderators only: mutes every stream except the excluded ones.
  async forceMuteAll(excluded: (Stream | string)[] = []): Promise<void> {
    this.#requireConnected('forceMuteAll');
    const excludedStreamIds = excluded.map((s) => (typeof s === 'string' ? s : s.streamId));
    await this.#request('forceMute', { all: true, excludedStreamIds });
  }

  // --- E2EE (DESIGN.md section 4) ------------------------------------------------------------------

  // Validates at once (InvalidEncryptionSecretError); in a connected E2EE session, rotates keys (4.11).
  async setEncryptionSecret(secret: string): Promise<void> {
    normalizeSecret(secret);
    this.#encryptionSecret = secret;
    if (this.#e2ee) await this.#e2ee.setEncryptionSecret(secret);
  }

  // DESIGN.md 4.12: "12345 67890 12345 67890" for the secret set last; null before connect or without one.
  getVerificationCode(): string | null {
    return this.#e2ee ? this.#e2ee.getVerificationCode() : null;
  }

  get isEndToEndEncrypted(): boolean {
    return this.#info?.e2ee === true;
  }

  // --- internals -----------------------------------------------------------------------------------

  readonly #link: SessionLink = (() => {
    const self = this;
    return {
      get mediaMode(): MediaMode {
        return self.#info?.mediaMode ?? 'routed';
      },
      get iceServers(): RTCIceServer[] {
        return [...self.#iceServers, ...self.#extraIceServers];
      },
      get e2ee(): SessionE2ee | null {
        return self.#e2ee;
      },
      get connection(): Connection {
        return self.#connection!;
      },
      request: (type: string, fields: Record<string, unknown>) => self.#request(type, fields),
      send: (type: string, fields: Record<string, unknown>) => {
        self.#request(type, fields).catch((err: unknown) => {
          if (self.isConnected) console.warn(`umbra: ${type} failed`, err);
        });
      },
    };
  })();

  #wsUrl(): string {
    let base: URL;
    try {
      base = new URL(this.#serverUrl);
    } catch {
      throw new UmbraError('InvalidParameterError', `serverUrl ${this.#serverUrl} is not a URL`);
    }
    base.protocol = base.protocol === 'https:' || base.protocol === 'wss:' ? 'wss:' : 'ws:';
    base.pathname = `${base.pathname.replace(/\/$/, '')}/v1/rtc`;
    base.search = '';
    return base.toString();
  }

  #openChannel(): Promise<SignalingChannel> {
    let channel: SignalingChannel | null = null;
    return SignalingChannel.open(this.#wsUrl(), {
      onEvent: (message) => {
        if (channel !== null && channel === this.#channel) this.#onEvent(message);
      },
      onDrop: (reason) => {
        if (channel !== null && channel === this.#channel) this.#onDrop(reason);
      },
    }).then((c) => {
      channel = c;
      return c;
    });
  }

  #requireSecret(what: string): void {
    if (this.#e2ee !== null && !this.#e2ee.hasSecret) {
      throw new UmbraError(
        'EncryptionSecretRequiredError',
        `this session is end-to-end encrypted: set an encryption secret before you ${what}`,
      );
    }
  }

  #requireConnected(what: string): void {
    if (!this.isConnected) {
      throw new UmbraError('NotConnectedError', `${what} needs a connected session (call connect first)`);
    }
  }

  async #request(type: string, fields: Record<string, unknown>): Promise<Message> {
    if (this.#state === 'reconnecting' && this.#reconnected) await this.#reconnected;
    const channel = this.#channel;
    if (channel === null || !this.isConnected) {
      throw new UmbraError('NotConnectedError', `${type} needs a connected session`);
    }
    return channel.request(type, fields);
  }

  #acceptJoined(joined: Message): void {
    const connection = parseConnection({
      connectionId: joined['connectionId'],
      role: joined['role'],
      data: joined['data'],
      createdAt: Date.now(),
    });
    if (connection === null) throw new UmbraError('InternalError', 'the server sent no connection id');
    if (this.#connection === null || this.#connection.connectionId !== connection.connectionId) {
      this.#connection = connection;
    }
    this.#resumeToken = typeof joined['resumeToken'] === 'string' ? joined['resumeToken'] : '';
    if (typeof joined['resumeWindowMs'] === 'number') this.#resumeWindowMs = joined['resumeWindowMs'];
    if (typeof joined['heartbeatIntervalMs'] === 'number' && joined['heartbeatIntervalMs'] >= 1000) {
      this.#heartbeatMs = joined['heartbeatIntervalMs'];
    }
    this.#iceServers = Array.isArray(joined['iceServers']) ? (joined['iceServers'] as RTCIceServer[]) : [];
    if (joined['resumed'] === true) return; // #reconcile() handles the snapshot
    const archive = parseArchive(joined['archive']);
    this.#archive = archive !== null && isRunning(archive) ? archive : null;
    this.#connections.clear();
    this.#streams.clear();
    for (const raw of asArray(joined['connections'])) {
      const c = parseConnection(raw);
      if (c && c.connectionId !== connection.connectionId) this.#connections.set(c.connectionId, c);
    }
    for (const raw of asArray(joined['streams'])) {
      const s = parseStream(raw, (id) => this.#lookupConnection(id));
      if (s && s.connection.connectionId !== connection.connectionId) this.#streams.set(s.streamId, s);
    }
  }

  // A stream may name a connection we have not heard of (events raced); make a placeholder.
  #lookupConnection(connectionId: string): Connection {
    const known = this.getConnection(connectionId);
    if (known) return known;
    const c: Connection = { connectionId, data: '', role: 'publisher', createdAt: 0 };
    this.#connections.set(connectionId, c);
    return c;
  }

  #onEvent(m: Message): void {
    switch (m.type) {
      case 'connectionCreated': {
        const c = parseConnection(m['connection']);
        if (!c || c.connectionId === this.#connection?.connectionId) return;
        const existed = this.#connections.has(c.connectionId);
        this.#connections.set(c.connectionId, c);
        if (!existed) this.emit('connectionCreated', { connection: c });
        return;
      }
      case 'connectionDestroyed':
        this.#removeConnection(String(m['connectionId']), String(m['reason'] ?? 'clientDisconnected'));
        return;
      case 'streamCreated': {
        const s = parseStream(m['stream'], (id) => this.#lookupConnection(id));
        if (!s || this.#streams.has(s.streamId) || this.#publishers.has(s.streamId)) return;
        this.#streams.set(s.streamId, s);
        this.emit('streamCreated', { stream: s });
        return;
      }
      case 'streamDestroyed':
        this.#removeStream(String(m['streamId']), String(m['reason'] ?? 'unpublished'));
        return;
      case 'streamPropertyChanged':
        this.#propertyChanged(String(m['streamId']), String(m['property']), m['oldValue'], m['newValue']);
        return;
      case 'subscriptionFailed':
        // Routed: the router closed our subscription's transport on its own; the stream itself stays.
        this.#failSubscription(String(m['streamId']), String(m['reason'] ?? 'mediaFailed'));
        return;
      case 'subscriberAdded':
        this.#publishers.get(String(m['streamId']))?._addSubscriber(String(m['connectionId']));
        return;
      case 'subscriberRemoved':
        this.#publishers.get(String(m['streamId']))?._removeSubscriber(String(m['connectionId']));
        return;
      case 'offer': {
        const sub = this.#subscribers.get(String(m['streamId']));
        if (sub && typeof m['sdp'] === 'string' && m['from'] === sub.stream.connection.connectionId) {
          sub._onOffer(m['sdp']);
        }
        return;
      }
      case 'answer':
        if (typeof m['sdp'] === 'string') {
          this.#publishers.get(String(m['streamId']))?._onAnswer(String(m['from']), m['sdp']);
        }
        return;
      case 'candidate': {
        const streamId = String(m['streamId']);
        const candidate = (m['candidate'] ?? null) as RTCIceCandidateInit | null;
        const publisher = this.#publishers.get(streamId);
        if (publisher) publisher._onCandidate(String(m['from']), candidate);
        else this.#subscribers.get(streamId)?._onCandidate(candidate);
        return;
      }
      case 'signal': {
        const from = typeof m['from'] === 'string' ? (this.getConnection(m['from']) ?? null) : null;
        const event: SignalEvent = {
          type: typeof m['signalType'] === 'string' ? m['signalType'] : '',
          data: typeof m['data'] === 'string' ? m['data'] : '',
          from,
        };
        this.emit('signal', event);
        if (event.type !== '') this.emit(`signal:${event.type}`, event);
        return;
      }
      case 'forceMuted': {
        const publisher = this.#publishers.get(String(m['streamId']));
        if (publisher?.stream) {
          publisher._forceMuted();
          this.emit('forceMuted', { stream: publisher.stream });
        }
        return;
      }
      case 'archiveStarted': {
        const archive = parseArchive(m['archive']);
        if (archive === null) return;
        this.#archive = archive;
        this.emit('archiveStarted', { archive });
        return;
      }
      case 'archiveStopped': {
        const archive = parseArchive(m['archive']);
        if (archive === null) return;
        if (this.#archive?.id === archive.id) this.#archive = null;
        this.emit('archiveStopped', { archive });
        return;
      }
      case 'disconnected':
        this.#terminate(String(m['reason'] ?? 'forceDisconnected'));
        return;
      case 'error': {
        // An error without requestId: the server could not read one of our messages, or rate limiting.
        this.emit('exception', { error: errorFromServer(m['code'], m['message']) });
        return;
      }
      default:
        return; // unknown events are ignored (forward compatibility)
    }
  }

  #removeConnection(connectionId: string, reason: string): void {
    const connection = this.#connections.get(connectionId);
    if (!connection) return;
    for (const stream of [...this.#streams.values()]) {
      if (stream.connection.connectionId === connectionId) this.#removeStream(stream.streamId, reason);
    }
    for (const publisher of this.#publishers.values()) publisher._removeSubscriber(connectionId);
    this.#connections.delete(connectionId);
    this.emit('connectionDestroyed', { connection, reason });
  }

  #removeStream(streamId: string, reason: string): void {
    const own = this.#publishers.get(streamId);
    if (own) {
      // Our own stream was removed by the server (e.g. force-unpublished).
      this.#publishers.delete(streamId);
      own._destroy(reason);
      return;
    }
    const stream = this.#streams.get(streamId);
    if (!stream) return;
    this.#streams.delete(streamId);
    const sub = this.#subscribers.get(streamId);
    if (sub) {
      this.#subscribers.delete(streamId);
      sub._destroy(reason);
    }
    this.emit('streamDestroyed', { stream, reason });
  }

  #propertyChanged(streamId: string, property: string, oldValue: unknown, newValue: unknown): void {
    const own = this.#publishers.get(streamId);
    const stream = own?.stream ?? this.#streams.get(streamId);
    if (!stream) return;
    switch (property) {
      case 'hasAudio':
      case 'hasVideo':
        if (typeof newValue !== 'boolean') return;
        stream[property] = newValue;
        break;
      case 'name':
        if (typeof newValue !== 'string') return;
        stream.name = newValue;
        break;
      case 'videoDimensions':
        stream.videoDimensions = parseDimensions(newValue);
        break;
      default:
        return;
    }
    own?._propertyChanged(property, newValue);
    this.emit('streamPropertyChanged', { stream, changedProperty: property, oldValue, newValue });
  }

  // --- resume (docs/protocol.md section 5) ---------------------------------------------------------

  #onDrop(reason: string): void {
    if (this.#state !== 'connected') return;
    this.#channel = null;
    this.#state = 'reconnecting';
    const deadline = Date.now() + this.#resumeWindowMs;
    let finish: () => void = () => {};
    let fail: (err: unknown) => void = () => {};
    this.#reconnected = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    this.#reconnected.catch(() => {}); // waiting requests get their own rejection
    this.emit('reconnecting', {});
    console.info(`umbra: signaling link dropped (${reason}); resuming`);
    void this.#resumeLoop(deadline).then(
      () => finish(),
      (err) => fail(err),
    );
  }

  async #resumeLoop(deadline: number): Promise<void> {
    let backoff = 250;
    for (;;) {
      if (this.#state !== 'reconnecting') throw new UmbraError('NotConnectedError', 'the session was disconnected');
      let channel: SignalingChannel | null = null;
      try {
        channel = await this.#openChannel();
        if (this.#state !== 'reconnecting') {
          channel.close();
          throw new UmbraError('NotConnectedError', 'the session was disconnected');
        }
        const joined = await channel.request('resume', { resumeToken: this.#resumeToken });
        this.#channel = channel;
        const previousId = this.#connection?.connectionId;
        this.#acceptJoined(joined);
        if (this.#connection?.connectionId !== previousId) {
          throw new UmbraError('ResumeFailedError', 'the server resumed a different connection');
        }
        this.#state = 'connected';
        this.#reconnected = null;
        channel.startHeartbeat(this.#heartbeatMs);
        this.#reconcile(joined);
        for (const publisher of this.#publishers.values()) publisher._afterResume();
        this.emit('reconnected', {});
        return;
      } catch (err) {
        channel?.close();
        if (this.#channel === channel) this.#channel = null;
        const name = err instanceof UmbraError ? err.name : '';
        const fatal =
          name === 'ResumeFailedError' ||
          name === 'InvalidTokenError' ||
          name === 'TokenExpiredError' ||
          name === 'SessionNotFoundError' ||
          name === 'NotConnectedError';
        if (fatal || Date.now() + backoff > deadline) {
          if (this.#state === 'reconnecting') this.#terminate('networkDisconnected');
          throw err;
        }
      }
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, kMaxBackoffMs);
    }
  }

  // Events sent while we were away are not replayed: diff the snapshot against what we knew.
  #failSubscription(streamId: string, reason: string): void {
    const sub = this.#subscribers.get(streamId);
    if (!sub) return;
    this.#subscribers.delete(streamId);
    sub._destroy(
      reason,
      new UmbraError(
        'MediaConnectionLostError',
        `the media connection of the subscription to ${streamId} was lost (${reason}); subscribe again`,
      ),
    );
  }

  #reconcile(joined: Message): void {
    const self = this.#connection!.connectionId;
    this.#reconcileArchive(joined);
    const nowConnections = new Map<string, Connection>();
    for (const raw of asArray(joined['connections'])) {
      const c = parseConnection(raw);
      if (c && c.connectionId !== self) nowConnections.set(c.connectionId, c);
    }
    const nowStreams = new Map<string, Record<string, unknown>>();
    for (const raw of asArray(joined['streams'])) {
      if (typeof raw === 'object' && raw !== null) {
        const id = (raw as Record<string, unknown>)['streamId'];
        if (typeof id === 'string') nowStreams.set(id, raw as Record<string, unknown>);
      }
    }
    const ownNow = new Set<string>();
    for (const raw of asArray(joined['ownStreams'])) {
      const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['streamId'] : undefined;
      if (typeof id === 'string') ownNow.add(id);
    }
    for (const streamId of [...this.#publishers.keys()]) {
      if (!ownNow.has(streamId)) this.#removeStream(streamId, 'networkDisconnected');
    }
    for (const streamId of [...this.#streams.keys()]) {
      if (!nowStreams.has(streamId)) this.#removeStream(streamId, 'networkDisconnected');
    }
    // A subscription the server ended while we were away (its media path failed; the
    // subscriptionFailed could not reach us) is missing from the snapshot. Older servers send none.
    if (Array.isArray(joined['subscriptions'])) {
      const subscribedNow = new Set(joined['subscriptions'].filter((id): id is string => typeof id === 'string'));
      for (const streamId of [...this.#subscribers.keys()]) {
        if (nowStreams.has(streamId) && !subscribedNow.has(streamId)) this.#failSubscription(streamId, 'mediaFailed');
      }
    }
    for (const connectionId of [...this.#connections.keys()]) {
      if (!nowConnections.has(connectionId)) this.#removeConnection(connectionId, 'networkDisconnected');
    }
    for (const [id, c] of nowConnections) {
      if (!this.#connections.has(id)) {
        this.#connections.set(id, c);
        this.emit('connectionCreated', { connection: c });
      }
    }
    for (const [id, raw] of nowStreams) {
      const known = this.#streams.get(id);
      if (!known) {
        const s = parseStream(raw, (cid) => this.#lookupConnection(cid));
        if (s && s.connection.connectionId !== self) {
          this.#streams.set(id, s);
          this.emit('streamCreated', { stream: s });
        }
        continue;
      }
      for (const property of ['hasAudio', 'hasVideo', 'name'] as const) {
        if (raw[property] !== undefined && raw[property] !== known[property]) {
          this.#propertyChanged(id, property, known[property], raw[property]);
        }
      }
    }
  }

  // A server that does not send `archive` in its snapshot says nothing about it: keep what we knew.
  #reconcileArchive(joined: Message): void {
    if (!('archive' in joined)) return;
    const parsed = parseArchive(joined['archive']);
    const now = parsed !== null && isRunning(parsed) ? parsed : null;
    const before = this.#archive;
    if (before !== null && before.id === now?.id) {
      this.#archive = now;
      return;
    }
    this.#archive = now;
    if (before !== null) {
      this.emit('archiveStopped', { archive: { ...before, status: 'stopped', reason: null } });
    }
    if (now !== null) this.emit('archiveStarted', { archive: now });
  }

  // The end: closes the link, destroys local media objects, tells the application why.
  #terminate(reason: string): void {
    if (this.#state === 'disconnected') return;
    this.#state = 'disconnected';
    this.#channel?.close();
    this.#channel = null;
    for (const publisher of this.#publishers.values()) publisher._destroy(reason);
    for (const subscriber of this.#subscribers.values()) subscriber._destroy(reason);
    this.#publishers.clear();
    this.#subscribers.clear();
    const streams = [...this.#streams.values()];
    const connections = [...this.#connections.values()];
    this.#streams.clear();
    this.#connections.clear();
    this.#e2ee?.close();
    this.#e2ee = null;
    this.#archive = null;
    for (const stream of streams) this.emit('streamDestroyed', { stream, reason });
    for (const connection of connections) this.emit('connectionDestroyed', { connection, reason });
    this.emit('sessionDisconnected', { reason });
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

// The entry point: `const session = initSession(sessionId, {serverUrl, encryptionSecret})`.
export function initSession(sessionId: string, options: SessionOptions = {}): Session {
  return new Session(sessionId, options);
}
