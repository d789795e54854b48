import { smallSecret } from '../fixtures.js';
import { num, percent, range } from '../harness/format.js';
import { BENCH_TOKEN, combine, fire, type Load, type LoadResult } from '../harness/load.js';
import type { SectionReport, Target } from '../harness/report.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';

const TOKEN = BENCH_TOKEN;
const READ_PATH = 'bench/read';
const WRITE_PATH = 'bench/write';

const LOADS: Record<'read' | 'write', Load> = {
  read: { method: 'GET', path: `/v1/secret/data/${READ_PATH}` },
  write: { method: 'POST', path: `/v1/secret/data/${WRITE_PATH}`, body: JSON.stringify({ data: smallSecret(2) }) },
};

/** The byte size of a response, so the floor can send as many. */
async function bodyBytes(url: string, load: Load): Promise<number> {
  const response = await fetch(url + load.path, {
    method: load.method,
    headers: { 'X-Vault-Token': TOKEN, 'Content-Type': 'application/json' },
    ...(load.body === undefined ? {} : { body: load.body }),
  });
  if (response.status !== 200) throw new Error(`kv2 answered ${response.status} to ${load.method} ${load.path}`);
  return (await response.arrayBuffer()).byteLength;
}

/**
 * Requests per second and latency of the kv2 HTTP server (memory store) for a data read and a
 * data write, over keep-alive loopback connections, against a bare `node:http` server that answers
 * with a body of the same size. Each server runs in its own process; autocannon runs here.
 */
export async function serverSection(quick: boolean): Promise<SectionReport> {
  const seconds = quick ? 1 : 3;
  const rounds = quick ? 1 : 3;
  const kv2 = await startServerProcess({ mode: 'kv2', token: TOKEN, readPath: READ_PATH });
  let bare: ServerProcess | undefined;
  const rows: string[][] = [];
  const targets: Target[] = [];
  try {
    const readBytes = await bodyBytes(kv2.url, LOADS.read);
    const writeBytes = await bodyBytes(kv2.url, LOADS.write);
    bare = await startServerProcess({ mode: 'bare', readBytes, writeBytes });
    for (const op of ['read', 'write'] as const) {
      for (const connections of [1, 32]) {
        const runs: Record<'kv2' | 'floor', LoadResult[]> = { kv2: [], floor: [] };
        // Warm both servers up, then alternate them so that load from elsewhere hits both alike.
        await fire(kv2.url, LOADS[op], connections, 1);
        await fire(bare.url, LOADS[op], connections, 1);
        for (let round = 0; round < rounds; round++) {
          const order = round % 2 === 0 ? (['floor', 'kv2'] as const) : (['kv2', 'floor'] as const);
          for (const which of order) runs[which].push(await fire(which === 'kv2' ? kv2.url : bare.url, LOADS[op], connections, seconds));
        }
        const subject = combine(runs.kv2);
        const floor = combine(runs.floor);
        const share = subject.requestsPerSecond / floor.requestsPerSecond;
        rows.push([
          op,
          String(connections),
          num(subject.requestsPerSecond),
          num(subject.latencyMs.median * 1000),
          range(subject.latencyMs.p25 * 1000, subject.latencyMs.p75 * 1000),
          num(subject.latencyMs.p99 * 1000),
          num(floor.requestsPerSecond),
          num(floor.latencyMs.median * 1000),
          percent(share),
          String(subject.errors + floor.errors),
        ]);
        if (op === 'read' && connections === 32) {
          targets.push({
            name: 'Server reads at concurrency 32: at least 50% of the bare-server floor',
            measured: percent(share),
            limit: '≥ 50%',
            met: share >= 0.5,
          });
        }
        console.log(`  ${op} c=${connections}: ${num(subject.requestsPerSecond)} req/s vs ${num(floor.requestsPerSecond)}`);
      }
    }
    return {
      title: 'HTTP server',
      intro:
        'The kv2 server (`createServer` over a `MemoryKeyValueStore`) answering `GET /v1/secret/data/bench/read` (a small ' +
        'secret) and `POST /v1/secret/data/bench/write` (a new version of one), with autocannon as a library over keep-alive ' +
        `loopback connections, 1 and 32 at a time, ${rounds} × ${seconds} s per server after a 1 s warm-up. Floor: a bare ` +
        `\`node:http\` server answering with a body of the same size (${readBytes} B for reads, ${writeBytes} B for writes; ` +
        'it reads the request body before answering a write). Each server runs in its own process (one core each for server ' +
        'and load generator). Latency in microseconds, from per-response timings.',
      headers: [
        'operation',
        'connections',
        'req/s',
        'median µs',
        'p25–p75 µs',
        'p99 µs',
        'floor req/s',
        'floor median µs',
        'throughput vs floor',
        'errors',
      ],
      rows,
      notes: [
        'On 2 cores the load generator (autocannon, one process) and the server share the machine with whatever else runs. ' +
          'At 32 connections the bare floor can be limited by the load generator rather than by itself, so its throughput, and ' +
          'with it the share, moves from run to run; the share is lowest on the quietest runs, where the floor is fastest. The ' +
          'optimisation log below says what kv2 spends per request.',
      ],
      targets,
    };
  } finally {
    await bare?.stop();
    await kv2.stop();
  }
}
