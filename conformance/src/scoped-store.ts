import {
  BaseKeyValueStore,
  deleteKeysUnder,
  normalizeSecretPath,
  SecretNotFoundError,
  UnsupportedOperationError,
  type OperationArgs,
  type OperationResults,
  type StoreCapabilities,
} from '@kv2/core';

/** Options for {@link ScopedKeyValueStore}. */
export interface ScopedStoreOptions {
  /**
   * Let the view change the shared mount configuration (and report `mountConfig` as the inner
   * store does): for a run that saved the config first and restores it afterwards.
   */
  allowMountConfig?: boolean | undefined;
}

/**
 * A view of a store under a path prefix: every path is prefixed, `list('')` lists the prefix's
 * children, and not-found errors name the path as the caller spelled it (without the prefix).
 *
 * It lets a live server with one shared mount give each conformance behaviour a fresh,
 * empty-looking store under a scratch prefix. The mount configuration is shared, so by default
 * the view reports `mountConfig: false` and refuses `writeConfig`; `close()` leaves the
 * underlying store open. Its own `BaseKeyValueStore` checks the arguments, so path rules are
 * those of @kv2/core rather than the underlying store's.
 */
export class ScopedKeyValueStore extends BaseKeyValueStore {
  readonly #inner: BaseKeyValueStore;
  readonly #prefix: string;
  readonly #allowMountConfig: boolean;

  /** @param prefix - a non-empty folder, e.g. `kv2-check/3f1c…`; slashes around it are ignored. */
  constructor(inner: BaseKeyValueStore, prefix: string, options: ScopedStoreOptions = {}) {
    super();
    this.#inner = inner;
    this.#prefix = normalizeSecretPath(prefix.replace(/\/+$/, ''), 'write');
    this.#allowMountConfig = options.allowMountConfig === true;
  }

  /** The prefix every path is placed under. */
  get prefix(): string {
    return this.#prefix;
  }

  override get capabilities(): StoreCapabilities {
    const inner = this.#inner.capabilities;
    return Object.freeze({ ...inner, mountConfig: this.#allowMountConfig && inner.mountConfig });
  }

  // The path is already canonical (checked by the base class).
  #path(path: string): string {
    return path === '' ? this.#prefix : `${this.#prefix}/${path}`;
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

  protected override _read({ path, version }: OperationArgs['read']): Promise<OperationResults['read']> {
    return this.#call(() => this.#inner.read(this.#path(path), { version }));
  }

  protected override _write({ path, data, cas }: OperationArgs['write']): Promise<OperationResults['write']> {
    return this.#call(() => this.#inner.write(this.#path(path), data, { cas }));
  }

  protected override _patch({ path, data, cas }: OperationArgs['patch']): Promise<OperationResults['patch']> {
    return this.#call(() => this.#inner.patch(this.#path(path), data, { cas }));
  }

  protected override _delete({ path, versions }: OperationArgs['delete']): Promise<void> {
    return this.#call(() => this.#inner.delete(this.#path(path), { versions }));
  }

  protected override _undelete({ path, versions }: OperationArgs['undelete']): Promise<void> {
    return this.#call(() => this.#inner.undelete(this.#path(path), { versions }));
  }

  protected override _destroy({ path, versions }: OperationArgs['destroy']): Promise<void> {
    return this.#call(() => this.#inner.destroy(this.#path(path), { versions }));
  }

  protected override _list({ path }: OperationArgs['list']): Promise<OperationResults['list']> {
    return this.#call(() => this.#inner.list(this.#path(path)));
  }

  protected override _readMetadata({ path }: OperationArgs['readMetadata']): Promise<OperationResults['readMetadata']> {
    return this.#call(() => this.#inner.readMetadata(this.#path(path)));
  }

  protected override _writeMetadata({ path, update }: OperationArgs['writeMetadata']): Promise<OperationResults['writeMetadata']> {
    return this.#call(() => this.#inner.writeMetadata(this.#path(path), update));
  }

  protected override _patchMetadata({ path, patch }: OperationArgs['patchMetadata']): Promise<OperationResults['patchMetadata']> {
    return this.#call(() => this.#inner.patchMetadata(this.#path(path), patch));
  }

  protected override _deleteMetadata({ path }: OperationArgs['deleteMetadata']): Promise<void> {
    return this.#call(() => this.#inner.deleteMetadata(this.#path(path)));
  }

  protected override _deleteLatest({ path }: OperationArgs['deleteLatest']): Promise<void> {
    return this.#call(() => this.#inner.deleteLatest(this.#path(path)));
  }

  protected override _subkeys({ path, version, depth }: OperationArgs['subkeys']): Promise<OperationResults['subkeys']> {
    return this.#call(() => this.#inner.subkeys(this.#path(path), { version, depth }));
  }

  /** The shared mount's configuration. */
  protected override _readConfig(): Promise<OperationResults['readConfig']> {
    return this.#inner.readConfig();
  }

  /** Refused unless `allowMountConfig`: the mount configuration is shared by every scope. */
  protected override async _writeConfig({ update }: OperationArgs['writeConfig']): Promise<void> {
    if (!this.#allowMountConfig) throw new UnsupportedOperationError('a scoped store cannot change the shared mount configuration');
    await this.#inner.writeConfig(update);
  }

  /**
   * Deletes every key under the prefix, with all versions and metadata (for a `cleanup` after a
   * run against a live server). Needs the KV v2 extensions (`deleteMetadata`).
   */
  async clear(folder = ''): Promise<void> {
    await deleteKeysUnder(this, folder);
  }

  /** Leaves the underlying store open: it is shared. */
  override async close(): Promise<void> {}

  override toString(): string {
    return `ScopedKeyValueStore(${JSON.stringify(this.#prefix)})`;
  }
}

/** A view of `store` under `prefix` (see {@link ScopedKeyValueStore}). */
export function scopedStore(store: BaseKeyValueStore, prefix: string, options?: ScopedStoreOptions): ScopedKeyValueStore {
  return new ScopedKeyValueStore(store, prefix, options);
}
