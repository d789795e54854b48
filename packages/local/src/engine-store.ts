import {
  BaseKeyValueStore,
  type KeyMetadata,
  type KvV2Extensions,
  type MetadataPatch,
  type MetadataUpdate,
  type MetadataWriteResult,
  type MountConfig,
  type MountConfigUpdate,
  type ReadOptions,
  type Secret,
  type SecretData,
  type Subkeys,
  type SubkeysOptions,
  type VersionMetadata,
  type VersionsOptions,
  type WriteOptions,
} from '@kv2/core';
import type { Command, CommandResult } from './engine/commands.js';
import type { StoreDocument } from './engine/document.js';

/**
 * A store whose every operation is one engine command. Subclasses decide only where the
 * document lives and how a command runs against it (in memory; under a file lock; …), so the
 * KV v2 rules are never written twice.
 */
export abstract class EngineKeyValueStore extends BaseKeyValueStore implements KvV2Extensions {
  /** Runs one command atomically: either its result is returned and its changes committed, or it throws and nothing changed. */
  protected abstract execute<C extends Command>(command: C): Promise<CommandResult<C>>;

  override async read<T = SecretData>(path: string, options?: ReadOptions): Promise<Secret<T>> {
    return (await this.execute({ op: 'read', path, version: options?.version })) as Secret<T>;
  }

  override write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    return this.execute({ op: 'write', path, data, cas: options?.cas });
  }

  /** A native merge patch, with OpenBao's order of checks (CAS before "deleted"). */
  override patch(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    return this.execute({ op: 'patch', path, data, cas: options?.cas });
  }

  override delete(path: string, options: VersionsOptions): Promise<void> {
    return this.execute({ op: 'delete', path, versions: options?.versions });
  }

  override undelete(path: string, options: VersionsOptions): Promise<void> {
    return this.execute({ op: 'undelete', path, versions: options?.versions });
  }

  override destroy(path: string, options: VersionsOptions): Promise<void> {
    return this.execute({ op: 'destroy', path, versions: options?.versions });
  }

  override list(path: string): Promise<string[]> {
    return this.execute({ op: 'list', path });
  }

  readMetadata(path: string): Promise<KeyMetadata> {
    return this.execute({ op: 'readMetadata', path });
  }

  writeMetadata(path: string, update: MetadataUpdate): Promise<MetadataWriteResult> {
    return this.execute({ op: 'writeMetadata', path, update });
  }

  patchMetadata(path: string, patch: MetadataPatch): Promise<MetadataWriteResult> {
    return this.execute({ op: 'patchMetadata', path, patch });
  }

  deleteMetadata(path: string): Promise<void> {
    return this.execute({ op: 'deleteMetadata', path });
  }

  deleteLatest(path: string): Promise<void> {
    return this.execute({ op: 'deleteLatest', path });
  }

  subkeys(path: string, options?: SubkeysOptions): Promise<Subkeys> {
    return this.execute({ op: 'subkeys', path, version: options?.version, depth: options?.depth });
  }

  readConfig(): Promise<MountConfig> {
    return this.execute({ op: 'readConfig' });
  }

  writeConfig(update: MountConfigUpdate): Promise<void> {
    return this.execute({ op: 'writeConfig', update });
  }

  /**
   * A deep copy of the whole mount (config, every key, version, timestamp and datum): the
   * snapshot `kv2 export` writes. With `latestOnly`, each key keeps only its current version.
   */
  exportDocument(options?: { latestOnly?: boolean | undefined }): Promise<StoreDocument> {
    return this.execute({ op: 'exportDocument', latestOnly: options?.latestOnly });
  }

  /**
   * Loads a snapshot from {@link exportDocument} in one atomic step: it is validated first and
   * a bad snapshot changes nothing. `replace` (the default) makes the store equal to the
   * snapshot; `merge` replaces only the keys the snapshot has. The config is taken from it.
   */
  importDocument(document: unknown, options?: { mode?: 'merge' | 'replace' | undefined }): Promise<{ keys: number }> {
    return this.execute({ op: 'importDocument', document, mode: options?.mode ?? 'replace' });
  }
}
