import { BaseKeyValueStore, CORE_ONLY, type ReadOptions, type Secret, type SecretData, type StoreCapabilities, type VersionMetadata, type VersionsOptions, type WriteOptions } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';

/** Lists in reverse byte order. */
export class UnsortedListStore extends MemoryKeyValueStore {
  override async list(path: string): Promise<string[]> {
    return (await super.list(path)).reverse();
  }
}

/** Drops the `cas` option of writes, as a careless adapter might. */
export class IgnoresCasStore extends MemoryKeyValueStore {
  override write(path: string, data: object, _options?: WriteOptions): Promise<VersionMetadata> {
    return super.write(path, data);
  }
}

/** Claims a controllable clock but reads the wall clock. */
export class WallClockStore extends MemoryKeyValueStore {
  constructor() {
    super({ now: () => new Date() });
  }
}

/** The memory store declaring only the core contract. */
export class CoreOnlyStore extends MemoryKeyValueStore {
  override get capabilities(): StoreCapabilities {
    return CORE_ONLY;
  }
}

/**
 * A core-only store that implements just the abstract methods (by delegating to the memory
 * store), so `patch` is `BaseKeyValueStore`'s default: what a minimal third-party adapter gets.
 */
export class DefaultPatchStore extends BaseKeyValueStore {
  readonly #inner: MemoryKeyValueStore;

  constructor(options: { now: () => Date }) {
    super();
    this.#inner = new MemoryKeyValueStore(options);
  }

  override read<T = SecretData>(path: string, options?: ReadOptions): Promise<Secret<T>> {
    return this.#inner.read<T>(path, options);
  }
  override write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    return this.#inner.write(path, data, options);
  }
  override delete(path: string, options: VersionsOptions): Promise<void> {
    return this.#inner.delete(path, options);
  }
  override undelete(path: string, options: VersionsOptions): Promise<void> {
    return this.#inner.undelete(path, options);
  }
  override destroy(path: string, options: VersionsOptions): Promise<void> {
    return this.#inner.destroy(path, options);
  }
  override list(path: string): Promise<string[]> {
    return this.#inner.list(path);
  }
}
