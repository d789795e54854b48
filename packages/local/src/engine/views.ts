import { setOwn, type JsonObject, type JsonValue, type KeyMetadata, type MountConfig, type VersionMetadata, type VersionState } from '@kv2/core';
import type { KeyRecord, VersionRecord } from './document.js';

/** The public metadata of one version. */
export function versionMetadata(record: KeyRecord, version: number, state: VersionRecord): VersionMetadata {
  return {
    version,
    createdTime: new Date(state.createdTime),
    deletionTime: state.deletionTime === null ? null : new Date(state.deletionTime),
    destroyed: state.destroyed,
    customMetadata: record.customMetadata === null ? null : { ...record.customMetadata },
  };
}

/** The public metadata of a key. */
export function keyMetadata(record: KeyRecord): KeyMetadata {
  const versions: Record<number, VersionState> = {};
  for (const [number, state] of Object.entries(record.versions)) {
    versions[Number(number)] = {
      createdTime: new Date(state.createdTime),
      deletionTime: state.deletionTime === null ? null : new Date(state.deletionTime),
      destroyed: state.destroyed,
    };
  }
  return {
    currentVersion: record.currentVersion,
    oldestVersion: record.oldestVersion,
    currentMetadataVersion: record.currentMetadataVersion,
    maxVersions: record.maxVersions,
    casRequired: record.casRequired,
    metadataCasRequired: record.metadataCasRequired,
    deleteVersionAfter: record.deleteVersionAfter,
    customMetadata: record.customMetadata === null ? null : { ...record.customMetadata },
    createdTime: new Date(record.createdTime),
    updatedTime: new Date(record.updatedTime),
    versions,
  };
}

/** A copy of the mount configuration. */
export function mountConfig(config: MountConfig): MountConfig {
  return { ...config };
}

/** A deep copy of stored data; stored data is trusted JSON, so nothing is validated. */
export function copyData(data: JsonObject): JsonObject {
  return copyValue(data) as JsonObject;
}

function copyValue(value: JsonValue): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyValue);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    setOwn(out, key, copyValue(value[key] as JsonValue));
  }
  return out;
}

/** The version's structure with every leaf (non-object, or empty object) replaced by null. */
export function subkeysOf(data: JsonObject, depth: number): JsonObject {
  return strip(data, depth, 1);
}

function strip(object: JsonObject, depth: number, level: number): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(object)) {
    const value = object[key] as JsonValue;
    const descend =
      typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 && (depth === 0 || level < depth);
    setOwn(out, key, descend ? strip(value, depth, level + 1) : null);
  }
  return out;
}
