import { isStoreOperation, StoreUnavailableError, type BaseKeyValueStore } from '@kv2/core';

// The pieces `kv2 check` uses to run the suite on a live, shared server without touching anything
// outside its scratch prefix, and to stop cleanly on Ctrl+C.

/**
 * Counts the store calls in flight and, once closed, refuses new ones, so an interrupted run can
 * wait for the last request to finish and then clean up knowing nothing more will be written.
 */
export class CallGate {
  #inFlight = 0;
  #closed = false;
  #idle: (() => void)[] = [];

  /** Refuses every call from now on. */
  close(): void {
    this.#closed = true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError('kv2 check was interrupted', 'store_closed');
    this.#inFlight++;
    try {
      return await call();
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Resolves when no call is in flight (or after `timeoutMs`). */
  async idle(timeoutMs: number): Promise<void> {
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** `store` with every store operation (see @kv2/core's STORE_OPERATIONS) passed through `gate`. */
export function gatedStore<S extends BaseKeyValueStore>(store: S, gate: CallGate): S {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string' || !isStoreOperation(property)) return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => gate.run(() => method.apply(target, args));
    },
  });
}
