import {
  BaseKeyValueStore,
  CORE_ONLY,
  StoreUnavailableError,
  type OperationArgs,
  type OperationResults,
  type KeyMetadata,
  type StoreCapabilities,
  type VersionMetadata,
  type VersionsOptions,
  type WriteOptions,
} from '@kv2/core';
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

/** Undelete of an unknown key lets the store's not-found error escape instead of doing nothing. */
export class RawNotFoundStore extends MemoryKeyValueStore {
  override async undelete(path: string, options: VersionsOptions): Promise<void> {
    await this.readMetadata(path);
    return super.undelete(path, options);
  }
}

/** Returns key metadata without its versions map: behaviours meet an answer of the wrong shape. */
export class MissingVersionsStore extends MemoryKeyValueStore {
  override async readMetadata(path: string): Promise<KeyMetadata> {
    const { versions: _dropped, ...rest } = await super.readMetadata(path);
    return rest as KeyMetadata;
  }
}

/** Keeps serving reads after close() but refuses writes: half closed. */
export class HalfClosedStore extends MemoryKeyValueStore {
  #closed = false;
  override async close(): Promise<void> {
    this.#closed = true;
  }
  override async write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    if (this.#closed) throw new StoreUnavailableError('closed', 'store_closed');
    return super.write(path, data, options);
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
 * A core-only store that implements just the abstract hooks (by delegating to the memory
 * store), so `patch` is `BaseKeyValueStore`'s default: what a minimal third-party adapter gets.
 */
export class DefaultPatchStore extends BaseKeyValueStore {
  readonly #inner: MemoryKeyValueStore;

  constructor(options: { now: () => Date }) {
    super();
    this.#inner = new MemoryKeyValueStore(options);
  }

  protected override _read({ path, version }: OperationArgs['read']): Promise<OperationResults['read']> {
    return this.#inner.read(path, { version });
  }
  protected override _write({ path, data, cas }: OperationArgs['write']): Promise<OperationResults['write']> {
    return this.#inner.write(path, data, { cas });
  }
  protected override _delete({ path, versions }: OperationArgs['delete']): Promise<void> {
    return this.#inner.delete(path, { versions });
  }
  protected override _undelete({ path, versions }: OperationArgs['undelete']): Promise<void> {
    return this.#inner.undelete(path, { versions });
  }
  protected override _destroy({ path, versions }: OperationArgs['destroy']): Promise<void> {
    return this.#inner.destroy(path, { versions });
  }
  protected override _list({ path }: OperationArgs['list']): Promise<OperationResults['list']> {
    return this.#inner.list(path);
  }
}
