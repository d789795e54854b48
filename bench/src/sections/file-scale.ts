import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyValueStore } from '@kv2/local';
import { secretPath, smallSecret, spread, storeDocument } from '../fixtures.js';
import { AppendFloor, APPEND_RECORD_BYTES } from '../harness/append-floor.js';
import { bytes, num, range, times } from '../harness/format.js';
import { collectGarbage, get, measure } from '../harness/measure.js';
import { ratioTarget, type SectionReport, type Target } from '../harness/report.js';
import { scaled, summarise, type Summary } from '../harness/stats.js';

const SIZES = [100, 10_000, 100_000];
const QUICK_SIZES = [100, 10_000];
/** The open target applies at this size (or the largest measured, in a quick run). */
const OPEN_TARGET_SIZE = 100_000;
const WRITE_LIMIT = 3;
const OPEN_LIMIT = 1.5;

interface OpenResult {
  /** What was on disk: `snapshot` alone, or `snapshot + journal`. */
  readonly files: string;
  readonly bytes: number;
  readonly open: Summary;
  readonly floor: Summary;
}

interface SizeResult {
  readonly secrets: number;
  readonly write: Summary;
  readonly floor: Summary;
  readonly opens: OpenResult[];
}

/** The store's files: `<file>` and, when it exists, `<file>.journal` beside it. */
async function storeFiles(file: string): Promise<string[]> {
  const files = [file];
  try {
    await stat(`${file}.journal`);
    files.push(`${file}.journal`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return files;
}

/**
 * Opening the store (constructor and first read, which loads the files) against reading and
 * parsing the same files, alternating, `repetitions` times each. The floor parses the snapshot
 * as JSON and each journal line's JSON payload (no checksum, no validation, nothing applied).
 */
async function measureOpen(file: string, repetitions: number): Promise<OpenResult> {
  const files = await storeFiles(file);
  let size = 0;
  for (const f of files) size += (await stat(f)).size;
  const opens: number[] = [];
  const floors: number[] = [];
  let sink = 0;
  const floor = async (): Promise<void> => {
    const snapshot = JSON.parse(await readFile(files[0] as string, 'utf8')) as { keys?: object };
    sink += snapshot.keys === undefined ? 0 : 1;
    if (files.length > 1) {
      // Each journal line is `<length> <crc32> <JSON payload>`: parse every payload, nothing more.
      for (const line of (await readFile(files[1] as string, 'utf8')).split('\n')) {
        const start = line.indexOf(' ', line.indexOf(' ') + 1) + 1;
        if (start > 0) sink += (JSON.parse(line.slice(start)) as object) === null ? 0 : 1;
      }
    }
  };
  const open = async (): Promise<FileKeyValueStore> => {
    const store = new FileKeyValueStore({ file });
    await store.read(secretPath(0));
    return store;
  };
  for (let r = 0; r < repetitions; r++) {
    for (const which of r % 2 === 0 ? (['floor', 'kv2'] as const) : (['kv2', 'floor'] as const)) {
      collectGarbage();
      const t = performance.now();
      if (which === 'floor') {
        await floor();
        floors.push(performance.now() - t);
      } else {
        const store = await open();
        opens.push(performance.now() - t);
        // Only closes a reader: the instance wrote nothing, so this is not part of opening.
        await store.close();
      }
    }
  }
  if (sink < 0) throw new Error('unreachable');
  return { files: files.length > 1 ? 'snapshot + journal' : 'snapshot', bytes: size, open: summarise(opens), floor: summarise(floors) };
}

async function measureSize(folder: string, secrets: number, quick: boolean, measureOpens: boolean): Promise<SizeResult> {
  const file = join(folder, `store-${secrets}.json`);
  const setup = new FileKeyValueStore({ file });
  // One atomic step, not `secrets` writes.
  await setup.importDocument(storeDocument(secrets));
  await setup.close();

  const store = new FileKeyValueStore({ file });
  await store.read(secretPath(0));
  const floorFile = await AppendFloor.open(join(folder, `append-floor-${secrets}.log`));
  let writes: Map<string, Summary>;
  try {
    writes = await measure(
      [
        { name: 'floor', run: () => floorFile.append() },
        { name: 'kv2', run: (i: number) => store.write(secretPath(spread(i, secrets)), smallSecret(i)) },
      ],
      { batch: 1, rounds: quick ? 2 : 3, timeMs: quick ? 200 : 500, minSamples: 5 },
    );
  } finally {
    await floorFile.close();
  }
  const opens: OpenResult[] = [];
  const repetitions = quick ? 2 : 5;
  // With the writer still open, whatever it has not compacted yet (a journal) is on disk too:
  // opening must then also replay that. Measured only when such a journal exists.
  if (measureOpens && (await storeFiles(file)).length > 1) opens.push(await measureOpen(file, repetitions));
  await store.close();
  if (measureOpens) opens.unshift(await measureOpen(file, repetitions));
  const ms = 1 / 1000;
  return { secrets, write: scaled(get(writes, 'kv2'), ms), floor: scaled(get(writes, 'floor'), ms), opens };
}

/**
 * `FileKeyValueStore` writes as the store grows to 100,000 secrets, against the floor of a
 * durable write that does not grow (append a record, fsync); and opening a large store against
 * reading and parsing its files.
 */
export async function fileScaleSection(quick: boolean): Promise<SectionReport> {
  const sizes = quick ? QUICK_SIZES : SIZES;
  const openSize = sizes.includes(OPEN_TARGET_SIZE) ? OPEN_TARGET_SIZE : (sizes[sizes.length - 1] as number);
  const folder = await mkdtemp(join(tmpdir(), 'kv2-bench-file-scale-'));
  const results: SizeResult[] = [];
  try {
    for (const secrets of sizes) {
      results.push(await measureSize(folder, secrets, quick, secrets === openSize));
      console.log(`  ${secrets} secrets done`);
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const rows: string[][] = [];
  const targets: Target[] = [];
  for (const r of results) {
    const label = r.secrets.toLocaleString('en-US');
    const ratio = r.write.median / r.floor.median;
    rows.push([
      label,
      'write',
      `${num(r.write.median)} ms`,
      range(r.write.p25, r.write.p75),
      num(r.write.p99),
      `${num(r.floor.median)} ms (append + fsync)`,
      times(ratio),
    ]);
    targets.push(ratioTarget(`File store write at ${label} secrets within ${WRITE_LIMIT}× of the append+fsync floor`, ratio, WRITE_LIMIT));
    for (const o of r.opens) {
      const openRatio = o.open.median / o.floor.median;
      rows.push([
        label,
        `open (${o.files}, ${bytes(o.bytes)})`,
        `${num(o.open.median)} ms`,
        range(o.open.p25, o.open.p75),
        num(o.open.p99),
        `${num(o.floor.median)} ms (read + parse)`,
        times(openRatio),
      ]);
      targets.push(
        ratioTarget(`Opening a store of ${label} secrets (${o.files}) within ${OPEN_LIMIT}× of reading and parsing its files`, openRatio, OPEN_LIMIT),
      );
    }
  }
  const small = results[0] as SizeResult;
  const large = results[results.length - 1] as SizeResult;
  const notes = [
    `Write cost from ${small.secrets} to ${large.secrets.toLocaleString('en-US')} secrets: ${times(large.write.median / small.write.median)} ` +
      `(${results.map((r) => `${num(r.write.median)} ms`).join(', ')}); the append floor: ${results.map((r) => `${num(r.floor.median)} ms`).join(', ')}.`,
  ];
  return {
    title: 'File store at scale',
    intro:
      `\`FileKeyValueStore\` (plain JSON, default settings) holding ${sizes.map((s) => s.toLocaleString('en-US')).join(', ')} small secrets, ` +
      'one version each, max_versions 1 (so a write replaces a version and the store keeps its size), filled with one `importDocument`. ' +
      'Writes spread over all keys, one at a time, no other process, each sample one write. Write floor: append a ' +
      `${APPEND_RECORD_BYTES}-byte record to a file that stays open and fsync it, timed in alternating rounds with the writes: the cost ` +
      'of one durable change that does not grow with the store. Open: a new store and its first read (which loads the files), ' +
      `${quick ? 2 : 5} times, alternating with the floor: reading the store's files, \`JSON.parse\` of the snapshot and of each journal ` +
      "line's payload (no checksum, validation or replay). Opened once after the writer closed and, when the " +
      "writer's journal was on disk before it closed, once more while it was.",
    headers: ['secrets', 'operation', 'median', 'p25–p75', 'p99', 'floor median', 'ratio'],
    rows,
    notes,
    targets,
  };
}
