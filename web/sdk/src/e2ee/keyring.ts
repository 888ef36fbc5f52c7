// The keys one participant holds (DESIGN.md 4.4-4.6, 4.9 and 4.11): the secret local tracks seal
// under, every secret whose frames we can still open, and the per-KID keys and replay windows derived
// from them. Sans-IO apart from WebCrypto: time comes from an injected Clock and every transition
// (switch after the delay, dropping old receive keys) happens lazily when the clock says it is due.
import { type Bytes, equalBytes } from './bytes.js';
import { type Clock, monotonicClock } from './clock.js';
import { type Codec, type FrameResult, openWireFrame, parseWireFrame, sealFrame } from './frame.js';
import { deriveBaseKey, keyCheckOfKid, makeKid, randomSender } from './kid.js';
import { ReplayWindow } from './replay.js';
import type { SessionSecret } from './secret.js';
import { type SFrameKey, deriveSFrameKey } from './sframe.js';

export const DEFAULT_SWITCH_DELAY_MS = 2000;
export const PREVIOUS_KEY_RETENTION_MS = 10_000;
// Receive contexts (one per secret and KID) kept at most; a flood of forged KIDs evicts the least
// recently used instead of growing memory.
const kMaxReceiveContexts = 256;
const kMaxCounter = (1n << 64n) - 1n;

export interface KeyRingOptions {
  clock?: Clock;
  // 4.11: how long local tracks keep sealing under the previous secret after setSecret (0 allowed).
  switchDelayMs?: number;
  // Test hook: the 48-bit R for each new sending KID (defaults to the CSPRNG; never set in production).
  randomSender?: () => bigint;
}

interface SecretEntry {
  readonly id: number;
  readonly secret: SessionSecret;
  // When its receive keys go; null while it is current or about to be.
  expiresAt: number | null;
}

interface SendTrack {
  entry: SecretEntry;
  kid: bigint;
  ctr: bigint;
  key: Promise<SFrameKey>;
}

interface ReceiveContext {
  readonly key: Promise<SFrameKey>;
  readonly replay: ReplayWindow;
}

export interface OpenedFrame {
  readonly frame: Bytes;
  readonly kid: bigint;
  readonly ctr: bigint;
}

export class KeyRing {
  readonly #clock: Clock;
  readonly #switchDelayMs: number;
  readonly #randomSender: () => bigint;
  #nextEntryId = 1;
  #sending: SecretEntry | null = null; // what local tracks seal under now
  #pending: SecretEntry | null = null; // what they switch to at #switchAt
  #switchAt = 0;
  #receiving: SecretEntry[] = []; // every secret whose frames open, in the order they were set
  readonly #tracks = new Map<string, SendTrack>();
  readonly #contexts = new Map<string, ReceiveContext>();

  constructor(options: KeyRingOptions = {}) {
    this.#clock = options.clock ?? monotonicClock;
    const delay = options.switchDelayMs ?? DEFAULT_SWITCH_DELAY_MS;
    if (!Number.isFinite(delay) || delay < 0) throw new RangeError('switchDelayMs must be a non-negative number');
    this.#switchDelayMs = delay;
    this.#randomSender = options.randomSender ?? randomSender;
  }

  get hasSecret(): boolean {
    return this.#sending !== null;
  }

  // The key checks whose frames this ring can open right now.
  get keyChecks(): number[] {
    this.#advance();
    return this.#receiving.map((e) => e.secret.keyCheck);
  }

  // 4.11: the new secret's receive keys are installed at once; local tracks switch to it after the
  // switch delay (at once for the first secret); the previous secret's receive keys stay for
  // PREVIOUS_KEY_RETENTION_MS after the switch.
  setSecret(secret: SessionSecret): void {
    this.#advance();
    const target = this.#pending ?? this.#sending;
    if (target !== null && equalBytes(target.secret.secret, secret.secret)) return;

    const now = this.#clock.now();
    if (this.#pending !== null && this.#sending !== null && equalBytes(this.#sending.secret.secret, secret.secret)) {
      // Back to the secret local tracks still seal under: nothing to switch; the abandoned one's
      // receive keys stay as if it had been switched to now.
      this.#pending.expiresAt = now + this.#switchDelayMs + PREVIOUS_KEY_RETENTION_MS;
      this.#pending = null;
      return;
    }
    const entry: SecretEntry = { id: this.#nextEntryId++, secret, expiresAt: null };
    if (this.#sending === null) {
      this.#sending = entry;
      this.#receiving.push(entry);
      return;
    }
    this.#switchAt = now + this.#switchDelayMs;
    if (this.#pending !== null) {
      // Replaced before anyone had to switch to it; others may have, so its keys stay as long as the
      // secret being left.
      this.#pending.expiresAt = this.#switchAt + PREVIOUS_KEY_RETENTION_MS;
    }
    this.#pending = entry;
    this.#receiving.push(entry);
    this.#advance();
  }

  // Seals one frame of local track `trackId`. Each track has its own KID (fresh R when it starts and
  // whenever the sending secret changes) and its own CTR from 0.
  async seal(trackId: string, codec: Codec, frame: Bytes): Promise<FrameResult<Bytes>> {
    this.#advance();
    const sending = this.#sending;
    if (sending === null) return { ok: false, error: 'noSecret' };
    let track = this.#tracks.get(trackId);
    if (track === undefined || track.entry !== sending || track.ctr > kMaxCounter) {
      // 4.6: a CTR never repeats under one KID, so an exhausted counter takes a fresh KID.
      track = this.#newTrack(sending);
      this.#tracks.set(trackId, track);
    }
    const ctr = track.ctr;
    track.ctr += 1n; // taken before any await, so concurrent calls never share a counter
    return sealFrame(await track.key, ctr, codec, frame);
  }

  // Forgets a local track (it stopped publishing); it gets a fresh KID if it starts again.
  removeTrack(trackId: string): void {
    this.#tracks.delete(trackId);
  }

  // The KID a local track currently seals under, if it has sealed anything (for tests and stats).
  sendingKid(trackId: string): bigint | undefined {
    return this.#tracks.get(trackId)?.kid;
  }

  // 4.9: read the KID; if no held secret has its key check the frame is undecryptable without trying;
  // otherwise open it and only then advance that KID's replay window.
  async open(codec: Codec, wire: Bytes): Promise<FrameResult<OpenedFrame>> {
    this.#advance();
    const parsed = parseWireFrame(codec, wire);
    if (!parsed.ok) return parsed;
    const frame = parsed.value;
    const { kid, ctr } = frame.header;
    const keyCheck = keyCheckOfKid(kid);
    const candidates = this.#receiving.filter((e) => e.secret.keyCheck === keyCheck);
    if (candidates.length === 0) return { ok: false, error: 'unknownKeyCheck' };

    let replayed = false;
    // More than one candidate only when two held secrets share a 16-bit key check (1 in 65536).
    for (const entry of candidates) {
      const context = this.#context(entry, kid);
      if (!context.replay.accepts(ctr)) {
        replayed = true;
        continue;
      }
      const plain = await openWireFrame(await context.key, frame);
      if (plain === null) continue;
      // Re-checked after the await: another frame with this counter may have opened meanwhile.
      if (!context.replay.accepts(ctr)) return { ok: false, error: 'replay' };
      context.replay.mark(ctr);
      return { ok: true, value: { frame: plain, kid, ctr } };
    }
    return { ok: false, error: replayed ? 'replay' : 'undecryptable' };
  }

  #newTrack(entry: SecretEntry): SendTrack {
    const kid = makeKid(entry.secret.keyCheck, this.#randomSender());
    const key = deriveBaseKey(entry.secret.secret, kid).then((base) => deriveSFrameKey(base, kid));
    return { entry, kid, ctr: 0n, key };
  }

  #context(entry: SecretEntry, kid: bigint): ReceiveContext {
    const id = `${entry.id}:${kid}`;
    let context = this.#contexts.get(id);
    if (context !== undefined) {
      this.#contexts.delete(id); // re-inserted below: Map order is the LRU order
    } else {
      const key = deriveBaseKey(entry.secret.secret, kid).then((base) => deriveSFrameKey(base, kid));
      context = { key, replay: new ReplayWindow() };
      if (this.#contexts.size >= kMaxReceiveContexts) {
        this.#contexts.delete(this.#contexts.keys().next().value!);
      }
    }
    this.#contexts.set(id, context);
    return context;
  }

  // Applies whatever the clock says is due: the pending switch, then expiry of old receive keys.
  #advance(): void {
    const now = this.#clock.now();
    if (this.#pending !== null && now >= this.#switchAt) {
      if (this.#sending !== null) this.#sending.expiresAt = this.#switchAt + PREVIOUS_KEY_RETENTION_MS;
      this.#sending = this.#pending;
      this.#pending = null;
    }
    const expired = this.#receiving.filter((e) => e.expiresAt !== null && now >= e.expiresAt);
    if (expired.length === 0) return;
    this.#receiving = this.#receiving.filter((e) => !expired.includes(e));
    for (const e of expired) {
      for (const id of [...this.#contexts.keys()]) if (id.startsWith(`${e.id}:`)) this.#contexts.delete(id);
    }
  }
}
