import { CheckAndSetError, SecretNotFoundError } from '@kv2/core';
import { FileKeyValueStore } from '@kv2/local';

/** What the parent sends: where to count, how often, then `go`. */
export interface CasWorkerTask {
  readonly file: string;
  readonly key: string;
  readonly increments: number;
}

/** What the worker answers. */
export type CasWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly latenciesMs: number[]; readonly conflicts: number }
  | { readonly type: 'failed'; readonly error: string };

/**
 * One process of the cross-process benchmark: increments a counter secret `increments` times
 * with check-and-set (read the latest version, write `n + 1` with `cas` = that version, retry
 * on a CAS mismatch), timing each successful increment including its retries.
 */
async function run(task: CasWorkerTask, send: (message: CasWorkerMessage) => void): Promise<void> {
  const store = new FileKeyValueStore({ file: task.file });
  await store.list('');
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const latenciesMs: number[] = [];
  let conflicts = 0;
  for (let done = 0; done < task.increments; done++) {
    const started = performance.now();
    for (;;) {
      let n = 0;
      let version = 0;
      try {
        const current = await store.read<{ n: number }>(task.key);
        n = current.data.n;
        version = current.metadata.version;
      } catch (error) {
        if (!SecretNotFoundError.is(error)) throw error;
      }
      try {
        await store.write(task.key, { n: n + 1 }, { cas: version });
        break;
      } catch (error) {
        if (!CheckAndSetError.is(error)) throw error;
        conflicts++;
      }
    }
    latenciesMs.push(performance.now() - started);
  }
  await store.close();
  send({ type: 'done', latenciesMs, conflicts });
}

const send = (message: CasWorkerMessage): void => {
  process.send?.(message);
};
const task = JSON.parse(process.argv[2] ?? '{}') as CasWorkerTask;
try {
  await run(task, send);
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exitCode = 1;
}
process.disconnect?.();
