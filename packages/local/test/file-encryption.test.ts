import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

interface EncryptedFile {
  encryption: { cipher: string; kdf: null | { name: string; salt: string; n: number; r: number; p: number }; keyCheck: string };
  keys: Record<string, { versions: Record<string, { encryptedData?: string; data?: unknown; destroyed: boolean }> }>;
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await makeTempDir();
  file = join(dir, 'store.json');
});
afterEach(async () => {
  await removeTempDir(dir);
});

const KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
const SECRET = 'correct-horse-battery-staple';

async function onDisk(): Promise<EncryptedFile> {
  return JSON.parse(await readFile(file, 'utf8')) as EncryptedFile;
}

function sealedOf(doc: EncryptedFile, path: string, version: string): string {
  const sealed = doc.keys[path]?.versions[version]?.encryptedData;
  if (sealed === undefined) throw new Error(`no encryptedData for ${path} v${version}`);
  return sealed;
}

describe('FileKeyValueStore encryption at rest', () => {
  it('keeps secret data out of the file, metadata readable, and reads it back', async () => {
    const store = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await store.write('app/db', { password: SECRET, port: 5432 });
    await store.writeMetadata('app/db', { customMetadata: { owner: 'ops' } });
    await store.close();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('5432');
    expect(text).toContain('"owner": "ops"');
    expect(text).toContain('"app/db"');
    const doc = await onDisk();
    expect(doc.encryption).toMatchObject({ cipher: 'aes-256-gcm', kdf: null });
    expect(doc.keys['app/db']?.versions['1']?.data).toBeUndefined();

    const again = new FileKeyValueStore({ file, encryption: { key: new Uint8Array(KEY) } });
    expect((await again.read('app/db')).data).toEqual({ password: SECRET, port: 5432 });
    await again.close();
  });

  it('uses a fresh nonce for every encryption', async () => {
    const store = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await store.write('a', { same: 'value' });
    await store.write('a', { same: 'value' });
    await store.write('b', { same: 'value' });
    await store.compact();
    const doc = await onDisk();
    const sealed = [sealedOf(doc, 'a', '1'), sealedOf(doc, 'a', '2'), sealedOf(doc, 'b', '1')];
    expect(new Set(sealed).size).toBe(3);
    const nonces = sealed.map((s) => Buffer.from(s, 'base64').subarray(0, 12).toString('hex'));
    expect(new Set(nonces).size).toBe(3);
    await store.close();
  });

  it('does not re-encrypt versions that did not change', async () => {
    const store = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await store.write('a', { n: 1 });
    await store.write('b', { n: 1 });
    await store.compact();
    const first = sealedOf(await onDisk(), 'a', '1');
    await store.write('a', { n: 2 });
    await store.write('c', { n: 3 });
    await store.compact();
    expect(sealedOf(await onDisk(), 'a', '1')).toBe(first);
    await store.close();
    // Also across a reload: a new instance writes the unchanged ciphertext back as it was.
    const again = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await again.write('d', { n: 4 });
    await again.compact();
    expect(sealedOf(await onDisk(), 'a', '1')).toBe(first);
    await again.close();
  });

  it('a destroyed version loses its ciphertext', async () => {
    const store = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await store.write('a', { n: 1 });
    await store.write('a', { n: 2 });
    await store.destroy('a', { versions: [1] });
    await store.compact();
    const versions = (await onDisk()).keys['a']?.versions;
    expect(versions?.['1']).toEqual({ createdTime: expect.any(String) as unknown, deletionTime: null, destroyed: true });
    expect(versions?.['2']?.encryptedData).toEqual(expect.any(String));
    await store.close();
  });

  it('with a passphrase: scrypt with a per-file salt, readable again only with the same passphrase', async () => {
    const store = new FileKeyValueStore({ file, encryption: { passphrase: 'tr0ub4dor&3' } });
    await store.write('a', { secret: SECRET });
    await store.close();
    const other = join(dir, 'other.json');
    const second = new FileKeyValueStore({ file: other, encryption: { passphrase: 'tr0ub4dor&3' } });
    await second.list('');
    await second.close();
    const kdf = (await onDisk()).encryption.kdf;
    const otherKdf = (JSON.parse(await readFile(other, 'utf8')) as EncryptedFile).encryption.kdf;
    expect(kdf).toMatchObject({ name: 'scrypt', n: 2 ** 17, r: 8, p: 1 });
    expect(Buffer.from(kdf?.salt ?? '', 'base64')).toHaveLength(16);
    expect(otherKdf?.salt).not.toBe(kdf?.salt);

    // The same passphrase, written in another Unicode normal form, opens it too.
    const again = new FileKeyValueStore({ file, encryption: { passphrase: 'tr0ub4dor&3'.normalize('NFD') } });
    expect((await again.read('a')).data).toEqual({ secret: SECRET });
    await again.close();
    const before = await readFile(file);
    const wrong = new FileKeyValueStore({ file, encryption: { passphrase: 'Tr0ub4dor&3' } });
    await expect(wrong.read('a')).rejects.toMatchObject({ code: 'encryption_key_invalid' });
    await expect(wrong.write('b', { x: 1 })).rejects.toMatchObject({ code: 'encryption_key_invalid' });
    await wrong.close();
    const rawKey = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await expect(rawKey.read('a')).rejects.toMatchObject({
      code: 'encryption_key_invalid',
      message: expect.stringContaining('passphrase') as unknown,
    });
    await rawKey.close();
    expect(await readFile(file)).toEqual(before);
  });

  it('a passphrase store refuses a raw key file and the reverse', async () => {
    const store = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await store.write('a', { x: 1 });
    await store.close();
    const withPassphrase = new FileKeyValueStore({ file, encryption: { passphrase: 'anything' } });
    await expect(withPassphrase.read('a')).rejects.toMatchObject({
      code: 'encryption_key_invalid',
      message: expect.stringContaining('raw key') as unknown,
    });
    await withPassphrase.close();
  });

  it('altered ciphertext is detected when the file is read: every call fails and the file is never rewritten', async () => {
    const store = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await store.write('a', { secret: SECRET });
    await store.write('b', { other: 1 });
    await store.close();
    const doc = await onDisk();
    const bytes = Buffer.from(sealedOf(doc, 'a', '1'), 'base64');
    bytes[14] = (bytes[14] ?? 0) ^ 0x01;
    (doc.keys['a']?.versions['1'] as { encryptedData: string }).encryptedData = bytes.toString('base64');
    await writeFile(file, JSON.stringify(doc, null, 2));
    const tampered = await readFile(file);

    // Decryption happens when the file is loaded, so the damage is found before anything runs on it.
    const again = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await expect(again.read('b')).rejects.toMatchObject({ code: 'store_corrupted', message: expect.stringContaining('version 1 of "a"') as unknown });
    await expect(again.read('a')).rejects.toMatchObject({ code: 'store_corrupted' });
    await expect(again.write('c', { x: 1 })).rejects.toMatchObject({ code: 'store_corrupted' });
    await again.close();
    expect(await readFile(file)).toEqual(tampered);
  });

  it('ciphertext moved to another key or version does not decrypt (bound to its place)', async () => {
    const store = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await store.write('a', { secret: 'for a' });
    await store.write('b', { secret: 'for b' });
    await store.close();
    const doc = await onDisk();
    (doc.keys['b']?.versions['1'] as { encryptedData: string }).encryptedData = sealedOf(doc, 'a', '1');
    await writeFile(file, JSON.stringify(doc, null, 2));
    const again = new FileKeyValueStore({ file, encryption: { key: KEY } });
    await expect(again.read('a')).rejects.toMatchObject({ code: 'store_corrupted', message: expect.stringContaining('version 1 of "b"') as unknown });
    await again.close();
  });

  it('never shows the key or passphrase (inspect, toString, JSON, errors)', async () => {
    const passphrase = 'very-secret-passphrase-123';
    const keyed = new FileKeyValueStore({ file, encryption: { key: KEY } });
    const phrased = new FileKeyValueStore({ file: join(dir, 'p.json'), encryption: { passphrase } });
    await keyed.write('a', { x: 1 });
    await phrased.write('a', { x: 1 });
    const wrongKey = new FileKeyValueStore({ file, encryption: { key: Buffer.alloc(32, 9) } });
    const error = await wrongKey.read('a').catch((e: unknown) => e);
    const views = [keyed, phrased, wrongKey, error].flatMap((value) => [
      inspect(value, { depth: 10, showHidden: true }),
      String(value),
      JSON.stringify(value),
    ]);
    for (const view of views) {
      expect(view).not.toContain(passphrase);
      for (const form of ['hex', 'base64', 'base64url'] as const) expect(view).not.toContain(KEY.toString(form));
      expect(view).not.toContain(Buffer.alloc(32, 9).toString('hex'));
    }
    expect(String(keyed)).toContain('encrypted');
    await Promise.all([keyed.close(), phrased.close(), wrongKey.close()]);
  });

  it('rejects a key that is not 32 bytes, or an empty passphrase, at construction', () => {
    for (const encryption of [
      { key: new Uint8Array(16) },
      { key: 'x'.repeat(32) as unknown as Uint8Array },
      { passphrase: '' },
      {} as { passphrase: string },
    ]) {
      let error: unknown;
      try {
        new FileKeyValueStore({ file, encryption });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'EncryptionKeyError', code: 'encryption_key_invalid' });
    }
  });
});
