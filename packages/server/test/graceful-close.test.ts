import type { VersionMetadata, WriteOptions } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { describe, expect, it } from 'vitest';
import { createServer } from '../src/index.js';
import { TOKEN } from './helpers.js';

/** A memory store whose writes wait until released, and which records when it was closed. */
class SlowStore extends MemoryKeyValueStore {
  release!: () => void;
  readonly started: Promise<void>;
  #markStarted!: () => void;
  readonly #gate: Promise<void>;
  closedAt: 'before-write-finished' | 'after-write-finished' | null = null;
  #writeFinished = false;

  constructor() {
    super();
    this.started = new Promise((resolve) => (this.#markStarted = resolve));
    this.#gate = new Promise((resolve) => (this.release = resolve));
  }

  override async write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    this.#markStarted();
    await this.#gate;
    const result = await super.write(path, data, options);
    this.#writeFinished = true;
    return result;
  }

  override async close(): Promise<void> {
    this.closedAt = this.#writeFinished ? 'after-write-finished' : 'before-write-finished';
    await super.close();
  }
}

describe('graceful close', () => {
  it('finishes an in-flight write, answers it, then closes the store', async () => {
    const store = new SlowStore();
    const server = createServer({ store, token: TOKEN });
    const { url } = await server.listen({ port: 0 });
    const pending = fetch(`${url}/v1/secret/data/slow`, {
      method: 'POST',
      headers: { 'X-Vault-Token': TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { acknowledged: true } }),
    });
    await store.started;
    const closing = server.close();
    // New connections are refused once close() has begun.
    await expect(fetch(`${url}/v1/sys/health`)).rejects.toThrow();
    store.release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { data: { version: number } }).data.version).toBe(1);
    await closing;
    await server.closed;
    expect(store.closedAt).toBe('after-write-finished');
    expect((await store.read('slow')).data).toEqual({ acknowledged: true });
  });

  it('closes idle keep-alive connections and can be called twice', async () => {
    const server = createServer({ store: new MemoryKeyValueStore(), token: TOKEN, closeStores: false });
    const { url } = await server.listen({ port: 0 });
    expect((await fetch(`${url}/v1/sys/health`)).status).toBe(200);
    await Promise.all([server.close(), server.close()]);
    await expect(server.listen({ port: 0 })).rejects.toThrow('closed');
  });

  it('refuses bad options with a typed error', () => {
    const store = new MemoryKeyValueStore();
    expect(() => createServer({ store, token: '' })).toThrow('token must be a non-empty string');
    expect(() => createServer({ token: TOKEN })).toThrow('exactly one of');
    expect(() => createServer({ token: TOKEN, mounts: { sys: store } })).toThrow('reserved');
    expect(() => createServer({ token: TOKEN, mounts: { a: store, 'a/b': store } })).toThrow('overlap');
    expect(() => createServer({ token: TOKEN, store, maxRequestBytes: 0 })).toThrow('maxRequestBytes');
  });
});
