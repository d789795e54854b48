import type { BaseKeyValueStore } from './store.js';
import type {
  KeyMetadata,
  MetadataPatch,
  MetadataUpdate,
  MetadataWriteResult,
  MountConfig,
  MountConfigUpdate,
  Subkeys,
  SubkeysOptions,
} from './types.js';

/** The KV v2 operations beyond the core contract; a store opts in through its capabilities. */
export interface KvV2Extensions {
  /** Reads a key's metadata. Throws {@link SecretNotFoundError} for an unknown key. */
  readMetadata(path: string): Promise<KeyMetadata>;
  /** Field-wise update that creates the key if needed (`POST metadata/:path`). */
  writeMetadata(path: string, update: MetadataUpdate): Promise<MetadataWriteResult>;
  /** JSON-merge-patch of an existing key's metadata (`PATCH metadata/:path`). */
  patchMetadata(path: string, patch: MetadataPatch): Promise<MetadataWriteResult>;
  /** Removes the key, all its versions and history; a later write starts at version 1. */
  deleteMetadata(path: string): Promise<void>;
  /** Soft-deletes the current version (`DELETE data/:path`). */
  deleteLatest(path: string): Promise<void>;
  /** A version's structure with leaves replaced by null. */
  subkeys(path: string, options?: SubkeysOptions): Promise<Subkeys>;
  /** The mount configuration. */
  readConfig(): Promise<MountConfig>;
  /** Changes the fields present in `update`. */
  writeConfig(update: MountConfigUpdate): Promise<void>;
}

/** A store with the whole KV v2 surface. */
export type KvV2Store = BaseKeyValueStore & KvV2Extensions;

/** True when the store declares and implements the {@link KvV2Extensions}. */
export function hasKvV2Extensions(store: BaseKeyValueStore): store is KvV2Store {
  const s = store as Partial<KvV2Extensions> & BaseKeyValueStore;
  return (
    store.capabilities.extensions &&
    typeof s.readMetadata === 'function' &&
    typeof s.writeMetadata === 'function' &&
    typeof s.patchMetadata === 'function' &&
    typeof s.deleteMetadata === 'function' &&
    typeof s.deleteLatest === 'function' &&
    typeof s.subkeys === 'function' &&
    typeof s.readConfig === 'function' &&
    typeof s.writeConfig === 'function'
  );
}
