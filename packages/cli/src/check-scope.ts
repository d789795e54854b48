import { StoreUnavailableError, type KvV2Store, type MountConfigUpdate, type StoreCapabilities } from '@kv2/core';
import { ScopedKeyValueStore } from '@kv2/conformance';
import { DEFAULT_CONCURRENCY, mapBounded } from './concurrency.js';
import { listKeys } from './snapshot-remote.js';

// The pieces `kv2 check` uses to run the suite on a live, shared server without touching anything
// outside its scratch prefix, and to stop cleanly on Ctrl+C.

const STORE_METHODS = new Set([
  'read',
  'write',
  'patch',
  'delete',
  'undelete',
  'destroy',
  'list',
  'readMetadata',
  'writeMetadata',
  'patchMetadata',
  'deleteMetadata',
  'deleteLatest',
  'subkeys',
  'readConfig',
  'writeConfig',
]);

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

/** `store` with every KV v2 call passed through `gate`. */
export function gatedStore(store: KvV2Store, gate: CallGate): KvV2Store {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string' || !STORE_METHODS.has(property)) return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => gate.run(() => method.apply(target, args));
    },
  });
}

/**
 * A scratch-prefix view that may also change the mount config (`-allow-mount-config`): the
 * suite's mount-config behaviours then run, on a config that `kv2 check` saved first and restores
 * afterwards. Without it, the plain {@link ScopedKeyValueStore} refuses config writes.
 */
export class ConfigurableScope extends ScopedKeyValueStore {
  readonly #kv: KvV2Store;

  constructor(inner: KvV2Store, prefix: string) {
    super(inner, prefix);
    this.#kv = inner;
  }

  override get capabilities(): StoreCapabilities {
    return Object.freeze({ ...this.#kv.capabilities, mountConfig: true });
  }

  override async writeConfig(update: MountConfigUpdate): Promise<void> {
    await this.#kv.writeConfig(update);
  }
}

/** Every leaf key under `prefix` (a folder path ending in `/`), depth-first, listing folders side by side. */
export async function keysUnder(store: KvV2Store, prefix: string): Promise<string[]> {
  return listKeys(store, DEFAULT_CONCURRENCY, prefix);
}

/**
 * Removes every key under `prefix` with deleteMetadata (all versions and history), several at
 * once (a scratch folder of a model-based run holds dozens); returns how many.
 */
export async function removeUnder(store: KvV2Store, prefix: string): Promise<number> {
  const keys = await keysUnder(store, prefix);
  await mapBounded(keys, DEFAULT_CONCURRENCY, (key) => store.deleteMetadata(key), (key) => key);
  return keys.length;
}
