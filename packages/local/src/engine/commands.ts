import {
  STORE_OPERATIONS,
  isStoreOperation,
  type MountConfig,
  type OperationArgs,
  type OperationKind,
  type OperationResults,
  type StoreOperation,
} from '@kv2/core';
import type { KeyRecord, StoreDocument } from './document.js';

/** The engine's own operations, besides the store operations: whole-document snapshots. */
const SNAPSHOT_OPERATIONS = Object.freeze({
  exportDocument: { kind: 'read' },
  importDocument: { kind: 'mutation' },
} as const satisfies Record<string, { kind: OperationKind }>);

/** The arguments of the engine's snapshot operations. */
interface SnapshotArgs {
  exportDocument: { latestOnly?: boolean | undefined };
  importDocument: { document: unknown; mode: 'merge' | 'replace' };
}

/** The results of the engine's snapshot operations. */
interface SnapshotResults {
  exportDocument: StoreDocument;
  importDocument: { keys: number };
}

type EngineArgs = OperationArgs & SnapshotArgs;

/**
 * Every operation of the engine as plain data: one command per store operation of @kv2/core's
 * table (with its checked arguments, see {@link OperationArgs}), plus the snapshot operations.
 * `BaseKeyValueStore` has checked and normalised the arguments; the engine trusts them.
 */
export type Command = { [K in keyof EngineArgs]: { op: K } & EngineArgs[K] }[keyof EngineArgs];

/** The result type of each command. */
export type CommandResults = OperationResults & SnapshotResults;

/** The result of command `C`. */
export type CommandResult<C extends Command> = CommandResults[C['op']];

/** One change to a document: a key replaced or removed, or the config replaced. */
export type Change = { kind: 'key'; path: string; record: KeyRecord | null } | { kind: 'config'; config: MountConfig };

/** What running a command produced: the caller's result and the changes to commit. */
export interface Outcome<R> {
  result: R;
  /** Empty for reads and for no-ops, so a host can skip persisting. */
  changes: Change[];
}

/** True for commands that can change the document (the file store locks only for these). */
export function isMutation(command: Command): boolean {
  const op: StoreOperation | keyof SnapshotArgs = command.op;
  if (isStoreOperation(op)) return STORE_OPERATIONS[op].kind === 'mutation';
  // An unknown operation counts as a mutation, so a host takes its lock before the engine refuses it.
  return !Object.hasOwn(SNAPSHOT_OPERATIONS, op) || SNAPSHOT_OPERATIONS[op].kind === 'mutation';
}
