// What the main thread and the e2ee worker say to each other. Structured-clone friendly: no bigint
// crosses (KIDs stay inside the worker), secrets travel as S only, never as the words people typed.
import type { Codec } from './frame.js';
import type { FrameError } from './errors.js';
import type { SecretEvent } from './mismatch.js';

export type Operation = 'encrypt' | 'decrypt';

// The options of an RTCRtpScriptTransform (and of the createEncodedStreams fallback's attach message).
export interface TransformOptions {
  readonly operation: Operation;
  readonly codec: Codec;
  // The stream the frames belong to: mismatch events are per received stream.
  readonly streamId: string;
}

export type ToWorker =
  | { readonly type: 'configure'; readonly switchDelayMs: number }
  | { readonly type: 'setSecret'; readonly secret: Uint8Array; readonly keyCheck: number }
  | {
      readonly type: 'attach';
      readonly readable: ReadableStream;
      readonly writable: WritableStream;
      readonly options: TransformOptions;
    }
  | { readonly type: 'getStats'; readonly requestId: number };

export interface TransformStats {
  readonly operation: Operation;
  readonly codec: Codec;
  readonly streamId: string;
  // Frames sealed (encrypt) or opened (decrypt) and passed on.
  readonly frames: number;
  // Frames dropped, by reason; a dropped frame never reaches the network (encrypt) or decoder (decrypt).
  readonly dropped: Partial<Record<FrameError, number>>;
  // What sealing or opening one frame cost in the worker, over the last frames (null before any).
  // performance.now() in a worker that is not cross-origin isolated is coarsened (about 100 us in
  // Chromium), so p50 of small frames reads as 0 or 100; averages over many frames are finer.
  readonly costMicros: { readonly p50: number; readonly p99: number; readonly samples: number } | null;
}

export type FromWorker =
  | { readonly type: 'secretEvent'; readonly event: SecretEvent; readonly streamId: string }
  | { readonly type: 'stats'; readonly requestId: number; readonly transforms: TransformStats[] }
  | { readonly type: 'error'; readonly message: string };
