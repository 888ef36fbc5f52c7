// Per-KID replay protection (DESIGN.md 4.9, RFC 9605 section 9.3): the highest counter that opened and
// which of the SIZE counters below it did. Callers check first and mark only after the tag verifies,
// so a forged frame never moves the window.
export class ReplayWindow {
  static readonly SIZE = 128n;
  static readonly #mask = (1n << ReplayWindow.SIZE) - 1n;

  #top: bigint | null = null;
  #seen = 0n; // bit i: counter top - i has opened

  accepts(ctr: bigint): boolean {
    if (this.#top === null || ctr > this.#top) return true;
    const age = this.#top - ctr;
    if (age >= ReplayWindow.SIZE) return false;
    return ((this.#seen >> age) & 1n) === 0n;
  }

  mark(ctr: bigint): void {
    if (this.#top === null) {
      this.#top = ctr;
      this.#seen = 1n;
    } else if (ctr > this.#top) {
      const shift = ctr - this.#top;
      this.#seen = shift >= ReplayWindow.SIZE ? 1n : ((this.#seen << shift) | 1n) & ReplayWindow.#mask;
      this.#top = ctr;
    } else {
      const age = this.#top - ctr;
      if (age < ReplayWindow.SIZE) this.#seen |= 1n << age;
    }
  }
}
