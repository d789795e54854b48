import { InvalidRequestError, isPlainObject, KvError, MAX_DURATION_SECONDS, normalizeSecretPath } from '@kv2/core';
import { DOCUMENT_FORMAT, type StoreDocument } from './document.js';

const UINT32_MAX = 4_294_967_295;

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
  integer(config.maxVersions, 'config.maxVersions', 0, UINT32_MAX);
  boolean(config.casRequired, 'config.casRequired');
  boolean(config.metadataCasRequired, 'config.metadataCasRequired');
  integer(config.deleteVersionAfter, 'config.deleteVersionAfter', -1, MAX_DURATION_SECONDS);
  const keys = object(doc.keys, 'keys');
  for (const path of Object.keys(keys)) {
    const where = `keys[${JSON.stringify(path)}]`;
    if (canonical(path) !== path) fail(where, 'is not a canonical secret path');
    validateKey(keys[path], where);
  }
  return value as StoreDocument;
}

function validateKey(value: unknown, where: string): void {
  const key = object(value, where);
  const current = integer(key.currentVersion, `${where}.currentVersion`, 0);
  const oldest = integer(key.oldestVersion, `${where}.oldestVersion`, 0);
  if (oldest > current) fail(`${where}.oldestVersion`, 'is above currentVersion');
  integer(key.currentMetadataVersion, `${where}.currentMetadataVersion`, 0);
  timestamp(key.createdTime, `${where}.createdTime`);
  timestamp(key.updatedTime, `${where}.updatedTime`);
  integer(key.maxVersions, `${where}.maxVersions`, 0, UINT32_MAX);
  boolean(key.casRequired, `${where}.casRequired`);
  boolean(key.metadataCasRequired, `${where}.metadataCasRequired`);
  integer(key.deleteVersionAfter, `${where}.deleteVersionAfter`, 0, MAX_DURATION_SECONDS);
  if (key.customMetadata !== null) {
    const custom = object(key.customMetadata, `${where}.customMetadata`);
    for (const name of Object.keys(custom)) {
      if (typeof custom[name] !== 'string') fail(`${where}.customMetadata`, 'values must be strings');
    }
  }
  const versions = object(key.versions, `${where}.versions`);
  for (const number of Object.keys(versions)) {
    const at = `${where}.versions[${number}]`;
    if (!/^[1-9]\d*$/.test(number) || Number(number) > current || Number(number) < oldest) {
      fail(at, 'is not a version number from oldestVersion to currentVersion');
    }
    const version = object(versions[number], at);
    timestamp(version.createdTime, `${at}.createdTime`);
    if (version.deletionTime !== null) timestamp(version.deletionTime, `${at}.deletionTime`);
    boolean(version.destroyed, `${at}.destroyed`);
    if (version.data === undefined) {
      if (version.destroyed !== true) fail(`${at}.data`, 'is missing for a version that is not destroyed');
    } else {
      object(version.data, `${at}.data`);
    }
  }
}

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

function integer(value: unknown, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(where, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function boolean(value: unknown, where: string): void {
  if (typeof value !== 'boolean') fail(where, 'must be a boolean');
}

function timestamp(value: unknown, where: string): void {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) fail(where, 'must be an ISO 8601 timestamp');
}
