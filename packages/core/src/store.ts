import type { StoreCapabilities } from './capabilities.js';
import { CORE_ONLY } from './capabilities.js';
import { CheckAndSetError, SecretNotFoundError, UnsupportedOperationError } from './errors.js';
import {
  casOption,
  changesNoField,
  checkedConfigUpdate,
  checkedMetadataPatch,
  checkedMetadataUpdate,
  optionalCount,
  optionalInteger,
  secretData,
  versionList,
} from './inputs.js';
import { applyMergePatch } from './merge-patch.js';
import type { OperationArgs, OperationResults, StoreOperation } from './operations.js';
import { normalizeSecretPath } from './paths.js';
import type {
  KeyMetadata,
  MetadataPatch,
  MetadataUpdate,
  MetadataWriteResult,
  MountConfig,
  MountConfigUpdate,
  ReadOptions,
  Secret,
  SecretData,
  Subkeys,
  SubkeysOptions,
  VersionMetadata,
  VersionsOptions,
  WriteOptions,
} from './types.js';

/**
 * The contract every kv2 store implements: versioned secrets with KV v2 semantics.
 *
 * As in `abstract-level`, each public method checks and normalises its arguments once (the path
 * rule of {@link normalizeSecretPath}, version lists, `cas`, data copied as a JSON object,
 * metadata and config updates) and then calls a protected hook, `_read` for `read` and so on,
 * with {@link OperationArgs}. A store implements the hooks and never re-checks: the same bad
 * input gets the same typed error from every store.
 *
 * The KV v2 extensions (metadata, `deleteLatest`, `subkeys`, config) are methods here too. They
 * throw {@link UnsupportedOperationError} unless the store declares `capabilities.extensions`
 * and overrides their hooks.
 */
export abstract class BaseKeyValueStore {
  // Stryker disable next-line all: every store the mutation run measures declares its own capabilities.
  /** What this store supports beyond the core contract. */
  get capabilities(): StoreCapabilities {
    return CORE_ONLY;
  }

  /**
   * Reads one version (the latest by default). Throws {@link SecretNotFoundError} when there is
   * nothing, or when the version is soft-deleted or destroyed (then with its `metadata`).
   */
  async read<T = SecretData>(path: string, options?: ReadOptions): Promise<Secret<T>> {
    const key = normalizeSecretPath(path, 'read');
    return (await this._read({ path: key, version: optionalCount(options?.version, 'version') })) as Secret<T>;
  }

  /** Writes a new version; with `cas`, only if the current version equals it. */
  async write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    const key = normalizeSecretPath(path, 'write');
    return this._write({ path: key, data: secretData(data), cas: casOption(options?.cas) });
  }

  /** Applies an RFC 7386 JSON merge patch to the latest version and stores the result as a new version. */
  async patch(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    const key = normalizeSecretPath(path, 'write');
    return this._patch({ path: key, data: secretData(data), cas: casOption(options?.cas) });
  }

  /** Soft-deletes the given versions; they can be undeleted. */
  async delete(path: string, options: VersionsOptions): Promise<void> {
    return this._delete(this.#versionsArgs(path, options, 'No version number provided'));
  }

  /** Restores soft-deleted versions (destroyed ones stay destroyed). */
  async undelete(path: string, options: VersionsOptions): Promise<void> {
    return this._undelete(this.#versionsArgs(path, options, 'No version number provided'));
  }

  /** Permanently removes the data of the given versions. */
  async destroy(path: string, options: VersionsOptions): Promise<void> {
    // OpenBao's message is lower-case here, unlike delete and undelete.
    return this._destroy(this.#versionsArgs(path, options, 'no version number provided'));
  }

  /**
   * The immediate children of a folder: secrets by name, sub-folders with a trailing `/`,
   * sorted byte-wise. `[]` when nothing is below; `list('')` lists the top level.
   */
  async list(path: string): Promise<string[]> {
    return this._list({ path: normalizeSecretPath(path, 'list') });
  }

  /** KV v2 extension: reads a key's metadata. Throws {@link SecretNotFoundError} for an unknown key. */
  async readMetadata(path: string): Promise<KeyMetadata> {
    requireExtensions(this);
    return this._readMetadata({ path: normalizeSecretPath(path, 'read') });
  }

  /**
   * KV v2 extension: field-wise update that creates the key if needed (`POST metadata/:path`).
   * An update that names no field (only `metadataCas`, or nothing) changes nothing.
   */
  async writeMetadata(path: string, update: MetadataUpdate): Promise<MetadataWriteResult> {
    requireExtensions(this);
    const key = normalizeSecretPath(path, 'write');
    const checked = checkedMetadataUpdate(update);
    return changesNoField(checked) ? noWarnings() : this._writeMetadata({ path: key, update: checked });
  }

  /**
   * KV v2 extension: JSON-merge-patch of an existing key's metadata (`PATCH metadata/:path`).
   * As in OpenBao, a patch without any patchable field is a no-op, even for an unknown key and
   * whatever else it holds (see {@link checkedMetadataPatch}).
   */
  async patchMetadata(path: string, patch: MetadataPatch): Promise<MetadataWriteResult> {
    requireExtensions(this);
    const key = normalizeSecretPath(path, 'write');
    const checked = checkedMetadataPatch(patch);
    return changesNoField(checked) ? noWarnings() : this._patchMetadata({ path: key, patch: checked });
  }

  /** KV v2 extension: removes the key, all its versions and history; a later write starts at version 1. */
  async deleteMetadata(path: string): Promise<void> {
    requireExtensions(this);
    return this._deleteMetadata({ path: normalizeSecretPath(path, 'read') });
  }

  /** KV v2 extension: soft-deletes the current version (`DELETE data/:path`). */
  async deleteLatest(path: string): Promise<void> {
    requireExtensions(this);
    return this._deleteLatest({ path: normalizeSecretPath(path, 'read') });
  }

  /** KV v2 extension: a version's structure with leaves replaced by null. */
  async subkeys(path: string, options?: SubkeysOptions): Promise<Subkeys> {
    requireExtensions(this);
    const key = normalizeSecretPath(path, 'read');
    const depth = optionalInteger(options?.depth, 'depth');
    return this._subkeys({ path: key, version: optionalCount(options?.version, 'version'), depth });
  }

  /** KV v2 extension: the mount configuration. */
  async readConfig(): Promise<MountConfig> {
    requireExtensions(this);
    return this._readConfig({});
  }

  /** KV v2 extension: changes the fields present in `update` (a negative `deleteVersionAfter` means "disabled"). */
  async writeConfig(update: MountConfigUpdate): Promise<void> {
    requireExtensions(this);
    return this._writeConfig({ update: checkedConfigUpdate(update) });
  }

  /** Releases whatever the store holds (files, locks, sockets). The default does nothing. */
  async close(): Promise<void> {}

  // ---- Hooks: what a store implements. Arguments are already checked and normalised. ----

  /** Reads a version (`version` absent or 0: the latest). */
  protected abstract _read(args: OperationArgs['read']): Promise<OperationResults['read']>;

  /** Writes a new version, honouring `cas` and the CAS requirements. */
  protected abstract _write(args: OperationArgs['write']): Promise<OperationResults['write']>;

  // Stryker disable all: the default patch and the refusing extension hooks only run in stores that
  // lack a native patch or the extensions; `pnpm mutation` measures the suite on the memory store,
  // which has both (conformance/test runs the suite on such stores: DefaultPatchStore, CoreOnlyStore).
  /**
   * Merge-patches the latest version. This default reads the latest version, merges, and writes
   * with `cas` set to the version read, so a concurrent writer can never be overwritten
   * silently; stores with a native patch override it.
   */
  protected async _patch({ path, data, cas }: OperationArgs['patch']): Promise<OperationResults['patch']> {
    let current: Secret<SecretData>;
    try {
      current = await this._read({ path, version: undefined });
    } catch (error) {
      // OpenBao checks CAS before "deleted/destroyed": a deleted latest version is still the
      // current version that `cas` is compared with.
      if (cas !== undefined && SecretNotFoundError.is(error) && error.metadata !== null && error.metadata.version !== cas) {
        throw new CheckAndSetError('cas_mismatch');
      }
      throw error;
    }
    if (cas !== undefined && cas !== current.metadata.version) throw new CheckAndSetError('cas_mismatch');
    return this._write({ path, data: applyMergePatch(current.data, data), cas: current.metadata.version });
  }

  /** Soft-deletes the listed versions that exist. */
  protected abstract _delete(args: OperationArgs['delete']): Promise<OperationResults['delete']>;

  /** Undeletes the listed versions that exist. */
  protected abstract _undelete(args: OperationArgs['undelete']): Promise<OperationResults['undelete']>;

  /** Destroys the listed versions that exist. */
  protected abstract _destroy(args: OperationArgs['destroy']): Promise<OperationResults['destroy']>;

  /** Lists a folder (`''`: the top level). */
  protected abstract _list(args: OperationArgs['list']): Promise<OperationResults['list']>;

  /** Extension hook; the default refuses. */
  protected _readMetadata(_args: OperationArgs['readMetadata']): Promise<OperationResults['readMetadata']> {
    return unsupported();
  }

  /** Extension hook; the default refuses. `update` changes at least one field. */
  protected _writeMetadata(_args: OperationArgs['writeMetadata']): Promise<OperationResults['writeMetadata']> {
    return unsupported();
  }

  /** Extension hook; the default refuses. `patch` changes at least one field. */
  protected _patchMetadata(_args: OperationArgs['patchMetadata']): Promise<OperationResults['patchMetadata']> {
    return unsupported();
  }

  /** Extension hook; the default refuses. */
  protected _deleteMetadata(_args: OperationArgs['deleteMetadata']): Promise<OperationResults['deleteMetadata']> {
    return unsupported();
  }

  /** Extension hook; the default refuses. */
  protected _deleteLatest(_args: OperationArgs['deleteLatest']): Promise<OperationResults['deleteLatest']> {
    return unsupported();
  }

  /** Extension hook; the default refuses. */
  protected _subkeys(_args: OperationArgs['subkeys']): Promise<OperationResults['subkeys']> {
    return unsupported();
  }

  /** Extension hook; the default refuses. */
  protected _readConfig(_args: OperationArgs['readConfig']): Promise<OperationResults['readConfig']> {
    return unsupported();
  }

  /** Extension hook; the default refuses. */
  protected _writeConfig(_args: OperationArgs['writeConfig']): Promise<OperationResults['writeConfig']> {
    return unsupported();
  }

  // Stryker restore all

  #versionsArgs(path: string, options: VersionsOptions, emptyMessage: string): { path: string; versions: number[] } {
    const key = normalizeSecretPath(path, 'write');
    return { path: key, versions: versionList(options?.versions, emptyMessage) };
  }
}

/**
 * Throws {@link UnsupportedOperationError} (405, OpenBao's `unsupported operation`) unless the
 * store declares the KV v2 extensions. Every extension method checks this first; a door that
 * must refuse before doing anything else (a detailed listing) calls it itself.
 */
// Stryker disable all: only a store without the extensions reaches the refusal (see the hooks above).
export function requireExtensions(store: BaseKeyValueStore): void {
  if (!store.capabilities.extensions) throw new UnsupportedOperationError();
}
// Stryker restore all

// Stryker disable next-line all: see requireExtensions.
function unsupported(): Promise<never> {
  return Promise.reject(new UnsupportedOperationError());
}

function noWarnings(): MetadataWriteResult {
  return { warnings: [] };
}

// Compile-time guard: every operation of the table is a method of the contract.
type MissingMethods = Exclude<StoreOperation, keyof BaseKeyValueStore>;
// Stryker disable next-line all: a type-level check; its value is never read.
const everyOperationIsAMethod: [MissingMethods] extends [never] ? true : false = true;
void everyOperationIsAMethod;
