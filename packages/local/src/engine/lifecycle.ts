import { isDeletedAt, MAX_DURATION_SECONDS, type JsonObject, type MountConfig } from '@kv2/core';
import type { KeyRecord, VersionRecord } from './document.js';

/** OpenBao's `defaultMaxVersions`. */
const DEFAULT_MAX_VERSIONS = 10;

/** Whether a version counts as soft-deleted at `now` (the rule: `isDeletedAt` in @kv2/core). */
export function isDeleted(version: VersionRecord, now: Date): boolean {
  return isDeletedAt(version.deletionTime, now);
}

/** The version limit in force for a key: max(key, mount), or 10 when both are 0. */
export function effectiveMaxVersions(record: KeyRecord, config: MountConfig): number {
  return Math.max(record.maxVersions, config.maxVersions) || DEFAULT_MAX_VERSIONS;
}

/**
 * Seconds after which new (or undeleted) versions are soft-deleted, or 0 for never: the smaller
 * non-zero value of mount and key, unless the mount disables it (negative).
 */
export function effectiveDeleteAfter(record: KeyRecord | undefined, config: MountConfig): number {
  if (config.deleteVersionAfter < 0) return 0;
  const key = record?.deleteVersionAfter ?? 0;
  const mount = config.deleteVersionAfter;
  if (key === 0) return mount;
  if (mount === 0) return key;
  return Math.min(key, mount);
}

/**
 * When a version written or undeleted at `now` is soft-deleted by `delete_version_after` (null:
 * never): the one place that computes it, for write, patch and undelete alike.
 */
export function scheduledDeletionTime(record: KeyRecord | undefined, config: MountConfig, now: Date): string | null {
  return deletionTimeAfter(now, effectiveDeleteAfter(record, config));
}

/**
 * The deletion time of a version written (or undeleted) at `now` under `deleteAfter` seconds, or
 * null for never. Inputs are bounded to {@link MAX_DURATION_SECONDS}; a larger value can only come
 * from a hand-edited store, and is clamped so that the date stays valid (no RangeError).
 */
export function deletionTimeAfter(now: Date, deleteAfter: number): string | null {
  if (!(deleteAfter > 0)) return null;
  return new Date(now.getTime() + Math.min(deleteAfter, MAX_DURATION_SECONDS) * 1000).toISOString();
}

/** A record for a key seen for the first time. */
export function newKeyRecord(now: Date, currentMetadataVersion: number): KeyRecord {
  const iso = now.toISOString();
  return {
    currentVersion: 0,
    oldestVersion: 0,
    currentMetadataVersion,
    createdTime: iso,
    updatedTime: iso,
    maxVersions: 0,
    casRequired: false,
    metadataCasRequired: false,
    deleteVersionAfter: 0,
    customMetadata: null,
    versions: {},
  };
}

/**
 * Returns a copy of `record` with `data` as the next version, then prunes as OpenBao's
 * `AddVersion` does: when `current - oldest >= limit`, every version up to `current - limit` is
 * removed and `oldest` becomes `current - limit + 1`. `oldest` therefore stays 0 until the first
 * prune, which is OpenBao's observable behaviour.
 */
export function addVersion(record: KeyRecord, data: JsonObject, now: Date, config: MountConfig): KeyRecord {
  const version = record.currentVersion + 1;
  const createdTime = now.toISOString();
  const limit = effectiveMaxVersions(record, config);
  const prune = version - record.oldestVersion >= limit;
  const lastPruned = prune ? version - limit : 0;
  const versions = prune ? versionsAfter(record.versions, lastPruned, version, limit) : { ...record.versions };
  versions[String(version)] = {
    createdTime,
    deletionTime: scheduledDeletionTime(record, config, now),
    destroyed: false,
    data,
  };
  const oldestVersion = prune ? lastPruned + 1 : record.oldestVersion;
  return { ...record, currentVersion: version, oldestVersion, updatedTime: createdTime, versions };
}

// Up to this limit, pruning looks up the (few) version numbers that can remain one by one.
const SMALL_LIMIT = 64;

/**
 * A copy of `versions` without those up to `lastPruned` (all are below `next`). Built from the
 * versions that stay rather than by deleting from a copy: `delete` turns the object into a slow
 * dictionary, which every later write would copy again.
 */
function versionsAfter(versions: Record<string, VersionRecord>, lastPruned: number, next: number, limit: number): Record<string, VersionRecord> {
  const kept: Record<string, VersionRecord> = {};
  if (limit <= SMALL_LIMIT) {
    // Every remaining version is a number from lastPruned + 1 to next - 1: at most limit - 1 of them.
    for (let n = lastPruned + 1; n < next; n++) {
      if (Object.hasOwn(versions, n)) kept[n] = versions[n] as VersionRecord;
    }
    return kept;
  }
  for (const key of Object.keys(versions)) {
    if (Number(key) > lastPruned) kept[key] = versions[key] as VersionRecord;
  }
  return kept;
}
