import { UsageError } from './errors.js';
import type { FlagSpec, ParsedFlags } from './flags.js';

/** Requests a command keeps in flight against a server unless `-concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 16;
/** The most `-concurrency` accepts: more only queues up in the server (and may exhaust its sockets). */
const MAX_CONCURRENCY = 256;

/** The `-concurrency N` flag of the commands that talk to a server many times over. */
export const CONCURRENCY_FLAG: FlagSpec = {
  name: 'concurrency',
  kind: 'int',
  placeholder: 'N',
  defaultText: String(DEFAULT_CONCURRENCY),
  description: `Servers: keys worked on at once, each with one request in flight (1 to ${MAX_CONCURRENCY}).`,
};

/** The `-concurrency` value, checked: a {@link UsageError} unless it is 1 to {@link MAX_CONCURRENCY}. */
export function concurrencyFlag(flags: ParsedFlags, command: string): number {
  const value = flags.int('concurrency') ?? DEFAULT_CONCURRENCY;
  if (value < 1 || value > MAX_CONCURRENCY) throw new UsageError(`-concurrency must be 1 to ${MAX_CONCURRENCY} (it was ${value})`, command);
  return value;
}

/**
 * A failure of one item of {@link mapBounded}: which item (its index and label) and the error it
 * threw, kept as `cause` so callers can still tell a kv2 error (and its code) apart.
 */
export class ItemFailedError extends Error {
  /** The position of the failed item in the input. */
  readonly index: number;
  /** How the caller named the item (for the transfer commands: the key's path). */
  readonly label: string;
  /** Items that had completed when the run stopped. */
  readonly completed: number;

  constructor(index: number, label: string, completed: number, cause: unknown) {
    super(`${label}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ItemFailedError';
    this.index = index;
    this.label = label;
    this.completed = completed;
  }
}

/**
 * Runs `fn` on every item with at most `limit` calls in flight and returns the results in input
 * order, whatever order they finish in. After the first failure no new item starts; the calls
 * already running are waited for (so nothing is left running behind the caller's back), then the
 * failure of the lowest index among those that failed is thrown as an {@link ItemFailedError}:
 * the same failure a one-at-a-time run would have met first, whenever the failing items fail
 * whatever runs beside them.
 *
 * @param label - names an item in the error (e.g. its key path).
 * @param onDone - called as each item completes, with how many have (for progress).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  label: (item: T) => string,
  onDone?: (item: T, completed: number) => void,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  const results = new Array<R>(items.length);
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  let completed = 0;
  const worker = async (): Promise<void> => {
    while (failures.length === 0 && next < items.length) {
      const index = next++;
      const item = items[index] as T;
      try {
        results[index] = await fn(item, index);
      } catch (error) {
        failures.push({ index, error });
        return;
      }
      completed++;
      onDone?.(item, completed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) {
    const first = failures.reduce((a, b) => (b.index < a.index ? b : a));
    throw new ItemFailedError(first.index, label(items[first.index] as T), completed, first.error);
  }
  return results;
}

/**
 * At most `limit` calls of {@link run} in flight at once; the rest wait their turn in order.
 * Unlike {@link mapBounded} the calls may be started from anywhere (a recursive walk of folders),
 * and a slot is held only while the call runs, so a call never waits for a slot its caller holds.
 */
export class Limiter {
  readonly #limit: number;
  #running = 0;
  readonly #queue: (() => void)[] = [];
  readonly #idle: (() => void)[] = [];
  #stopped: Error | undefined;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    this.#limit = limit;
  }

  /** Runs `call` once a slot is free; rejects without calling it once {@link stop} was called. */
  async run<R>(call: () => Promise<R>): Promise<R> {
    const early = this.#stopped;
    if (early !== undefined) throw early;
    if (this.#running >= this.#limit) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#running++;
    try {
      const stopped = this.#stopped;
      if (stopped !== undefined) throw stopped;
      return await call();
    } finally {
      // Hand the slot straight to the next waiter (the count stays), or give it back.
      const next = this.#queue.shift();
      if (next !== undefined) next();
      else if (--this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /**
   * Starts no more calls (waiting ones reject with `reason` as their turn comes) and resolves
   * once the calls already running have finished: how a walk stops cleanly on a failure.
   */
  async stop(reason: Error): Promise<void> {
    this.#stopped ??= reason;
    if (this.#running === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }
}
