import { mkdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCK_SETTINGS,
  FileLock,
  lockfileOptions,
  lockPathFor,
  lockRecoveryBoundMs,
  lockSettings,
  MAX_RETRY_DELAY_MS,
  MIN_RETRY_DELAY_MS,
} from '../src/file/lock.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await makeTempDir();
  file = join(dir, 'store.json');
});
afterEach(async () => {
  await removeTempDir(dir);
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('lock settings', () => {
  it('override proper-lockfile defaults deliberately', () => {
    const onCompromised = (): void => {};
    const options = lockfileOptions(file, DEFAULT_LOCK_SETTINGS, onCompromised);
    expect(options).toMatchObject({ stale: 5000, update: 1000, realpath: false, lockfilePath: `${file}.lock` });
    // Not the default (throw inside a timer, killing the process).
    expect(options.onCompromised).toBe(onCompromised);
    // Not the default 0 retries: backoff from 5 ms to 50 ms, bounded by the wait time.
    expect(options.retries).toMatchObject({
      factor: 2,
      minTimeout: MIN_RETRY_DELAY_MS,
      maxTimeout: MAX_RETRY_DELAY_MS,
      randomize: true,
      maxRetryTime: 15_000,
    });
    const retries = (options.retries as { retries: number }).retries;
    // Enough attempts to keep trying for the whole wait even at the longest delay.
    expect(retries * MAX_RETRY_DELAY_MS).toBeGreaterThanOrEqual(15_000);
  });

  it('defaults give a recovery bound of stale + 1 s mtime rounding + one retry delay, inside the wait', () => {
    expect(DEFAULT_LOCK_SETTINGS).toEqual({ staleMs: 5000, updateMs: 1000, waitMs: 15_000, keepMs: 5 });
    expect(lockRecoveryBoundMs()).toBe(6050);
    expect(lockRecoveryBoundMs({ staleMs: 2000, updateMs: 1000, waitMs: 0, keepMs: 5 })).toBe(3050);
    expect(DEFAULT_LOCK_SETTINGS.waitMs).toBeGreaterThan(lockRecoveryBoundMs());
  });

  it('are checked: proper-lockfile would silently clamp them', () => {
    expect(lockSettings(undefined)).toEqual(DEFAULT_LOCK_SETTINGS);
    expect(lockSettings({ staleMs: 8000, updateMs: undefined })).toEqual({ staleMs: 8000, updateMs: 1000, waitMs: 15_000, keepMs: 5 });
    for (const bad of [
      { staleMs: 1999 },
      { updateMs: 999 },
      { staleMs: 4000, updateMs: 2001 },
      { waitMs: -1 },
      { waitMs: 1.5 },
      { keepMs: -1 },
      { keepMs: 1001 },
    ]) {
      expect(() => lockSettings(bad)).toThrow(expect.objectContaining({ code: 'invalid_parameter' }) as unknown);
    }
  });
});

describe('FileLock', () => {
  it('locks a file that does not exist yet, as a folder next to it, and releases it', async () => {
    const lock = new FileLock(file);
    const held = await lock.acquire();
    expect((await stat(lockPathFor(file))).isDirectory()).toBe(true);
    expect(await exists(file)).toBe(false);
    await held.verify();
    await held.release();
    expect(await exists(lockPathFor(file))).toBe(false);
    await held.release(); // twice is harmless
  });

  it('a held lock makes another writer wait, then fail with store_locked', async () => {
    const held = await new FileLock(file).acquire();
    const other = new FileLock(file, { ...DEFAULT_LOCK_SETTINGS, waitMs: 200 });
    await expect(other.acquire()).rejects.toMatchObject({ name: 'StoreUnavailableError', code: 'store_locked', status: 503 });
    await held.release();
  });

  it('a waiting writer gets the lock once it is released', async () => {
    const first = await new FileLock(file).acquire();
    let acquired = false;
    const waiting = new FileLock(file).acquire().then((held) => {
      acquired = true;
      return held;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(acquired).toBe(false);
    await first.release();
    const second = await waiting;
    expect(acquired).toBe(true);
    await second.release();
  });

  it('takes over a lock abandoned for longer than staleMs', async () => {
    await mkdir(lockPathFor(file));
    const old = new Date(Date.now() - DEFAULT_LOCK_SETTINGS.staleMs - 1000);
    await utimes(lockPathFor(file), old, old);
    const held = await new FileLock(file, { ...DEFAULT_LOCK_SETTINGS, waitMs: 0 }).acquire();
    await held.verify();
    await held.release();
  });

  it('does not take over a lock refreshed recently', async () => {
    await mkdir(lockPathFor(file));
    await expect(new FileLock(file, { ...DEFAULT_LOCK_SETTINGS, waitMs: 100 }).acquire()).rejects.toMatchObject({ code: 'store_locked' });
  });

  it('verify() fails with lock_compromised when the lock folder was removed, and release leaves others alone', async () => {
    const held = await new FileLock(file).acquire();
    await removeTempDir(lockPathFor(file));
    await expect(held.verify()).rejects.toMatchObject({ name: 'StoreUnavailableError', code: 'lock_compromised' });
    expect(held.compromised).toBe(true);
    // Someone else now holds it; releasing the lost lock must not remove theirs.
    const theirs = await new FileLock(file).acquire();
    await held.release();
    expect(await exists(lockPathFor(file))).toBe(true);
    await theirs.release();
  });

  it('verify() fails when the lock has not been refreshed for nearly staleMs (a blocked holder), and release still frees it', async () => {
    const held = await new FileLock(file).acquire();
    const old = new Date(Date.now() - 4500);
    await utimes(lockPathFor(file), old, old);
    await expect(held.verify()).rejects.toMatchObject({ code: 'lock_compromised' });
    // Still this holder's (nobody took it over): releasing removes it, so nobody waits for it to go stale.
    expect(held.compromised).toBe(false);
    await held.release();
    expect(await exists(lockPathFor(file))).toBe(false);
  });

  it("proper-lockfile's own compromise detection marks the lock lost instead of crashing the process", async () => {
    const held = await new FileLock(file).acquire();
    await removeTempDir(lockPathFor(file));
    // Its next refresh (updateMs = 1 s) finds the folder gone and calls onCompromised.
    await expect.poll(() => held.compromised, { timeout: 5000, interval: 100 }).toBe(true);
    await expect(held.verify()).rejects.toMatchObject({ code: 'lock_compromised' });
    await held.release();
  });
});
