import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AuthStorage } from './tokens.js';

/** A 32-byte key, or a passphrase (scrypt), as the file store's encryption options. */
export type AuthEncryption = { key: Uint8Array } | { passphrase: string };

/** Options of {@link fileAuthStorage}. */
export interface FileAuthStorageOptions {
  /** The file, e.g. beside the data: `.kv2/auth.json`. */
  file: string;
  /** Encrypt the file (give the store's own key or passphrase). */
  encryption?: AuthEncryption | undefined;
}

interface Envelope {
  format: 'kv2-auth-encrypted/1';
  kdf: { kind: 'key' } | { kind: 'scrypt'; salt: string; n: number; r: number; p: number };
  nonce: string;
  sealed: string;
}

const AAD = Buffer.from('kv2-auth-state');
const SCRYPT = { n: 2 ** 15, r: 8, p: 1 };

function scryptKey(passphrase: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function keyFromRaw(key: Uint8Array): Buffer {
  if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  // A separate subkey: the auth file never shares a key stream with the data file.
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'kv2 auth state', 32));
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  let renamed = false;
  try {
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    await rename(temporary, file);
    renamed = true;
    const folder = await open(dirname(file), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (!renamed) await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Keeps a server's policies and tokens in one file (tokens are stored as SHA-256 hashes),
 * replaced atomically on every change (temporary file, fsync, rename, fsync of the folder),
 * mode 0600, and sealed with AES-256-GCM when `encryption` is given.
 */
export function fileAuthStorage(options: FileAuthStorageOptions): AuthStorage {
  const { file, encryption } = options;
  let cached: { key: Buffer; kdf: Envelope['kdf'] } | undefined;

  async function keyFor(kdf?: Envelope['kdf']): Promise<{ key: Buffer; kdf: Envelope['kdf'] }> {
    if (encryption === undefined) throw new Error('no encryption configured');
    if ('key' in encryption) return { key: keyFromRaw(encryption.key), kdf: { kind: 'key' } };
    if (kdf !== undefined && kdf.kind === 'scrypt') {
      if (cached?.kdf.kind === 'scrypt' && cached.kdf.salt === kdf.salt) return cached;
      cached = { key: await scryptKey(encryption.passphrase, Buffer.from(kdf.salt, 'base64'), kdf.n, kdf.r, kdf.p), kdf };
      return cached;
    }
    if (cached !== undefined) return cached;
    const salt = randomBytes(16);
    cached = {
      key: await scryptKey(encryption.passphrase, salt, SCRYPT.n, SCRYPT.r, SCRYPT.p),
      kdf: { kind: 'scrypt', salt: salt.toString('base64'), ...SCRYPT },
    };
    return cached;
  }

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const parsed = JSON.parse(text) as Partial<Envelope> & { format?: string };
      if (parsed.format !== 'kv2-auth-encrypted/1') {
        if (encryption !== undefined) throw new Error(`the auth file ${file} is not encrypted but the store is`);
        return text;
      }
      if (encryption === undefined) throw new Error(`the auth file ${file} is encrypted: give the store's key or passphrase`);
      const { key } = await keyFor(parsed.kdf);
      const sealed = Buffer.from(parsed.sealed ?? '', 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.nonce ?? '', 'base64'));
      decipher.setAAD(AAD);
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(`cannot decrypt the auth file ${file}: wrong key or passphrase, or a damaged file`);
      }
    },
    async save(text) {
      if (encryption === undefined) {
        await writeAtomically(file, text);
        return;
      }
      const { key, kdf } = await keyFor();
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(AAD);
      const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      const envelope: Envelope = { format: 'kv2-auth-encrypted/1', kdf, nonce: nonce.toString('base64'), sealed: sealed.toString('base64') };
      await writeAtomically(file, JSON.stringify(envelope));
    },
  };
}
