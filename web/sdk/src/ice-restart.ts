// Automatic ICE restart for a routed peer connection (docs/web-sdk.md "Network changes"). When the
// network changes (Wi-Fi to cable, a VPN coming up, a NAT rebinding) the browser's candidate pair stops
// working: iceConnectionState goes "disconnected" and, if nothing recovers, "failed". An ICE restart
// (RFC 8445 section 9) gathers new candidates and checks them with new credentials while DTLS, SRTP,
// the stream and its subscriptions stay. Without it the router would close the transport once its
// consent timer ran out (30 s) and the stream would have to be published again.
import { UmbraError } from './errors.js';

// "disconnected" often heals by itself within a second or two (a lost burst of checks); after this long
// it is treated like "failed".
export const kDisconnectedGraceMs = 3000;
// Attempts per outage, and the wait before each retry (the first attempt starts at once).
export const kMaxIceRestartAttempts = 3;
const kRetryDelaysMs = [1000, 2000, 4000];

// Server refusals that no retry can fix: the stream or subscription is gone (the mediaFailed /
// subscriptionFailed path then ends it), or the session or server cannot restart ICE.
const kFinalCodes = new Set(['not_found', 'routed_required', 'router_unavailable', 'ice_restart_unsupported', 'forbidden']);

export interface IceRestartHooks {
  // One restart: new offer/answer with fresh credentials. Rejects when signaling failed.
  restart: () => Promise<void>;
  // False once the owner is destroyed: nothing more is attempted or reported.
  alive: () => boolean;
  reconnecting: (attempt: number, reason: 'failed' | 'disconnected' | 'requested') => void;
  reconnected: () => void;
  reconnectFailed: (error: UmbraError) => void;
}

export class IceRestarter {
  readonly #pc: RTCPeerConnection;
  readonly #hooks: IceRestartHooks;
  #graceTimer: ReturnType<typeof setTimeout> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  // Attempts in the current outage; 0 when healthy.
  #attempts = 0;
  // Set after a restart's signaling finished: the next "connected" ends the outage.
  #awaitingConnection = false;

  constructor(pc: RTCPeerConnection, hooks: IceRestartHooks) {
    this.#pc = pc;
    this.#hooks = hooks;
    pc.addEventListener('iceconnectionstatechange', () => this.#onState(pc.iceConnectionState));
  }

  // restartIce() on the Publisher / Subscriber: one restart now (joins one already running).
  // Resolves once the new offer/answer is applied; the media may take a moment more to move.
  async restartNow(): Promise<void> {
    if (this.#running) return this.#running;
    this.#clearTimers();
    ++this.#attempts;
    this.#hooks.reconnecting(this.#attempts, 'requested');
    await this.#run(false);
  }

  stop(): void {
    this.#clearTimers();
  }

  #onState(state: RTCIceConnectionState): void {
    if (!this.#hooks.alive()) return this.stop();
    if (state === 'connected' || state === 'completed') {
      if (this.#graceTimer) clearTimeout(this.#graceTimer);
      this.#graceTimer = null;
      if (this.#awaitingConnection) this.#healed();
      return;
    }
    if (state === 'failed') {
      if (this.#graceTimer) clearTimeout(this.#graceTimer);
      this.#graceTimer = null;
      this.#schedule('failed');
      return;
    }
    if (state === 'disconnected' && this.#graceTimer === null && this.#retryTimer === null && !this.#running) {
      this.#graceTimer = setTimeout(() => {
        this.#graceTimer = null;
        if (this.#pc.iceConnectionState === 'disconnected') this.#schedule('disconnected');
      }, kDisconnectedGraceMs);
    }
  }

  // Starts the next attempt now (first of an outage) or after its backoff delay.
  #schedule(reason: 'failed' | 'disconnected'): void {
    if (this.#running || this.#retryTimer !== null || !this.#hooks.alive()) return;
    if (this.#attempts >= kMaxIceRestartAttempts) {
      this.#giveUp(new UmbraError('NegotiationFailedError', `ICE did not recover after ${this.#attempts} restarts`));
      return;
    }
    const delay = this.#attempts === 0 ? 0 : (kRetryDelaysMs[this.#attempts - 1] ?? 4000);
    const start = () => {
      this.#retryTimer = null;
      if (!this.#hooks.alive()) return;
      // A retry that is no longer needed (ICE recovered during the wait) is skipped.
      const now = this.#pc.iceConnectionState;
      if (delay > 0 && (now === 'connected' || now === 'completed')) return this.#healed();
      ++this.#attempts;
      this.#hooks.reconnecting(this.#attempts, reason);
      this.#run(true).catch(() => {
        /* reported through reconnectFailed or retried */
      });
    };
    if (delay === 0) start();
    else this.#retryTimer = setTimeout(start, delay);
  }

  // `automatic`: a failed attempt is retried (up to the limit).
  #run(automatic: boolean): Promise<void> {
    this.#awaitingConnection = false;
    const running = (async () => {
      try {
        await this.#hooks.restart();
      } catch (err) {
        if (!this.#hooks.alive()) return;
        const error =
          err instanceof UmbraError ? err : new UmbraError('NegotiationFailedError', `ICE restart failed: ${String(err)}`);
        const final = error.code !== undefined && kFinalCodes.has(error.code);
        // A requested restart is not retried: its caller gets the error (and reconnectFailed tells the UI).
        if (final || !automatic || this.#attempts >= kMaxIceRestartAttempts) this.#giveUp(error);
        else queueMicrotask(() => this.#schedule('failed'));
        throw error;
      } finally {
        this.#running = null;
      }
      if (!this.#hooks.alive()) return;
      // The restart may not change the state at all (the old pair still worked): then it is over now.
      // Otherwise the new generation's checks decide: "connected" heals, a new "failed" retries.
      const s = this.#pc.iceConnectionState;
      if (s === 'connected' || s === 'completed') this.#healed();
      else this.#awaitingConnection = true;
    })();
    this.#running = running;
    return running;
  }

  #healed(): void {
    this.#awaitingConnection = false;
    this.#attempts = 0;
    this.#hooks.reconnected();
  }

  #giveUp(error: UmbraError): void {
    this.#clearTimers();
    this.#attempts = 0;
    this.#awaitingConnection = false;
    if (this.#hooks.alive()) this.#hooks.reconnectFailed(error);
  }

  #clearTimers(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#graceTimer = null;
    this.#retryTimer = null;
  }
}
