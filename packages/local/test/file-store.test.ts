import { lstat, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import { temporaryPathFor } from '../src/file/atomic-write.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await makeTempDir();
  file = join(dir, 'store.json');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await removeTempDir(dir);
});

async function identity(path: string) {
  const info = await stat(path, { bigint: true });
  return { ino: info.ino, mtimeNs: info.mtimeNs, size: info.size };
}

describe('FileKeyValueStore', () => {
  it('creates a missing folder (0700) and file (0600) on first use, with the initial config', async () => {
    const nested = join(dir, 'a', 'b', 'store.json');
    const store = new FileKeyValueStore({ file: nested, config: { maxVersions: 4, casRequired: true } });
    expect(await store.list('')).toEqual([]);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect((await stat(nested)).mode & 0o777).toBe(0o600);
    const onDisk = JSON.parse(await readFile(nested, 'utf8')) as unknown;
    expect(onDisk).toEqual({
      format: 1,
      journalSeq: 0,
      config: { maxVersions: 4, casRequired: true, metadataCasRequired: false, deleteVersionAfter: 0 },
      keys: {},
    });
    expect((await readdir(join(dir, 'a', 'b'))).filter((name) => !name.endsWith('.lock'))).toEqual(['store.json']);
    await store.close();
  });

  it('writes plain, pretty-printed JSON a person can read and diff', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('app/db', { user: 'app', password: 's3cr3t' });
    // A closed store is one snapshot file again (the journal is folded into it).
    await store.close();
    expect(await readdir(dir)).toEqual(['store.json']);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
    expect(text).toContain('\n        "1": {\n');
    expect(text).toContain('"password": "s3cr3t"');
  });

  it('reads do not re-read or re-parse the file while it is unchanged, and do once it changed', async () => {
    const store = new FileKeyValueStore({ file });
    for (let i = 0; i < 50; i++) await store.write(`k/${i}`, { i });
    await store.read('k/0');
    const parse = vi.spyOn(JSON, 'parse');
    for (let i = 0; i < 200; i++) await store.read(`k/${i % 50}`);
    await store.list('k');
    await store.readMetadata('k/3');
    expect(parse).not.toHaveBeenCalled();

    const other = new FileKeyValueStore({ file });
    await other.write('k/0', { i: 'changed' });
    parse.mockClear();
    expect((await store.read('k/0')).data).toEqual({ i: 'changed' });
    expect(parse).toHaveBeenCalled();
    parse.mockClear();
    await store.read('k/0');
    expect(parse).not.toHaveBeenCalled();
    await Promise.all([store.close(), other.close()]);
  });

  it('a rejected command, or one that changes nothing, writes nothing', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('k', { v: 1 });
    await store.delete('k', { versions: [1] });
    const before = await identity(file);
    const bytes = await readFile(file);
    const noOps = [
      () => store.write('k', { v: 2 }, { cas: 7 }),
      () => store.write('k/', { v: 2 }),
      () => store.write('k', undefined as unknown as object),
      () => store.patch('missing', { v: 1 }),
      () => store.delete('k', { versions: [1, 99] }),
      () => store.destroy('missing', { versions: [1] }),
      () => store.undelete('k', { versions: [42] }),
      () => store.deleteMetadata('missing'),
      () => store.deleteLatest('missing'),
      () => store.writeMetadata('k', {}),
      () => store.writeMetadata('k', { maxVersions: -1 }),
      () => store.writeMetadata('k', { customMetadata: { '': 'x' } }),
      () => store.patchMetadata('missing', { maxVersions: 2 }),
      () => store.writeConfig({}),
      () => store.writeConfig({ maxVersions: 1.5 }),
    ];
    for (const noOp of noOps) await noOp().catch(() => undefined);
    expect(await identity(file)).toEqual(before);
    expect(await readFile(file)).toEqual(bytes);
    await store.close();
  });

  it('serialises concurrent calls on one instance', async () => {
    const store = new FileKeyValueStore({ file });
    const written = await Promise.all(Array.from({ length: 40 }, (_, i) => store.write('k', { i })));
    expect(written.map((w) => w.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await store.readMetadata('k')).currentVersion).toBe(40);
    // Of many concurrent "create only if absent" writes, exactly one wins.
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.write('once', { i }, { cas: 0 })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(
      outcomes
        .filter((o) => o.status === 'rejected')
        .map((o) => o.reason as { code: string })
        .map((e) => e.code),
    ).toEqual(Array.from({ length: 9 }, () => 'cas_mismatch'));
    await store.close();
  });

  it('close() waits for writes in flight, releases the lock, and later calls fail with store_closed', async () => {
    const store = new FileKeyValueStore({ file });
    const pending = store.write('k', { v: 1 });
    await store.close();
    await expect(pending).resolves.toMatchObject({ version: 1 });
    expect(await readdir(dir)).toEqual(['store.json']);
    await expect(store.read('k')).rejects.toMatchObject({ name: 'StoreUnavailableError', code: 'store_closed', status: 503 });
    await expect(store.write('k', { v: 2 })).rejects.toMatchObject({ code: 'store_closed' });
    await store.close();
    const again = new FileKeyValueStore({ file });
    expect((await again.read('k')).data).toEqual({ v: 1 });
    await again.close();
  });

  it('follows a symbolic link to the store file and keeps the link', async () => {
    const real = join(dir, 'real.json');
    const target = new FileKeyValueStore({ file: real });
    await target.write('k', { v: 1 });
    await target.close();
    await symlink(real, file);
    const store = new FileKeyValueStore({ file });
    await store.write('k', { v: 2 });
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
    const viaReal = new FileKeyValueStore({ file: real });
    expect((await viaReal.read('k')).data).toEqual({ v: 2 });
    await Promise.all([store.close(), viaReal.close()]);
  });

  it('a file removed from under it reads as a new store and is created again by the next write', async () => {
    const store = new FileKeyValueStore({ file, config: { maxVersions: 3 } });
    await store.write('k', { v: 1 });
    await rm(file);
    expect(await store.list('')).toEqual([]);
    expect((await store.readConfig()).maxVersions).toBe(3);
    await store.write('j', { v: 1 });
    await store.close();
    expect(Object.keys((JSON.parse(await readFile(file, 'utf8')) as { keys: object }).keys)).toEqual(['j']);
  });

  it('sweeps temporary files a crashed writer left behind, on its first write', async () => {
    const store = new FileKeyValueStore({ file });
    await store.list('');
    await writeFile(temporaryPathFor(file), '{"partial":');
    await writeFile(temporaryPathFor(`${file}.journal`), '12 0000');
    await store.write('k', { v: 1 });
    expect((await readdir(dir)).filter((name) => !name.endsWith('.lock'))).toEqual(['store.json', 'store.json.journal']);
    await store.close();
    expect(await readdir(dir)).toEqual(['store.json']);
  });

  it('checks its options at construction', () => {
    const attempts: [() => unknown, string][] = [
      [() => new FileKeyValueStore({} as { file: string }), 'invalid_parameter'],
      [() => new FileKeyValueStore({ file: '' }), 'invalid_parameter'],
      [() => new FileKeyValueStore({ file, now: 5 as unknown as () => Date }), 'invalid_parameter'],
      [() => new FileKeyValueStore({ file, config: { maxVersions: -1 } }), 'invalid_parameter'],
      [() => new FileKeyValueStore({ file, lock: { staleMs: 100 } }), 'invalid_parameter'],
    ];
    for (const [attempt, code] of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'InvalidRequestError', code });
    }
  });

  it('declares the same capabilities as the memory store and describes itself without data', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('k', { password: 'hunter2' });
    expect(store.capabilities).toEqual({ extensions: true, mountConfig: true, controllableClock: true });
    expect(String(store)).toBe(`FileKeyValueStore(${file})`);
    expect(JSON.stringify(store)).toBe(JSON.stringify({ type: 'FileKeyValueStore', file, encrypted: false }));
    expect(inspect(store, { depth: 10, showHidden: true })).not.toContain('hunter2');
    await store.close();
  });

  it('uses the clock it is given', async () => {
    let now = new Date('2030-01-01T00:00:00.000Z');
    const store = new FileKeyValueStore({ file, now: () => now, config: { deleteVersionAfter: 60 } });
    const written = await store.write('k', { v: 1 });
    expect(written.createdTime.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(written.deletionTime?.toISOString()).toBe('2030-01-01T00:01:00.000Z');
    now = new Date('2030-01-01T00:01:00.000Z');
    await expect(store.read('k')).rejects.toMatchObject({ code: 'secret_not_found', reason: 'deleted' });
    await store.close();
  });
});
