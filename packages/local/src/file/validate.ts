import { InvalidRequestError, isPlainObject, normalizeSecretPath, StoreCorruptedError } from '@kv2/core';
import { DOCUMENT_FORMAT } from '../engine/document.js';
import { MIN_SEALED_BYTES, validScryptCost, type EncryptionHeader } from './encryption.js';
import type { FileDocument, FileKeyRecord, FileVersion } from './file-format.js';

const UINT32_MAX = 4_294_967_295;
// What `Date.prototype.toISOString` produces (the engine writes nothing else).
const TIMESTAMP = /^(?:\d{4}|[+-]\d{6})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DOCUMENT_FIELDS = new Set(['format', 'encryption', 'config', 'keys']);
const CONFIG_FIELDS = new Set(['maxVersions', 'casRequired', 'metadataCasRequired', 'deleteVersionAfter']);
const RECORD_FIELDS = new Set([
  'currentVersion',
  'oldestVersion',
  'currentMetadataVersion',
  'createdTime',
  'updatedTime',
  'maxVersions',
  'casRequired',
  'metadataCasRequired',
  'deleteVersionAfter',
  'customMetadata',
  'versions',
]);
const VERSION_FIELDS = new Set(['createdTime', 'deletionTime', 'destroyed', 'data', 'encryptedData']);
const HEADER_FIELDS = new Set(['cipher', 'kdf', 'keyCheck']);
const KDF_FIELDS = new Set(['name', 'salt', 'n', 'r', 'p']);

/**
 * Checks that `value` (parsed JSON) is a store document kv2 can use, down to every field of
 * every version, and returns it typed (not copied). Throws {@link StoreCorruptedError} naming
 * `file` and the first problem. Messages name fields and keys, never values, so no secret can
 * end up in an error.
 */
export function validateFileDocument(value: unknown, file: string): FileDocument {
  const fail = (problem: string): never => {
    throw new StoreCorruptedError(file, problem);
  };
  if (Array.isArray(value)) fail('it holds a JSON array, not a kv2 store document');
  if (!isPlainObject(value)) fail(`it holds a JSON ${value === null ? 'null' : typeof value}, not a kv2 store document`);
  const doc = value as Record<string, unknown>;
  if (!Object.hasOwn(doc, 'format')) fail('it has no "format" field (it is not a kv2 store document)');
  if (doc['format'] !== DOCUMENT_FORMAT) {
    const format = typeof doc['format'] === 'number' ? String(doc['format']) : 'of an unknown kind';
    fail(`its format version is ${format}; this version of kv2 reads format ${DOCUMENT_FORMAT} only`);
  }
  onlyFields(doc, DOCUMENT_FIELDS, '', fail);
  if (doc['encryption'] !== undefined) checkHeader(doc['encryption'], fail);
  checkConfig(doc['config'], fail);
  const encrypted = doc['encryption'] !== undefined;
  const keys = doc['keys'];
  if (!isPlainObject(keys)) fail('"keys" must be an object');
  for (const path of Object.keys(keys as object)) {
    checkRecord(path, (keys as Record<string, unknown>)[path], encrypted, fail);
  }
  return doc as unknown as FileDocument;
}

type Fail = (problem: string) => never;

function onlyFields(object: Record<string, unknown>, allowed: ReadonlySet<string>, where: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) fail(`${where === '' ? 'the document' : where} has an unknown field ${name(key)}`);
  }
}

function checkHeader(value: unknown, fail: Fail): asserts value is EncryptionHeader {
  if (!isPlainObject(value)) fail('"encryption" must be an object');
  const header = value;
  onlyFields(header, HEADER_FIELDS, 'encryption', fail);
  if (header['cipher'] !== 'aes-256-gcm') fail('encryption.cipher must be "aes-256-gcm"');
  if (!isSealed(header['keyCheck'])) fail('encryption.keyCheck must be a sealed value (base64)');
  const kdf = header['kdf'];
  if (kdf === null) return;
  if (!isPlainObject(kdf)) fail('encryption.kdf must be null or an object');
  const params = kdf;
  onlyFields(params, KDF_FIELDS, 'encryption.kdf', fail);
  if (params['name'] !== 'scrypt') fail('encryption.kdf.name must be "scrypt"');
  const salt = params['salt'];
  if (typeof salt !== 'string' || !BASE64.test(salt) || Buffer.from(salt, 'base64').length < 16) {
    fail('encryption.kdf.salt must be at least 16 bytes of base64');
  }
  if (!validScryptCost(params['n'] as number, params['r'] as number, params['p'] as number)) {
    fail('encryption.kdf has scrypt parameters out of range (n a power of two from 2^10, r 1-32, p 1-16, 128·n·r at most 256 MiB)');
  }
}

function checkConfig(value: unknown, fail: Fail): void {
  if (!isPlainObject(value)) fail('"config" must be an object');
  const config = value;
  onlyFields(config, CONFIG_FIELDS, 'config', fail);
  if (!isUint32(config['maxVersions'])) fail('config.maxVersions must be an integer from 0 to 4294967295');
  if (typeof config['casRequired'] !== 'boolean') fail('config.casRequired must be a boolean');
  if (typeof config['metadataCasRequired'] !== 'boolean') fail('config.metadataCasRequired must be a boolean');
  const after = config['deleteVersionAfter'];
  if (!Number.isSafeInteger(after) || (after as number) < -1) fail('config.deleteVersionAfter must be whole seconds, -1 or more');
}

function checkRecord(path: string, value: unknown, encrypted: boolean, fail: Fail): asserts value is FileKeyRecord {
  const where = `keys[${name(path)}]`;
  if (!isCanonicalPath(path)) fail(`${where}: the key is not a valid secret path`);
  if (!isPlainObject(value)) fail(`${where} must be an object`);
  const record = value;
  onlyFields(record, RECORD_FIELDS, where, fail);
  const current = record['currentVersion'];
  const oldest = record['oldestVersion'];
  if (!isCount(current)) fail(`${where}.currentVersion must be a non-negative integer`);
  if (!isCount(oldest) || oldest > (current)) fail(`${where}.oldestVersion must be an integer from 0 to currentVersion`);
  if (!isCount(record['currentMetadataVersion'])) fail(`${where}.currentMetadataVersion must be a non-negative integer`);
  if (!isTimestamp(record['createdTime'])) fail(`${where}.createdTime must be an ISO 8601 timestamp`);
  if (!isTimestamp(record['updatedTime'])) fail(`${where}.updatedTime must be an ISO 8601 timestamp`);
  if (!isUint32(record['maxVersions'])) fail(`${where}.maxVersions must be an integer from 0 to 4294967295`);
  if (typeof record['casRequired'] !== 'boolean') fail(`${where}.casRequired must be a boolean`);
  if (typeof record['metadataCasRequired'] !== 'boolean') fail(`${where}.metadataCasRequired must be a boolean`);
  if (!isCount(record['deleteVersionAfter'])) fail(`${where}.deleteVersionAfter must be non-negative whole seconds`);
  checkCustomMetadata(record['customMetadata'], where, fail);
  const versions = record['versions'];
  if (!isPlainObject(versions)) fail(`${where}.versions must be an object`);
  for (const number of Object.keys(versions)) {
    const at = `${where}.versions[${name(number)}]`;
    const n = Number(number);
    if (String(n) !== number || !Number.isSafeInteger(n) || n < 1 || n < (oldest) || n > (current)) {
      fail(`${at}: a version number must be an integer from max(1, oldestVersion) to currentVersion`);
    }
    checkVersion((versions)[number], at, encrypted, fail);
  }
}

function checkCustomMetadata(value: unknown, where: string, fail: Fail): void {
  if (value === null) return;
  if (!isPlainObject(value)) fail(`${where}.customMetadata must be null or an object of strings`);
  for (const key of Object.keys(value)) {
    if (typeof (value)[key] !== 'string') fail(`${where}.customMetadata[${name(key)}] must be a string`);
  }
}

function checkVersion(value: unknown, where: string, encrypted: boolean, fail: Fail): asserts value is FileVersion {
  if (!isPlainObject(value)) fail(`${where} must be an object`);
  const version = value;
  onlyFields(version, VERSION_FIELDS, where, fail);
  if (!isTimestamp(version['createdTime'])) fail(`${where}.createdTime must be an ISO 8601 timestamp`);
  if (version['deletionTime'] !== null && !isTimestamp(version['deletionTime'])) fail(`${where}.deletionTime must be null or an ISO 8601 timestamp`);
  if (typeof version['destroyed'] !== 'boolean') fail(`${where}.destroyed must be a boolean`);
  const [present, absent] = encrypted ? ['encryptedData', 'data'] : ['data', 'encryptedData'];
  if (Object.hasOwn(version, absent)) fail(`${where} must not have "${absent}" in ${encrypted ? 'an encrypted' : 'a plain'} store file`);
  if (version['destroyed'] === true) {
    if (Object.hasOwn(version, present)) fail(`${where} is destroyed but still has "${present}"`);
  } else if (encrypted ? !isSealed(version['encryptedData']) : !isPlainObject(version['data'])) {
    fail(encrypted ? `${where}.encryptedData must be a sealed value (base64)` : `${where}.data must be a JSON object`);
  }
}

function isCanonicalPath(path: string): boolean {
  try {
    return normalizeSecretPath(path, 'write') === path;
  } catch (error) {
    if (InvalidRequestError.is(error)) return false;
    throw error;
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isUint32(value: unknown): value is number {
  return isCount(value) && value <= UINT32_MAX;
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && TIMESTAMP.test(value) && Number.isFinite(Date.parse(value));
}

function isSealed(value: unknown): value is string {
  return typeof value === 'string' && BASE64.test(value) && (value.length / 4) * 3 >= MIN_SEALED_BYTES;
}

// Names taken from the file go into messages quoted and shortened (they are names, never values).
function name(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 61)}...` : key);
}
