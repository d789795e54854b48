/** How one item of a batch ended. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Commits a batch: one outcome per item, in order; throwing fails every item of the batch. */
export type CommitBatch<T, R> = (items: readonly T[]) => Promise<Array<Settled<R>>>;

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a batch is being committed wait and then go together in
 * the next batch, so that one durable write (one fsync) serves all of them. Batches run one at a
 * time, in submission order; each caller's promise settles only when its batch has. Between
 * batches, `between` runs (the file store compacts there), still one thing at a time.
 */
export class GroupCommit<T, R> {
  readonly #commit: CommitBatch<T, R>;
  readonly #between: () => Promise<void>;
  #waiting: Array<Waiting<T, R>> = [];
  #running: Promise<void> = Promise.resolve();
  #active = false;

  constructor(commit: CommitBatch<T, R>, between: () => Promise<void> = async () => undefined) {
    this.#commit = commit;
    this.#between = between;
  }

  /** Queues `item` for the next batch; settles with its outcome once that batch is committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#active) return;
      this.#active = true;
      this.#running = this.#run();
    });
  }

  /** Resolves once every item submitted so far has settled (and the work between batches is done). */
  async drain(): Promise<void> {
    while (this.#active) await this.#running;
  }

  async #run(): Promise<void> {
    try {
      // Let the callers of this same tick (a Promise.all of writes) join the first batch.
      await Promise.resolve();
      while (this.#waiting.length > 0) await this.#commitWaiting();
    } finally {
      // Cleared in the same step as the loop sees nothing waiting, so no item is ever left behind.
      this.#active = false;
    }
  }

  /** Commits everything waiting now as one batch, then runs the work between batches. */
  async #commitWaiting(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    let outcomes: Array<Settled<R>>;
    try {
      outcomes = await this.#commit(batch.map((waiting) => waiting.item));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index] as Settled<R>;
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
    // Work between batches never fails a caller: its errors are its own business.
    await this.#between().catch(() => undefined);
  }
}
