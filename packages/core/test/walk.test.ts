import { describe, expect, it } from 'vitest';
import { CORE_ONLY, type StoreCapabilities } from '../src/capabilities.js';
import { SecretNotFoundError } from '../src/errors.js';
import type { OperationArgs, OperationResults } from '../src/operations.js';
import { BaseKeyValueStore } from '../src/store.js';
import { deleteKeysUnder, walkKeys } from '../src/walk.js';

/** Keys in a sorted set; list() derives folders from them; deleteMetadata removes one. */
class KeySetStore extends BaseKeyValueStore {
  readonly keys: Set<string>;
  constructor(keys: string[]) {
    super();
    this.keys = new Set(keys);
  }
  override get capabilities(): StoreCapabilities {
    return { ...CORE_ONLY, extensions: true };
  }
  protected override async _list({ path }: OperationArgs['list']): Promise<OperationResults['list']> {
    const prefix = path === '' ? '' : `${path}/`;
    const names = new Set<string>();
    for (const key of this.keys) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      names.add(rest.includes('/') ? `${rest.slice(0, rest.indexOf('/'))}/` : rest);
    }
    return [...names].sort();
  }
  protected override async _deleteMetadata({ path }: OperationArgs['deleteMetadata']): Promise<void> {
    this.keys.delete(path);
  }
  protected override _read({ path }: OperationArgs['read']): Promise<OperationResults['read']> {
    return Promise.reject(new SecretNotFoundError(path));
  }
  protected override _write(): Promise<OperationResults['write']> {
    return Promise.reject(new Error('not used'));
  }
  protected override async _delete(): Promise<void> {}
  protected override async _undelete(): Promise<void> {}
  protected override async _destroy(): Promise<void> {}
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('walkKeys', () => {
  const keys = ['a', 'a/b', 'a/b/c', 'a/d', 'z', 'y/x'];

  it('yields every leaf as a full path, depth-first in list order', async () => {
    const store = new KeySetStore(keys);
    expect(await collect(walkKeys(store))).toEqual(['a', 'a/b', 'a/b/c', 'a/d', 'y/x', 'z']);
  });

  it('walks one folder, given with or without its trailing slash; an empty folder yields nothing', async () => {
    const store = new KeySetStore(keys);
    expect(await collect(walkKeys(store, 'a'))).toEqual(['a/b', 'a/b/c', 'a/d']);
    expect(await collect(walkKeys(store, 'a/'))).toEqual(['a/b', 'a/b/c', 'a/d']);
    expect(await collect(walkKeys(store, 'nothing'))).toEqual([]);
  });
});

describe('deleteKeysUnder', () => {
  it('deletes every key below the folder and nothing else, and counts them', async () => {
    const store = new KeySetStore(['a', 'a/b', 'a/b/c', 'a/d', 'ab']);
    expect(await deleteKeysUnder(store, 'a')).toBe(3);
    expect([...store.keys].sort()).toEqual(['a', 'ab']);
    expect(await deleteKeysUnder(store)).toBe(2);
    expect(store.keys.size).toBe(0);
  });
});
