import {
  isPlainObject,
  parseDuration,
  setOwn,
  type JsonObject,
  type KeyMetadata,
  type MountConfig,
  type VersionMetadata,
  type VersionState,
} from '@kv2/core';
import { unexpected } from './envelope.js';

// OpenBao's snake_case JSON → kv2's camelCase types. Anything not of the documented shape is a
// ServerError (502): a wrong answer must never turn into a plausible-looking wrong value.

/** `{version, created_time, deletion_time, destroyed, custom_metadata}` → {@link VersionMetadata}. */
export function decodeVersionMetadata(value: unknown, where = 'metadata'): VersionMetadata {
  const wire = object(value, where);
  return {
    version: count(wire.version, `${where}.version`),
    createdTime: timestamp(wire.created_time, `${where}.created_time`),
    deletionTime: optionalTimestamp(wire.deletion_time, `${where}.deletion_time`),
    destroyed: bool(wire.destroyed, `${where}.destroyed`),
    customMetadata: customMetadata(wire.custom_metadata, `${where}.custom_metadata`),
  };
}

/** The answer of `GET metadata/:path` → {@link KeyMetadata}. */
export function decodeKeyMetadata(value: unknown): KeyMetadata {
  const wire = object(value, 'data');
  const versions: Record<number, VersionState> = {};
  for (const [key, state] of Object.entries(object(wire.versions ?? {}, 'data.versions'))) {
    const number = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(number)) throw unexpected(`data.versions has the key ${JSON.stringify(key)}`);
    const where = `data.versions.${key}`;
    const entry = object(state, where);
    versions[number] = {
      createdTime: timestamp(entry.created_time, `${where}.created_time`),
      deletionTime: optionalTimestamp(entry.deletion_time, `${where}.deletion_time`),
      destroyed: bool(entry.destroyed, `${where}.destroyed`),
    };
  }
  return {
    currentVersion: count(wire.current_version, 'data.current_version'),
    oldestVersion: count(wire.oldest_version, 'data.oldest_version'),
    // Absent before OpenBao 2.4 and in HashiCorp Vault, which have no metadata CAS.
    currentMetadataVersion: wire.current_metadata_version === undefined ? 0 : count(wire.current_metadata_version, 'data.current_metadata_version'),
    maxVersions: count(wire.max_versions, 'data.max_versions'),
    casRequired: bool(wire.cas_required, 'data.cas_required'),
    metadataCasRequired: wire.metadata_cas_required === undefined ? false : bool(wire.metadata_cas_required, 'data.metadata_cas_required'),
    deleteVersionAfter: duration(wire.delete_version_after, 'data.delete_version_after'),
    customMetadata: customMetadata(wire.custom_metadata, 'data.custom_metadata'),
    createdTime: timestamp(wire.created_time, 'data.created_time'),
    updatedTime: timestamp(wire.updated_time, 'data.updated_time'),
    versions,
  };
}

/** The answer of `GET config` → {@link MountConfig}. */
export function decodeMountConfig(value: unknown): MountConfig {
  const wire = object(value, 'data');
  return {
    maxVersions: count(wire.max_versions, 'data.max_versions'),
    casRequired: bool(wire.cas_required, 'data.cas_required'),
    metadataCasRequired: wire.metadata_cas_required === undefined ? false : bool(wire.metadata_cas_required, 'data.metadata_cas_required'),
    deleteVersionAfter: duration(wire.delete_version_after, 'data.delete_version_after'),
  };
}

/** A JSON object from a response (secret data, subkeys). */
export function decodeJsonObject(value: unknown, where: string): JsonObject {
  return object(value, where) as JsonObject;
}

/** The `keys` of a list answer. */
export function decodeKeys(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((key) => typeof key === 'string')) throw unexpected('data.keys is not a list of strings');
  return value;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw unexpected(`${where} is not an object`);
  return value;
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw unexpected(`${where} is not a non-negative integer`);
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw unexpected(`${where} is not a boolean`);
  return value;
}

/** An RFC 3339 timestamp (nanoseconds are cut to milliseconds). */
function timestamp(value: unknown, where: string): Date {
  // Date.parse also reads loose formats ("2024-01-01"); insist on a full RFC 3339 date-time.
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i.test(value)) {
    throw unexpected(`${where} is not an RFC 3339 timestamp`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw unexpected(`${where} is not an RFC 3339 timestamp`);
  return new Date(ms);
}

/** OpenBao writes an unset time as `""`. */
function optionalTimestamp(value: unknown, where: string): Date | null {
  return value === '' || value === null || value === undefined ? null : timestamp(value, where);
}

/** A Go duration string (`"1h0m0s"`, `"-1s"`) or a number of seconds → whole seconds. */
function duration(value: unknown, where: string): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value !== 'string' && typeof value !== 'number') throw unexpected(`${where} is not a duration`);
  try {
    return parseDuration(value, where);
  } catch {
    throw unexpected(`${where} is not a duration`);
  }
}

/** `null` or a map of strings; an empty map reads as null, as OpenBao reports it. */
function customMetadata(value: unknown, where: string): Record<string, string> | null {
  if (value === null || value === undefined) return null;
  const wire = object(value, where);
  const out: Record<string, string> = {};
  let empty = true;
  for (const [key, item] of Object.entries(wire)) {
    if (typeof item !== 'string') throw unexpected(`${where}.${key} is not a string`);
    setOwn(out, key, item);
    empty = false;
  }
  return empty ? null : out;
}
