// A small typed event emitter: `on`, `off`, `once`. Handlers run synchronously in registration order;
// a handler that throws is reported on the console and does not stop the others (one broken UI callback
// must not leave the SDK's own state half-updated).

export type Handler<T> = (event: T) => void;

export class Emitter<Events extends object> {
  readonly #handlers = new Map<keyof Events, Set<Handler<never>>>();

  on<K extends keyof Events>(name: K, handler: Handler<Events[K]>): this {
    let set = this.#handlers.get(name);
    if (set === undefined) {
      set = new Set();
      this.#handlers.set(name, set);
    }
    set.add(handler as Handler<never>);
    return this;
  }

  off<K extends keyof Events>(name: K, handler?: Handler<Events[K]>): this {
    if (handler === undefined) {
      this.#handlers.delete(name);
    } else {
      this.#handlers.get(name)?.delete(handler as Handler<never>);
    }
    return this;
  }

  once<K extends keyof Events>(name: K, handler: Handler<Events[K]>): this {
    const wrapper: Handler<Events[K]> = (event) => {
      this.off(name, wrapper);
      handler(event);
    };
    return this.on(name, wrapper);
  }

  // Resolves with the next event of that name (handy in tests and async flows).
  waitFor<K extends keyof Events>(name: K): Promise<Events[K]> {
    return new Promise((resolve) => this.once(name, resolve));
  }

  protected emit<K extends keyof Events>(name: K, event: Events[K]): void {
    const set = this.#handlers.get(name);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        (handler as Handler<Events[K]>)(event);
      } catch (err) {
        console.error(`umbra: a handler for "${String(name)}" threw`, err);
      }
    }
  }
}
