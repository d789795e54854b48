import { InvalidRequestError, SecretNotFoundError, UnsupportedOperationError, hasKvV2Extensions } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { describe, expect, it } from 'vitest';
import { behaviours, modelProperties, runConformance, scopedStore } from '../src/index.js';
import { CoreOnlyStore } from './broken-stores.js';

describe('scopedStore', () => {
  it('places every path under the prefix and lists the prefix as the top level', async () => {
    const inner = new MemoryKeyValueStore();
    const scope = scopedStore(inner, '/scratch/one/');
    expect(scope.prefix).toBe('scratch/one');
    await scope.write('/a/b', { x: 1 });
    await scope.write('c', { y: 2 });
    await inner.write('scratch/other', { z: 3 });
    expect((await inner.read('scratch/one/a/b')).data).toEqual({ x: 1 });
    expect(await scope.list('')).toEqual(['a/', 'c']);
    expect(await scope.list('/a/')).toEqual(['b']);
    expect(await inner.list('scratch')).toEqual(['one/', 'other']);
    await scope.patch('c', { y: null, w: 4 });
    expect((await scope.read('c/')).data).toEqual({ w: 4 });
    await scope.deleteLatest('c');
    expect((await inner.readMetadata('scratch/one/c')).versions[2]?.deletionTime).toBeInstanceOf(Date);
  });

  it('clear() deletes every key under the prefix and nothing else', async () => {
    const inner = new MemoryKeyValueStore();
    const scope = scopedStore(inner, 'scratch/one');
    for (const path of ['a', 'a/b', 'a/b/c', '__proto__/x', 'z']) await scope.write(path, { path });
    await scope.writeMetadata('meta-only', { maxVersions: 2 });
    await inner.write('scratch/two', { keep: true });
    await scope.clear();
    expect(await scope.list('')).toEqual([]);
    expect(await inner.list('')).toEqual(['scratch/']);
    expect(await inner.list('scratch')).toEqual(['two']);
  });

  it('reports not-found paths as the caller spelled them and checks paths before prefixing', async () => {
    const scope = scopedStore(new MemoryKeyValueStore(), 'p');
    const error: unknown = await scope.read('missing/key').catch((e: unknown) => e);
    expect(SecretNotFoundError.is(error) && error.path).toBe('missing/key');
    await expect(scope.read('')).rejects.toSatisfy((e) => InvalidRequestError.is(e));
    await expect(scope.write('a/', {})).rejects.toThrow("cannot write to a path ending in '/'");
    await expect(scope.read('../p')).rejects.toThrow('relative paths not supported');
  });

  it('copies capabilities with mountConfig false, refuses writeConfig and leaves the shared store open on close', async () => {
    const inner = new MemoryKeyValueStore();
    const scope = scopedStore(inner, 'p');
    expect(scope.capabilities).toEqual({ extensions: true, mountConfig: false, controllableClock: true });
    expect(hasKvV2Extensions(scope)).toBe(true);
    await expect(scope.writeConfig({ maxVersions: 3 })).rejects.toSatisfy((e) => UnsupportedOperationError.is(e));
    expect(await scope.readConfig()).toEqual(await inner.readConfig());
    await scope.close();
    await inner.write('still/open', { ok: true });
    const core = scopedStore(new CoreOnlyStore(), 'p');
    expect(hasKvV2Extensions(core)).toBe(false);
    await expect(core.readMetadata('x')).rejects.toSatisfy((e) => UnsupportedOperationError.is(e));
  });

  it('with allowMountConfig, reports mountConfig as the inner store does and changes the shared config', async () => {
    const inner = new MemoryKeyValueStore();
    const scope = scopedStore(inner, 'p', { allowMountConfig: true });
    expect(scope.capabilities.mountConfig).toBe(true);
    await scope.writeConfig({ maxVersions: 3 });
    expect((await inner.readConfig()).maxVersions).toBe(3);
    const overCore = scopedStore(new CoreOnlyStore(), 'p', { allowMountConfig: true });
    expect(overCore.capabilities.mountConfig).toBe(false);
    await expect(overCore.writeConfig({ maxVersions: 3 })).rejects.toSatisfy((e) => UnsupportedOperationError.is(e));
  });

  it('lets the whole suite run against one shared store, one scratch prefix per behaviour', async () => {
    let clock: () => Date = () => new Date();
    const shared = new MemoryKeyValueStore({ now: () => clock() });
    let scopes = 0;
    const report = await runConformance(
      {
        create: ({ now }) => {
          clock = now;
          scopes += 1;
          return scopedStore(shared, `kv2-check/run-${scopes}`);
        },
      },
      { numRuns: 25 },
    );
    const needsMount = [...behaviours, ...modelProperties].filter((b) => b.requires.includes('mountConfig')).map((b) => b.name);
    expect(report.failed).toEqual([]);
    expect(report.skipped.map((entry) => entry.name).sort()).toEqual(needsMount.sort());
    expect(report.skipped.every((entry) => entry.missing.join() === 'mountConfig')).toBe(true);
    expect(report.passed.length).toBe(behaviours.length + modelProperties.length - needsMount.length);
    expect(await shared.list('')).toEqual(['kv2-check/']);
  });
});
