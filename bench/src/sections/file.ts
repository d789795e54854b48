import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Secret } from '@kv2/core';
import { applyChanges, emptyDocument, executeCommand, FileKeyValueStore } from '@kv2/local';
import { secretPath, smallSecret } from '../fixtures.js';
import { durableWrite } from '../harness/durable-write.js';
import { bytes, num, range, times } from '../harness/format.js';
import { get, measure } from '../harness/measure.js';
import { ratioTarget, type SectionReport, type Target } from '../harness/report.js';
import { scaled, type Summary } from '../harness/stats.js';

const SIZES = [100, 1000, 10_000];
const VERSIONS = 3;

interface SizeResult {
  secrets: number;
  fileBytes: number;
  openMs: number;
  read: Summary;
  readFloor: Summary;
  write: Summary;
  writeFloor: Summary;
}

/** A store file of `secrets` small secrets with {@link VERSIONS} versions each, written through the store's own import. */
async function populate(file: string, secrets: number): Promise<void> {
  const doc = emptyDocument();
  // Keep as many versions as the file starts with, so the benchmark's writes do not grow it.
  doc.config.maxVersions = VERSIONS;
  const now = new Date();
  for (let v = 0; v < VERSIONS; v++) {
    for (let i = 0; i < secrets; i++) {
      applyChanges(doc, executeCommand(doc, { op: 'write', path: secretPath(i), data: smallSecret(i + v) }, now).changes);
    }
  }
  const store = new FileKeyValueStore({ file });
  await store.importDocument(doc);
  await store.close();
}

async function measureSize(folder: string, secrets: number, quick: boolean): Promise<SizeResult> {
  const file = join(folder, `store-${secrets}.json`);
  await populate(file, secrets);
  const store = new FileKeyValueStore({ file });
  let t = performance.now();
  await store.read(secretPath(0));
  const openMs = performance.now() - t;

  // The read floor: the same secrets in a Map, copied out (what a store with no other writer needs).
  const memory = new Map<string, Secret>();
  for (let i = 0; i < secrets; i++) memory.set(secretPath(i), await store.read(secretPath(i)));
  // Spread reads over the whole file, not one hot key.
  const spread = (i: number): number => (i * 7919) % secrets;
  const reads = await measure(
    [
      { name: 'floor', run: async (i: number) => structuredClone(memory.get(secretPath(spread(i))) as Secret) },
      { name: 'kv2', run: (i: number) => store.read(secretPath(spread(i))) },
    ],
    { batch: 50, rounds: quick ? 2 : 3, timeMs: quick ? 150 : 300 },
  );

  // The write floor: a durable atomic replacement of a file as large as the store's.
  const text = await readFile(file);
  const floorFile = join(folder, `floor-${secrets}.json`);
  t = performance.now();
  const writes = await measure(
    [
      { name: 'floor', run: () => durableWrite(floorFile, text, `${floorFile}.tmp`) },
      { name: 'kv2', run: (i: number) => store.write(secretPath(spread(i)), smallSecret(i)) },
    ],
    { batch: 1, rounds: quick ? 2 : 3, timeMs: quick ? 300 : 700, minSamples: 5 },
  );
  t = performance.now() - t;
  const fileBytes = (await stat(file)).size;
  await store.close();
  const ms = 1 / 1000;
  return {
    secrets,
    fileBytes,
    openMs,
    read: get(reads, 'kv2'),
    readFloor: get(reads, 'floor'),
    write: scaled(get(writes, 'kv2'), ms),
    writeFloor: scaled(get(writes, 'floor'), ms),
  };
}

/**
 * Read and write latency of `FileKeyValueStore` as the file grows. Reads take no lock and cost two
 * `stat`s when no other process wrote; writes lock, apply, and append to the journal durably.
 */
export async function fileSection(quick: boolean): Promise<SectionReport> {
  const folder = await mkdtemp(join(tmpdir(), 'kv2-bench-file-'));
  const results: SizeResult[] = [];
  try {
    for (const secrets of SIZES) {
      results.push(await measureSize(folder, secrets, quick));
      console.log(`  ${secrets} secrets done`);
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const rows: string[][] = [];
  for (const r of results) {
    const label = `${r.secrets.toLocaleString('en-US')} (${bytes(r.fileBytes)})`;
    rows.push([
      label,
      'read',
      `${num(r.read.median)} µs`,
      range(r.read.p25, r.read.p75),
      num(r.read.p99),
      `${num(r.readFloor.median)} µs (in-memory read)`,
      times(r.read.median / r.readFloor.median),
    ]);
    rows.push([
      label,
      'write',
      `${num(r.write.median)} ms`,
      range(r.write.p25, r.write.p75),
      num(r.write.p99),
      `${num(r.writeFloor.median)} ms (durable write)`,
      times(r.write.median / r.writeFloor.median),
    ]);
  }
  const small = results[0] as SizeResult;
  const large = results[results.length - 1] as SizeResult;
  const readGrowth = large.read.median / small.read.median;
  const targets: Target[] = [
    ratioTarget(`File store read at ${large.secrets.toLocaleString('en-US')} secrets within 2× of read at ${small.secrets}`, readGrowth, 2),
    ...results.map((r) =>
      ratioTarget(
        `File store write at ${r.secrets.toLocaleString('en-US')} secrets within 2× of the durable-write floor`,
        r.write.median / r.writeFloor.median,
        2,
      ),
    ),
  ];
  const notes = [
    `Read cost from ${small.secrets} to ${large.secrets.toLocaleString('en-US')} secrets: ${times(readGrowth)} ` +
      `(the in-memory floor: ${times(large.readFloor.median / small.readFloor.median)}). A read is one \`stat\` to see whether another ` +
      'process wrote, then an in-memory lookup; what grows is the cost of reaching scattered objects in a larger heap, for the floor too.',
    `Write cost grows with the file: ${results.map((r) => `${num(r.write.median)} ms at ${bytes(r.fileBytes)}`).join(', ')} ` +
      `(floor ${results.map((r) => `${num(r.writeFloor.median)} ms`).join(', ')}): every write replaces the whole file durably.`,
    `Opening the store and loading the file (first read): ${results.map((r) => `${num(r.openMs)} ms at ${bytes(r.fileBytes)}`).join(', ')}.`,
  ];
  return {
    title: 'File store',
    intro:
      `\`FileKeyValueStore\` (plain JSON file, default lock settings) with 100, 1,000 and 10,000 small secrets, ${VERSIONS} versions each ` +
      `(max_versions ${VERSIONS}, so the writes below replace versions rather than grow the file), ` +
      'on the local disk (os.tmpdir()). Reads and writes spread over all keys, one at a time, no other process. ' +
      'Read floor: the same secret from a `Map`, copied with `structuredClone`. Write floor: one durable atomic write of a file of ' +
      'the same size (temporary file, write, fsync, rename, fsync of the folder), with no lock and no serialisation. ' +
      'Read samples are means of 50 reads; write samples are single writes.',
    headers: ['secrets (file size)', 'operation', 'median', 'p25–p75', 'p99', 'floor median', 'ratio'],
    rows,
    notes,
    targets,
  };
}
