import { randomUUID } from 'node:crypto';
import { compareUtf8, formatDuration, type KeyMetadata, type MountConfig, type VersionMetadata } from '@kv2/core';

// The JSON texts OpenBao sends, built by hand so that the field order is exactly Go's: struct
// order for the envelope, sorted keys for every map (Go's encoder sorts map keys). Secret data
// itself is serialised as stored (see the README's divergence list).

const HTML_UNSAFE = /[<>&\u2028\u2029]/;
const HTML_UNSAFE_ALL = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * Go's JSON encoder escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings. These characters
 * can only occur inside JSON strings, so replacing them in the finished text is safe.
 */
export function goEscape(json: string): string {
  return HTML_UNSAFE.test(json) ? json.replace(HTML_UNSAFE_ALL, (ch) => ESCAPES[ch] as string) : json;
}

/**
 * A timestamp as Go's `time.RFC3339Nano` prints it: UTC, fraction without trailing zeros and
 * omitted when zero; `""` for an unset time.
 */
export function formatTimestamp(date: Date | null): string {
  if (date === null) return '';
  const iso = date.toISOString();
  // toISOString always ends in ".mmmZ".
  const dot = iso.length - 5;
  let end = iso.length - 1;
  while (end > dot + 1 && iso.charCodeAt(end - 1) === 0x30) end--;
  if (end === dot + 1) return `${iso.slice(0, dot)}Z`;
  return `${iso.slice(0, end)}Z`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** A string map with sorted keys, or `null` when empty or absent (custom_metadata). */
export function stringMapJson(map: Readonly<Record<string, string>> | null): string {
  if (map === null) return 'null';
  const keys = Object.keys(map);
  if (keys.length === 0) return 'null';
  keys.sort(compareUtf8);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i === 0 ? '' : ','}${quote(key)}:${quote(map[key] as string)}`;
  }
  return `${out}}`;
}

/** The five-key version metadata of data reads and writes. */
export function versionMetadataJson(metadata: VersionMetadata): string {
  return (
    `{"created_time":${quote(formatTimestamp(metadata.createdTime))}` +
    `,"custom_metadata":${stringMapJson(metadata.customMetadata)}` +
    `,"deletion_time":${quote(formatTimestamp(metadata.deletionTime))}` +
    `,"destroyed":${metadata.destroyed ? 'true' : 'false'}` +
    `,"version":${metadata.version}}`
  );
}

/** `GET data/:path`: `{"data": …, "metadata": …}`; `data` is null for a deleted/destroyed version. */
export function secretJson(dataJson: string, metadata: VersionMetadata): string {
  return `{"data":${dataJson},"metadata":${versionMetadataJson(metadata)}}`;
}

/** `GET subkeys/:path`: `{"metadata": …, "subkeys": …}`. */
export function subkeysJson(subkeys: string, metadata: VersionMetadata): string {
  return `{"metadata":${versionMetadataJson(metadata)},"subkeys":${subkeys}}`;
}

/** `GET metadata/:path`, also each leaf's entry in `detailed-metadata` key_info. */
export function keyMetadataJson(metadata: KeyMetadata): string {
  const numbers = Object.keys(metadata.versions).sort(compareUtf8);
  let versions = '{';
  for (let i = 0; i < numbers.length; i++) {
    const number = numbers[i] as string;
    const state = metadata.versions[Number(number)];
    if (state === undefined) continue;
    versions +=
      `${i === 0 ? '' : ','}${quote(number)}:{"created_time":${quote(formatTimestamp(state.createdTime))}` +
      `,"deletion_time":${quote(formatTimestamp(state.deletionTime))}` +
      `,"destroyed":${state.destroyed ? 'true' : 'false'}}`;
  }
  versions += '}';
  return (
    `{"cas_required":${String(metadata.casRequired)}` +
    `,"created_time":${quote(formatTimestamp(metadata.createdTime))}` +
    `,"current_metadata_version":${metadata.currentMetadataVersion}` +
    `,"current_version":${metadata.currentVersion}` +
    `,"custom_metadata":${stringMapJson(metadata.customMetadata)}` +
    `,"delete_version_after":${quote(formatDuration(metadata.deleteVersionAfter))}` +
    `,"max_versions":${metadata.maxVersions}` +
    `,"metadata_cas_required":${String(metadata.metadataCasRequired)}` +
    `,"oldest_version":${metadata.oldestVersion}` +
    `,"updated_time":${quote(formatTimestamp(metadata.updatedTime))}` +
    `,"versions":${versions}}`
  );
}

/** `GET config`. */
export function configJson(config: MountConfig): string {
  return (
    `{"cas_required":${String(config.casRequired)}` +
    `,"delete_version_after":${quote(formatDuration(config.deleteVersionAfter))}` +
    `,"max_versions":${config.maxVersions}` +
    `,"metadata_cas_required":${String(config.metadataCasRequired)}}`
  );
}

/** `{"keys": […]}` of a list, or `{"key_info": {…}, "keys": […]}` of a detailed list. */
export function keysJson(keys: readonly string[], keyInfo?: ReadonlyMap<string, string>): string {
  const list = JSON.stringify(keys);
  if (keyInfo === undefined) return `{"keys":${list}}`;
  const names = [...keyInfo.keys()].sort(compareUtf8);
  let info = '{';
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    info += `${i === 0 ? '' : ','}${quote(name)}:${keyInfo.get(name) as string}`;
  }
  return `{"key_info":${info}},"keys":${list}}`;
}

function warningsJson(warnings: readonly string[] | null): string {
  return warnings === null || warnings.length === 0 ? 'null' : JSON.stringify(warnings);
}

/**
 * OpenBao's response envelope (`logical.HTTPResponse`), fields in struct order, with a fresh
 * request id. `trailingNewline` is true for normal responses (Go's `json.Encoder`) and false for
 * the raw 404 bodies built with `json.Marshal`.
 */
export function envelopeJson(dataJson: string | null, warnings: readonly string[] | null, trailingNewline: boolean): string {
  return goEscape(
    `{"request_id":"${randomUUID()}","lease_id":"","renewable":false,"lease_duration":0,` +
      `"data":${dataJson ?? 'null'},"wrap_info":null,"warnings":${warningsJson(warnings)},"auth":null}` +
      (trailingNewline ? '\n' : ''),
  );
}

/** OpenBao's error body: `{"errors":[…]}` and a newline. */
export function errorsJson(messages: readonly string[]): string {
  return goEscape(`{"errors":${JSON.stringify(messages)}}\n`);
}
