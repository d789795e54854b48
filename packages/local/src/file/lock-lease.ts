import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_RETRY_DELAY_MS, type FileLock, type HeldLock } from './lock.js';

// Held longer than this, the lock is given up after the current commit...
const MAX_HOLD_MS = 1000;
// ...and not taken again for this long, so that a process polling for it (every 50 ms at most) gets its turn.
const YIELD_MS = MAX_RETRY_DELAY_MS + 10;

/**
 * The store's lock, lent out for one commit at a time and kept for `keepMs` (5 ms by default)
 * between commits: a process writing back to back (a client awaiting each write) then pays for
 * the lock once, not per write. Taking and removing the lock folder costs more than the journal
 * append itself, because each gives the file system's own journal work to commit. Other processes wait at most {@link MAX_HOLD_MS} plus one commit for their turn; a
 * process that exits while keeping the lock removes it on exit (proper-lockfile's exit hook).
 */
export class LockLease {
  readonly #lock: FileLock;
  readonly #keepMs: number;
  #kept: HeldLock | undefined;
  #timer: NodeJS.Timeout | undefined;
  #since = 0;
  #yieldUntil = 0;

  constructor(lock: FileLock) {
    this.#lock = lock;
    this.#keepMs = lock.settings.keepMs;
  }

  /** The lock, kept from the previous commit if still good, else taken anew (waiting as `FileLock.acquire` does). */
  async take(): Promise<HeldLock> {
    const kept = this.#kept;
    this.#kept = undefined;
    clearTimeout(this.#timer);
    if (kept !== undefined && !kept.compromised) return kept;
    await kept?.release().catch(() => undefined);
    const wait = this.#yieldUntil - performance.now();
    if (wait > 0) await sleep(wait);
    const held = await this.#lock.acquire();
    this.#since = performance.now();
    return held;
  }

  /** Gives the lock back after a commit: kept for a moment, or released when held long or lost. */
  async give(lock: HeldLock): Promise<void> {
    if (this.#keepMs === 0 || lock.compromised || performance.now() - this.#since >= MAX_HOLD_MS) {
      if (!lock.compromised) this.#yieldUntil = performance.now() + YIELD_MS;
      // A lock that cannot be removed goes stale and is taken over within the recovery bound.
      await lock.release().catch(() => undefined);
      return;
    }
    this.#kept = lock;
    this.#timer = setTimeout(() => void this.release(), this.#keepMs);
    this.#timer.unref();
  }

  /** Releases a kept lock now (on close, or when idle). */
  async release(): Promise<void> {
    const kept = this.#kept;
    this.#kept = undefined;
    clearTimeout(this.#timer);
    await kept?.release().catch(() => undefined);
  }
}
