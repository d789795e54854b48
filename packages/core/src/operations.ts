import type { JsonObject } from './json.js';
import type {
  KeyMetadata,
  MetadataPatch,
  MetadataUpdate,
  MetadataWriteResult,
  MountConfig,
  MountConfigUpdate,
  Secret,
  Subkeys,
  VersionMetadata,
} from './types.js';

// The one list of store operations. Everything that needs "every operation" (the engine's
// command set, scoped and gated stores, the mutation/read split) derives from this table, so
// adding an operation starts here (see CONTRIBUTING.md).

/** How an operation is used: `read` changes nothing; `mutation` may change the store. */
export type OperationKind = 'read' | 'mutation';

/** `core`: every store has it. `extension`: a KV v2 extension, present when `capabilities.extensions`. */
export type OperationGroup = 'core' | 'extension';

/** What the table says about one operation. */
export interface OperationInfo {
  readonly kind: OperationKind;
  readonly group: OperationGroup;
}

/** Every public operation of {@link BaseKeyValueStore}, by method name. */
export const STORE_OPERATIONS = Object.freeze({
  read: { kind: 'read', group: 'core' },
  write: { kind: 'mutation', group: 'core' },
  patch: { kind: 'mutation', group: 'core' },
  delete: { kind: 'mutation', group: 'core' },
  undelete: { kind: 'mutation', group: 'core' },
  destroy: { kind: 'mutation', group: 'core' },
  list: { kind: 'read', group: 'core' },
  readMetadata: { kind: 'read', group: 'extension' },
  writeMetadata: { kind: 'mutation', group: 'extension' },
  patchMetadata: { kind: 'mutation', group: 'extension' },
  deleteMetadata: { kind: 'mutation', group: 'extension' },
  deleteLatest: { kind: 'mutation', group: 'extension' },
  subkeys: { kind: 'read', group: 'extension' },
  readConfig: { kind: 'read', group: 'extension' },
  writeConfig: { kind: 'mutation', group: 'extension' },
} as const satisfies Record<string, OperationInfo>);

/** The name of a store operation (also its method name). */
export type StoreOperation = keyof typeof STORE_OPERATIONS;

/** The operations that are KV v2 extensions. */
export type ExtensionOperation = {
  [K in StoreOperation]: (typeof STORE_OPERATIONS)[K]['group'] extends 'extension' ? K : never;
}[StoreOperation];

/** The operations every store has. */
export type CoreOperation = Exclude<StoreOperation, ExtensionOperation>;

/** Every operation name, in table order. */
export const STORE_OPERATION_NAMES: readonly StoreOperation[] = Object.freeze(Object.keys(STORE_OPERATIONS) as StoreOperation[]);

/** The KV v2 extension operation names, in table order. */
export const EXTENSION_OPERATION_NAMES: readonly ExtensionOperation[] = Object.freeze(
  STORE_OPERATION_NAMES.filter((name): name is ExtensionOperation => STORE_OPERATIONS[name].group === 'extension'),
);

/** True when `name` is one of {@link STORE_OPERATIONS}. */
export function isStoreOperation(name: unknown): name is StoreOperation {
  return typeof name === 'string' && Object.hasOwn(STORE_OPERATIONS, name);
}

/**
 * The checked, normalised arguments each operation's protected hook receives (and the engine's
 * command for it carries): paths canonical, `data` a private copy, version lists arrays,
 * updates with every present field validated.
 */
export interface OperationArgs {
  read: { path: string; version?: number | undefined };
  write: { path: string; data: JsonObject; cas?: number | undefined };
  patch: { path: string; data: JsonObject; cas?: number | undefined };
  delete: { path: string; versions: readonly number[] };
  undelete: { path: string; versions: readonly number[] };
  destroy: { path: string; versions: readonly number[] };
  /** `path` is a folder without a trailing slash; `''` is the top level. */
  list: { path: string };
  readMetadata: { path: string };
  /** `update` changes at least one field. */
  writeMetadata: { path: string; update: MetadataUpdate };
  /** `patch` changes at least one field; `deleteVersionAfter` is never null. */
  patchMetadata: { path: string; patch: MetadataPatch };
  deleteMetadata: { path: string };
  deleteLatest: { path: string };
  subkeys: { path: string; version?: number | undefined; depth?: number | undefined };
  readConfig: Record<never, never>;
  writeConfig: { update: MountConfigUpdate };
}

/** What each operation resolves to. */
export interface OperationResults {
  read: Secret<JsonObject>;
  write: VersionMetadata;
  patch: VersionMetadata;
  delete: void;
  undelete: void;
  destroy: void;
  list: string[];
  readMetadata: KeyMetadata;
  writeMetadata: MetadataWriteResult;
  patchMetadata: MetadataWriteResult;
  deleteMetadata: void;
  deleteLatest: void;
  subkeys: Subkeys;
  readConfig: MountConfig;
  writeConfig: void;
}

// Compile-time guards: the two maps above name exactly the operations of the table.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const argsCoverTable: Same<keyof OperationArgs, StoreOperation> = true;
const resultsCoverTable: Same<keyof OperationResults, StoreOperation> = true;
void argsCoverTable;
void resultsCoverTable;
