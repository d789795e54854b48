import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore, MemoryKeyValueStore } from '../src/index.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

// Writes that only give existing keys new records are written without copying the key map and
// applied to the committed document afterwards. These tests hold that path to the same results
// and the same file bytes as the memory store and the full-copy path.

const NOW = new Date('2026-01-01T00:00:00.000Z');
const PATHS = ['a', 'b/c', 'b/d', '123', '__proto__'];

type Step =
  | { op: 'write'; path: string; value: number }
  | { op: 'patch'; path: string; value: number }
  | { op: 'deleteLatest' | 'deleteMetadata'; path: string }
  | { op: 'writeMetadata'; path: string; maxVersions: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), path: fc.constantFrom(...PATHS), value: fc.nat(99) }) },
  fc.record({ op: fc.constant('patch' as const), path: fc.constantFrom(...PATHS), value: fc.nat(99) }),
  fc.record({ op: fc.constantFrom('deleteLatest' as const, 'deleteMetadata' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ op: fc.constant('writeMetadata' as const), path: fc.constantFrom(...PATHS), maxVersions: fc.integer({ min: 1, max: 3 }) }),
);

async function apply(store: FileKeyValueStore | MemoryKeyValueStore, step: Step): Promise<unknown> {
  try {
    switch (step.op) {
      case 'write':
        return await store.write(step.path, { value: step.value });
      case 'patch':
        return await store.patch(step.path, { patched: step.value });
      case 'deleteLatest':
        return await store.deleteLatest(step.path);
      case 'deleteMetadata':
        return await store.deleteMetadata(step.path);
      case 'writeMetadata':
        return await store.writeMetadata(step.path, { maxVersions: step.maxVersions });
    }
  } catch (error) {
    return { error: (error as Error).name };
  }
}

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('file store writes to existing keys', () => {
  it('give the memory store results, and the file holds exactly the document (reopened too)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
        const file = join(dir, `store-${run++}.json`);
        const now = (): Date => NOW;
        const store = new FileKeyValueStore({ file, now });
        const memory = new MemoryKeyValueStore({ now });
        try {
          for (const step of steps) {
            expect(await apply(store, step)).toEqual(await apply(memory, step));
            const doc = await store.exportDocument();
            expect(doc).toEqual(await memory.exportDocument());
            expect(await readFile(file, 'utf8')).toBe(JSON.stringify(doc, null, 2));
          }
          const reopened = new FileKeyValueStore({ file, now });
          expect(await reopened.exportDocument()).toEqual(await memory.exportDocument());
          await reopened.close();
        } finally {
          await store.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('keep readers on the committed record until the new one is durable', async () => {
    const file = join(dir, 'store.json');
    const store = new FileKeyValueStore({ file });
    await store.write('k', { v: 1 });
    const writing = store.write('k', { v: 2 });
    // Reads issued while the write is in flight see version 1 or 2 as a whole, never a mix.
    const seen = await Promise.all(Array.from({ length: 20 }, () => store.read('k')));
    for (const secret of seen) expect([1, 2]).toContain(secret.metadata.version);
    for (const secret of seen) expect(secret.data).toEqual({ v: secret.metadata.version });
    await writing;
    expect((await store.read('k')).data).toEqual({ v: 2 });
    const other = new FileKeyValueStore({ file });
    expect((await other.read('k')).data).toEqual({ v: 2 });
    await other.close();
    await store.close();
  });
});
