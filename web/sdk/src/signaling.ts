// One signaling WebSocket (docs/protocol.md). A SignalingChannel lives exactly as long as its socket:
// the Session opens a new one for every join or resume. It matches responses to requests by requestId
// (section 2), forwards events, and runs the application heartbeat (section 1).
import { UmbraError, errorFromServer } from './errors.js';

export type Message = { type: string; [field: string]: unknown };

export interface ChannelCallbacks {
  // A server message without a requestId (an event).
  onEvent(message: Message): void;
  // The link is gone: the socket closed, or the heartbeat went unanswered. Called at most once, and never
  // after close() was called by the owner.
  onDrop(reason: string): void;
}

const kOpenTimeoutMs = 10_000;
const kRequestTimeoutMs = 15_000;

interface Pending {
  resolve: (message: Message) => void;
  reject: (err: UmbraError) => void;
  timer: ReturnType<typeof setTimeout>;
  type: string;
}

export class SignalingChannel {
  readonly #socket: WebSocket;
  readonly #callbacks: ChannelCallbacks;
  readonly #pending = new Map<number, Pending>();
  #nextRequestId = 1;
  #closed = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lastPongAt = 0;

  private constructor(socket: WebSocket, callbacks: ChannelCallbacks) {
    this.#socket = socket;
    this.#callbacks = callbacks;
    socket.onmessage = (ev) => this.#onMessage(ev);
    socket.onclose = (ev) => this.#drop(`socket closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''})`);
    socket.onerror = () => {
      /* onclose follows and carries the code */
    };
  }

  // Opens the socket; rejects with ConnectionFailedError when the server cannot be reached.
  static open(url: string, callbacks: ChannelCallbacks): Promise<SignalingChannel> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url);
      } catch (err) {
        reject(new UmbraError('InvalidParameterError', `bad signaling URL ${url}: ${String(err)}`));
        return;
      }
      const timer = setTimeout(() => {
        socket.onopen = socket.onclose = null;
        socket.close();
        reject(new UmbraError('ConnectionFailedError', `no answer from ${url} within ${kOpenTimeoutMs} ms`));
      }, kOpenTimeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(new SignalingChannel(socket, callbacks));
      };
      socket.onclose = (ev) => {
        clearTimeout(timer);
        reject(new UmbraError('ConnectionFailedError', `could not open ${url} (close code ${ev.code})`));
      };
    });
  }

  get isOpen(): boolean {
    return !this.#closed && this.#socket.readyState === WebSocket.OPEN;
  }

  // Sends a request and resolves with its response (any message with our requestId whose type is not
  // `error`), or rejects with the UmbraError the server's error code maps to.
  request(type: string, fields: Record<string, unknown> = {}, timeoutMs = kRequestTimeoutMs): Promise<Message> {
    if (!this.isOpen) {
      return Promise.reject(new UmbraError('NotConnectedError', `cannot send ${type}: the signaling link is down`));
    }
    const requestId = this.#nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new UmbraError('RequestTimeoutError', `the server did not answer ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(requestId, { resolve, reject, timer, type });
      this.#socket.send(JSON.stringify({ ...fields, type, requestId }));
    });
  }

  // Application heartbeat: a ping every interval; two intervals without a pong means the link is dead
  // even if the socket has not noticed yet (a NAT that silently dropped the mapping, a sleeping laptop).
  startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    this.#lastPongAt = Date.now();
    this.#heartbeat = setInterval(() => {
      if (Date.now() - this.#lastPongAt > 2 * intervalMs) {
        this.#drop('heartbeat timed out');
        return;
      }
      this.request('ping', {}, 2 * intervalMs).then(
        () => {
          this.#lastPongAt = Date.now();
        },
        () => {
          /* a missing pong is handled by the age check above */
        },
      );
    }, intervalMs);
  }

  stopHeartbeat(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  // Closes on purpose: no onDrop. Pending requests fail with NotConnectedError.
  close(code = 1000): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stopHeartbeat();
    this.#failPending('NotConnectedError', 'the session was disconnected');
    this.#socket.onclose = null;
    this.#socket.onmessage = null;
    try {
      this.#socket.close(code);
    } catch {
      /* already closing */
    }
  }

  #drop(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stopHeartbeat();
    this.#failPending('ConnectionFailedError', `the signaling link dropped (${reason})`);
    this.#socket.onclose = null;
    this.#socket.onmessage = null;
    try {
      this.#socket.close();
    } catch {
      /* already closed */
    }
    this.#callbacks.onDrop(reason);
  }

  #failPending(name: 'NotConnectedError' | 'ConnectionFailedError', message: string): void {
    for (const [, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new UmbraError(name, `${pending.type}: ${message}`));
    }
    this.#pending.clear();
  }

  #onMessage(ev: MessageEvent): void {
    if (typeof ev.data !== 'string') return; // the protocol is text-only; ignore anything else
    let message: Message;
    try {
      const parsed: unknown = JSON.parse(ev.data);
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as Message).type !== 'string') return;
      message = parsed as Message;
    } catch {
      return;
    }
    const requestId = message['requestId'];
    if (typeof requestId === 'number' && this.#pending.has(requestId)) {
      const pending = this.#pending.get(requestId)!;
      this.#pending.delete(requestId);
      clearTimeout(pending.timer);
      if (message.type === 'error') {
        pending.reject(errorFromServer(message['code'], message['message']));
      } else {
        pending.resolve(message);
      }
      return;
    }
    if (requestId !== undefined && requestId !== null) return; // the answer to a request that timed out
    if (message.type === 'pong') this.#lastPongAt = Date.now();
    this.#callbacks.onEvent(message);
  }
}
