// The seam between the session/media code (this folder) and the umbra-e2ee-v1 implementation
// (sdk/src/e2ee/, DESIGN.md section 4). The session never touches keys: when the server says the session
// is E2EE it asks the registered factory for an E2eeController and lets it attach an encoded-frame
// transform to every RTCRtpSender and RTCRtpReceiver it creates, before negotiation.
//
// The E2EE module registers itself from index.ts with registerE2ee(). Without a registration, joining
// an E2EE session fails with EndToEndEncryptionNotSupportedError rather than sending media in the clear.

export type E2eeStatusEvent = 'encryptionSecretMismatch' | 'encryptionSecretMatch';

export interface E2eeController {
  // Extra RTCPeerConnection configuration the transform needs (e.g. {encodedInsertableStreams: true}).
  readonly rtcConfiguration?: Record<string, unknown>;
  // Seal every frame this sender sends. Called once per sender, before the offer is created.
  attachSender(sender: RTCRtpSender, kind: 'audio' | 'video', streamId: string): void;
  // Open every frame this receiver gets; report mismatch/match per DESIGN.md 4.10.
  attachReceiver(
    receiver: RTCRtpReceiver,
    kind: 'audio' | 'video',
    streamId: string,
    report: (event: E2eeStatusEvent) => void,
  ): void;
  // DESIGN.md 4.11; may reject with InvalidEncryptionSecretError.
  setEncryptionSecret(secret: string): Promise<void>;
  // DESIGN.md 4.12: "12345 67890 12345 67890", or null before a secret is set.
  getVerificationCode(): Promise<string | null>;
  // Frees workers and keys when the session ends.
  close(): void;
}

export interface E2eeFactoryOptions {
  sessionId: string;
  encryptionSecret: string | undefined;
}

export type E2eeFactory = (options: E2eeFactoryOptions) => E2eeController;

let registered: { factory: E2eeFactory; supported: () => boolean } | null = null;

// Called by the E2EE module (index.ts). `supported` says whether this browser can run the transform.
export function registerE2ee(factory: E2eeFactory, supported: () => boolean): void {
  registered = { factory, supported };
}

export function e2eeRegistration(): { factory: E2eeFactory; supported: () => boolean } | null {
  return registered;
}
