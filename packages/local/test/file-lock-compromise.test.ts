import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type lockfileModule from 'proper-lockfile';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

// When set, the next lock taken is lost right after it was taken, as when another process
// removed it: its folder disappears and proper-lockfile reports it through `onCompromised`.
const control = vi.hoisted(() => ({ compromiseNext: false }));

vi.mock('proper-lockfile', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof lockfileModule }>()).default;
  const lock: typeof real.lock = async (file, options) => {
    const release = await real.lock(file, options);
    if (control.compromiseNext) {
      control.compromiseNext = false;
      await rm(`${file}.lock`, { recursive: true });
      options?.onCompromised?.(Object.assign(new Error('lock folder removed'), { code: 'ECOMPROMISED' }));
    }
    return release;
  };
  return { default: { ...real, lock } };
});

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('FileKeyValueStore when its lock is compromised during a write', () => {
  it('fails the write with lock_compromised, leaves the file unchanged, and keeps working', async () => {
    const file = join(dir, 'store.json');
    // keepMs 0: every write takes the lock anew (the case a kept lock covers is below).
    const store = new FileKeyValueStore({ file, lock: { keepMs: 0 } });
    await store.write('a', { n: 1 });
    const before = await readJournal(file);

    control.compromiseNext = true;
    await expect(store.write('a', { n: 2 })).rejects.toMatchObject({ name: 'StoreUnavailableError', code: 'lock_compromised', status: 503 });
    expect(control.compromiseNext).toBe(false);
    expect(await readJournal(file)).toEqual(before);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // The failed write is not visible, and the next write (with a new lock) works.
    expect((await store.read('a')).data).toEqual({ n: 1 });
    await store.write('a', { n: 3 });
    expect((await store.read('a')).metadata.version).toBe(2);
    await store.close();
  });

  it('a kept lock that another process removed fails the next write, which changes nothing', async () => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file, lock: { keepMs: 1000 } });
    await store.write('a', { n: 1 });
    const before = await readJournal(file);
    // The lock is kept for the next write; someone else removes it meanwhile.
    await rm(`${file}.lock`, { recursive: true });
    await expect(store.write('a', { n: 2 })).rejects.toMatchObject({ code: 'lock_compromised' });
    expect(await readJournal(file)).toEqual(before);
    expect((await store.read('a')).data).toEqual({ n: 1 });
    await store.write('a', { n: 3 });
    expect((await store.read('a')).metadata.version).toBe(2);
    await store.close();
  });
});

/** The store's committed state on disk: the snapshot and the journal beside it. */
async function readJournal(file: string): Promise<[Buffer, Buffer]> {
  return [await readFile(file), await readFile(`${file}.journal`)];
}
