// DESIGN.md 4.10, per received stream: `encryptionSecretMismatch` once frames have been undecryptable
// for MISMATCH_AFTER_MS (or at once when the KID's key check is one we do not hold), and
// `encryptionSecretMatch` on the first frame that opens after a mismatch. Sans-IO: callers report
// what happened to each frame and get the event to deliver, if any.
import type { Clock } from './clock.js';

export const MISMATCH_AFTER_MS = 1000;

export type SecretEvent = 'encryptionSecretMismatch' | 'encryptionSecretMatch';

export class MismatchTracker {
  readonly #clock: Clock;
  #mismatched = false;
  #undecryptableSince: number | null = null;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get mismatched(): boolean {
    return this.#mismatched;
  }

  frameOpened(): SecretEvent | null {
    this.#undecryptableSince = null;
    if (!this.#mismatched) return null;
    this.#mismatched = false;
    return 'encryptionSecretMatch';
  }

  // `keyCheckDiffers`: the frame's KID names a secret we do not hold, so waiting cannot help.
  frameUndecryptable(keyCheckDiffers: boolean): SecretEvent | null {
    this.#undecryptableSince ??= this.#clock.now();
    return keyCheckDiffers ? this.#mismatch() : this.poll();
  }

  // For a stream that went quiet after its first undecryptable frame; call it from a timer.
  poll(): SecretEvent | null {
    if (this.#undecryptableSince === null) return null;
    if (this.#clock.now() - this.#undecryptableSince < MISMATCH_AFTER_MS) return null;
    return this.#mismatch();
  }

  #mismatch(): SecretEvent | null {
    if (this.#mismatched) return null;
    this.#mismatched = true;
    return 'encryptionSecretMismatch';
  }
}
