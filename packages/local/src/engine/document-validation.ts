import { InvalidRequestError, isPlainObject, KvError, MAX_DURATION_SECONDS, normalizeSecretPath, UINT32_MAX } from '@kv2/core';
import { DOCUMENT_FORMAT, type StoreDocument } from './document.js';

/**
 * Checks that `value` (parsed JSON from a file or a snapshot) is a complete, consistent
 * {@link StoreDocument} and returns it typed. Throws {@link InvalidRequestError} (`invalid_data`)
 * naming the first problem found; hosts wrap it (the file store in a StoreCorruptedError).
 * Secret data is not inspected beyond "is an object".
 */
export function validateDocument(value: unknown, options: DocumentValidationOptions = {}): StoreDocument {
  const doc = object(value, 'document');
  if (doc.format !== DOCUMENT_FORMAT) {
    fail('format', `unknown format version ${JSON.stringify(doc.format)} (this kv2 reads ${DOCUMENT_FORMAT})`);
  }
  const config = object(doc.config, 'config');
  integer(config.maxVersions, null, null, '.maxVersions', 0, UINT32_MAX);
  boolean(config.casRequired, null, null, '.casRequired');
  boolean(config.metadataCasRequired, null, null, '.metadataCasRequired');
  integer(config.deleteVersionAfter, null, null, '.deleteVersionAfter', -1, MAX_DURATION_SECONDS);
  const keys = object(doc.keys, 'keys');
  for (const path of Object.keys(keys)) {
    if (canonical(path) !== path) fail(`keys[${JSON.stringify(path)}]`, 'is not a canonical secret path');
    validateKey(keys[path], path, options);
  }
  return value as StoreDocument;
}

/** How a host that stores versions its own way (the file store) joins the one pass over a document. */
export interface DocumentValidationOptions {
  /** Called for every version object, in the same pass: the host's own rules for a version's fields. */
  readonly version?: ((version: Record<string, unknown>, path: string, number: string) => void) | undefined;
  /** Versions hold their data sealed (the host checks it): the `data` rules are skipped. */
  readonly sealed?: boolean | undefined;
}

function validateKey(value: unknown, path: string, options: DocumentValidationOptions): void {
  // Labels for messages are built only when a check fails (see label()): a large store has
  // hundreds of thousands of fields, and no closure or string is made per field while all is well.
  const key = isPlainObject(value) ? value : fail(label(path, null, ''), 'must be an object');
  const current = integer(key.currentVersion, path, null, '.currentVersion', 0);
  const oldest = integer(key.oldestVersion, path, null, '.oldestVersion', 0);
  if (oldest > current) fail(label(path, null, '.oldestVersion'), 'is above currentVersion');
  integer(key.currentMetadataVersion, path, null, '.currentMetadataVersion', 0);
  timestamp(key.createdTime, path, null, '.createdTime');
  timestamp(key.updatedTime, path, null, '.updatedTime');
  integer(key.maxVersions, path, null, '.maxVersions', 0, UINT32_MAX);
  boolean(key.casRequired, path, null, '.casRequired');
  boolean(key.metadataCasRequired, path, null, '.metadataCasRequired');
  integer(key.deleteVersionAfter, path, null, '.deleteVersionAfter', 0, MAX_DURATION_SECONDS);
  if (key.customMetadata !== null) {
    const custom = isPlainObject(key.customMetadata) ? key.customMetadata : fail(label(path, null, '.customMetadata'), 'must be an object');
    for (const name of Object.keys(custom)) {
      if (typeof custom[name] !== 'string') fail(label(path, null, '.customMetadata'), 'values must be strings');
    }
  }
  const versions = isPlainObject(key.versions) ? key.versions : fail(label(path, null, '.versions'), 'must be an object');
  for (const number of Object.keys(versions)) {
    if (!VERSION_NUMBER.test(number) || Number(number) > current || Number(number) < oldest) {
      fail(label(path, number, ''), 'is not a version number from oldestVersion to currentVersion');
    }
    const version = versions[number];
    if (!isPlainObject(version)) fail(label(path, number, ''), 'must be an object');
    options.version?.(version, path, number);
    timestamp(version.createdTime, path, number, '.createdTime');
    if (version.deletionTime !== null) timestamp(version.deletionTime, path, number, '.deletionTime');
    boolean(version.destroyed, path, number, '.destroyed');
    if (options.sealed === true) continue;
    if (version.data === undefined) {
      if (version.destroyed !== true) fail(label(path, number, '.data'), 'is missing for a version that is not destroyed');
    } else if (!isPlainObject(version.data)) {
      fail(label(path, number, '.data'), 'must be an object');
    }
  }
}

/** `keys["<path>"]<field>` or `keys["<path>"].versions[<n>]<field>`; a `path` of null labels the config. */
function label(path: string | null, version: string | null, field: string): string {
  if (path === null) return `config${field}`;
  return `keys[${JSON.stringify(path)}]${version === null ? '' : `.versions[${version}]`}${field}`;
}

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

function integer(value: unknown, path: string | null, version: string | null, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(label(path, version, field), `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function boolean(value: unknown, path: string | null, version: string | null, field: string): void {
  if (typeof value !== 'boolean') fail(label(path, version, field), 'must be a boolean');
}

// The form kv2 writes (toISOString), checked by pattern: far cheaper than Date.parse, which a
// large store would call hundreds of thousands of times on open. (V8's Date.parse accepts the
// same set: it rolls a day 30 or 31 past the month's end over rather than refusing it.)
const ISO_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function timestamp(value: unknown, path: string | null, version: string | null, field: string): void {
  if (typeof value === 'string' && ISO_UTC.test(value)) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) fail(label(path, version, field), 'must be an ISO 8601 timestamp');
}
