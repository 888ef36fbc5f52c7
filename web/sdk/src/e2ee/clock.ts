// Time for the e2ee state machines, in milliseconds. Production uses a monotonic clock; tests pass
// a manual one so the switch delay, key retention and mismatch timing run without sleeping.
export interface Clock {
  now(): number;
}

export const monotonicClock: Clock = { now: () => performance.now() };

export class ManualClock implements Clock {
  #now: number;
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
