import { randomUUID } from 'node:crypto';
import type { BaseKeyValueStore } from '@kv2/core';

/**
 * The tunable settings OpenBao keeps for a mount (its `MountConfig`), as `sys/mounts` shows them.
 * TTLs are whole seconds; 0 means "the system default". kv2 issues no leases and has no audit
 * devices, so these are recorded and shown but change no behaviour (see the README).
 */
export interface MountTuning {
  readonly defaultLeaseTtl: number;
  readonly maxLeaseTtl: number;
  readonly forceNoCache: boolean;
  /** `''` (the default), `unauth` or `hidden`. */
  readonly listingVisibility: string;
  readonly auditNonHmacRequestKeys: readonly string[];
  readonly auditNonHmacResponseKeys: readonly string[];
  readonly passthroughRequestHeaders: readonly string[];
  readonly allowedResponseHeaders: readonly string[];
}

/** A KV v2 mount as the mount table records it: everything `sys/mounts` shows about it. */
export interface MountRecord {
  /** The mount path without surrounding slashes, e.g. `secret` or `team/kv`. */
  readonly path: string;
  readonly description: string;
  /** `kv_` and 8 hex digits; stable for the mount's life when the table is persisted. */
  readonly accessor: string;
  readonly uuid: string;
  readonly local: boolean;
  readonly sealWrap: boolean;
  readonly externalEntropyAccess: boolean;
  /** The mount options; `version` is always `"2"` (kv2 serves KV version 2 only). */
  readonly options: Readonly<Record<string, string>>;
  readonly config: MountTuning;
}

/**
 * Makes run-time changes of the mount table possible (`POST`/`DELETE sys/mounts/<path>`,
 * `POST sys/mounts/<path>/tune`, `POST sys/remount`) and, if it wants, durable. The server
 * calls it one change at a time, always in this order:
 *
 * - enable: `save(table with the new mount)`, then `open(record)`. If `open` fails, `save` is
 *   called again with the old table and the client gets the error.
 * - disable: `save(table without the mount)` (from then on the mount is gone for clients), the
 *   server waits for the mount's in-flight requests and closes its store, then `destroy(record)`
 *   removes its data for good.
 * - tune and remount: `save(table with the changed record)`.
 *
 * `save` is the commit point: when it rejects, nothing changed and the client gets the error.
 */
export interface MountTableHandler {
  /** Opens the store of a mount that `save` has just recorded (a new mount is empty). */
  open(record: MountRecord): BaseKeyValueStore | Promise<BaseKeyValueStore>;
  /** Records `table` (every root-namespace mount, in path order) durably. Optional: default keeps nothing. */
  save?(table: readonly MountRecord[], change: MountTableChange): Promise<void>;
  /** Removes a disabled mount's data for good; its store is closed. Optional: default does nothing. */
  destroy?(record: MountRecord): Promise<void>;
}

/** What a {@link MountTableHandler.save} call records. */
export type MountTableChange =
  | { readonly kind: 'enable'; readonly record: MountRecord }
  | { readonly kind: 'disable'; readonly record: MountRecord }
  | { readonly kind: 'tune'; readonly record: MountRecord }
  | { readonly kind: 'remount'; readonly record: MountRecord; readonly from: string }
  | { readonly kind: 'rollback'; readonly record: MountRecord };

/** OpenBao's default tuning: everything zero or empty. */
export const DEFAULT_TUNING: MountTuning = Object.freeze({
  defaultLeaseTtl: 0,
  maxLeaseTtl: 0,
  forceNoCache: false,
  listingVisibility: '',
  auditNonHmacRequestKeys: Object.freeze([]),
  auditNonHmacResponseKeys: Object.freeze([]),
  passthroughRequestHeaders: Object.freeze([]),
  allowedResponseHeaders: Object.freeze([]),
});

/** A new KV v2 mount's record with fresh identifiers; `overrides` replace the defaults. */
export function newMountRecord(path: string, overrides: Partial<Omit<MountRecord, 'path'>> = {}): MountRecord {
  return {
    path,
    description: 'key/value secret storage',
    accessor: `kv_${randomUUID().slice(0, 8)}`,
    uuid: randomUUID(),
    local: false,
    sealWrap: false,
    externalEntropyAccess: false,
    options: { version: '2' },
    config: DEFAULT_TUNING,
    ...overrides,
  };
}
