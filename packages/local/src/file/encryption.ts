import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, scrypt, type KeyObject } from 'node:crypto';
import { EncryptionKeyError } from '@kv2/core';

/**
 * Encryption at rest for a store file: a raw 256-bit key, or a passphrase from which the key is
 * derived with scrypt (salt stored in the file).
 */
export type EncryptionOptions = { key: Uint8Array } | { passphrase: string };

/** scrypt's parameters as stored in the file header. */
export interface ScryptParameters {
  name: 'scrypt';
  /** 16 random bytes, base64; new for every file. */
  salt: string;
  n: number;
  r: number;
  p: number;
}

/** The `encryption` section of an encrypted store file. */
export interface EncryptionHeader {
  cipher: 'aes-256-gcm';
  /** How the key is derived from a passphrase; null when the store was created with a raw key. */
  kdf: ScryptParameters | null;
  /** A known text sealed with the key, so that a wrong key is detected on open even for an empty store. */
  keyCheck: string;
}

/** The scrypt cost for new files: N = 2^17, r = 8, p = 1 (128 MiB; OWASP's recommendation). */
const SCRYPT_DEFAULTS = Object.freeze({ n: 2 ** 17, r: 8, p: 1 });
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const KEY_CHECK_TEXT = 'kv2 key check';
const KEY_CHECK_AAD = 'kv2:key-check';

/** The most memory a file's scrypt parameters may ask for (128 · N · r bytes): 256 MiB. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

/**
 * The bounds a file's scrypt parameters must be within, so that a crafted file cannot make
 * opening it exhaust memory or time: N a power of two from 2^10, r 1–32, p 1–16, memory at most
 * {@link MAX_SCRYPT_MEMORY}.
 */
export function validScryptCost(n: number, r: number, p: number): boolean {
  const powerOfTwo = Number.isSafeInteger(n) && n >= 2 ** 10 && (n & (n - 1)) === 0;
  const rOk = Number.isSafeInteger(r) && r >= 1 && r <= 32;
  const pOk = Number.isSafeInteger(p) && p >= 1 && p <= 16;
  return powerOfTwo && rOk && pOk && 128 * n * r <= MAX_SCRYPT_MEMORY;
}

/** The smallest possible sealed value (nonce and tag around an empty text), in bytes. */
export const MIN_SEALED_BYTES = NONCE_BYTES + TAG_BYTES;

/**
 * Seals and opens values with AES-256-GCM. Every seal uses a fresh random 96-bit nonce; the
 * additional data binds a sealed value to where it belongs, so values cannot be swapped around
 * in the file unnoticed. Sealed form: base64 of nonce ‖ ciphertext ‖ tag.
 */
export class DataCipher {
  readonly #key: KeyObject;

  constructor(key: KeyObject) {
    this.#key = key;
  }

  seal(plaintext: string, additionalData: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(additionalData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
  }

  /** The plaintext, or null when the value does not authenticate (wrong key, or altered). */
  open(sealed: string, additionalData: string): string | null {
    const bytes = Buffer.from(sealed, 'base64');
    if (bytes.length < MIN_SEALED_BYTES) return null;
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  toString(): string {
    return 'DataCipher';
  }
}

/**
 * The secret a store was opened with. It derives (and caches) the file key and never shows the
 * secret: everything is in private fields, and no message includes it.
 */
export class EncryptionSecret {
  readonly #rawKey: KeyObject | undefined;
  readonly #passphrase: Buffer | undefined;
  // Derived keys by salt and cost, so a passphrase is stretched once per file, not per load.
  readonly #derived = new Map<string, Promise<KeyObject>>();

  /** Checks the option's shape; throws EncryptionKeyError (`encryption_key_invalid`). */
  constructor(options: EncryptionOptions) {
    const given = options as { key?: unknown; passphrase?: unknown };
    if (given.key !== undefined && given.passphrase !== undefined) {
      throw new EncryptionKeyError('give encryption.key or encryption.passphrase, not both', 'encryption_key_invalid');
    }
    if (given.key !== undefined) {
      if (!(given.key instanceof Uint8Array) || given.key.length !== KEY_BYTES) {
        throw new EncryptionKeyError(`encryption.key must be a Uint8Array of ${KEY_BYTES} bytes`, 'encryption_key_invalid');
      }
      this.#rawKey = createSecretKey(Buffer.from(given.key));
    } else if (typeof given.passphrase === 'string' && given.passphrase.length > 0) {
      // NFC, so the same passphrase typed on different systems gives the same key.
      this.#passphrase = Buffer.from(given.passphrase.normalize('NFC'), 'utf8');
    } else {
      throw new EncryptionKeyError('encryption needs a 32-byte key or a non-empty passphrase', 'encryption_key_invalid');
    }
  }

  /** A header and cipher for a new file (a fresh salt when a passphrase is used). */
  async createHeader(): Promise<{ header: EncryptionHeader; cipher: DataCipher }> {
    let kdf: ScryptParameters | null = null;
    let key: KeyObject;
    if (this.#rawKey !== undefined) {
      key = this.#rawKey;
    } else {
      kdf = { name: 'scrypt', salt: randomBytes(SALT_BYTES).toString('base64'), ...SCRYPT_DEFAULTS };
      key = await this.#derive(kdf);
    }
    const cipher = new DataCipher(key);
    return { header: { cipher: 'aes-256-gcm', kdf, keyCheck: cipher.seal(KEY_CHECK_TEXT, KEY_CHECK_AAD) }, cipher };
  }

  /** The cipher for a file with this header; throws EncryptionKeyError (`encryption_key_invalid`) if the secret does not open it. */
  async unlock(header: EncryptionHeader, file: string): Promise<DataCipher> {
    if (header.kdf === null && this.#rawKey === undefined) {
      throw new EncryptionKeyError(`store file ${JSON.stringify(file)} is encrypted with a raw key, not a passphrase`, 'encryption_key_invalid');
    }
    if (header.kdf !== null && this.#passphrase === undefined) {
      throw new EncryptionKeyError(`store file ${JSON.stringify(file)} is encrypted with a passphrase, not a raw key`, 'encryption_key_invalid');
    }
    const key = header.kdf === null ? (this.#rawKey as KeyObject) : await this.#derive(header.kdf);
    const cipher = new DataCipher(key);
    if (cipher.open(header.keyCheck, KEY_CHECK_AAD) !== KEY_CHECK_TEXT) {
      throw new EncryptionKeyError(`the key or passphrase given does not open store file ${JSON.stringify(file)}`, 'encryption_key_invalid');
    }
    return cipher;
  }

  #derive(kdf: ScryptParameters): Promise<KeyObject> {
    const id = `${kdf.salt}:${kdf.n}:${kdf.r}:${kdf.p}`;
    let key = this.#derived.get(id);
    if (key === undefined) {
      const passphrase = this.#passphrase as Buffer;
      key = new Promise<KeyObject>((resolve, reject) => {
        const options = { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 2 * MAX_SCRYPT_MEMORY };
        scrypt(passphrase, Buffer.from(kdf.salt, 'base64'), KEY_BYTES, options, (error, derived) => {
          if (error) reject(error);
          else resolve(createSecretKey(derived));
        });
      });
      this.#derived.set(id, key);
      // A failed derivation is not cached, so the next attempt runs it again.
      void key.catch(() => this.#derived.delete(id));
    }
    return key;
  }

  toString(): string {
    return 'EncryptionSecret';
  }
}
