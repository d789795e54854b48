import type {
  JsonObject,
  KeyMetadata,
  MetadataPatch,
  MetadataUpdate,
  MetadataWriteResult,
  MountConfig,
  MountConfigUpdate,
  Secret,
  Subkeys,
  VersionMetadata,
} from '@kv2/core';
import type { KeyRecord, StoreDocument } from './document.js';

/**
 * Every operation of the engine as plain data. Inputs are as the caller gave them; the engine
 * validates and normalises them, so every door (memory, file, server) gets the same rules.
 */
export type Command =
  | { op: 'read'; path: string; version?: number | undefined }
  | { op: 'write'; path: string; data: unknown; cas?: number | undefined }
  | { op: 'patch'; path: string; data: unknown; cas?: number | undefined }
  | { op: 'delete' | 'undelete' | 'destroy'; path: string; versions: Iterable<number> }
  | { op: 'deleteLatest'; path: string }
  | { op: 'list'; path: string }
  | { op: 'readMetadata'; path: string }
  | { op: 'writeMetadata'; path: string; update: MetadataUpdate }
  | { op: 'patchMetadata'; path: string; patch: MetadataPatch }
  | { op: 'deleteMetadata'; path: string }
  | { op: 'subkeys'; path: string; version?: number | undefined; depth?: number | undefined }
  | { op: 'readConfig' }
  | { op: 'writeConfig'; update: MountConfigUpdate }
  | { op: 'exportDocument'; latestOnly?: boolean | undefined }
  | { op: 'importDocument'; document: unknown; mode: 'merge' | 'replace' };

/** The result type of each command. */
export interface CommandResults {
  read: Secret<JsonObject>;
  write: VersionMetadata;
  patch: VersionMetadata;
  delete: undefined;
  undelete: undefined;
  destroy: undefined;
  deleteLatest: undefined;
  list: string[];
  readMetadata: KeyMetadata;
  writeMetadata: MetadataWriteResult;
  patchMetadata: MetadataWriteResult;
  deleteMetadata: undefined;
  subkeys: Subkeys;
  readConfig: MountConfig;
  writeConfig: undefined;
  exportDocument: StoreDocument;
  importDocument: { keys: number };
}

/** The result of command `C`. */
export type CommandResult<C extends Command> = CommandResults[C['op']];

/** One change to a document: a key replaced or removed, or the config replaced. */
export type Change =
  | { kind: 'key'; path: string; record: KeyRecord | null }
  | { kind: 'config'; config: MountConfig };

/** What running a command produced: the caller's result and the changes to commit. */
export interface Outcome<R> {
  result: R;
  /** Empty for reads and for no-ops, so a host can skip persisting. */
  changes: Change[];
}

/** True for commands that can change the document (the file store locks only for these). */
export function isMutation(command: Command): boolean {
  switch (command.op) {
    case 'read':
    case 'list':
    case 'readMetadata':
    case 'subkeys':
    case 'readConfig':
    case 'exportDocument':
      return false;
    default:
      return true;
  }
}
