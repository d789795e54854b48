import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyValueStore, lockRecoveryBoundMs, type FileLockSettings } from '../src/index.js';
import { spawnWorker } from './fixtures/spawn-worker.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

// proper-lockfile's smallest settings keep the test short; the bound is the same formula as with the defaults.
const LOCK: FileLockSettings = { staleMs: 2000, updateMs: 1000, waitMs: 15_000, keepMs: 5 };
const KILLS = 20;
// The bound is a property of the design (stale time + mtime rounding + one retry delay); the
// slack only absorbs a loaded machine's scheduling and the recovery write itself.
const SLACK_MS = 3000;

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('FileKeyValueStore when a writer is killed', () => {
  it.each([
    { name: 'short lock settings', lock: LOCK, kills: KILLS },
    { name: 'default lock settings', lock: undefined, kills: 3 },
  ])(
    `survives $kills SIGKILLs at random moments ($name): parseable file, no acknowledged write lost, lock recovered within the bound`,
    async ({ lock, kills }) => {
      const file = join(dir, `store-${kills}.json`);
      const bound = lockRecoveryBoundMs(lock);
      const recoveries: number[] = [];
      let highest = 0;
      for (let round = 0; round < kills; round++) {
        const worker = spawnWorker('crash', { file, path: 'counter', lock });
        // Let it write for a while (it holds the lock most of that time), then kill it mid-flight.
        await worker.waitFor((line) => line.startsWith('ack '));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
        worker.child.kill('SIGKILL');
        expect(await worker.exited).toBe('SIGKILL');
        const killedAt = performance.now();
        const acknowledged = Math.max(...worker.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4))));
        expect(acknowledged).toBeGreaterThan(highest);
        highest = acknowledged;

        // The file parses as it lies on disk.
        const text = await readFile(file, 'utf8');
        expect(() => JSON.parse(text) as unknown).not.toThrow();

        // A fresh process-side store gets the lock within the bound and sees every acknowledged write.
        const store = new FileKeyValueStore({ file, lock });
        await store.write(`recovery/${round}`, { round });
        const recovery = performance.now() - killedAt;
        recoveries.push(recovery);
        expect(recovery).toBeLessThan(bound + SLACK_MS);

        const counter = await store.read<{ count: number }>('counter');
        expect(counter.metadata.version).toBeGreaterThanOrEqual(acknowledged);
        expect(counter.data.count).toBe(counter.metadata.version);
        // The killed writer's temporary file, if any, was swept by the recovery write.
        expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
        await store.close();
      }
      const sorted = [...recoveries].sort((a, b) => a - b);
      console.info(
        `[file-store] ${kills} kills (${lock === undefined ? 'default' : 'short'} lock settings); lock recovery (kill → next write done) ms: min ${sorted[0]?.toFixed(0)}, ` +
          `median ${sorted[Math.floor(kills / 2)]?.toFixed(0)}, max ${sorted[kills - 1]?.toFixed(0)}; ` +
          `bound ${bound} ms; all: ${recoveries.map((r) => r.toFixed(0)).join(' ')}`,
      );
    },
    300_000,
  );
});
