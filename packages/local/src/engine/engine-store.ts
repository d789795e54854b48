import { BaseKeyValueStore, type OperationArgs, type OperationResults } from '@kv2/core';
import type { Command, CommandResult } from './commands.js';
import type { StoreDocument } from './document.js';

/**
 * A store whose every operation is one engine command. `BaseKeyValueStore` checks the arguments;
 * each hook here turns them into the command of the same name. Subclasses decide only where the
 * document lives and how a command runs against it (in memory; under a file lock; …), so the
 * KV v2 rules are never written twice.
 */
export abstract class EngineKeyValueStore extends BaseKeyValueStore {
  /** Runs one command atomically: either its result is returned and its changes committed, or it throws and nothing changed. */
  protected abstract execute<C extends Command>(command: C): Promise<CommandResult<C>>;

  protected override _read(args: OperationArgs['read']): Promise<OperationResults['read']> {
    return this.execute({ op: 'read', ...args });
  }

  protected override _write(args: OperationArgs['write']): Promise<OperationResults['write']> {
    return this.execute({ op: 'write', ...args });
  }

  /** A native merge patch, with OpenBao's order of checks (CAS before "deleted"). */
  protected override _patch(args: OperationArgs['patch']): Promise<OperationResults['patch']> {
    return this.execute({ op: 'patch', ...args });
  }

  protected override _delete(args: OperationArgs['delete']): Promise<OperationResults['delete']> {
    return this.execute({ op: 'delete', ...args });
  }

  protected override _undelete(args: OperationArgs['undelete']): Promise<OperationResults['undelete']> {
    return this.execute({ op: 'undelete', ...args });
  }

  protected override _destroy(args: OperationArgs['destroy']): Promise<OperationResults['destroy']> {
    return this.execute({ op: 'destroy', ...args });
  }

  protected override _list(args: OperationArgs['list']): Promise<OperationResults['list']> {
    return this.execute({ op: 'list', ...args });
  }

  protected override _readMetadata(args: OperationArgs['readMetadata']): Promise<OperationResults['readMetadata']> {
    return this.execute({ op: 'readMetadata', ...args });
  }

  protected override _writeMetadata(args: OperationArgs['writeMetadata']): Promise<OperationResults['writeMetadata']> {
    return this.execute({ op: 'writeMetadata', ...args });
  }

  protected override _patchMetadata(args: OperationArgs['patchMetadata']): Promise<OperationResults['patchMetadata']> {
    return this.execute({ op: 'patchMetadata', ...args });
  }

  protected override _deleteMetadata(args: OperationArgs['deleteMetadata']): Promise<OperationResults['deleteMetadata']> {
    return this.execute({ op: 'deleteMetadata', ...args });
  }

  protected override _deleteLatest(args: OperationArgs['deleteLatest']): Promise<OperationResults['deleteLatest']> {
    return this.execute({ op: 'deleteLatest', ...args });
  }

  protected override _subkeys(args: OperationArgs['subkeys']): Promise<OperationResults['subkeys']> {
    return this.execute({ op: 'subkeys', ...args });
  }

  protected override _readConfig(args: OperationArgs['readConfig']): Promise<OperationResults['readConfig']> {
    return this.execute({ op: 'readConfig', ...args });
  }

  protected override _writeConfig(args: OperationArgs['writeConfig']): Promise<OperationResults['writeConfig']> {
    return this.execute({ op: 'writeConfig', ...args });
  }

  // Stryker disable all: snapshots are not part of the store contract, so the conformance suite never
  // calls them; test/snapshot.test.ts and the CLI's export/import tests cover them.
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
  // Stryker restore all
}
