import { InvalidRequestError, isPlainObject, StoreCorruptedError } from '@kv2/core';
import { DOCUMENT_FORMAT } from '../engine/document.js';
import { validateDocument } from '../engine/document-validation.js';
import { MIN_SEALED_BYTES, validScryptCost, type EncryptionHeader } from './encryption.js';
import type { FileDocument } from './file-format.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DOCUMENT_FIELDS = new Set(['format', 'journalSeq', 'encryption', 'config', 'keys']);
const VERSION_FIELDS = new Set(['createdTime', 'deletionTime', 'destroyed', 'data', 'encryptedData']);
const HEADER_FIELDS = new Set(['cipher', 'kdf', 'keyCheck']);
const KDF_FIELDS = new Set(['name', 'salt', 'n', 'r', 'p']);

type Fail = (problem: string) => never;

/**
 * Checks that `value` (parsed JSON) is a store file kv2 can use and returns it typed (not
 * copied). Throws {@link StoreCorruptedError} naming `file` and the first problem.
 *
 * Two layers: this module checks the file format itself (what it is, its format version, the
 * `encryption` section, and that each version carries its payload in the form the file's kind
 * requires — `data` in a plain file, `encryptedData` in an encrypted one, nothing once
 * destroyed); the document inside is then checked by the engine's own `validateDocument`, which
 * owns the document's rules. Messages name fields and keys, never values. `context` (say, which
 * journal record) prefixes each problem.
 */
export function validateFileDocument(value: unknown, file: string, context = ''): FileDocument {
  const fail: Fail = (problem) => {
    throw new StoreCorruptedError(file, `${context}${problem}`);
  };
  if (Array.isArray(value)) fail('it holds a JSON array, not a kv2 store document');
  if (!isPlainObject(value)) fail(`it holds a JSON ${value === null ? 'null' : typeof value}, not a kv2 store document`);
  const doc = value;
  if (!Object.hasOwn(doc, 'format')) fail('it has no "format" field (it is not a kv2 store document)');
  if (doc['format'] !== DOCUMENT_FORMAT) {
    const format = typeof doc['format'] === 'number' ? String(doc['format']) : 'of an unknown kind';
    fail(`its format version is ${format}; this version of kv2 reads format ${DOCUMENT_FORMAT} only`);
  }
  onlyFields(doc, DOCUMENT_FIELDS, 'the document', fail);
  const journalSeq = doc['journalSeq'];
  if (journalSeq !== undefined && (typeof journalSeq !== 'number' || !Number.isSafeInteger(journalSeq) || journalSeq < 0)) {
    fail('"journalSeq" must be a whole number of at least 0');
  }
  const encrypted = doc['encryption'] !== undefined;
  if (encrypted) checkHeader(doc['encryption'], fail);
  try {
    // One pass: the engine's validator walks every version and hands each to the payload check.
    validateDocument(doc, { version: payloadCheck(encrypted, fail), sealed: encrypted });
  } catch (error) {
    if (InvalidRequestError.is(error)) fail(error.message);
    throw error;
  }
  return doc as unknown as FileDocument;
}

function onlyFields(object: Record<string, unknown>, allowed: ReadonlySet<string>, where: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) fail(`${where} has an unknown field ${name(key)}`);
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

/** Each version's payload in the form this kind of file requires (and no field a version cannot have). */
function payloadCheck(encrypted: boolean, fail: Fail): (version: Record<string, unknown>, path: string, number: string) => void {
  const [present, absent] = encrypted ? ['encryptedData', 'data'] : ['data', 'encryptedData'];
  return (version, path, number) => {
    // Messages are built only on failure: a large store has hundreds of thousands of versions.
    for (const field in version) {
      if (!VERSION_FIELDS.has(field) && Object.hasOwn(version, field)) fail(`${versionLabel(path, number)} has an unknown field ${name(field)}`);
    }
    if (Object.hasOwn(version, absent)) {
      fail(`${versionLabel(path, number)} must not have "${absent}" in ${encrypted ? 'an encrypted' : 'a plain'} store file`);
    }
    if (version['destroyed'] === true) {
      if (Object.hasOwn(version, present)) fail(`${versionLabel(path, number)} is destroyed but still has "${present}"`);
    } else if (encrypted && !isSealed(version['encryptedData'])) {
      fail(`${versionLabel(path, number)}.encryptedData must be a sealed value (base64)`);
    }
  };
}

function isSealed(value: unknown): value is string {
  return typeof value === 'string' && BASE64.test(value) && (value.length / 4) * 3 >= MIN_SEALED_BYTES;
}

function versionLabel(path: string, number: string): string {
  return `keys[${name(path)}].versions[${name(number)}]`;
}

// Names taken from the file go into messages quoted and shortened (they are names, never values).
function name(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 61)}...` : key);
}
