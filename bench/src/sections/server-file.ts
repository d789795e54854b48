import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretPath, smallSecret, spread, storeDocument } from '../fixtures.js';
import { num, percent, range } from '../harness/format.js';
import { BENCH_TOKEN, combine, fire, type Combined, type Load, type LoadResult } from '../harness/load.js';
import type { SectionReport, Target } from '../harness/report.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';

const SIZES = [100, 10_000, 100_000];
const QUICK_SIZES = [100, 10_000];
const CONNECTIONS = [32, 1];
const SHARE_LIMIT = 0.5;
const FLAT_LIMIT = 2 / 3;

type Store = 'file' | 'memory';

interface Cell {
  readonly secrets: number;
  readonly connections: number;
  readonly file: Combined;
  readonly memory: Combined;
}

/** Writes of a new version of a different existing secret per request. */
function writeLoad(secrets: number): Load {
  return {
    method: 'POST',
    path: `/v1/secret/data/${secretPath(0)}`,
    body: JSON.stringify({ data: smallSecret(7) }),
    pathOf: (n) => `/v1/secret/data/${secretPath(spread(n, secrets))}`,
  };
}

/**
 * Waits until a server has answered everything sent before: requests still in flight when
 * autocannon stops keep the server busy, and on a slow store would be charged to the next run.
 * The server's writes complete in order, so one more write answers after them.
 */
async function drain(url: string): Promise<void> {
  const response = await fetch(`${url}/v1/secret/data/bench/drain`, {
    method: 'POST',
    headers: { 'X-Vault-Token': BENCH_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { drained: 'yes' } }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`kv2 answered ${response.status} to the drain write`);
}

async function measureSize(folder: string, secrets: number, quick: boolean): Promise<Cell[]> {
  const seconds = quick ? 1 : 2;
  const rounds = quick ? 1 : 2;
  // The worker processes fill their stores from this document with one importDocument each.
  const seedFile = join(folder, `seed-${secrets}.json`);
  await writeFile(seedFile, JSON.stringify(storeDocument(secrets)));
  const servers: Partial<Record<Store, ServerProcess>> = {};
  const cells: Cell[] = [];
  try {
    servers.memory = await startServerProcess({ mode: 'kv2', token: BENCH_TOKEN, readPath: 'bench/read', seedFile });
    servers.file = await startServerProcess({
      mode: 'kv2',
      token: BENCH_TOKEN,
      readPath: 'bench/read',
      seedFile,
      file: join(folder, `store-${secrets}.json`),
    });
    const load = writeLoad(secrets);
    for (const connections of CONNECTIONS) {
      const runs: Record<Store, LoadResult[]> = { file: [], memory: [] };
      for (const store of ['memory', 'file'] as const) {
        const url = (servers[store] as ServerProcess).url;
        await fire(url, load, connections, 1);
        await drain(url);
      }
      // Alternate the two servers, so that load from elsewhere hits both alike.
      for (let round = 0; round < rounds; round++) {
        for (const store of round % 2 === 0 ? (['file', 'memory'] as const) : (['memory', 'file'] as const)) {
          const url = (servers[store] as ServerProcess).url;
          runs[store].push(await fire(url, load, connections, seconds));
          await drain(url);
        }
      }
      const cell: Cell = { secrets, connections, file: combine(runs.file), memory: combine(runs.memory) };
      cells.push(cell);
      console.log(
        `  ${secrets} secrets, c=${connections}: file ${num(cell.file.requestsPerSecond)} writes/s vs memory ${num(cell.memory.requestsPerSecond)}`,
      );
    }
  } finally {
    await servers.file?.stop();
    await servers.memory?.stop();
  }
  return cells;
}

/**
 * The kv2 server's write throughput over its file store as the store grows, against the same
 * server over a memory store holding the same secrets: what durability costs per write.
 */
export async function serverFileSection(quick: boolean): Promise<SectionReport> {
  const sizes = quick ? QUICK_SIZES : SIZES;
  const folder = await mkdtemp(join(tmpdir(), 'kv2-bench-server-file-'));
  const cells: Cell[] = [];
  try {
    for (const secrets of sizes) cells.push(...(await measureSize(folder, secrets, quick)));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const rows: string[][] = [];
  const targets: Target[] = [];
  for (const c of cells) {
    const share = c.file.requestsPerSecond / c.memory.requestsPerSecond;
    const label = c.secrets.toLocaleString('en-US');
    rows.push([
      label,
      String(c.connections),
      num(c.file.requestsPerSecond),
      num(c.file.latencyMs.median),
      range(c.file.latencyMs.p25, c.file.latencyMs.p75),
      num(c.file.latencyMs.p99),
      num(c.memory.requestsPerSecond),
      num(c.memory.latencyMs.median),
      percent(share),
      String(c.file.errors + c.memory.errors),
    ]);
    if (c.connections === 32) {
      targets.push({
        name: `Server writes at ${label} secrets, 32 connections: file store at least 50% of the memory store`,
        measured: percent(share),
        limit: `≥ ${percent(SHARE_LIMIT)}`,
        met: share >= SHARE_LIMIT,
      });
    }
  }
  const single = cells.filter((c) => c.connections === 1);
  const smallest = single[0];
  const largest = single[single.length - 1];
  const notes: string[] = [];
  if (smallest !== undefined && largest !== undefined && largest !== smallest) {
    const flat = largest.file.requestsPerSecond / smallest.file.requestsPerSecond;
    targets.push({
      name: `Server writes on the file store, 1 connection: rate at ${largest.secrets.toLocaleString('en-US')} secrets at least 2/3 of the rate at ${smallest.secrets}`,
      measured: percent(flat),
      limit: `≥ ${percent(FLAT_LIMIT)}`,
      met: flat >= FLAT_LIMIT,
    });
    notes.push(
      `One connection, file store: ${single.map((c) => `${num(c.file.requestsPerSecond)} writes/s at ${c.secrets.toLocaleString('en-US')}`).join(', ')} ` +
        `(the rate at the largest size is ${percent(flat)} of the rate at the smallest).`,
    );
  }
  return {
    title: 'HTTP server writes: file store against memory store',
    intro:
      'The kv2 server (`createServer`, as `kv2 server` runs it) answering `POST /v1/secret/data/<key>` where every request writes a new ' +
      `version of a different existing secret (keys spread over the whole store; max_versions 1, so the store keeps its size), ` +
      `with ${sizes.map((s) => s.toLocaleString('en-US')).join(', ')} secrets in the store, over 32 and 1 keep-alive loopback connections ` +
      `(autocannon as a library), ${quick ? 1 : 2} × ${quick ? 1 : 2} s per server after a 1 s warm-up, the two servers alternating. ` +
      'Subject: the server over a `FileKeyValueStore` (plain JSON, default settings). Floor: the same server over a ' +
      '`MemoryKeyValueStore` holding the same secrets. Both are filled with one `importDocument` of the same document and run in ' +
      'their own processes. After each run the bench waits for the server to answer one more write, so requests left in flight are ' +
      'not charged to the next run. Latency in milliseconds, from per-response timings.',
    headers: [
      'secrets',
      'connections',
      'file writes/s',
      'file median ms',
      'file p25–p75 ms',
      'file p99 ms',
      'memory writes/s',
      'memory median ms',
      'file vs memory',
      'errors',
    ],
    rows,
    notes,
    targets,
  };
}
