import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import type { FileStoreStep } from '../src/file/test-hooks.js';
import { spawnWorker } from './fixtures/spawn-worker.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

// A writer killed at each named point of a group commit and of a compaction (the worker kills
// itself there, so every point is hit exactly): whatever it acknowledged is there afterwards,
// the store opens, and what the killed writer left behind is cleaned up by the next writer.
const STEPS: FileStoreStep[] = ['before-append', 'after-append', 'before-snapshot-rename', 'after-snapshot', 'after-journal'];

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

// The snapshot's first write (before-snapshot-rename, occurrence 1) is the store's creation.
const CASES = [
  ...STEPS.flatMap((step) => [1, 3].map((occurrence) => ({ step, occurrence }))),
  { step: 'before-snapshot-rename' as const, occurrence: 2 },
];

describe('FileKeyValueStore when a writer is killed inside a commit or a compaction', () => {
  it.each(CASES)('killed at $step (occurrence $occurrence): every acknowledged write survives and the store opens', async ({ step, occurrence }) => {
    const file = join(dir, `store-${step}-${occurrence}.json`);
    // keepMs 0: the killed writer's lock is not kept beyond its commit, so the recovery below does not wait for it to go stale.
    const lock = { staleMs: 2000, updateMs: 1000, keepMs: 0 };
    const worker = spawnWorker('batches', { file, step, occurrence, lock });
    expect(await worker.exited).toBe('SIGKILL');
    const acknowledged = worker.lines.filter((line) => line.startsWith('ack ')).map((line) => line.slice(4));
    // Compactions happen after groups 2, 5, 8…: a kill inside one comes after at least three acknowledged groups.
    if (step === 'before-snapshot-rename' && occurrence === 1) expect(acknowledged).toEqual([]);
    else if (step !== 'before-append' && step !== 'after-append') expect(acknowledged.length).toBeGreaterThanOrEqual(24);

    const store = new FileKeyValueStore({ file, lock });
    for (const key of acknowledged) {
      const [group, i] = /^g(\d+)\/(\d+)$/.exec(key)?.slice(1).map(Number) ?? [];
      expect((await store.read(key)).data).toEqual({ group, i, pad: 'x'.repeat(200) });
    }
    // The next writer sweeps temporary files the killed one left, and a clean close leaves one plain file.
    await store.write('after', { ok: true });
    expect((await readdir(dir)).filter((name) => name.startsWith(`.store-${step}-${occurrence}`))).toEqual([]);
    await store.close();
    expect((await readdir(dir)).filter((name) => name.startsWith(`store-${step}-${occurrence}`))).toEqual([`store-${step}-${occurrence}.json`]);
    const snapshot = JSON.parse(await readFile(file, 'utf8')) as { keys: Record<string, unknown> };
    for (const key of acknowledged) expect(Object.hasOwn(snapshot.keys, key)).toBe(true);
  });
});
