import { setTimeout as sleep } from 'node:timers/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PermissionDeniedError, StoreUnavailableError, type BaseKeyValueStore } from '@kv2/core';
import { MemoryKeyValueStore, type StoreDocument } from '@kv2/local';
import { createServer, type KvServer } from '@kv2/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONCURRENCY, ItemFailedError, Limiter, mapBounded } from '../src/concurrency.js';
import { kv2InProcess, removeTempDir, tempDir } from './helpers.js';

const TOKEN = 'transfer-concurrency-test-token';
const KEYS = 40;

/**
 * A memory store behind a kv2 server that counts the store calls in flight (each HTTP request
 * makes one) and keeps the largest count seen. Every call waits a few milliseconds first, so that
 * requests a client sends side by side really overlap in the server.
 */
class CountingStore {
  readonly inner = new MemoryKeyValueStore();
  inFlight = 0;
  maxInFlight = 0;
  calls = 0;
  /** Every call, as `method path`. */
  log: string[] = [];
  /**
   * A call `(method, path)` to refuse, as a server refuses a token that may not do it (true), or
   * to fail with the given error.
   */
  refuse: ((method: string, path: unknown) => boolean | Error) | undefined;

  asStore(): BaseKeyValueStore {
    return new Proxy(this.inner, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function' || property === 'close') return value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          this.calls++;
          this.log.push(`${String(property)} ${String(args[0])}`);
          this.inFlight++;
          this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
          try {
            await sleep(3);
            const refusal = this.refuse?.(String(property), args[0]);
            if (refusal instanceof Error) throw refusal;
            if (refusal === true) throw new PermissionDeniedError('refused by the test');
            return await method.apply(target, args);
          } finally {
            this.inFlight--;
          }
        };
      },
    });
  }

  reset(): void {
    this.maxInFlight = 0;
    this.calls = 0;
    this.log = [];
    this.refuse = undefined;
  }
}

function keyPath(i: number): string {
  return `app/folder-${i % 4}/key-${String(i).padStart(3, '0')}`;
}

/** A snapshot of {@link KEYS} keys; every fifth has three versions (the last one soft-deleted on key 0). */
async function snapshot(): Promise<StoreDocument> {
  const source = new MemoryKeyValueStore();
  for (let i = 0; i < KEYS; i++) {
    const versions = i % 5 === 0 ? 3 : 1;
    for (let v = 1; v <= versions; v++) await source.write(keyPath(i), { n: String(i), v: String(v) });
  }
  await source.delete(keyPath(0), { versions: [3] });
  return source.exportDocument();
}

describe('kv2 import / export against a server: -concurrency', () => {
  let dir: string;
  let counting: CountingStore;
  let server: KvServer;
  let env: Record<string, string>;
  let document: StoreDocument;

  beforeAll(async () => {
    dir = await tempDir();
    document = await snapshot();
    await writeFile(join(dir, 'snap.json'), JSON.stringify(document));
    counting = new CountingStore();
    server = createServer({ store: counting.asStore(), token: TOKEN });
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
    env = { BAO_ADDR: url, BAO_TOKEN: TOKEN };
  });
  afterAll(async () => {
    await server.close();
    await removeTempDir(dir);
  });
  afterEach(() => counting.reset());

  it('import keeps at most N requests in flight, more than one, and imports every key and version in order', async () => {
    const result = await kv2InProcess(['import', '-concurrency', '4', 'snap.json'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Imported ${KEYS} keys (56 versions written as new versions)`);
    expect(counting.maxInFlight).toBeLessThanOrEqual(4);
    expect(counting.maxInFlight).toBeGreaterThan(1);
    expect(counting.inFlight).toBe(0);
    const store = counting.inner;
    for (let i = 0; i < KEYS; i++) {
      const metadata = await store.readMetadata(keyPath(i));
      expect(metadata.currentVersion).toBe(i % 5 === 0 ? 3 : 1);
      if (i !== 0) expect((await store.read(keyPath(i))).data).toEqual({ n: String(i), v: String(metadata.currentVersion) });
    }
    // Each key's writes stayed in order: the soft-deleted last version is the one deleted again.
    expect((await store.readMetadata(keyPath(0))).versions[3]?.deletionTime).not.toBeNull();
    expect((await store.read(keyPath(0), { version: 2 })).data).toEqual({ n: '0', v: '2' });
  });

  it('the default keeps up to 16 requests in flight; keys that exist get new versions on top', async () => {
    // One key as a plain data write leaves it: versions, but metadata never written (its metadata version is 0).
    await counting.inner.deleteMetadata(keyPath(3));
    await counting.inner.write(keyPath(3), { old: 'yes' });
    expect((await counting.inner.readMetadata(keyPath(3))).currentMetadataVersion).toBe(0);
    counting.reset();
    const result = await kv2InProcess(['import', 'snap.json'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(DEFAULT_CONCURRENCY).toBe(16);
    expect(counting.maxInFlight).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    expect(counting.maxInFlight).toBeGreaterThan(4);
    const store = counting.inner;
    expect((await store.readMetadata(keyPath(3))).currentVersion).toBe(2);
    expect((await store.read(keyPath(3))).data).toEqual({ n: '3', v: '1' });
    expect((await store.read(keyPath(3), { version: 1 })).data).toEqual({ old: 'yes' });
    for (const i of [1, 5, 10]) {
      const versions = i % 5 === 0 ? 3 : 1;
      expect((await store.readMetadata(keyPath(i))).currentVersion).toBe(2 * versions);
      expect((await store.read(keyPath(i))).data).toEqual({ n: String(i), v: String(versions) });
    }
  });

  it("a key the server has with metadata only (no versions) gets the snapshot's settings, not its own", async () => {
    // A data write with cas 0 succeeds on such a key, so only the listing tells it from a new one.
    const key = keyPath(7);
    await counting.inner.deleteMetadata(key);
    await counting.inner.writeMetadata(key, { maxVersions: 1, deleteVersionAfter: 3600, customMetadata: { owner: 'old' } });
    expect((await counting.inner.readMetadata(key)).currentVersion).toBe(0);
    const result = await kv2InProcess(['import', 'snap.json'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    const metadata = await counting.inner.readMetadata(key);
    expect([metadata.maxVersions, metadata.deleteVersionAfter, metadata.customMetadata]).toEqual([0, 0, null]);
    expect((await counting.inner.read(key)).data).toEqual({ n: '7', v: '1' });
  });

  it('export keeps at most N requests in flight and writes the same snapshot as one at a time', async () => {
    const parallel = await kv2InProcess(['export', '-concurrency=3'], { cwd: dir, env });
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(counting.maxInFlight).toBeLessThanOrEqual(3);
    expect(counting.maxInFlight).toBeGreaterThan(1);
    counting.reset();
    const serial = await kv2InProcess(['export', '-concurrency=1'], { cwd: dir, env });
    expect(serial.code, serial.stderr).toBe(0);
    expect(counting.maxInFlight).toBe(1);
    expect(parallel.stdout).toBe(serial.stdout);
    const exported = JSON.parse(parallel.stdout) as StoreDocument;
    expect(Object.keys(exported.keys)).toEqual(Array.from({ length: KEYS }, (_, i) => keyPath(i)).sort());
  });

  it('a refused request stops the import cleanly and names the key', async () => {
    counting.refuse = (method, path) => method === 'write' && path === keyPath(17);
    const result = await kv2InProcess(['import', '-concurrency=4', 'snap.json'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`import failed at "${keyPath(17)}" on the server`);
    expect(result.stderr).toContain('refused by the test');
    expect(result.stderr).toMatch(/; \d+ keys were imported before it stopped, the rest were not/);
    // Stopped cleanly: nothing in flight when the command returned, and nothing sent after it.
    expect(counting.inFlight).toBe(0);
    const calls = counting.calls;
    await sleep(20);
    expect(counting.calls).toBe(calls);
  });

  it('folders the token may not list are imported the one-request way; a listing that fails stops the import before any write', async () => {
    for (let i = 0; i < KEYS; i++) await counting.inner.deleteMetadata(keyPath(i));
    counting.reset();
    counting.refuse = (method) => method === 'list';
    const allowed = await kv2InProcess(['import', 'snap.json'], { cwd: dir, env });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(counting.log.filter((call) => call.startsWith('list '))).toHaveLength(4);
    expect(counting.log.filter((call) => call.startsWith('writeMetadata '))).toEqual([]);
    expect((await counting.inner.readMetadata(keyPath(5))).currentVersion).toBe(3);
    counting.reset();
    counting.refuse = (method, path) =>
      method === 'list' && path === 'app/folder-2/' ? new StoreUnavailableError('the disk is away', 'store_inaccessible') : false;
    const failed = await kv2InProcess(['import', 'snap.json'], { cwd: dir, env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('import failed at "app/folder-2/" on the server');
    expect(failed.stderr).toContain('0 keys were imported before it stopped');
    expect(counting.log.filter((call) => !call.startsWith('list '))).toEqual([]);
  });

  it('a failed read stops the export, writes nothing and names the key', async () => {
    counting.refuse = (method, path) => method === 'read' && path === keyPath(9);
    const result = await kv2InProcess(['export', '-concurrency=4'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`export failed at "${keyPath(9)}" on the server`);
    expect(counting.inFlight).toBe(0);
    counting.refuse = (method, path) => method === 'list' && path === 'app/folder-2/';
    const listing = await kv2InProcess(['export', '-concurrency=4'], { cwd: dir, env });
    expect(listing.code).toBe(1);
    expect(listing.stdout).toBe('');
    expect(listing.stderr).toContain('export failed at "app/folder-2/" on the server');
    expect(counting.inFlight).toBe(0);
  });

  it('refuses a bad -concurrency as a usage error, before doing anything', async () => {
    for (const value of ['0', '-1', '257', 'abc', '1.5']) {
      for (const command of ['import', 'export']) {
        const args = command === 'import' ? ['import', `-concurrency=${value}`, 'snap.json'] : ['export', `-concurrency=${value}`];
        const result = await kv2InProcess(args, { cwd: dir, env });
        expect(result.code, `${command} -concurrency=${value}`).toBe(2);
        expect(result.stderr).toMatch(/-concurrency/);
      }
    }
    expect(counting.calls).toBe(0);
  });
});

describe('mapBounded', () => {
  it('returns results in input order whatever order they finish in, with at most `limit` running', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const results = await mapBounded(
      [5, 1, 4, 2, 3, 0, 2, 1],
      3,
      async (ms, index) => {
        running++;
        most = Math.max(most, running);
        await sleep(ms * 2);
        running--;
        return index * 10;
      },
      String,
      (_item, completed) => done.push(completed),
    );
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('starts nothing after a failure, waits for what runs, and throws the failure of the lowest index', async () => {
    const started: number[] = [];
    let running = 0;
    const failure = mapBounded(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (i) => {
        started.push(i);
        running++;
        try {
          await sleep(i === 1 ? 15 : 5);
          if (i === 1 || i === 2) throw new StoreUnavailableError(`item ${i} failed`, 'store_locked');
          return i;
        } finally {
          running--;
        }
      },
      (i) => `item-${i}`,
    );
    const error = await failure.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemFailedError);
    expect((error as ItemFailedError).label).toBe('item-1');
    expect((error as ItemFailedError).index).toBe(1);
    expect(StoreUnavailableError.is((error as ItemFailedError).cause)).toBe(true);
    expect(running).toBe(0);
    expect(started.length).toBeLessThan(20);
  });
});

describe('Limiter', () => {
  it('keeps at most `limit` calls running, and after stop() starts no waiting call', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    let ran = 0;
    const task = (): Promise<void> =>
      limiter.run(async () => {
        ran++;
        running++;
        most = Math.max(most, running);
        await sleep(5);
        running--;
      });
    await Promise.all(Array.from({ length: 6 }, task));
    expect(most).toBe(2);
    expect(ran).toBe(6);
    const pending = Array.from({ length: 6 }, () =>
      task().then(
        () => 'ran',
        () => 'refused',
      ),
    );
    await limiter.stop(new Error('stop'));
    expect(running).toBe(0);
    const outcomes = await Promise.all(pending);
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(4);
    await expect(task()).rejects.toThrow('stop');
  });
});
