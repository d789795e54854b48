import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KvError } from '@kv2/core';
import { FileKeyValueStore, MemoryKeyValueStore } from '../src/index.js';
import { encodeFrame, scanFrames } from '../src/file/journal-frames.js';
import { setFileStoreStepHook } from '../src/file/test-hooks.js';
import { spawnWorker } from './fixtures/spawn-worker.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

let dir: string;
let file: string;
let journal: string;
beforeEach(async () => {
  dir = await makeTempDir();
  file = join(dir, 'store.json');
  journal = `${file}.journal`;
});
afterEach(async () => {
  await removeTempDir(dir);
});

const NOW = new Date('2026-01-01T00:00:00.000Z');

async function bytesOf(...paths: string[]): Promise<Buffer[]> {
  return Promise.all(paths.map((path) => readFile(path)));
}

describe('journal frames', () => {
  it('round-trip, and a torn or bad last frame is reported as an incomplete tail, not an error', () => {
    const frames = [encodeFrame('{"a":1}'), encodeFrame('{"b":"ü"}')];
    const whole = Buffer.concat(frames);
    expect(scanFrames(whole)).toEqual({
      frames: [
        { payload: '{"a":1}', end: frames[0]?.length },
        { payload: '{"b":"ü"}', end: whole.length },
      ],
      end: whole.length,
      incompleteTail: false,
    });
    for (let cut = 1; cut < (frames[1]?.length ?? 0); cut++) {
      const torn = scanFrames(whole.subarray(0, whole.length - cut));
      expect(torn.frames.map((f) => f.payload)).toEqual(['{"a":1}']);
      expect(torn.incompleteTail).toBe(true);
    }
    const flipped = Buffer.from(whole);
    flipped.writeUInt8((flipped.at(-3) ?? 0) ^ 1, whole.length - 3);
    expect(scanFrames(flipped)).toMatchObject({ end: frames[0]?.length, incompleteTail: true });
  });

  it('a damaged frame followed by an intact one is an error', () => {
    const first = encodeFrame('{"a":1}');
    const damaged = Buffer.concat([first, encodeFrame('{"b":2}'), encodeFrame('{"c":3}')]);
    damaged.writeUInt8((damaged.at(first.length + 12) ?? 0) ^ 1, first.length + 12);
    expect(() => scanFrames(damaged)).toThrow(/damaged record at byte/);
  });
});

describe('FileKeyValueStore journal', () => {
  it('a write appends one record to the journal and leaves the snapshot alone; close folds it in', async () => {
    const store = new FileKeyValueStore({ file });
    await store.list('');
    const snapshot = await readFile(file);
    await store.write('a', { v: 1 });
    await store.write('b', { v: 2 });
    expect(await readFile(file)).toEqual(snapshot);
    const lines = (await readFile(journal, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3); // the header and two commits
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(['store.json']);
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { journalSeq: number; keys: object };
    expect(onDisk.journalSeq).toBe(2);
    expect(Object.keys(onDisk.keys)).toEqual(['a', 'b']);
  });

  it('writes issued together go in one record with one fsync, each seeing the one before it', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('counter', { n: 0 });
    const before = (await readFile(journal, 'utf8')).split('\n').length;
    const results = await Promise.allSettled([
      store.write('counter', { n: 1 }, { cas: 1 }),
      store.write('counter', { n: 2 }, { cas: 1 }), // lost the race: the first one made it version 2
      store.write('counter', { n: 3 }, { cas: 2 }),
      store.write('other', { x: 1 }),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.version : (r.reason as KvError).code))).toEqual([2, 'cas_mismatch', 3, 1]);
    expect((await readFile(journal, 'utf8')).split('\n').length).toBe(before + 1);
    expect((await store.read('counter')).data).toEqual({ n: 3 });
    await store.close();
  });

  it('a failed append fails every caller of the group and changes nothing', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('a', { v: 1 });
    const before = await bytesOf(file, journal);
    setFileStoreStepHook(store, (step) => {
      if (step === 'before-append') throw new Error('disk full');
    });
    const results = await Promise.allSettled([store.write('a', { v: 2 }), store.write('b', { v: 1 }), store.write('a', { v: 3 }, { cas: 9 })]);
    expect(results.map((r) => (r.status === 'rejected' ? String((r.reason as Error).message) : 'ok'))).toEqual([
      'disk full',
      'disk full',
      'disk full',
    ]);
    expect(await bytesOf(file, journal)).toEqual(before);
    expect((await store.read('a')).data).toEqual({ v: 1 });
    await expect(store.read('b')).rejects.toMatchObject({ code: 'secret_not_found' });
    setFileStoreStepHook(store, undefined);
    expect((await store.write('b', { v: 1 })).version).toBe(1);
    await store.close();
  });

  it('drops a torn last record on open, and the next write cuts it off before appending', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('a', { v: 1 });
    await store.write('b', { v: 2 });
    const whole = await readFile(journal);
    // A crash in the middle of the next append left part of a record.
    await appendFile(journal, encodeFrame('{"seq":3,"keys":{"c":null}}').subarray(0, 17));
    const reader = new FileKeyValueStore({ file });
    expect(await reader.list('')).toEqual(['a', 'b']);
    expect((await readFile(journal)).length).toBeGreaterThan(whole.length); // readers never write
    await reader.write('c', { v: 3 });
    const repaired = await readFile(journal);
    expect(repaired.subarray(0, whole.length)).toEqual(whole);
    expect(scanFrames(repaired).incompleteTail).toBe(false);
    const again = new FileKeyValueStore({ file });
    expect(await again.list('')).toEqual(['a', 'b', 'c']);
    await Promise.all([store.close(), reader.close(), again.close()]);
  });

  it('refuses a journal with a damaged record in the middle, and leaves both files untouched', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('a', { v: 1 });
    await store.write('b', { v: 2 });
    await store.write('c', { v: 3 });
    const text = await readFile(journal, 'utf8');
    const damaged = text.replace('"b":{"currentVersion":1', '"b":{"currentVersion":7');
    expect(damaged).not.toBe(text);
    await writeFile(journal, damaged);
    const before = await bytesOf(file, journal);
    const other = new FileKeyValueStore({ file });
    const attempts = [() => other.read('a'), () => other.write('d', { v: 4 }), () => other.list('')];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({ name: 'StoreCorruptedError', code: 'store_corrupted', file: journal });
    }
    await other.close();
    expect(await bytesOf(file, journal)).toEqual(before);
    // The store that wrote those records applied them whole and holds every acknowledged write,
    // so its compaction on close writes them into the snapshot; the damaged bytes held nothing it lacks.
    await store.close();
    const reopened = new FileKeyValueStore({ file });
    expect(await Promise.all(['a', 'b', 'c'].map(async (key) => (await reopened.read(key)).data))).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
    expect((await reopened.readMetadata('b')).currentVersion).toBe(1);
    await reopened.close();
  });

  it('refuses a journal record the snapshot could not hold (validated like the snapshot)', async () => {
    const store = new FileKeyValueStore({ file });
    await store.write('a', { v: 1 });
    await appendFile(journal, encodeFrame('{"seq":2,"keys":{"b":{"currentVersion":"x"}}}'));
    const before = await bytesOf(file, journal);
    const other = new FileKeyValueStore({ file });
    await expect(other.read('a')).rejects.toMatchObject({ code: 'store_corrupted', message: expect.stringContaining('journal record 2') as unknown });
    await other.close();
    expect(await bytesOf(file, journal)).toEqual(before);
    await store.close();
    expect(await bytesOf(file, journal)).toEqual(before);
  });

  it('compacts by itself once the journal outgrows the snapshot', async () => {
    const store = new FileKeyValueStore({ file });
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 20; i++) await store.write(`k${i % 3}`, { big, i });
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { journalSeq: number };
    expect(onDisk.journalSeq).toBeGreaterThan(0);
    expect((await stat(journal)).size).toBeLessThan(1 << 20);
    expect((await store.read('k1')).data).toEqual({ big, i: 19 });
    await store.close();
  });

  it('opens a file written before the journal existed and upgrades it on the first compaction', async () => {
    const old = {
      format: 1,
      config: { maxVersions: 0, casRequired: false, metadataCasRequired: false, deleteVersionAfter: 0 },
      keys: {
        a: {
          currentVersion: 1,
          oldestVersion: 0,
          currentMetadataVersion: 0,
          createdTime: NOW.toISOString(),
          updatedTime: NOW.toISOString(),
          maxVersions: 0,
          casRequired: false,
          metadataCasRequired: false,
          deleteVersionAfter: 0,
          customMetadata: null,
          versions: { '1': { createdTime: NOW.toISOString(), deletionTime: null, destroyed: false, data: { v: 1 } } },
        },
      },
    };
    await writeFile(file, JSON.stringify(old, null, 2), { mode: 0o600 });
    const store = new FileKeyValueStore({ file });
    expect((await store.read('a')).data).toEqual({ v: 1 });
    await store.write('b', { v: 2 });
    await store.close();
    const upgraded = JSON.parse(await readFile(file, 'utf8')) as { journalSeq: number; keys: object };
    expect(upgraded.journalSeq).toBe(1);
    expect(Object.keys(upgraded.keys)).toEqual(['a', 'b']);
  });

  it('encrypts the journal records as it encrypts the snapshot', async () => {
    const key = new Uint8Array(32).fill(9);
    const store = new FileKeyValueStore({ file, encryption: { key } });
    await store.write('db', { password: 'hunter2-in-the-journal' });
    const text = await readFile(journal, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('"encryptedData"');
    const other = new FileKeyValueStore({ file, encryption: { key } });
    expect((await other.read('db')).data).toEqual({ password: 'hunter2-in-the-journal' });
    await Promise.all([store.close(), other.close()]);
  });

  it('another instance reads only the journal tail while the snapshot is unchanged', async () => {
    const writer = new FileKeyValueStore({ file });
    for (let i = 0; i < 50; i++) await writer.write(`k/${i}`, { i });
    const reader = new FileKeyValueStore({ file });
    expect(await reader.list('k')).toHaveLength(50);
    await writer.write('k/new', { i: 'new' });
    const parse = vi.spyOn(JSON, 'parse');
    expect((await reader.read('k/new')).data).toEqual({ i: 'new' });
    // The tail's one record, not the snapshot with 50 keys.
    expect(parse).toHaveBeenCalledTimes(1);
    parse.mockRestore();
    await Promise.all([writer.close(), reader.close()]);
  });

  it('another process sees every write this one acknowledged as soon as it was acknowledged', async () => {
    const store = new FileKeyValueStore({ file });
    await store.list('');
    const worker = spawnWorker('acks', { file, prefix: 'p', count: 60 });
    const seen: number[] = [];
    for (let i = 0; i < 60; i++) {
      await worker.waitFor((line) => line === `ack ${i}`);
      seen.push(((await store.read(`p/${i}`)).data as { i: number }).i);
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(await worker.exited).toBe(0);
    await store.close();
  });
});

type Step =
  | { op: 'write'; path: string; value: number; cas?: number | undefined }
  | { op: 'patch'; path: string; value: number }
  | { op: 'delete' | 'undelete' | 'destroy'; path: string; versions: number[] }
  | { op: 'deleteMetadata'; path: string }
  | { op: 'writeMetadata'; path: string; maxVersions: number }
  | { op: 'writeConfig'; maxVersions: number; casRequired: boolean }
  | { op: 'compact' | 'reopen' };

const PATHS = ['a', 'b/c', 'b/d', '__proto__'];
const path = fc.constantFrom(...PATHS);
const versions = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 });
const mutation: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), path, value: fc.nat(99), cas: fc.option(fc.nat(4), { nil: undefined }) }) },
  fc.record({ op: fc.constant('patch' as const), path, value: fc.nat(99) }),
  fc.record({ op: fc.constantFrom('delete' as const, 'undelete' as const, 'destroy' as const), path, versions }),
  fc.record({ op: fc.constant('deleteMetadata' as const), path }),
  fc.record({ op: fc.constant('writeMetadata' as const), path, maxVersions: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('writeConfig' as const), maxVersions: fc.integer({ min: 0, max: 4 }), casRequired: fc.boolean() }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: mutation },
  fc.record({ op: fc.constantFrom('compact' as const, 'reopen' as const) }),
);

type Store = FileKeyValueStore | MemoryKeyValueStore;

async function apply(store: Store, s: Step): Promise<unknown> {
  try {
    switch (s.op) {
      case 'write':
        return await store.write(s.path, { value: s.value }, { cas: s.cas });
      case 'patch':
        return await store.patch(s.path, { patched: s.value });
      case 'delete':
      case 'undelete':
      case 'destroy':
        return await store[s.op](s.path, { versions: s.versions });
      case 'deleteMetadata':
        return await store.deleteMetadata(s.path);
      case 'writeMetadata':
        return await store.writeMetadata(s.path, { maxVersions: s.maxVersions });
      case 'writeConfig':
        return await store.writeConfig({ maxVersions: s.maxVersions, casRequired: s.casRequired });
      default:
        throw new Error(`not a mutation: ${s.op}`);
    }
  } catch (error) {
    if (KvError.is(error)) return { error: error.code };
    throw error;
  }
}

describe('FileKeyValueStore against the memory store', () => {
  it('gives the same results and state for any sequence, with compactions and reopenings anywhere', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const runFile = join(dir, `model-${run++}.json`);
        const now = (): Date => NOW;
        let store = new FileKeyValueStore({ file: runFile, now });
        const memory = new MemoryKeyValueStore({ now });
        try {
          for (const s of steps) {
            if (s.op === 'compact') {
              await store.compact();
            } else if (s.op === 'reopen') {
              await store.close();
              store = new FileKeyValueStore({ file: runFile, now });
            } else {
              expect(await apply(store, s)).toEqual(await apply(memory, s));
            }
            expect(await store.exportDocument()).toEqual(await memory.exportDocument());
          }
          // A second instance that never wrote sees the same (from the snapshot and the journal).
          const reader = new FileKeyValueStore({ file: runFile, now });
          expect(await reader.exportDocument()).toEqual(await memory.exportDocument());
          await reader.close();
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('runs concurrent callers as if one after another in the order they called, with the same results', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 30 }), fc.nat(29), async (steps, split) => {
        const runFile = join(dir, `group-${run++}.json`);
        const now = (): Date => NOW;
        const store = new FileKeyValueStore({ file: runFile, now });
        const memory = new MemoryKeyValueStore({ now });
        try {
          // Two waves: the second is issued while the first is being committed.
          const first = steps.slice(0, split);
          const second = steps.slice(split);
          const firstWave = first.map((s) => apply(store, s));
          const secondWave = second.map((s) => apply(store, s));
          const concurrent = await Promise.all([...firstWave, ...secondWave]);
          const serial: unknown[] = [];
          for (const s of steps) serial.push(await apply(memory, s));
          expect(concurrent).toEqual(serial);
          expect(await store.exportDocument()).toEqual(await memory.exportDocument());
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
