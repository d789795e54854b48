import autocannon from 'autocannon';
import { summarise, type Summary } from './stats.js';

/** The root token the benchmark servers are started with. */
export const BENCH_TOKEN = 'bench-root-token';

/** One autocannon run's outcome, from our own per-response timings (autocannon's histogram keeps whole milliseconds). */
export interface LoadResult {
  readonly requestsPerSecond: number;
  /** Every response time of the run, in milliseconds. */
  readonly latenciesMs: number[];
  readonly errors: number;
}

/** Runs of one server pooled: mean throughput, latency over every response. */
export interface Combined {
  readonly requestsPerSecond: number;
  readonly latencyMs: Summary;
  readonly errors: number;
}

/** One kind of request: fixed, or (with `pathOf`) a new path for every request. */
export interface Load {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  /**
   * The path of the `n`-th request, when each request goes elsewhere; `n` counts over every
   * connection of the run, so requests in flight at the same time never share a path.
   */
  readonly pathOf?: (n: number) => string;
}

/** Runs autocannon (as a library) for `seconds` at `connections` keep-alive connections. */
export function fire(url: string, load: Load, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let responses = 0;
  let failures = 0;
  let sent = 0;
  const pathOf = load.pathOf;
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: url + load.path,
        method: load.method,
        headers: { 'X-Vault-Token': BENCH_TOKEN, 'Content-Type': 'application/json' },
        ...(load.body === undefined ? {} : { body: load.body }),
        // autocannon calls setupRequest before every request it sends (in this process).
        ...(pathOf === undefined ? {} : { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: pathOf(sent++) }) }] }),
        connections,
        pipelining: 1,
        duration: seconds,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error('autocannon failed'));
          return;
        }
        resolve({
          requestsPerSecond: responses / result.duration,
          latenciesMs: latencies,
          errors: result.errors + failures + result.non2xx,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      responses++;
      if (statusCode !== 200) failures++;
      latencies.push(responseTime);
    });
  });
}

/** Pools several runs against one server. */
export function combine(runs: readonly LoadResult[]): Combined {
  return {
    requestsPerSecond: runs.reduce((sum, r) => sum + r.requestsPerSecond, 0) / runs.length,
    latencyMs: summarise(runs.flatMap((r) => r.latenciesMs)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}
