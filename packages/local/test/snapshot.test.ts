import { InvalidRequestError } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../src/memory-store.js';

async function seeded(): Promise<MemoryKeyValueStore> {
  let tick = Date.parse('2026-01-01T00:00:00Z');
  const store = new MemoryKeyValueStore({ now: () => new Date((tick += 1000)), config: { maxVersions: 3 } });
  await store.write('app/db', { user: 'u', password: 'p1' });
  await store.write('app/db', { user: 'u', password: 'p2' });
  await store.delete('app/db', { versions: [2] });
  await store.write('app/db', { user: 'u', password: 'p3' });
  await store.destroy('app/db', { versions: [1] });
  await store.writeMetadata('app/api', { customMetadata: { team: 'payments' }, maxVersions: 5 });
  await store.write('top', { n: 1, nested: { list: [1, 2] } });
  return store;
}

describe('exportDocument / importDocument', () => {
  it('round-trips every version, state, timestamp and setting into a fresh store', async () => {
    const source = await seeded();
    const snapshot = await source.exportDocument();
    const target = new MemoryKeyValueStore();
    expect(await target.importDocument(JSON.parse(JSON.stringify(snapshot)))).toEqual({ keys: 3 });
    expect(await target.exportDocument()).toEqual(snapshot);
    expect(await target.readMetadata('app/db')).toEqual(await source.readMetadata('app/db'));
    expect(await target.read('app/db')).toEqual(await source.read('app/db'));
    expect(await target.readConfig()).toEqual({ maxVersions: 3, casRequired: false, metadataCasRequired: false, deleteVersionAfter: 0 });
  });

  it('keeps only the current version with latestOnly', async () => {
    const snapshot = await (await seeded()).exportDocument({ latestOnly: true });
    expect(Object.keys(snapshot.keys['app/db']!.versions)).toEqual(['3']);
    expect(snapshot.keys['app/api']!.versions).toEqual({});
  });

  it('is a copy: changing the snapshot or the store afterwards does not affect the other', async () => {
    const store = await seeded();
    const snapshot = await store.exportDocument();
    snapshot.keys['top']!.versions['1']!.data = { changed: true };
    await store.write('top', { n: 2 });
    expect((await store.read('top', { version: 1 })).data).toEqual({ n: 1, nested: { list: [1, 2] } });
    expect(snapshot.keys['top']!.currentVersion).toBe(1);
  });

  it('replaces by default and merges on request', async () => {
    const snapshot = await (await seeded()).exportDocument();
    const replaced = new MemoryKeyValueStore();
    await replaced.write('only-here', { x: 1 });
    await replaced.importDocument(snapshot);
    expect(await replaced.list('')).toEqual(['app/', 'top']);
    const merged = new MemoryKeyValueStore();
    await merged.write('only-here', { x: 1 });
    await merged.importDocument(snapshot, { mode: 'merge' });
    expect(await merged.list('')).toEqual(['app/', 'only-here', 'top']);
  });

  it('rejects a bad snapshot as a whole and changes nothing', async () => {
    const store = await seeded();
    const before = await store.exportDocument();
    const bad = JSON.parse(JSON.stringify(before)) as { keys: Record<string, { currentVersion: unknown }> };
    bad.keys['top']!.currentVersion = 'one';
    await expect(store.importDocument(bad)).rejects.toSatisfy((e) => InvalidRequestError.is(e) && e.code === 'invalid_data');
    await expect(store.importDocument({ ...before, keys: { ok: before.keys['top'], 'bad/': before.keys['top'] } })).rejects.toThrow(/canonical/);
    await expect(
      store.importDocument({
        ...before,
        keys: { x: { ...before.keys['top'], versions: { 1: { createdTime: new Date(), deletionTime: null, destroyed: false, data: {} } } } },
      }),
    ).rejects.toThrow(InvalidRequestError);
    expect(await store.exportDocument()).toEqual(before);
  });
});
