import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EncryptionKeyError, StoreCorruptedError, type KvError } from '@kv2/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore, type FileStoreOptions } from '../src/index.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** A valid store file with two keys, as a parsed object to damage. */
async function validDocument(): Promise<DocJson> {
  const file = join(dir, 'valid.json');
  const store = new FileKeyValueStore({ file });
  await store.write('app/db', { password: 'hunter2' });
  await store.write('app/db', { password: 'hunter3' });
  await store.destroy('app/db', { versions: [1] });
  await store.writeMetadata('app/db', { customMetadata: { owner: 'ops' } });
  await store.write('other', { x: 1 });
  await store.close();
  return JSON.parse(await readFile(file, 'utf8')) as DocJson;
}

type Json = Record<string, unknown>;
interface KeyJson extends Json {
  versions: Record<string, Json>;
  customMetadata: Json;
}
interface DocJson extends Json {
  config: Json;
  keys: Record<string, KeyJson>;
}
type Damage = (doc: DocJson) => unknown;
const other = (d: DocJson): KeyJson => d.keys['other'] as KeyJson;
const db = (d: DocJson): KeyJson => d.keys['app/db'] as KeyJson;
const v1 = (d: DocJson): Json => other(d).versions['1'] as Json;

// Each damage, and a fragment the error message must contain (so the right problem was found).
const INVALID_SHAPES: [string, Damage, string][] = [
  ['format missing', (d) => delete d['format'], 'no "format" field'],
  ['unknown top-level field', (d) => (d['extra'] = 1), 'unknown field "extra"'],
  ['config missing', (d) => delete (d as Json)['config'], 'config must be an object'],
  ['config.maxVersions negative', (d) => (d.config['maxVersions'] = -1), 'config.maxVersions'],
  ['config.casRequired not boolean', (d) => (d.config['casRequired'] = 'yes'), 'config.casRequired'],
  ['config.deleteVersionAfter fractional', (d) => (d.config['deleteVersionAfter'] = 1.5), 'config.deleteVersionAfter'],
  ['keys not an object', (d) => ((d as Json)['keys'] = []), 'keys must be an object'],
  ['key path not canonical', (d) => (d.keys['a//b'] = other(d)), 'keys["a//b"]'],
  ['key path with a dot segment', (d) => (d.keys['a/../b'] = other(d)), 'keys["a/../b"]'],
  ['record not an object', (d) => ((d.keys as Json)['other'] = 'x'), 'keys["other"] must be an object'],
  ['currentVersion negative', (d) => (other(d)['currentVersion'] = -1), 'keys["other"].currentVersion'],
  ['createdTime not a timestamp', (d) => (other(d)['createdTime'] = 'yesterday'), 'keys["other"].createdTime'],
  ['updatedTime impossible date', (d) => (other(d)['updatedTime'] = '2024-13-45T00:00:00.000Z'), 'keys["other"].updatedTime'],
  ['customMetadata value not a string', (d) => (db(d).customMetadata['owner'] = 1), 'keys["app/db"].customMetadata values must be strings'],
  ['versions not an object', (d) => ((other(d) as Json)['versions'] = null), 'keys["other"].versions must be an object'],
  ['version number not canonical', (d) => (other(d).versions['01'] = v1(d)), 'versions[01] is not a version number'],
  ['version number above currentVersion', (d) => (other(d).versions['2'] = v1(d)), 'versions[2] is not a version number'],
  ['version data missing', (d) => delete v1(d)['data'], 'versions[1].data is missing'],
  ['version data not an object', (d) => (v1(d)['data'] = [1]), 'versions[1].data must be an object'],
  ['destroyed version with data', (d) => ((db(d).versions['1'] as Json)['data'] = { a: 1 }), 'is destroyed but still has "data"'],
  ['deletionTime not a timestamp', (d) => (v1(d)['deletionTime'] = 0), 'versions[1].deletionTime must be an ISO 8601 timestamp'],
  ['unknown version field', (d) => (v1(d)['extra'] = true), 'unknown field "extra"'],
  ['encryptedData in a plain file', (d) => (v1(d)['encryptedData'] = 'AAAA'), 'must not have "encryptedData"'],
];

/**
 * Opens `file` with a new store and checks that reads, writes and config changes all fail with
 * `expected`, and that the file is byte-for-byte what it was.
 */
async function expectRefused(file: string, expected: { name: string; code: KvError['code'] }, options: Partial<FileStoreOptions> = {}) {
  const before = await readFile(file);
  const store = new FileKeyValueStore({ ...options, file });
  const attempts = [
    () => store.read('other'),
    () => store.write('other', { x: 2 }),
    () => store.write('new', { y: 1 }),
    () => store.list(''),
    () => store.writeConfig({ maxVersions: 3 }),
    () => store.deleteMetadata('other'),
    () => store.write('new', { y: 1 }),
  ];
  for (const attempt of attempts) {
    const error = await attempt().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject(expected);
    expect(String((error as Error).message)).toContain(file);
    expect(String((error as Error).message)).not.toContain('hunter');
  }
  await store.close();
  expect(await readFile(file)).toEqual(before);
  expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
}

const CORRUPTED = { name: 'StoreCorruptedError', code: 'store_corrupted' } as const;

describe('FileKeyValueStore with a bad file', () => {
  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t\n'],
    ['not JSON', 'hello, world'],
    ['a JSON array', '[1, 2, 3]'],
    ['a JSON string', '"store"'],
    ['JSON null', 'null'],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['an unknown format version', JSON.stringify({ format: 2, config: {}, keys: {} })],
  ])('%s: StoreCorruptedError, file untouched', async (_name, content) => {
    const file = join(dir, 'store.json');
    await writeFile(file, content);
    await expectRefused(file, CORRUPTED);
  });

  it('truncated: StoreCorruptedError, file untouched, and the error quotes no content', async () => {
    const file = join(dir, 'store.json');
    const text = JSON.stringify(await validDocument(), null, 2);
    for (const cut of [1, 10, Math.floor(text.length / 2), text.length - 2]) {
      await writeFile(file, text.slice(0, cut));
      await expectRefused(file, CORRUPTED);
    }
  });

  it('the error names the problem', async () => {
    const file = join(dir, 'store.json');
    await writeFile(file, JSON.stringify({ format: 7, config: {}, keys: {} }));
    const store = new FileKeyValueStore({ file });
    await expect(store.read('x')).rejects.toThrow(/format version is 7/);
    await store.close();
    await writeFile(file, '');
    const again = new FileKeyValueStore({ file });
    await expect(again.read('x')).rejects.toThrow(/empty/);
    await again.close();
  });

  it.each(INVALID_SHAPES)('invalid shape (%s): StoreCorruptedError, file untouched', async (_name, damage, problem) => {
    const doc = await validDocument();
    damage(doc);
    const file = join(dir, 'store.json');
    await writeFile(file, JSON.stringify(doc, null, 2));
    await expectRefused(file, CORRUPTED);
    const store = new FileKeyValueStore({ file });
    await expect(store.read('other')).rejects.toThrow(problem);
    await store.close();
  });

  it('a file that goes bad under a running store is refused, then used again once repaired', async () => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file });
    await store.write('other', { x: 1 });
    const good = await readFile(file);
    await writeFile(file, good.subarray(0, good.length - 5));
    const broken = await readFile(file);
    await expect(store.read('other')).rejects.toMatchObject(CORRUPTED);
    await expect(store.write('other', { x: 2 })).rejects.toMatchObject(CORRUPTED);
    await expect(store.write('more', { x: 2 })).rejects.toMatchObject(CORRUPTED);
    expect(await readFile(file)).toEqual(broken);
    await writeFile(file, good);
    expect((await store.read('other')).data).toEqual({ x: 1 });
    await store.write('other', { x: 2 });
    expect((await store.read('other')).metadata.version).toBe(2);
    await store.close();
  });

  it('an encrypted file without the key: EncryptionKeyError encryption_key_required, file untouched', async () => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file, encryption: { key: Buffer.alloc(32, 1) } });
    await store.write('other', { password: 'hunter2' });
    await store.close();
    await expectRefused(file, { name: 'EncryptionKeyError', code: 'encryption_key_required' });
  });

  it('an encrypted file with the wrong key: EncryptionKeyError encryption_key_invalid, file untouched', async () => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file, encryption: { key: Buffer.alloc(32, 1) } });
    await store.write('other', { password: 'hunter2' });
    await store.close();
    await expectRefused(file, { name: 'EncryptionKeyError', code: 'encryption_key_invalid' }, { encryption: { key: Buffer.alloc(32, 2) } });
  });

  it('an empty encrypted store with the wrong key is detected at open (key check)', async () => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file, encryption: { key: Buffer.alloc(32, 1) } });
    await store.list('');
    await store.close();
    await expectRefused(file, { name: 'EncryptionKeyError', code: 'encryption_key_invalid' }, { encryption: { key: Buffer.alloc(32, 3) } });
  });

  it('a plain file opened with a key: EncryptionKeyError encryption_key_invalid, file untouched', async () => {
    const file = join(dir, 'store.json');
    await writeFile(file, JSON.stringify(await validDocument(), null, 2));
    await expectRefused(file, { name: 'EncryptionKeyError', code: 'encryption_key_invalid' }, { encryption: { key: Buffer.alloc(32, 1) } });
  });

  it.each<[string, (doc: DocJson) => unknown, string]>([
    ['unknown cipher', (d) => ((d['encryption'] as Json)['cipher'] = 'aes-128-cbc'), 'encryption.cipher'],
    ['key check not base64', (d) => ((d['encryption'] as Json)['keyCheck'] = 'not base64!'), 'encryption.keyCheck'],
    [
      'scrypt cost too high',
      (d) => ((d['encryption'] as Json)['kdf'] = { name: 'scrypt', salt: 'AAAAAAAAAAAAAAAAAAAAAA==', n: 2 ** 22, r: 8, p: 1 }),
      'scrypt parameters',
    ],
    ['short salt', (d) => ((d['encryption'] as Json)['kdf'] = { name: 'scrypt', salt: 'AAAA', n: 2 ** 14, r: 8, p: 1 }), 'encryption.kdf.salt'],
    ['plain data in an encrypted file', (d) => (v1(d)['data'] = { x: 1 }), 'must not have "data"'],
    ['encryptedData too short', (d) => (v1(d)['encryptedData'] = 'AAAA'), 'encryptedData must be a sealed value'],
    ['version number above currentVersion', (d) => (other(d).versions['2'] = v1(d)), 'versions[2] is not a version number'],
    ['record field of the wrong type', (d) => (other(d)['casRequired'] = 'no'), 'keys["other"].casRequired must be a boolean'],
  ])('invalid encrypted file (%s): StoreCorruptedError before any key is tried, file untouched', async (_name, damage, problem) => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file, encryption: { key: Buffer.alloc(32, 1) } });
    await store.write('other', { password: 'hunter2' });
    await store.close();
    const doc = JSON.parse(await readFile(file, 'utf8')) as DocJson;
    damage(doc);
    await writeFile(file, JSON.stringify(doc, null, 2));
    await expectRefused(file, CORRUPTED, { encryption: { key: Buffer.alloc(32, 1) } });
    await expectRefused(file, CORRUPTED);
    const again = new FileKeyValueStore({ file, encryption: { key: Buffer.alloc(32, 1) } });
    await expect(again.read('other')).rejects.toThrow(problem);
    await again.close();
  });

  it.each([false, true])('a "__proto__" version number is refused, not swallowed (encrypted: %s)', async (encrypted) => {
    const file = join(dir, 'store.json');
    const options = encrypted ? { encryption: { key: Buffer.alloc(32, 1) } } : {};
    const store = new FileKeyValueStore({ file, ...options });
    await store.write('other', { x: 1 });
    await store.close();
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"1": {');
    await writeFile(file, text.replace('"1": {', '"__proto__": {'));
    await expectRefused(file, CORRUPTED, options);
    const again = new FileKeyValueStore({ file, ...options });
    await expect(again.read('other')).rejects.toThrow('versions[__proto__] is not a version number');
    await again.close();
  });

  it('the typed errors are the @kv2/core classes', async () => {
    const file = join(dir, 'store.json');
    await writeFile(file, '{');
    const store = new FileKeyValueStore({ file });
    const error = await store.read('x').catch((e: unknown) => e);
    expect(StoreCorruptedError.is(error)).toBe(true);
    expect(error).toMatchObject({ file, status: 500 });
    expect(EncryptionKeyError.is(error)).toBe(false);
    await store.close();
  });
});
