import { CORE_ONLY, type StoreCapabilities, type VersionMetadata, type WriteOptions } from '@kv2/core';
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
