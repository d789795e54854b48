import { formatDuration, parseDuration } from '../durations.js';
import { ServerError } from '../errors.js';
import { isPlainObject, setOwn, type JsonObject } from '../json.js';
import type { KeyMetadata, MountConfig, VersionMetadata, VersionState } from '../types.js';
import { SETTING_FIELDS, type WireSettings } from './settings.js';
import { formatGoTime, parseGoTime } from './time.js';

// kv2's camelCase values ↔ the snake_case shapes of OpenBao's KV v2 responses. The encoders
// build objects whose members are in Go's order, so JSON.stringify (the CLI's `-format=json`)
// and goJson (the server) both print them as OpenBao does. The decoders are strict: anything
// not of the documented shape is a ServerError (502), since a wrong answer must never turn into
// a plausible-looking wrong value.

/** The five-key metadata of a data read, write or patch. */
export type WireVersionMetadata = {
  created_time: string;
  custom_metadata: Record<string, string> | null;
  deletion_time: string;
  destroyed: boolean;
  version: number;
};

/** One entry of a key's `versions` map. */
export type WireVersionState = {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
};

/** The answer of `GET metadata/:path` (and each entry of `detailed-metadata`'s key_info). */
export type WireKeyMetadata = WireSettings & {
  created_time: string;
  current_metadata_version: number;
  current_version: number;
  custom_metadata: Record<string, string> | null;
  oldest_version: number;
  updated_time: string;
  /** Keyed by the decimal version number. */
  versions: Record<string, WireVersionState>;
};

/** The answer of `GET config`. */
export type WireMountConfig = WireSettings;

/** {@link VersionMetadata} → its wire shape. */
export function encodeVersionMetadata(metadata: VersionMetadata): WireVersionMetadata {
  return {
    created_time: formatGoTime(metadata.createdTime),
    custom_metadata: customMetadataOrNull(metadata.customMetadata),
    deletion_time: formatGoTime(metadata.deletionTime),
    destroyed: metadata.destroyed,
    version: metadata.version,
  };
}

/** {@link VersionState} → its wire shape. */
export function encodeVersionState(state: VersionState): WireVersionState {
  return { created_time: formatGoTime(state.createdTime), deletion_time: formatGoTime(state.deletionTime), destroyed: state.destroyed };
}

/** {@link KeyMetadata} → its wire shape. */
export function encodeKeyMetadata(metadata: KeyMetadata): WireKeyMetadata {
  const versions: Record<string, WireVersionState> = {};
  for (const number of Object.keys(metadata.versions)) {
    versions[number] = encodeVersionState(metadata.versions[Number(number)] as VersionState);
  }
  const settings = encodeSettings(metadata);
  // Members in Go's order (sorted), so that JSON.stringify prints them as OpenBao does.
  return {
    cas_required: settings.cas_required,
    created_time: formatGoTime(metadata.createdTime),
    current_metadata_version: metadata.currentMetadataVersion,
    current_version: metadata.currentVersion,
    custom_metadata: customMetadataOrNull(metadata.customMetadata),
    delete_version_after: settings.delete_version_after,
    max_versions: settings.max_versions,
    metadata_cas_required: settings.metadata_cas_required,
    oldest_version: metadata.oldestVersion,
    updated_time: formatGoTime(metadata.updatedTime),
    versions,
  };
}

/** {@link MountConfig} → its wire shape. */
export function encodeMountConfig(config: MountConfig): WireMountConfig {
  return encodeSettings(config);
}

// Written out rather than looped over SETTING_FIELDS: with a loop, a spread and a sort, encoding a
// key's metadata (the server's hot path for metadata reads and detailed listings) took about twice
// as long. WireSettings is derived from SETTING_FIELDS, so the compiler holds these literals to the
// table: a missing, extra or misspelt field does not build.
function encodeSettings(settings: MountConfig): WireSettings {
  return {
    cas_required: settings.casRequired,
    delete_version_after: formatDuration(settings.deleteVersionAfter),
    max_versions: settings.maxVersions,
    metadata_cas_required: settings.metadataCasRequired,
  };
}

// OpenBao reports an empty custom_metadata map as null.
function customMetadataOrNull(map: Readonly<Record<string, string>> | null): Record<string, string> | null {
  if (map === null) return null;
  for (const key in map) if (Object.hasOwn(map, key)) return { ...map };
  return null;
}

/** A {@link ServerError} (502) for an answer kv2 cannot interpret; `problem` names the field. */
export function unexpected(problem: string): ServerError {
  return new ServerError(502, [`unexpected answer from the server: ${problem}`]);
}

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
export function decodeKeyMetadata(value: unknown, where = 'data'): KeyMetadata {
  const wire = object(value, where);
  const versions: Record<number, VersionState> = {};
  for (const [key, state] of Object.entries(object(wire.versions ?? {}, `${where}.versions`))) {
    const number = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(number)) throw unexpected(`${where}.versions has the key ${JSON.stringify(key)}`);
    const at = `${where}.versions.${key}`;
    const entry = object(state, at);
    versions[number] = {
      createdTime: timestamp(entry.created_time, `${at}.created_time`),
      deletionTime: optionalTimestamp(entry.deletion_time, `${at}.deletion_time`),
      destroyed: bool(entry.destroyed, `${at}.destroyed`),
    };
  }
  return {
    currentVersion: count(wire.current_version, `${where}.current_version`),
    oldestVersion: count(wire.oldest_version, `${where}.oldest_version`),
    // Absent before OpenBao 2.4 and in HashiCorp Vault, which have no metadata CAS.
    currentMetadataVersion:
      wire.current_metadata_version === undefined ? 0 : count(wire.current_metadata_version, `${where}.current_metadata_version`),
    ...decodeSettings(wire, where),
    customMetadata: customMetadata(wire.custom_metadata, `${where}.custom_metadata`),
    createdTime: timestamp(wire.created_time, `${where}.created_time`),
    updatedTime: timestamp(wire.updated_time, `${where}.updated_time`),
    versions,
  };
}

/** The answer of `GET config` → {@link MountConfig}. */
export function decodeMountConfig(value: unknown, where = 'data'): MountConfig {
  return decodeSettings(object(value, where), where);
}

function decodeSettings(wire: Record<string, unknown>, where: string): MountConfig {
  const settings: Record<string, unknown> = {};
  for (const { name, field, type, optional } of SETTING_FIELDS) {
    const value = wire[field];
    const at = `${where}.${field}`;
    if (type === 'duration') settings[name] = duration(value, at);
    else if (optional && value === undefined) settings[name] = type === 'bool' ? false : 0;
    else settings[name] = type === 'bool' ? bool(value, at) : count(value, at);
  }
  const { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter } = settings as unknown as MountConfig;
  // kv2's member order (the one stores and snapshots print), not the wire's.
  return { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter };
}

/** A JSON object from a response (secret data, subkeys). */
export function decodeJsonObject(value: unknown, where: string): JsonObject {
  return object(value, where) as JsonObject;
}

/** The `keys` of a list answer. */
export function decodeKeys(value: unknown, where = 'data.keys'): string[] {
  if (!Array.isArray(value) || !value.every((key) => typeof key === 'string')) throw unexpected(`${where} is not a list of strings`);
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

function timestamp(value: unknown, where: string): Date {
  const date = typeof value === 'string' ? parseGoTime(value) : undefined;
  if (date === undefined) throw unexpected(`${where} is not an RFC 3339 timestamp`);
  return date;
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
