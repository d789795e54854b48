import { Bench } from 'tinybench';
import { scaled, summarise, type Summary } from './stats.js';

/** One thing to time: `run(i)` is one operation; `i` counts calls, so tasks can rotate keys. */
export interface Subject {
  readonly name: string;
  readonly run: (i: number) => unknown;
}

/** How long and how finely to measure. */
export interface MeasureOptions {
  /** Operations per sample: each sample is the mean of this many back-to-back calls. */
  readonly batch: number;
  /** Rounds; every round times each subject once, in alternating order, so load drift hits all alike. */
  readonly rounds: number;
  /** Time budget per subject per round, in milliseconds. */
  readonly timeMs: number;
  /** Minimum samples per subject per round. */
  readonly minSamples?: number | undefined;
}

/**
 * Times several subjects against each other with tinybench and returns, per subject, the
 * summary of its per-operation latency in microseconds.
 *
 * The subjects (typically a floor and what is compared with it) are timed in interleaved
 * rounds rather than one after another, because the machine is shared: a burst of load from
 * another process then lands on every subject instead of skewing one ratio.
 */
export async function measure(subjects: readonly Subject[], options: MeasureOptions): Promise<Map<string, Summary>> {
  const samples = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  const counters = new Map<string, number>(subjects.map((s) => [s.name, 0]));
  for (let round = 0; round < options.rounds; round++) {
    // Collect the garbage of set-up and earlier rounds now, so that it is not collected (and
    // charged to whichever subject happens to run) in the middle of a round.
    collectGarbage();
    const bench = new Bench({
      time: options.timeMs,
      iterations: options.minSamples ?? 8,
      warmup: true,
      warmupTime: round === 0 ? Math.max(100, options.timeMs / 2) : 20,
      warmupIterations: 2,
      retainSamples: true,
      throws: true,
    });
    const ordered = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const subject of ordered) {
      bench.add(
        subject.name,
        async () => {
          let i = counters.get(subject.name) as number;
          for (let n = 0; n < options.batch; n++) await subject.run(i++);
          counters.set(subject.name, i);
        },
        { async: true },
      );
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`benchmark ${task.name} did not complete (${result.state})`);
      const taken = result.latency.samples ?? [];
      (samples.get(task.name) as number[]).push(...taken);
    }
  }
  const out = new Map<string, Summary>();
  // Samples are milliseconds per batch; report microseconds per operation.
  for (const [name, list] of samples) out.set(name, scaled(summarise(list), 1000 / options.batch));
  return out;
}

/** A full garbage collection, when the bench runs with `--expose-gc` (as `pnpm bench` does). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}

/** The summary of `name`; throws if it was not measured (a bug in a section). */
export function get(results: Map<string, Summary>, name: string): Summary {
  const summary = results.get(name);
  if (summary === undefined) throw new Error(`no result for ${name}`);
  return summary;
}
