import type { StoreCapabilities } from './capabilities.js';
import { CORE_ONLY } from './capabilities.js';
import { CheckAndSetError, SecretNotFoundError } from './errors.js';
import { casOption, secretData } from './inputs.js';
import { applyMergePatch } from './merge-patch.js';
import type { ReadOptions, Secret, SecretData, VersionMetadata, VersionsOptions, WriteOptions } from './types.js';

/**
 * The contract every kv2 store implements: versioned secrets with KV v2 semantics.
 *
 * Paths follow {@link normalizeSecretPath}; data is any JSON object, copied in and out.
 * Errors are {@link KvError} subclasses with the same `code` and `status` in every adapter.
 */
export abstract class BaseKeyValueStore {
  /** What this store supports beyond the core contract. */
  get capabilities(): StoreCapabilities {
    return CORE_ONLY;
  }

  /**
   * Reads one version (the latest by default). Throws {@link SecretNotFoundError} when there is
   * nothing, or when the version is soft-deleted or destroyed (then with its `metadata`).
   */
  abstract read<T = SecretData>(path: string, options?: ReadOptions): Promise<Secret<T>>;

  /** Writes a new version; with `cas`, only if the current version equals it. */
  abstract write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata>;

  /**
   * Applies an RFC 7386 JSON merge patch to the latest version and stores the result as a new
   * version. This default reads the latest version, merges, and writes with `cas` set to the
   * version read, so a concurrent writer can never be overwritten silently; adapters with a
   * native patch override it.
   */
  async patch(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    const changes = secretData(data);
    const cas = casOption(options?.cas);
    let current: Secret<SecretData>;
    try {
      current = await this.read<SecretData>(path);
    } catch (error) {
      // OpenBao checks CAS before "deleted/destroyed": a deleted latest version is still the
      // current version that `cas` is compared with.
      if (cas !== undefined && SecretNotFoundError.is(error) && error.metadata !== null && error.metadata.version !== cas) {
        throw new CheckAndSetError('cas_mismatch');
      }
      throw error;
    }
    if (cas !== undefined && cas !== current.metadata.version) throw new CheckAndSetError('cas_mismatch');
    return this.write(path, applyMergePatch(current.data, changes), { cas: current.metadata.version });
  }

  /** Soft-deletes the given versions; they can be undeleted. */
  abstract delete(path: string, options: VersionsOptions): Promise<void>;

  /** Restores soft-deleted versions (destroyed ones stay destroyed). */
  abstract undelete(path: string, options: VersionsOptions): Promise<void>;

  /** Permanently removes the data of the given versions. */
  abstract destroy(path: string, options: VersionsOptions): Promise<void>;

  /**
   * The immediate children of a folder: secrets by name, sub-folders with a trailing `/`,
   * sorted byte-wise. `[]` when nothing is below; `list('')` lists the top level.
   */
  abstract list(path: string): Promise<string[]>;

  /** Releases whatever the store holds (files, locks, sockets). The default does nothing. */
  async close(): Promise<void> {}
}
