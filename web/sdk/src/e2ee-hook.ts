// The seam between the session/media code (this folder) and umbra-e2ee-v1 (sdk/src/e2ee/, DESIGN.md
// section 4). The session never touches keys: when the server says the session is E2EE it creates one
// SessionE2ee, which attaches the encoded-frame transform to every RTCRtpSender and RTCRtpReceiver before
// negotiation, so no frame is ever sent or decoded unprocessed.
import { E2eeController, e2eeCodecPreferences, hasEndToEndEncryptionSupport } from './e2ee/controller.js';
import { UmbraError } from './errors.js';

export type E2eeStatusEvent = 'encryptionSecretMismatch' | 'encryptionSecretMatch';

export class SessionE2ee {
  readonly #controller: E2eeController;
  readonly #listeners = new Map<string, (event: E2eeStatusEvent) => void>(); // by streamId

  constructor(sessionId: string) {
    if (!hasEndToEndEncryptionSupport()) {
      throw new UmbraError(
        'EndToEndEncryptionNotSupportedError',
        'this session is end-to-end encrypted, but this browser cannot transform encoded media frames',
      );
    }
    this.#controller = new E2eeController(sessionId);
    for (const name of ['encryptionSecretMismatch', 'encryptionSecretMatch'] as const) {
      this.#controller.addEventListener(name, (ev) => {
        const streamId = (ev as CustomEvent<{ streamId: string }>).detail?.streamId;
        if (typeof streamId === 'string') this.#listeners.get(streamId)?.(name);
      });
    }
  }

  // Chromium without RTCRtpScriptTransform needs the legacy insertable-streams flag on every peer
  // connection that carries encrypted media; the controller knows which API it uses.
  get rtcConfiguration(): RTCConfiguration {
    return this.#controller.rtcConfiguration;
  }

  get hasSecret(): boolean {
    return this.#controller.hasSecret;
  }

  // v1 allows VP8 and Opus only (DESIGN.md 4.7).
  attachSender(sender: RTCRtpSender, kind: 'audio' | 'video', streamId: string): void {
    this.#controller.attachSender(sender, { codec: kind === 'audio' ? 'opus' : 'vp8', streamId });
  }

  attachReceiver(
    receiver: RTCRtpReceiver,
    kind: 'audio' | 'video',
    streamId: string,
    report: (event: E2eeStatusEvent) => void,
  ): void {
    this.#listeners.set(streamId, report);
    this.#controller.attachReceiver(receiver, { codec: kind === 'audio' ? 'opus' : 'vp8', streamId });
  }

  detachReceiver(streamId: string): void {
    this.#listeners.delete(streamId);
  }

  setEncryptionSecret(secret: string): Promise<void> {
    return this.#controller.setEncryptionSecret(secret);
  }

  getVerificationCode(): string | null {
    return this.#controller.getVerificationCode();
  }

  close(): void {
    this.#listeners.clear();
    this.#controller.close();
  }
}

// Restricts a transceiver to the codecs umbra-e2ee-v1 covers (VP8 video, Opus audio; DESIGN.md 4.7).
export function preferE2eeCodecs(transceiver: RTCRtpTransceiver, kind: 'audio' | 'video'): void {
  const codecs = e2eeCodecPreferences(kind);
  if (codecs.length === 0 || typeof transceiver.setCodecPreferences !== 'function') return;
  transceiver.setCodecPreferences(codecs);
}
