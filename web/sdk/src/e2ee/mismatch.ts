// DESIGN.md 4.10, per received stream: `encryptionSecretMismatch` once frames have been undecryptable
// for MISMATCH_AFTER_MS (or at once when the KID's key check is one we do not hold), and
// `encryptionSecretMatch` on the first frame that opens after a mismatch. Sans-IO: callers report
// what happened to each frame and get the event to deliver, if any.
//
// A stream has several tracks (audio, video), each sealed under its own KID, and a sender switches
// each track to a new secret on that track's next frame (4.11). So the state is kept per track and the
// stream is mismatched while any of its tracks is. Otherwise, at a rotation the receiver does not
// follow, the first audio frame under the new secret would report a mismatch and a video frame sealed
// a moment earlier, arriving after it, would report a match, and the lock would flicker.
//
// Within one track a frame can also arrive after the track has moved to a new KID (a packet repaired
// late completes an older frame). Such a straggler says nothing about the secret the sender uses now:
// it is ignored here (it is still decoded if it opens).
import type { Clock } from './clock.js';

export const MISMATCH_AFTER_MS = 1000;
// KIDs a track has moved away from that still count as stragglers; one rotation leaves one, so a few
// cover rotations closer together than a frame's reordering window.
const kRememberedOldKids = 4;

export type SecretEvent = 'encryptionSecretMismatch' | 'encryptionSecretMatch';

class TrackState {
  mismatched = false;
  undecryptableSince: number | null = null;
  #kid: bigint | null = null;
  readonly #oldKids: bigint[] = [];

  // False when `kid` is one this track has moved away from; otherwise makes it the current KID.
  current(kid: bigint | null): boolean {
    if (kid === null || kid === this.#kid) return true;
    if (this.#oldKids.includes(kid)) return false;
    if (this.#kid !== null) {
      this.#oldKids.push(this.#kid);
      if (this.#oldKids.length > kRememberedOldKids) this.#oldKids.shift();
    }
    this.#kid = kid;
    return true;
  }
}

export class MismatchTracker {
  readonly #clock: Clock;
  readonly #tracks = new Map<string, TrackState>();
  #mismatched = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  // Whether the stream was last reported mismatched.
  get mismatched(): boolean {
    return this.#mismatched;
  }

  // A frame of `track` opened under `kid`.
  frameOpened(track: string, kid: bigint): SecretEvent | null {
    const state = this.#track(track);
    if (!state.current(kid)) return null;
    state.undecryptableSince = null;
    state.mismatched = false;
    return this.#update(true);
  }

  // A frame of `track` did not open. `kid` is the frame's KID (null when it had no readable header);
  // `keyCheckDiffers`: the KID names a secret we do not hold, so waiting cannot help.
  frameUndecryptable(track: string, kid: bigint | null, keyCheckDiffers: boolean): SecretEvent | null {
    const state = this.#track(track);
    if (!state.current(kid)) return null;
    state.undecryptableSince ??= this.#clock.now();
    if (keyCheckDiffers) state.mismatched = true;
    else this.#expire(state);
    return this.#update(false);
  }

  // For a track that went quiet after its first undecryptable frame; call it from a timer.
  poll(): SecretEvent | null {
    for (const state of this.#tracks.values()) this.#expire(state);
    return this.#update(false);
  }

  // The track's transform ended (unsubscribed, or the sender stopped it). No event: nothing opened.
  removeTrack(track: string): void {
    this.#tracks.delete(track);
    if (![...this.#tracks.values()].some((s) => s.mismatched)) this.#mismatched = false;
  }

  get trackCount(): number {
    return this.#tracks.size;
  }

  #track(track: string): TrackState {
    let state = this.#tracks.get(track);
    if (state === undefined) {
      state = new TrackState();
      this.#tracks.set(track, state);
    }
    return state;
  }

  #expire(state: TrackState): void {
    if (state.undecryptableSince !== null && this.#clock.now() - state.undecryptableSince >= MISMATCH_AFTER_MS) {
      state.mismatched = true;
    }
  }

  // Reports the stream's transition, if any. A match is only reported when a frame opened.
  #update(opened: boolean): SecretEvent | null {
    const mismatched = [...this.#tracks.values()].some((s) => s.mismatched);
    if (mismatched === this.#mismatched) return null;
    this.#mismatched = mismatched;
    if (mismatched) return 'encryptionSecretMismatch';
    return opened ? 'encryptionSecretMatch' : null;
  }
}
