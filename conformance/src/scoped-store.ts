import {
  BaseKeyValueStore,
  hasKvV2Extensions,
  normalizeSecretPath,
  SecretNotFoundError,
  UnsupportedOperationError,
  type KeyMetadata,
  type KvV2Extensions,
  type KvV2Store,
  type MetadataPatch,
  type MetadataUpdate,
  type MetadataWriteResult,
  type MountConfig,
  type MountConfigUpdate,
  type PathIntent,
  type ReadOptions,
  type Secret,
  type SecretData,
  type StoreCapabilities,
  type Subkeys,
  type SubkeysOptions,
  type VersionMetadata,
  type VersionsOptions,
  type WriteOptions,
} from '@kv2/core';

/**
 * A view of a store under a path prefix: every path is prefixed, `list('')` lists the prefix's
 * children, and not-found errors name the path as the caller spelled it (without the prefix).
 *
 * It lets a live server with one shared mount give each conformance behaviour a fresh,
 * empty-looking store under a scratch prefix. The mount configuration is shared, so the view
 * reports `mountConfig: false` and refuses `writeConfig`; `close()` leaves the underlying store
 * open. Paths are checked with `normalizeSecretPath` before they are prefixed, so path rules are
 * those of @kv2/core rather than the underlying store's.
 */
export class ScopedKeyValueStore extends BaseKeyValueStore implements KvV2Extensions {
  readonly #inner: BaseKeyValueStore;
  readonly #prefix: string;

  /** @param prefix - a non-empty folder, e.g. `kv2-check/3f1c…`; slashes around it are ignored. */
  constructor(inner: BaseKeyValueStore, prefix: string) {
    super();
    this.#inner = inner;
    this.#prefix = normalizeSecretPath(prefix.replace(/\/+$/, ''), 'write');
  }

  /** The prefix every path is placed under. */
  get prefix(): string {
    return this.#prefix;
  }

  override get capabilities(): StoreCapabilities {
    return Object.freeze({ ...this.#inner.capabilities, mountConfig: false });
  }

  #path(path: string, intent: PathIntent): string {
    const canonical = normalizeSecretPath(path, intent);
    return canonical === '' ? this.#prefix : `${this.#prefix}/${canonical}`;
  }

  #kv(): KvV2Store {
    if (!hasKvV2Extensions(this.#inner)) throw new UnsupportedOperationError('the underlying store has no KV v2 extensions');
    return this.#inner;
  }

  // Not-found errors carry the inner path; give back the caller's view of it.
  async #call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (SecretNotFoundError.is(error) && error.path.startsWith(`${this.#prefix}/`)) {
        throw new SecretNotFoundError(error.path.slice(this.#prefix.length + 1), error.metadata, { cause: error });
      }
      throw error;
    }
  }

  override read<T = SecretData>(path: string, options?: ReadOptions): Promise<Secret<T>> {
    return this.#call(() => this.#inner.read<T>(this.#path(path, 'read'), options));
  }

  override write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    return this.#call(() => this.#inner.write(this.#path(path, 'write'), data, options));
  }

  override patch(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    return this.#call(() => this.#inner.patch(this.#path(path, 'write'), data, options));
  }

  override delete(path: string, options: VersionsOptions): Promise<void> {
    return this.#call(() => this.#inner.delete(this.#path(path, 'write'), options));
  }

  override undelete(path: string, options: VersionsOptions): Promise<void> {
    return this.#call(() => this.#inner.undelete(this.#path(path, 'write'), options));
  }

  override destroy(path: string, options: VersionsOptions): Promise<void> {
    return this.#call(() => this.#inner.destroy(this.#path(path, 'write'), options));
  }

  override list(path: string): Promise<string[]> {
    return this.#call(() => this.#inner.list(this.#path(path, 'list')));
  }

  readMetadata(path: string): Promise<KeyMetadata> {
    return this.#call(() => this.#kv().readMetadata(this.#path(path, 'read')));
  }

  writeMetadata(path: string, update: MetadataUpdate): Promise<MetadataWriteResult> {
    return this.#call(() => this.#kv().writeMetadata(this.#path(path, 'write'), update));
  }

  patchMetadata(path: string, patch: MetadataPatch): Promise<MetadataWriteResult> {
    return this.#call(() => this.#kv().patchMetadata(this.#path(path, 'write'), patch));
  }

  deleteMetadata(path: string): Promise<void> {
    return this.#call(() => this.#kv().deleteMetadata(this.#path(path, 'read')));
  }

  deleteLatest(path: string): Promise<void> {
    return this.#call(() => this.#kv().deleteLatest(this.#path(path, 'read')));
  }

  subkeys(path: string, options?: SubkeysOptions): Promise<Subkeys> {
    return this.#call(() => this.#kv().subkeys(this.#path(path, 'read'), options));
  }

  /** The shared mount's configuration. */
  readConfig(): Promise<MountConfig> {
    return this.#kv().readConfig();
  }

  /** Always refused: the mount configuration is shared by every scope. */
  async writeConfig(_update: MountConfigUpdate): Promise<void> {
    throw new UnsupportedOperationError('a scoped store cannot change the shared mount configuration');
  }

  /**
   * Deletes every key under the prefix, with all versions and metadata (for a `cleanup` after a
   * run against a live server). Needs the KV v2 extensions (`deleteMetadata`).
   */
  async clear(folder = ''): Promise<void> {
    for (const name of await this.list(folder)) {
      const path = folder === '' ? name : `${folder}/${name}`;
      if (name.endsWith('/')) await this.clear(path.slice(0, -1));
      else await this.deleteMetadata(path);
    }
  }

  /** Leaves the underlying store open: it is shared. */
  override async close(): Promise<void> {}

  override toString(): string {
    return `ScopedKeyValueStore(${JSON.stringify(this.#prefix)})`;
  }
}

/** A view of `store` under `prefix` (see {@link ScopedKeyValueStore}). */
export function scopedStore(store: BaseKeyValueStore, prefix: string): ScopedKeyValueStore {
  return new ScopedKeyValueStore(store, prefix);
}
