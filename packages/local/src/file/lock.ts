import { mkdirSync, rmdirSync, statSync, utimesSync } from 'node:fs';
import { InvalidRequestError, StoreUnavailableError } from '@kv2/core';
import lockfile, { type LockOptions } from 'proper-lockfile';
import { isNotFound } from './identity.js';

/**
 * How the cross-process lock behaves. All times are milliseconds.
 *
 * A writer holds the lock only for one mutation (load, apply, durable write). While it holds it,
 * the lock's modification time is refreshed every `updateMs`; other writers treat a lock not
 * refreshed for `staleMs` as abandoned (its holder died) and take it over. So a holder killed
 * with SIGKILL blocks the others for at most {@link lockRecoveryBoundMs}.
 */
export interface FileLockSettings {
  /** A lock not refreshed for this long is abandoned. At least 2000 (proper-lockfile's floor). Default 5000. */
  staleMs: number;
  /** How often the holder refreshes its lock. From 1000 to `staleMs / 2`. Default 1000. */
  updateMs: number;
  /**
   * How long a writer waits for a lock held by someone else before failing with
   * `StoreUnavailableError` (`store_locked`). Default 15000, which outlasts the recovery bound,
   * so a writer does not give up on a lock whose holder died.
   */
  waitMs: number;
  /**
   * How long a process keeps the lock after a commit, so that its next commit (a client awaiting
   * each write) need not take it again. From 0 (release at once) to 1000. Default 5.
   */
  keepMs: number;
}

/** Lock settings as a store takes them: any subset, the rest from {@link DEFAULT_LOCK_SETTINGS}. */
export type FileLockOptions = { [K in keyof FileLockSettings]?: FileLockSettings[K] | undefined };

/** The settings used unless a store is given others. */
export const DEFAULT_LOCK_SETTINGS: Readonly<FileLockSettings> = Object.freeze({ staleMs: 5000, updateMs: 1000, waitMs: 15_000, keepMs: 5 });

/** The first delay between two attempts to take a held lock; it doubles up to {@link MAX_RETRY_DELAY_MS}. */
export const MIN_RETRY_DELAY_MS = 5;
/** The longest delay between two attempts: a freed lock is noticed this soon. */
export const MAX_RETRY_DELAY_MS = 50;
// proper-lockfile stores the refresh time as the lock's mtime; some file systems keep whole seconds.
const MTIME_PRECISION_MS = 1000;

/**
 * The longest a lock can stay blocked after its holder died: `staleMs` for the lock to go stale,
 * up to 1 s more where the file system stores mtimes in whole seconds (proper-lockfile rounds
 * them up), and one retry delay for a waiting writer to notice. 6050 ms with the defaults.
 */
export function lockRecoveryBoundMs(settings: FileLockSettings = DEFAULT_LOCK_SETTINGS): number {
  return settings.staleMs + MTIME_PRECISION_MS + MAX_RETRY_DELAY_MS;
}

/** Fills in defaults and checks the settings; throws InvalidRequestError (`invalid_parameter`). */
export function lockSettings(given: FileLockOptions | undefined): FileLockSettings {
  const settings = { ...DEFAULT_LOCK_SETTINGS, ...definedOnly(given ?? {}) };
  const { staleMs, updateMs, waitMs, keepMs } = settings;
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`lock.${name} must be a whole number of milliseconds`);
  }
  if (staleMs < 2000) throw invalid('lock.staleMs must be at least 2000');
  if (updateMs < 1000 || updateMs > staleMs / 2) throw invalid('lock.updateMs must be from 1000 to lock.staleMs / 2');
  if (keepMs > 1000) throw invalid('lock.keepMs must be from 0 to 1000');
  return { staleMs, updateMs, waitMs, keepMs };
}

type Callback<T> = (error: NodeJS.ErrnoException | null, value?: T) => void;

/** Runs `call` now and answers `callback` on the next tick, as an asynchronous call would. */
function answer<T>(call: () => T, callback: Callback<T>): void {
  let value: T;
  try {
    value = call();
  } catch (error) {
    process.nextTick(callback, error);
    return;
  }
  process.nextTick(callback, null, value);
}

/**
 * The file-system calls proper-lockfile makes on the lock folder (create, inspect, refresh,
 * remove), made synchronously. Each takes microseconds, while the default asynchronous calls
 * go through libuv's thread pool, where each costs two thread hand-offs and waits behind the
 * pool's fsyncs: four of them per write were a large part of writing a small store. Callbacks
 * are still called asynchronously, as proper-lockfile expects.
 */
export const LOCK_FS = {
  mkdir: (path: string, callback: Callback<void>): void => answer(() => void mkdirSync(path), callback),
  rmdir: (path: string, callback: Callback<void>): void => answer(() => rmdirSync(path), callback),
  rmdirSync: (path: string): void => rmdirSync(path),
  stat: (path: string, callback: Callback<unknown>): void => answer(() => statSync(path), callback),
  utimes: (path: string, atime: Date, mtime: Date, callback: Callback<void>): void => answer(() => utimesSync(path, atime, mtime), callback),
};

/**
 * The options given to proper-lockfile, each chosen against its default:
 * - `retries`: the default 0 fails at once on a held lock; kv2 retries with exponential backoff
 *   (5 ms doubling to 50 ms, randomised so waiting writers spread out) for up to `waitMs`.
 * - `realpath: false`: the default resolves the file's real path and so needs the file to exist;
 *   the store resolves the real path itself before locking, and locks before creating the file.
 * - `stale`/`update`: from the settings (defaults 10 s and stale/2 in proper-lockfile).
 * - `onCompromised`: the default throws inside a timer, which kills the process; kv2 records the
 *   loss so that the write in flight fails with `lock_compromised` before touching the file.
 * - `lockfilePath`: spelled out (`<file>.lock`, a folder) so it does not depend on a default.
 * - `fs`: {@link LOCK_FS} instead of graceful-fs (synchronous calls on the lock folder).
 */
export function lockfileOptions(file: string, settings: FileLockSettings, onCompromised: (error: Error) => void): LockOptions {
  return {
    stale: settings.staleMs,
    update: settings.updateMs,
    realpath: false,
    lockfilePath: lockPathFor(file),
    retries: {
      retries: Math.ceil(settings.waitMs / MAX_RETRY_DELAY_MS) + 8,
      factor: 2,
      minTimeout: MIN_RETRY_DELAY_MS,
      maxTimeout: MAX_RETRY_DELAY_MS,
      randomize: true,
      maxRetryTime: settings.waitMs,
    },
    onCompromised,
    fs: LOCK_FS,
  };
}

/** The lock of `file`: a folder next to it, which proper-lockfile creates atomically with mkdir. */
export function lockPathFor(file: string): string {
  return `${file}.lock`;
}

/**
 * The cross-process mutual exclusion of one store file (proper-lockfile underneath; this module
 * is the only one that knows it, so it can be swapped).
 */
export class FileLock {
  readonly #file: string;
  readonly #settings: FileLockSettings;

  /** @param file - the real path of the store file; it need not exist yet. */
  constructor(file: string, settings: FileLockSettings = DEFAULT_LOCK_SETTINGS) {
    this.#file = file;
    this.#settings = settings;
  }

  /** The settings in force. */
  get settings(): Readonly<FileLockSettings> {
    return this.#settings;
  }

  /** Waits for the lock (up to `waitMs`); throws StoreUnavailableError `store_locked` when it stays held. */
  async acquire(): Promise<HeldLock> {
    // proper-lockfile reports a lost lock through a callback that may fire at any time after taking it.
    const state: { held?: HeldLock; lostEarly?: Error } = {};
    const onCompromised = (error: Error): void => {
      if (state.held === undefined) state.lostEarly ??= error;
      else state.held.markCompromised(error);
    };
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.#file, lockfileOptions(this.#file, this.#settings, onCompromised));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new StoreUnavailableError(
          `store file ${JSON.stringify(this.#file)} is locked by another writer; gave up after ${this.#settings.waitMs} ms`,
          'store_locked',
          { cause: error },
        );
      }
      throw error;
    }
    const lockPath = lockPathFor(this.#file);
    let ino: bigint;
    try {
      ino = statSync(lockPath, { bigint: true }).ino;
    } catch (error) {
      // Gone already: proper-lockfile stops refreshing it on its own, and removing a folder by that
      // name now could remove another writer's lock.
      if (isNotFound(error)) throw compromisedError(this.#file, error);
      await release().catch(() => undefined);
      throw error;
    }
    const held = new HeldLock(this.#file, lockPath, ino, this.#settings, release);
    state.held = held;
    if (state.lostEarly !== undefined) held.markCompromised(state.lostEarly);
    return held;
  }
}

/** A lock this process holds. Release it exactly once. */
export class HeldLock {
  readonly #file: string;
  readonly #lockPath: string;
  readonly #ino: bigint;
  readonly #settings: FileLockSettings;
  readonly #release: () => Promise<void>;
  #lost: Error | undefined;
  #released = false;

  /** @internal Created by {@link FileLock.acquire}. */
  constructor(file: string, lockPath: string, ino: bigint, settings: FileLockSettings, release: () => Promise<void>) {
    this.#file = file;
    this.#lockPath = lockPath;
    this.#ino = ino;
    this.#settings = settings;
    this.#release = release;
  }

  /** True once the lock is known to be lost (another writer may own it now). */
  get compromised(): boolean {
    return this.#lost !== undefined;
  }

  /** @internal Called by proper-lockfile's `onCompromised`. */
  markCompromised(error: Error): void {
    this.#lost ??= error;
  }

  /**
   * Throws StoreUnavailableError `lock_compromised` unless the lock is still this holder's and
   * fresh enough that no other writer can consider it stale yet. proper-lockfile notices a lost
   * lock only at its next refresh, and a holder whose event loop was blocked may not have
   * refreshed at all; so this also checks the lock folder itself: same inode as when taken,
   * refreshed recently (with a margin of one refresh period, at most a quarter of `staleMs`).
   * A lock that is merely old is still this holder's: the write is refused, the lock released normally.
   */
  async verify(): Promise<void> {
    if (this.#lost === undefined) {
      try {
        const now = Date.now();
        const info = statSync(this.#lockPath, { bigint: true });
        if (info.ino !== this.#ino) {
          this.#lost = new Error('the lock folder was replaced');
        } else {
          const age = now - Number(info.mtimeMs);
          const limit = this.#settings.staleMs - Math.min(this.#settings.updateMs, this.#settings.staleMs / 4);
          if (age > limit) throw compromisedError(this.#file, new Error(`the lock was last refreshed ${age} ms ago`));
        }
      } catch (error) {
        if (!isNotFound(error)) throw error;
        this.#lost = new Error('the lock folder was removed', { cause: error });
      }
    }
    if (this.#lost !== undefined) throw compromisedError(this.#file, this.#lost);
  }

  /** Gives the lock up. A lost lock is not touched: it may belong to another writer now (proper-lockfile has stopped refreshing it). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    if (this.#lost !== undefined) return;
    await this.#release();
  }
}

function compromisedError(file: string, cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`lost the lock on store file ${JSON.stringify(file)} during a write; nothing was written`, 'lock_compromised', {
    cause,
  });
}

function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError(message, 'invalid_parameter');
}

function definedOnly(given: FileLockOptions): Partial<FileLockSettings> {
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}
