import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FS } from '../src/file/lock.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** Calls `start` with a callback and resolves with what it was given, noting whether it came synchronously. */
function call<T>(start: (callback: (error: NodeJS.ErrnoException | null, value?: T) => void) => void) {
  return new Promise<{ error: NodeJS.ErrnoException | null; value: T | undefined; synchronous: boolean }>((resolve) => {
    let returned = false;
    start((error, value) => resolve({ error, value, synchronous: !returned }));
    returned = true;
  });
}

describe('the lock folder calls given to proper-lockfile', () => {
  it('create, inspect, refresh and remove the folder, answering asynchronously', async () => {
    const lock = join(dir, 'store.json.lock');
    const made = await call<void>((cb) => LOCK_FS.mkdir(lock, cb));
    expect(made).toMatchObject({ error: null, synchronous: false });
    expect((await stat(lock)).isDirectory()).toBe(true);

    const when = new Date('2030-01-01T00:00:05.000Z');
    expect(await call<void>((cb) => LOCK_FS.utimes(lock, when, when, cb))).toMatchObject({ error: null, synchronous: false });
    const info = await call<unknown>((cb) => LOCK_FS.stat(lock, cb));
    expect(info.synchronous).toBe(false);
    expect((info.value as Stats).mtime.getTime()).toBe(when.getTime());

    expect(await call<void>((cb) => LOCK_FS.rmdir(lock, cb))).toMatchObject({ error: null, synchronous: false });
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('pass errors to the callback (EEXIST when the lock is taken), never throw them', async () => {
    const lock = join(dir, 'store.json.lock');
    await call<void>((cb) => LOCK_FS.mkdir(lock, cb));
    const again = await call<void>((cb) => LOCK_FS.mkdir(lock, cb));
    expect(again).toMatchObject({ error: { code: 'EEXIST' }, synchronous: false });
    const missing = await call<unknown>((cb) => LOCK_FS.stat(join(dir, 'missing'), cb));
    expect(missing).toMatchObject({ error: { code: 'ENOENT' }, synchronous: false });
  });
});
