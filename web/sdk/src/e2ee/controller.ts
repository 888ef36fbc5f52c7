// The main-thread side of end-to-end encryption for one session: validates and derives secrets,
// owns the transform worker, attaches senders and receivers to it, and re-dispatches the worker's
// per-stream `encryptionSecretMismatch` / `encryptionSecretMatch` events (detail: { streamId }).
import { EncryptionSecretRequiredError, EndToEndEncryptionNotSupportedError } from './errors.js';
import type { Codec } from './frame.js';
import { DEFAULT_SWITCH_DELAY_MS } from './keyring.js';
import type { FromWorker, ToWorker, TransformOptions, TransformStats } from './messages.js';
import { deriveSessionSecret, deriveVerificationCode, normalizeSecret } from './secret.js';

export interface E2eeControllerOptions {
  // 4.11: how long local tracks keep sealing under the previous secret after a change (0 allowed).
  switchDelayMs?: number;
  // Where dist/umbra-e2ee-worker.js is served; defaults to next to this module.
  workerUrl?: string | URL;
  // Which encoded-frame API attaches the worker: RTCRtpScriptTransform when the browser has it
  // ('auto'), or Chromium's older createEncodedStreams. Forcing one is for tests.
  encodedTransform?: EncodedTransformApi;
}

export type EncodedTransformApi = 'auto' | 'script-transform' | 'encoded-streams';

export interface AttachOptions {
  readonly codec: Codec;
  readonly streamId: string;
}

type EncodedStreams = { readable: ReadableStream; writable: WritableStream };
type WithEncodedStreams = { createEncodedStreams?: () => EncodedStreams };

// True when this browser can run umbra-e2ee-v1: WebCrypto, workers and an encoded-frame transform
// (RTCRtpScriptTransform, or Chromium's older createEncodedStreams).
export function hasEndToEndEncryptionSupport(): boolean {
  if (typeof crypto === 'undefined' || crypto.subtle === undefined || typeof Worker === 'undefined') return false;
  if (typeof RTCRtpScriptTransform === 'function') return true;
  return typeof RTCRtpSender !== 'undefined' && typeof (RTCRtpSender.prototype as WithEncodedStreams).createEncodedStreams === 'function';
}

export class E2eeController extends EventTarget {
  readonly #sessionId: string;
  readonly #worker: Worker;
  readonly #useScriptTransform: boolean;
  #verificationCode: string | null = null;
  #hasSecret = false;
  #queue: Promise<void> = Promise.resolve();
  #nextRequestId = 1;
  readonly #pendingStats = new Map<number, (stats: TransformStats[]) => void>();

  constructor(sessionId: string, options: E2eeControllerOptions = {}) {
    super();
    if (!hasEndToEndEncryptionSupport()) {
      throw new EndToEndEncryptionNotSupportedError('this browser cannot transform encoded media frames');
    }
    const switchDelayMs = options.switchDelayMs ?? DEFAULT_SWITCH_DELAY_MS;
    if (!Number.isFinite(switchDelayMs) || switchDelayMs < 0) throw new RangeError('switchDelayMs must be a non-negative number');
    const api = options.encodedTransform ?? 'auto';
    this.#useScriptTransform = api === 'script-transform' || (api === 'auto' && typeof RTCRtpScriptTransform === 'function');
    this.#sessionId = sessionId;
    this.#worker = new Worker(options.workerUrl ?? new URL('./umbra-e2ee-worker.js', import.meta.url), { name: 'umbra-e2ee' });
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) => this.#onWorkerMessage(event.data);
    this.#post({ type: 'configure', switchDelayMs });
  }

  // What every RTCPeerConnection of the session must be created with: Chromium only lets
  // createEncodedStreams work on connections made with encodedInsertableStreams.
  get rtcConfiguration(): RTCConfiguration {
    return this.#useScriptTransform ? {} : ({ encodedInsertableStreams: true } as RTCConfiguration);
  }

  get hasSecret(): boolean {
    return this.#hasSecret;
  }

  // Validates at once (rejects with InvalidEncryptionSecretError, changing nothing), then derives S off
  // the media path and hands it to the worker. Calls apply in order though derivation is asynchronous.
  setEncryptionSecret(secret: string): Promise<void> {
    try {
      normalizeSecret(secret);
    } catch (e) {
      return Promise.reject(e);
    }
    const next = this.#queue.then(async () => {
      const derived = await deriveSessionSecret(secret, this.#sessionId);
      this.#verificationCode = await deriveVerificationCode(derived.secret);
      this.#post({ type: 'setSecret', secret: derived.secret, keyCheck: derived.keyCheck });
      this.#hasSecret = true;
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  // 4.12, for the secret set last; null before any.
  getVerificationCode(): string | null {
    return this.#verificationCode;
  }

  attachSender(sender: RTCRtpSender, options: AttachOptions): void {
    this.#requireSecret();
    this.#attach(sender, { operation: 'encrypt', ...options });
  }

  attachReceiver(receiver: RTCRtpReceiver, options: AttachOptions): void {
    this.#requireSecret();
    this.#attach(receiver, { operation: 'decrypt', ...options });
  }

  getStats(): Promise<TransformStats[]> {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve) => {
      this.#pendingStats.set(requestId, resolve);
      this.#post({ type: 'getStats', requestId });
    });
  }

  close(): void {
    this.#worker.terminate();
    for (const resolve of this.#pendingStats.values()) resolve([]);
    this.#pendingStats.clear();
  }

  #requireSecret(): void {
    if (!this.#hasSecret) throw new EncryptionSecretRequiredError('this session is end-to-end encrypted: set an encryption secret first');
  }

  // The transform is attached before any frame can flow: callers attach right after addTrack /
  // ontrack, before negotiation completes, so no frame ever leaves or reaches the decoder unprocessed.
  #attach(target: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.#useScriptTransform) {
      target.transform = new RTCRtpScriptTransform(this.#worker, options);
      return;
    }
    const create = (target as WithEncodedStreams).createEncodedStreams;
    if (typeof create !== 'function') throw new EndToEndEncryptionNotSupportedError('no encoded-frame transform available');
    const { readable, writable } = create.call(target);
    const message: ToWorker = { type: 'attach', readable, writable, options };
    this.#worker.postMessage(message, [readable as unknown as Transferable, writable as unknown as Transferable]);
  }

  #post(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  #onWorkerMessage(message: FromWorker): void {
    switch (message.type) {
      case 'secretEvent':
        this.dispatchEvent(new CustomEvent(message.event, { detail: { streamId: message.streamId } }));
        break;
      case 'stats': {
        const resolve = this.#pendingStats.get(message.requestId);
        this.#pendingStats.delete(message.requestId);
        resolve?.(message.transforms);
        break;
      }
      case 'error':
        this.dispatchEvent(new CustomEvent('error', { detail: { message: message.message } }));
        break;
    }
  }
}

// 4.7: the only codecs an E2EE session may negotiate, for RTCRtpTransceiver.setCodecPreferences.
// Video keeps RTX (it resends whole RTP packets, so it carries ciphertext as well as it carries
// VP8); audio RED is left out because it would re-wrap Opus frames the transform did not see.
export function e2eeCodecPreferences(kind: 'audio' | 'video'): RTCRtpCodec[] {
  const wanted = kind === 'video' ? ['video/vp8', 'video/rtx'] : ['audio/opus'];
  return (RTCRtpReceiver.getCapabilities(kind)?.codecs ?? []).filter((c) => wanted.includes(c.mimeType.toLowerCase()));
}
