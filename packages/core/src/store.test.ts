import { describe, expect, it } from 'vitest';
import { CORE_ONLY } from './capabilities.js';
import { CheckAndSetError, KvError, SecretNotFoundError } from './errors.js';
import { hasKvV2Extensions } from './extensions.js';
import type { JsonObject } from './json.js';
import { BaseKeyValueStore } from './store.js';
import type { ReadOptions, Secret, VersionMetadata, WriteOptions } from './types.js';

/** The least a store can be: latest versions in a Map, with CAS; no delete semantics. */
class TinyStore extends BaseKeyValueStore {
  readonly versions = new Map<string, JsonObject[]>();
  readonly writes: { path: string; cas: number | undefined }[] = [];

  override async read<T>(path: string, options?: ReadOptions): Promise<Secret<T>> {
    const list = this.versions.get(path) ?? [];
    const version = options?.version || list.length;
    const data = list[version - 1];
    if (data === undefined) throw new SecretNotFoundError(path);
    return { data: structuredClone(data) as T, metadata: meta(version) };
  }

  override async write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    this.writes.push({ path, cas: options?.cas });
    const list = this.versions.get(path) ?? [];
    if (options?.cas !== undefined && options.cas !== list.length) throw new CheckAndSetError('cas_mismatch');
    list.push(structuredClone(data) as JsonObject);
    this.versions.set(path, list);
    return meta(list.length);
  }

  override async delete(): Promise<void> {}
  override async undelete(): Promise<void> {}
  override async destroy(): Promise<void> {}
  override async list(): Promise<string[]> {
    return [...this.versions.keys()];
  }
}

function meta(version: number): VersionMetadata {
  return { version, createdTime: new Date(0), deletionTime: null, destroyed: false, customMetadata: null };
}

describe('BaseKeyValueStore.patch (the default for adapters without a native patch)', () => {
  it('merges into the latest version and writes with cas = the version read', async () => {
    const store = new TinyStore();
    await store.write('a', { keep: 1, drop: 2, nested: { x: 1 } });
    const result = await store.patch('a', { drop: null, nested: { y: 2 }, added: true });
    expect(result.version).toBe(2);
    expect((await store.read('a')).data).toEqual({ keep: 1, nested: { x: 1, y: 2 }, added: true });
    expect(store.writes.at(-1)).toEqual({ path: 'a', cas: 1 });
  });

  it('rejects a cas that does not match the latest version, writing nothing', async () => {
    const store = new TinyStore();
    await store.write('a', { v: 1 });
    await expect(store.patch('a', { v: 2 }, { cas: 5 })).rejects.toSatisfy((e) => CheckAndSetError.is(e) && e.code === 'cas_mismatch');
    expect(store.writes).toHaveLength(1);
  });

  it('checks cas before "deleted", and validates data and cas before reading', async () => {
    const store = new TinyStore();
    await store.write('a', { v: 1 });
    const deleted = new SecretNotFoundError('a', { ...meta(1), deletionTime: new Date(0) });
    store.read = () => Promise.reject(deleted);
    await expect(store.patch('a', { v: 2 }, { cas: 7 })).rejects.toSatisfy((e) => CheckAndSetError.is(e) && e.code === 'cas_mismatch');
    await expect(store.patch('a', { v: 2 }, { cas: 1 })).rejects.toBe(deleted);
    await expect(store.patch('a', { v: 2 })).rejects.toBe(deleted);
    await expect(store.patch('a', undefined as unknown as object)).rejects.toSatisfy((e) => KvError.is(e) && e.code === 'no_data');
    await expect(store.patch('a', { v: 2 }, { cas: -1 })).rejects.toSatisfy((e) => KvError.is(e) && e.code === 'invalid_cas');
    expect(store.writes).toHaveLength(1);
  });

  it('passes not-found through from read, and rejects non-object patches before reading', async () => {
    const store = new TinyStore();
    await expect(store.patch('missing', { v: 1 })).rejects.toSatisfy((e) => SecretNotFoundError.is(e));
    await store.write('a', { v: 1 });
    await expect(store.patch('a', [1, 2])).rejects.toThrow(/must be a JSON object/);
    expect(store.writes).toHaveLength(1);
  });

  it('declares core-only capabilities and no extensions by default', async () => {
    const store = new TinyStore();
    expect(store.capabilities).toEqual(CORE_ONLY);
    expect(hasKvV2Extensions(store)).toBe(false);
    await expect(store.close()).resolves.toBeUndefined();
  });
});
