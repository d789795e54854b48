import { InvalidRequestError, isPlainObject, KvError, MAX_DURATION_SECONDS, normalizeSecretPath, UINT32_MAX } from '@kv2/core';
import { DOCUMENT_FORMAT, type StoreDocument } from './document.js';

/**
 * Checks that `value` (parsed JSON from a file or a snapshot) is a complete, consistent
 * {@link StoreDocument} and returns it typed. Throws {@link InvalidRequestError} (`invalid_data`)
 * naming the first problem found; hosts wrap it (the file store in a StoreCorruptedError).
 * Secret data is not inspected beyond "is an object".
 */
export function validateDocument(value: unknown): StoreDocument {
  const doc = object(value, 'document');
  if (doc.format !== DOCUMENT_FORMAT) {
    fail('format', `unknown format version ${JSON.stringify(doc.format)} (this kv2 reads ${DOCUMENT_FORMAT})`);
  }
  const config = object(doc.config, 'config');
  integer(config.maxVersions, 'config.maxVersions', '', 0, UINT32_MAX);
  boolean(config.casRequired, 'config.casRequired');
  boolean(config.metadataCasRequired, 'config.metadataCasRequired');
  integer(config.deleteVersionAfter, 'config.deleteVersionAfter', '', -1, MAX_DURATION_SECONDS);
  const keys = object(doc.keys, 'keys');
  for (const path of Object.keys(keys)) {
    if (canonical(path) !== path) fail(`keys[${JSON.stringify(path)}]`, 'is not a canonical secret path');
    validateKey(keys[path], path);
  }
  return value as StoreDocument;
}

function validateKey(value: unknown, path: string): void {
  // Labels for messages are built only when a check fails: a large store has hundreds of thousands of fields.
  const at = (field: string): string => `keys[${JSON.stringify(path)}]${field}`;
  const key = isPlainObject(value) ? value : fail(at(''), 'must be an object');
  const current = integer(key.currentVersion, at, '.currentVersion', 0);
  const oldest = integer(key.oldestVersion, at, '.oldestVersion', 0);
  if (oldest > current) fail(at('.oldestVersion'), 'is above currentVersion');
  integer(key.currentMetadataVersion, at, '.currentMetadataVersion', 0);
  timestamp(key.createdTime, at, '.createdTime');
  timestamp(key.updatedTime, at, '.updatedTime');
  integer(key.maxVersions, at, '.maxVersions', 0, UINT32_MAX);
  boolean(key.casRequired, at, '.casRequired');
  boolean(key.metadataCasRequired, at, '.metadataCasRequired');
  integer(key.deleteVersionAfter, at, '.deleteVersionAfter', 0, MAX_DURATION_SECONDS);
  if (key.customMetadata !== null) {
    const custom = isPlainObject(key.customMetadata) ? key.customMetadata : fail(at('.customMetadata'), 'must be an object');
    for (const name of Object.keys(custom)) {
      if (typeof custom[name] !== 'string') fail(at('.customMetadata'), 'values must be strings');
    }
  }
  const versions = isPlainObject(key.versions) ? key.versions : fail(at('.versions'), 'must be an object');
  for (const number of Object.keys(versions)) {
    const v = (field: string): string => at(`.versions[${number}]${field}`);
    if (!VERSION_NUMBER.test(number) || Number(number) > current || Number(number) < oldest) {
      fail(v(''), 'is not a version number from oldestVersion to currentVersion');
    }
    const version = versions[number];
    if (!isPlainObject(version)) fail(v(''), 'must be an object');
    timestamp(version.createdTime, v, '.createdTime');
    if (version.deletionTime !== null) timestamp(version.deletionTime, v, '.deletionTime');
    boolean(version.destroyed, v, '.destroyed');
    if (version.data === undefined) {
      if (version.destroyed !== true) fail(v('.data'), 'is missing for a version that is not destroyed');
    } else if (!isPlainObject(version.data)) {
      fail(v('.data'), 'must be an object');
    }
  }
}

type Label = (field: string) => string;
const VERSION_NUMBER = /^[1-9]\d*$/;

function canonical(path: string): string | undefined {
  try {
    return normalizeSecretPath(path, 'write');
  } catch (error) {
    if (KvError.is(error)) return undefined;
    throw error;
  }
}

function fail(where: string, problem: string): never {
  throw new InvalidRequestError(`${where} ${problem}`, 'invalid_data');
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(where, 'must be an object');
  return value;
}

function integer(value: unknown, label: Label | string, field = '', min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(typeof label === 'string' ? label : label(field), `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function boolean(value: unknown, label: Label | string, field = ''): void {
  if (typeof value !== 'boolean') fail(typeof label === 'string' ? label : label(field), 'must be a boolean');
}

// The form kv2 writes (toISOString), checked by pattern: far cheaper than Date.parse, which a
// large store would call hundreds of thousands of times on open. (V8's Date.parse accepts the
// same set: it rolls a day 30 or 31 past the month's end over rather than refusing it.)
const ISO_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function timestamp(value: unknown, label: Label | string, field = ''): void {
  if (typeof value === 'string' && ISO_UTC.test(value)) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    fail(typeof label === 'string' ? label : label(field), 'must be an ISO 8601 timestamp');
}
