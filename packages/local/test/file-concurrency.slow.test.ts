import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import { spawnWorker, type Worker } from './fixtures/spawn-worker.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

const PROCESSES = 4;
const INCREMENTS = 200;

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** Starts the workers, waits until all are ready, then lets them go at once. */
async function runTogether(workers: Worker[]): Promise<number> {
  await Promise.all(workers.map((w) => w.waitFor((line) => line === 'ready')));
  const started = performance.now();
  for (const w of workers) w.child.stdin.write('go\n');
  const codes = await Promise.all(workers.map((w) => w.exited));
  const elapsed = performance.now() - started;
  for (const w of workers) expect(w.stderr()).toBe('');
  expect(codes).toEqual(workers.map(() => 0));
  return elapsed;
}

describe('FileKeyValueStore across processes', () => {
  it(`${PROCESSES} processes × ${INCREMENTS} check-and-set increments of one counter lose nothing`, async () => {
    const file = join(dir, 'store.json');
    const workers = Array.from({ length: PROCESSES }, () => spawnWorker('increment', { file, path: 'counter', count: INCREMENTS }));
    const elapsed = await runTogether(workers);

    const total = PROCESSES * INCREMENTS;
    // Every acknowledged version is distinct: no two increments claimed the same version.
    const acks = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4))));
    expect(acks).toHaveLength(total);
    expect(new Set(acks).size).toBe(total);
    expect(Math.max(...acks)).toBe(total);

    const store = new FileKeyValueStore({ file });
    const counter = await store.read<{ count: number }>('counter');
    expect(counter.data.count).toBe(total);
    expect(counter.metadata.version).toBe(total);
    expect((await store.readMetadata('counter')).currentVersion).toBe(total);
    await store.close();
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { keys: Record<string, { currentVersion: number }> };
    expect(onDisk.keys['counter']?.currentVersion).toBe(total);

    const attempts = workers.reduce((sum, w) => sum + Number(w.lines.find((l) => l.startsWith('done '))?.slice(5)), 0);
    console.info(
      `[file-store] ${total} CAS increments by ${PROCESSES} processes in ${elapsed.toFixed(0)} ms: ` +
        `${((total / elapsed) * 1000).toFixed(0)} increments/s, ${attempts} write attempts (${attempts - total} CAS retries)`,
    );
  });

  it('writers on different paths, interleaved, lose no write', async () => {
    const file = join(dir, 'store.json');
    const count = 100;
    const workers = Array.from({ length: PROCESSES }, (_, p) => spawnWorker('paths', { file, prefix: `w${p}`, count }));
    const elapsed = await runTogether(workers);

    const store = new FileKeyValueStore({ file });
    for (let p = 0; p < PROCESSES; p++) {
      const names = await store.list(`w${p}`);
      expect(names).toHaveLength(count);
      for (let i = 0; i < count; i++) {
        const secret = await store.read(`w${p}/${i}`);
        expect(secret.data).toEqual({ i });
        expect(secret.metadata.version).toBe(1);
      }
    }
    await store.close();
    console.info(
      `[file-store] ${PROCESSES * count} writes to distinct paths by ${PROCESSES} processes in ${elapsed.toFixed(0)} ms: ${((PROCESSES * count * 1000) / elapsed).toFixed(0)} writes/s`,
    );
  });
});
