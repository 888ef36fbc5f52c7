// What a Publisher or Subscriber needs from its Session: a way to send requests over whatever
// signaling socket is current (it changes on resume), the media mode and ICE servers, and the E2EE
// controller when the session is end-to-end encrypted.
import type { SessionE2ee } from './e2ee-hook.js';
import type { Message } from './signaling.js';
import type { Connection, MediaMode } from './stream.js';

export interface SessionLink {
  readonly mediaMode: MediaMode;
  readonly iceServers: RTCIceServer[];
  readonly e2ee: SessionE2ee | null;
  // This client's own connection (valid while connected).
  readonly connection: Connection;
  // Waits out a reconnect, then sends; rejects with an UmbraError.
  request(type: string, fields: Record<string, unknown>): Promise<Message>;
  // request() whose failure is only logged (ICE candidates: losing one is survivable).
  send(type: string, fields: Record<string, unknown>): void;
}

export function rtcConfig(link: SessionLink): RTCConfiguration {
  return { iceServers: link.iceServers, ...(link.e2ee?.rtcConfiguration ?? {}) };
}

// Serializes async steps on one peer connection (offer/answer/candidates arrive as independent events
// but setRemoteDescription and addIceCandidate must not interleave).
export class TaskQueue {
  #tail: Promise<void> = Promise.resolve();

  run(task: () => Promise<void>, onError: (err: unknown) => void): void {
    this.#tail = this.#tail.then(task).catch(onError);
  }
}
