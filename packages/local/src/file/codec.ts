import { isUtf8 } from 'node:buffer';
import {
  describeJsonSyntaxError,
  EncryptionKeyError,
  getOwn,
  isPlainObject,
  setOwn,
  StoreCorruptedError,
  type JsonObject,
  type MountConfig,
} from '@kv2/core';
import type { KeyRecord, StoreDocument, VersionRecord } from '../engine/document.js';
import type { DataCipher, EncryptionHeader, EncryptionSecret } from './encryption.js';
import type { FileDocument, FileKeyRecord, FileVersion } from './file-format.js';
import { validateFileDocument } from './validate.js';
import { DOCUMENT_FORMAT } from '../engine/document.js';

/** The key material of one encrypted file, shared by every generation derived from the same load. */
export interface FileEncryption {
  readonly header: EncryptionHeader;
  readonly cipher: DataCipher;
}

/** What the store keeps of its file: the engine's document and, for an encrypted file, its key. */
export interface StoreContent {
  readonly doc: StoreDocument;
  readonly encryption: FileEncryption | null;
  /** The last journal commit the snapshot includes (0 for a file without a journal, or an old file). */
  readonly journalSeq: number;
}

/** One journal commit: the new state of every key and setting a group of mutations changed. */
export interface JournalCommit {
  /** The commit's number: one more than the commit before it. */
  readonly seq: number;
  /** The new mount configuration, when the commit changed it. */
  readonly config?: MountConfig | undefined;
  /** Each changed key's new record, or null for a key that was removed. */
  readonly keys: ReadonlyMap<string, KeyRecord | null>;
}

const FIRST_ENTRY = Buffer.from('\n    ');
const NEXT_ENTRY = Buffer.from(',\n    ');
const END = Buffer.from('\n  }\n}');
const EMPTY_END = Buffer.from('}\n}');
// `JSON.stringify({ keys: { [path]: record } }, null, 2)` is `{\n  "keys": {\n    ` + entry + `\n  }\n}`.
const ENTRY_PREFIX_LENGTH = '{\n  "keys": {\n    '.length;
const ENTRY_SUFFIX_LENGTH = '\n  }\n}'.length;

/**
 * Turns store files (snapshots and journal records) into {@link StoreContent} and back.
 *
 * Reading parses and fully validates the file, and decrypts every version of an encrypted file.
 * Writing a snapshot produces exactly `JSON.stringify(fileDocument, null, 2)`, but from cached
 * pieces: the engine replaces a key's record whenever it changes it, so an unchanged record
 * object is re-used as bytes and an unchanged version is never re-encrypted. A compaction
 * therefore costs about the size of the file, not the cost of serialising (and encrypting)
 * every secret again.
 */
export class DocumentCodec {
  readonly #file: string;
  readonly #secret: EncryptionSecret | null;
  // Keyed by object identity; a record or version belongs to one file key (checked on use).
  readonly #entries = new WeakMap<KeyRecord, { encryption: FileEncryption | null; path: string; bytes: Uint8Array }>();
  readonly #sealed = new WeakMap<VersionRecord, { cipher: DataCipher; sealed: string }>();

  constructor(file: string, secret: EncryptionSecret | null) {
    this.#file = file;
    this.#secret = secret;
  }

  /** Content for a file that does not exist yet (a new header and key check when encrypting). */
  async create(doc: StoreDocument): Promise<StoreContent> {
    if (this.#secret === null) return { doc, encryption: null, journalSeq: 0 };
    const { header, cipher } = await this.#secret.createHeader();
    return { doc, encryption: { header, cipher }, journalSeq: 0 };
  }

  /**
   * Parses a store file. Throws StoreCorruptedError for anything that is not a valid store
   * document, and EncryptionKeyError when the file is encrypted and the store has no key or the
   * wrong one (or has a key and the file is not encrypted).
   */
  async decode(bytes: Uint8Array): Promise<StoreContent> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.decodeText(buffer.toString('utf8'), () => buffer);
  }

  /**
   * {@link DocumentCodec.decode} for a file already read as UTF-8 text (Node's fast path for
   * large files). Invalid UTF-8 turns into U+FFFD when read that way, so a text holding U+FFFD is
   * checked again on its raw bytes (`bytes`), which a valid file rarely needs.
   */
  async decodeText(text: string, bytes: () => Uint8Array): Promise<StoreContent> {
    if (text.includes('\uFFFD') && !isUtf8(bytes())) throw this.#corrupted('it is not valid UTF-8 text');
    if (text.trim() === '') throw this.#corrupted('the file is empty');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // V8's message quotes the text around the error, which may be a secret: say it as Go does, naming one character.
      throw this.#corrupted(`it is not valid JSON: ${describeJsonSyntaxError(bytes())}`);
    }
    const file = validateFileDocument(value, this.#file);
    const journalSeq = file.journalSeq ?? 0;
    if (file.encryption === undefined) {
      if (this.#secret !== null) {
        throw new EncryptionKeyError(
          `store file ${JSON.stringify(this.#file)} is not encrypted, but an encryption key was given`,
          'encryption_key_invalid',
        );
      }
      const { format, config, keys } = file;
      return { doc: { format, config, keys }, encryption: null, journalSeq };
    }
    if (this.#secret === null) {
      throw new EncryptionKeyError(
        `store file ${JSON.stringify(this.#file)} is encrypted; open it with its key or passphrase`,
        'encryption_key_required',
      );
    }
    const cipher = await this.#secret.unlock(file.encryption, this.#file);
    const encryption: FileEncryption = { header: file.encryption, cipher };
    return { doc: this.#openDocument(file, encryption), encryption, journalSeq };
  }

  /** The file's bytes for `content`: UTF-8 of pretty-printed JSON, identical to `JSON.stringify(…, null, 2)`. */
  encode(content: StoreContent): Buffer {
    return Buffer.concat(this.encodePieces(content));
  }

  /**
   * The same bytes as {@link encode}, in pieces to be written one after another. Writing the
   * pieces (`writev`) spares building the whole file in a new buffer, whose allocation and first
   * touch of every page cost more than the write itself for a large file.
   */
  encodePieces(content: StoreContent): Uint8Array[] {
    const { doc, encryption } = content;
    let head = `{\n  "format": ${JSON.stringify(doc.format)},\n  "journalSeq": ${content.journalSeq}`;
    if (encryption !== null) head += `,\n  "encryption": ${indent(JSON.stringify(encryption.header, null, 2), '  ')}`;
    head += `,\n  "config": ${indent(JSON.stringify(doc.config, null, 2), '  ')},\n  "keys": {`;
    // Each key's entry is cached as UTF-8 bytes, far cheaper to reuse than joining (or
    // flattening) tens of thousands of strings and encoding them again.
    const pieces: Uint8Array[] = [Buffer.from(head, 'utf8')];
    let first = true;
    for (const path of Object.keys(doc.keys)) {
      const record = getOwn(doc.keys, path) as KeyRecord;
      pieces.push(first ? FIRST_ENTRY : NEXT_ENTRY, this.#entryBytes(path, record, encryption));
      first = false;
    }
    pieces.push(first ? EMPTY_END : END);
    return pieces;
  }

  /**
   * One journal commit as a line of JSON: `{"seq":N,"config":{…},"keys":{"<path>":<record or null>}}`,
   * each record exactly as the snapshot writes it (sealed when the file is encrypted).
   */
  encodeCommit(commit: JournalCommit, encryption: FileEncryption | null): string {
    const keys: Record<string, unknown> = {};
    for (const [path, record] of commit.keys) {
      setOwn(keys, path, record === null || encryption === null ? record : this.#sealedRecord(path, record, encryption.cipher));
    }
    return JSON.stringify(commit.config === undefined ? { seq: commit.seq, keys } : { seq: commit.seq, config: commit.config, keys });
  }

  /**
   * Parses and validates one journal commit with the snapshot's own rules (a record in the
   * journal must be a record the snapshot could hold). `config` is the configuration in force,
   * against which a commit that does not change it is checked. Throws StoreCorruptedError
   * naming `journal`.
   */
  decodeCommit(payload: string, encryption: FileEncryption | null, config: MountConfig, journal: string): JournalCommit {
    const fail = (problem: string): never => {
      throw new StoreCorruptedError(journal, problem);
    };
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch {
      fail('a journal record is not valid JSON');
    }
    if (!isPlainObject(value)) return fail('a journal record is not an object');
    for (const field of Object.keys(value)) {
      if (field !== 'seq' && field !== 'config' && field !== 'keys') fail(`a journal record has an unknown field ${JSON.stringify(field)}`);
    }
    const seq = value['seq'];
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return fail('a journal record has no valid "seq"');
    const rawKeys = value['keys'];
    if (!isPlainObject(rawKeys)) return fail(`journal record ${seq} has no "keys" object`);
    const present: Record<string, unknown> = {};
    const removed: string[] = [];
    for (const path of Object.keys(rawKeys)) {
      const record = rawKeys[path];
      if (record === null) removed.push(path);
      else setOwn(present, path, record);
    }
    // The snapshot's validator checks the records, their payloads (plain or sealed) and the config.
    const asFile: Record<string, unknown> = { format: DOCUMENT_FORMAT, config: value['config'] ?? config, keys: present };
    if (encryption !== null) asFile['encryption'] = encryption.header;
    const checked = validateFileDocument(asFile, journal, `journal record ${seq}: `);
    const records = encryption === null ? checked.keys : this.#openDocument(checked, encryption).keys;
    const keys = new Map<string, KeyRecord | null>();
    for (const path of Object.keys(rawKeys)) keys.set(path, removed.includes(path) ? null : (getOwn(records, path) as KeyRecord));
    return Object.hasOwn(value, 'config') ? { seq, config: checked.config, keys } : { seq, keys };
  }

  /** `"<path>": <record>` as it appears in the file, from the cache when the record did not change. */
  #entryBytes(path: string, record: KeyRecord, encryption: FileEncryption | null): Uint8Array {
    const cached = this.#entries.get(record);
    if (cached !== undefined && cached.encryption === encryption && cached.path === path) return cached.bytes;
    const onDisk = encryption === null ? record : this.#sealedRecord(path, record, encryption.cipher);
    // Serialised inside the same nesting as in the file, so JSON.stringify indents it right.
    const wrapped = JSON.stringify({ keys: { [path]: onDisk } }, null, 2);
    const bytes = Buffer.from(wrapped.slice(ENTRY_PREFIX_LENGTH, wrapped.length - ENTRY_SUFFIX_LENGTH), 'utf8');
    this.#entries.set(record, { encryption, path, bytes });
    return bytes;
  }

  #sealedRecord(path: string, record: KeyRecord, cipher: DataCipher): FileKeyRecord {
    const out = {} as Record<string, unknown>;
    for (const field of Object.keys(record)) {
      setOwn(out, field, field === 'versions' ? this.#sealedVersions(path, record.versions, cipher) : record[field as keyof KeyRecord]);
    }
    return out as unknown as FileKeyRecord;
  }

  #sealedVersions(path: string, versions: Record<string, VersionRecord>, cipher: DataCipher): Record<string, FileVersion> {
    const out: Record<string, FileVersion> = {};
    for (const number of Object.keys(versions)) {
      const version = getOwn(versions, number) as VersionRecord;
      const sealed: FileVersion = { createdTime: version.createdTime, deletionTime: version.deletionTime, destroyed: version.destroyed };
      if (!version.destroyed) sealed.encryptedData = this.#seal(path, number, version, cipher);
      setOwn(out, number, sealed);
    }
    return out;
  }

  #seal(path: string, number: string, version: VersionRecord, cipher: DataCipher): string {
    const cached = this.#sealed.get(version);
    if (cached !== undefined && cached.cipher === cipher) return cached.sealed;
    const sealed = cipher.seal(JSON.stringify(version.data), dataLabel(path, number));
    this.#sealed.set(version, { cipher, sealed });
    return sealed;
  }

  /**
   * The document with every version's data decrypted: at the store's boundary, when the file is
   * read, so that the engine only ever sees plain records and a damaged ciphertext fails the
   * load with StoreCorruptedError (nothing is written while the file is damaged).
   */
  #openDocument(file: FileDocument, encryption: FileEncryption): StoreDocument {
    const keys: Record<string, KeyRecord> = {};
    for (const path of Object.keys(file.keys)) {
      const raw = getOwn(file.keys, path) as FileKeyRecord;
      const versions: Record<string, VersionRecord> = {};
      for (const number of Object.keys(raw.versions)) {
        setOwn(versions, number, this.#openVersion(path, number, getOwn(raw.versions, number) as FileVersion, encryption));
      }
      setOwn(keys, path, { ...raw, versions });
    }
    return { format: file.format, config: file.config, keys };
  }

  #openVersion(path: string, number: string, raw: FileVersion, encryption: FileEncryption): VersionRecord {
    const version: VersionRecord = { createdTime: raw.createdTime, deletionTime: raw.deletionTime, destroyed: raw.destroyed };
    const sealed = raw.encryptedData;
    if (sealed === undefined) return version;
    const data = parseJson(encryption.cipher.open(sealed, dataLabel(path, number)));
    if (!isPlainObject(data)) throw this.#corrupted(`the data of version ${number} of ${JSON.stringify(path)} does not decrypt (altered or damaged)`);
    version.data = data as JsonObject;
    // Unchanged versions are written back with the same ciphertext, never re-encrypted.
    this.#sealed.set(version, { cipher: encryption.cipher, sealed });
    return version;
  }

  #corrupted(problem: string): StoreCorruptedError {
    return new StoreCorruptedError(this.#file, problem);
  }
}

/** The additional authenticated data of one version: it cannot be moved to another key or version. */
function dataLabel(path: string, number: string): string {
  return `kv2:data:${JSON.stringify([path, number])}`;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function indent(json: string, padding: string): string {
  // JSON.stringify escapes newlines inside strings, so every raw newline starts a new line.
  return json.replaceAll('\n', `\n${padding}`);
}
