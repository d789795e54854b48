import type { JsonObject, MountConfig } from '@kv2/core';
import type { KeyRecord, VersionRecord } from './document.js';

/** OpenBao's `defaultMaxVersions`. */
export const DEFAULT_MAX_VERSIONS = 10;

/**
 * Whether a version counts as soft-deleted at `now`.
 *
 * OpenBao tests `deletion_time < now` with nanosecond clocks. kv2's clock has milliseconds, so a
 * read in the same millisecond as a delete would still see the version live; kv2 therefore uses
 * `deletion_time <= now`. The only other effect is that a scheduled deletion takes effect at its
 * exact instant rather than one nanosecond after it.
 */
export function isDeleted(version: VersionRecord, now: Date): boolean {
  return version.deletionTime !== null && Date.parse(version.deletionTime) <= now.getTime();
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
  const deleteAfter = effectiveDeleteAfter(record, config);
  const createdTime = now.toISOString();
  const limit = effectiveMaxVersions(record, config);
  const prune = version - record.oldestVersion >= limit;
  const lastPruned = prune ? version - limit : 0;
  // Copy the versions that stay rather than copy all and `delete` the pruned ones: deleting
  // turns the object into a slow dictionary, which every later write would copy again.
  const versions: Record<string, VersionRecord> = {};
  for (const key of Object.keys(record.versions)) {
    if (Number(key) > lastPruned) versions[key] = record.versions[key] as VersionRecord;
  }
  versions[String(version)] = {
    createdTime,
    deletionTime: deleteAfter > 0 ? new Date(now.getTime() + deleteAfter * 1000).toISOString() : null,
    destroyed: false,
    data,
  };
  const oldestVersion = prune ? lastPruned + 1 : record.oldestVersion;
  return { ...record, currentVersion: version, oldestVersion, updatedTime: createdTime, versions };
}
