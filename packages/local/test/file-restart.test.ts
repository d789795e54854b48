import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import { dumpStore } from './fixtures/dump-store.js';
import { spawnWorker } from './fixtures/spawn-worker.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** Fills a store with every kind of state the engine has. */
async function populate(store: FileKeyValueStore): Promise<void> {
  await store.writeConfig({ maxVersions: 5, deleteVersionAfter: 3600 });
  for (let i = 1; i <= 7; i++) await store.write('apps/web/db', { password: `p${i}`, nested: { n: i, list: [i, null, 'x'] } });
  await store.write('apps/api/token', { token: 't1' });
  await store.write('apps/api/token', { token: 't2' });
  await store.write('apps/api/token', { token: 't3' });
  await store.delete('apps/api/token', { versions: [2] });
  await store.destroy('apps/api/token', { versions: [1] });
  await store.writeMetadata('apps/api/token', { customMetadata: { owner: 'team-a', purpose: 'ci' }, casRequired: true, maxVersions: 9 });
  await store.writeMetadata('metadata-only', { maxVersions: 2, deleteVersionAfter: 60 });
  await store.write('__proto__', { constructor: { prototype: 1 } });
  await store.write('unicode/ключ', { значение: 'ü', emoji: '🔑' });
  await store.deleteLatest('unicode/ключ');
  await store.write('gone', { x: 1 });
  await store.deleteMetadata('gone');
}

describe('FileKeyValueStore restart', () => {
  it('a new instance reads back exactly what the first one wrote', async () => {
    const file = join(dir, 'store.json');
    const first = new FileKeyValueStore({ file });
    await populate(first);
    const before = await dumpStore(first);
    await first.close();

    const second = new FileKeyValueStore({ file, config: { maxVersions: 1 } });
    expect(await dumpStore(second)).toEqual(before);
    // The initial config applies to new files only.
    expect((await second.readConfig()).maxVersions).toBe(5);
    await second.close();
    expect(before).toMatchObject({ config: { maxVersions: 5, deleteVersionAfter: 3600 } });
    expect(Object.keys((before as { keys: object }).keys).sort()).toEqual([
      '__proto__',
      'apps/api/token',
      'apps/web/db',
      'metadata-only',
      'unicode/ключ',
    ]);
  });

  it('a new process reads back exactly what this one wrote', async () => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file });
    await populate(store);
    const expected = await dumpStore(store);
    await store.close();
    const worker = spawnWorker('dump', { file });
    const line = await worker.waitFor((l) => l.startsWith('{'));
    expect(await worker.exited).toBe(0);
    expect(JSON.parse(line)).toEqual(expected);
  });

  it('an encrypted store reads back the same in a new process', async () => {
    const file = join(dir, 'store.json');
    const key = Buffer.alloc(32, 0x5a);
    const store = new FileKeyValueStore({ file, encryption: { key } });
    await populate(store);
    const expected = await dumpStore(store);
    await store.close();
    const worker = spawnWorker('dump', { file, keyHex: key.toString('hex') });
    const line = await worker.waitFor((l) => l.startsWith('{'));
    expect(await worker.exited).toBe(0);
    expect(JSON.parse(line)).toEqual(expected);
  });

  it('an instance sees what another instance on the same file wrote, and the reverse', async () => {
    const file = join(dir, 'store.json');
    const a = new FileKeyValueStore({ file });
    const b = new FileKeyValueStore({ file });
    await a.write('k', { from: 'a' });
    expect((await b.read('k')).data).toEqual({ from: 'a' });
    await b.write('k', { from: 'b' }, { cas: 1 });
    expect((await a.read('k')).data).toEqual({ from: 'b' });
    expect((await a.readMetadata('k')).currentVersion).toBe(2);
    await Promise.all([a.close(), b.close()]);
  });
});
