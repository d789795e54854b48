import { describe, expect, it } from 'vitest';
import { CORE_ONLY, type StoreCapabilities } from '../src/capabilities.js';
import { CheckAndSetError, KvError, SecretNotFoundError, UnsupportedOperationError } from '../src/errors.js';
import { hasKvV2Extensions } from '../src/extensions.js';
import type { JsonObject } from '../src/json.js';
import { EXTENSION_OPERATION_NAMES, STORE_OPERATION_NAMES, STORE_OPERATIONS, type OperationArgs, type OperationResults } from '../src/operations.js';
import { BaseKeyValueStore } from '../src/store.js';
import type { VersionMetadata } from '../src/types.js';

/**
 * The least a store can be: only the core hooks, latest versions in a Map, with CAS; no delete
 * semantics. It records every hook call, so the tests can see what reached the store.
 */
class TinyStore extends BaseKeyValueStore {
  readonly versions = new Map<string, JsonObject[]>();
  readonly calls: { op: string; args: unknown }[] = [];

  protected override async _read(args: OperationArgs['read']): Promise<OperationResults['read']> {
    this.calls.push({ op: 'read', args });
    const list = this.versions.get(args.path) ?? [];
    const version = args.version || list.length;
    const data = list[version - 1];
    if (data === undefined) throw new SecretNotFoundError(args.path);
    return { data: structuredClone(data), metadata: meta(version) };
  }

  protected override async _write(args: OperationArgs['write']): Promise<VersionMetadata> {
    this.calls.push({ op: 'write', args });
    const list = this.versions.get(args.path) ?? [];
    if (args.cas !== undefined && args.cas !== list.length) throw new CheckAndSetError('cas_mismatch');
    list.push(args.data);
    this.versions.set(args.path, list);
    return meta(list.length);
  }

  protected override async _delete(args: OperationArgs['delete']): Promise<void> {
    this.calls.push({ op: 'delete', args });
  }
  protected override async _undelete(args: OperationArgs['undelete']): Promise<void> {
    this.calls.push({ op: 'undelete', args });
  }
  protected override async _destroy(args: OperationArgs['destroy']): Promise<void> {
    this.calls.push({ op: 'destroy', args });
  }
  protected override async _list(args: OperationArgs['list']): Promise<string[]> {
    this.calls.push({ op: 'list', args });
    return [...this.versions.keys()];
  }

  writes(): unknown[] {
    return this.calls.filter((c) => c.op === 'write').map((c) => c.args);
  }
}

/** TinyStore plus two extension hooks; whether it declares them is up to the test. */
class PartlyExtendedStore extends TinyStore {
  constructor(readonly declared: boolean) {
    super();
  }
  override get capabilities(): StoreCapabilities {
    return { ...CORE_ONLY, extensions: this.declared };
  }
  protected override async _readConfig(): Promise<OperationResults['readConfig']> {
    this.calls.push({ op: 'readConfig', args: {} });
    return { maxVersions: 0, casRequired: false, metadataCasRequired: false, deleteVersionAfter: 0 };
  }
  protected override async _patchMetadata(args: OperationArgs['patchMetadata']): Promise<OperationResults['patchMetadata']> {
    this.calls.push({ op: 'patchMetadata', args });
    return { warnings: [] };
  }
}

function meta(version: number): VersionMetadata {
  return { version, createdTime: new Date(0), deletionTime: null, destroyed: false, customMetadata: null };
}

const code = (expected: string) => (e: unknown) => KvError.is(e) && e.code === expected;

describe('BaseKeyValueStore: every public call is checked once, before the hooks', () => {
  it('normalises paths by intent and rejects bad ones without calling the store', async () => {
    const store = new TinyStore();
    await store.write('/a//b', { v: 1 });
    await store.read('a/b/');
    await store.list('/a/');
    await store.list('');
    expect(store.calls.map((c) => c.args)).toEqual([
      { path: 'a/b', data: { v: 1 }, cas: undefined },
      { path: 'a/b', version: undefined },
      { path: 'a' },
      { path: '' },
    ]);
    const before = store.calls.length;
    await expect(store.write('a/', { v: 1 })).rejects.toThrow("cannot write to a path ending in '/'");
    await expect(store.read('')).rejects.toSatisfy(code('invalid_path'));
    await expect(store.read('a/../b')).rejects.toThrow('relative paths not supported');
    await expect(store.delete('x\u0000', { versions: [1] })).rejects.toSatisfy(code('invalid_path'));
    await expect(store.list(42 as unknown as string)).rejects.toSatisfy(code('invalid_path'));
    expect(store.calls.length).toBe(before);
  });

  it('checks data, cas, versions and version options, and hands the store a private copy of the data', async () => {
    const store = new TinyStore();
    const data = { nested: { x: 1 } };
    await store.write('a', data);
    data.nested.x = 2;
    expect((await store.read('a')).data).toEqual({ nested: { x: 1 } });
    const before = store.calls.length;
    await expect(store.write('a', [1])).rejects.toSatisfy(code('invalid_data'));
    await expect(store.write('a', new Date())).rejects.toSatisfy(code('invalid_data'));
    await expect(store.write('a', undefined as unknown as object)).rejects.toSatisfy(code('no_data'));
    await expect(store.write('a', { v: 1 }, { cas: -1 })).rejects.toSatisfy(code('invalid_cas'));
    await expect(store.write('a', { v: 1 }, { cas: 1.5 })).rejects.toSatisfy(code('invalid_cas'));
    await expect(store.read('a', { version: -1 })).rejects.toSatisfy(code('invalid_parameter'));
    await expect(store.delete('a', { versions: [] })).rejects.toThrow('No version number provided');
    await expect(store.undelete('a', { versions: [] })).rejects.toThrow('No version number provided');
    await expect(store.destroy('a', { versions: [] })).rejects.toThrow('no version number provided');
    await expect(store.delete('a', { versions: [-1] })).rejects.toSatisfy(code('invalid_versions'));
    await expect(store.destroy('a', {} as never)).rejects.toSatisfy(code('invalid_versions'));
    expect(store.calls.length).toBe(before);
    await store.undelete('a', { versions: new Set([2, 1]) });
    expect(store.calls.at(-1)).toEqual({ op: 'undelete', args: { path: 'a', versions: [2, 1] } });
  });

  it('rejects bad arguments as a rejected promise, never a synchronous throw', () => {
    const store = new TinyStore();
    let promise: Promise<unknown> | undefined;
    expect(() => (promise = store.write('', { v: 1 }))).not.toThrow();
    return expect(promise).rejects.toSatisfy(code('invalid_path'));
  });
});

describe('BaseKeyValueStore: the KV v2 extensions', () => {
  it('are refused with UnsupportedOperationError (405) by a store that does not declare them, before any argument check', async () => {
    const store = new TinyStore();
    expect(store.capabilities).toEqual(CORE_ONLY);
    expect(hasKvV2Extensions(store)).toBe(false);
    const calls: Promise<unknown>[] = [
      store.readMetadata('a'),
      store.writeMetadata('a', { maxVersions: 1 }),
      store.patchMetadata('a', { maxVersions: 1 }),
      store.deleteMetadata('a'),
      store.deleteLatest('a'),
      store.subkeys('a'),
      store.readConfig(),
      store.writeConfig({ maxVersions: 1 }),
      store.readMetadata(''),
    ];
    expect(calls.length).toBe(EXTENSION_OPERATION_NAMES.length + 1);
    for (const call of calls) {
      await expect(call).rejects.toSatisfy((e) => UnsupportedOperationError.is(e) && e.status === 405 && e.message === 'unsupported operation');
    }
    expect(store.calls).toEqual([]);
  });

  it('are refused when declared but not provided, and when provided but not declared', async () => {
    const declared = new PartlyExtendedStore(true);
    expect(hasKvV2Extensions(declared)).toBe(true);
    expect((await declared.readConfig()).maxVersions).toBe(0);
    await expect(declared.readMetadata('a')).rejects.toSatisfy((e) => UnsupportedOperationError.is(e));
    const undeclared = new PartlyExtendedStore(false);
    await expect(undeclared.readConfig()).rejects.toSatisfy((e) => UnsupportedOperationError.is(e));
    expect(undeclared.calls).toEqual([]);
  });

  it('check metadata and config updates, and answer a change of nothing without calling the store', async () => {
    const store = new PartlyExtendedStore(true);
    await expect(store.writeMetadata('a', { maxVersions: -1 })).rejects.toSatisfy(code('invalid_parameter'));
    await expect(store.writeMetadata('a/', { maxVersions: 1 })).rejects.toSatisfy(code('invalid_path'));
    await expect(store.patchMetadata('a', { casRequired: 'yes' as unknown as boolean })).rejects.toSatisfy(code('invalid_parameter'));
    await expect(store.patchMetadata('a', { customMetadata: { '': 'x' } })).rejects.toSatisfy(code('invalid_custom_metadata'));
    await expect(store.patchMetadata('a', null as unknown as object)).rejects.toSatisfy(code('invalid_parameter'));
    await expect(store.writeConfig({ maxVersions: 2 ** 32 })).rejects.toSatisfy(code('invalid_parameter'));
    await expect(store.subkeys('a', { depth: 1.5 })).rejects.toSatisfy(code('invalid_parameter'));
    // OpenBao's fast path: nothing patchable → no-op, whatever else the call holds.
    expect(await store.patchMetadata('a', { deleteVersionAfter: null, metadataCas: -1 })).toEqual({ warnings: [] });
    expect(await store.patchMetadata('unknown', {})).toEqual({ warnings: [] });
    expect(store.calls).toEqual([]);
    await store.patchMetadata('/a', { maxVersions: null, deleteVersionAfter: null, metadataCas: 3 });
    expect(store.calls).toEqual([
      {
        op: 'patchMetadata',
        args: {
          path: 'a',
          patch: {
            maxVersions: null,
            casRequired: undefined,
            metadataCasRequired: undefined,
            deleteVersionAfter: undefined,
            customMetadata: undefined,
            metadataCas: 3,
          },
        },
      },
    ]);
  });
});

describe('BaseKeyValueStore._patch (the default for stores without a native patch)', () => {
  it('merges into the latest version and writes with cas = the version read', async () => {
    const store = new TinyStore();
    await store.write('a', { keep: 1, drop: 2, nested: { x: 1 } });
    const result = await store.patch('a', { drop: null, nested: { y: 2 }, added: true });
    expect(result.version).toBe(2);
    expect((await store.read('a')).data).toEqual({ keep: 1, nested: { x: 1, y: 2 }, added: true });
    expect(store.writes().at(-1)).toMatchObject({ path: 'a', cas: 1 });
  });

  it('rejects a cas that does not match the latest version, writing nothing', async () => {
    const store = new TinyStore();
    await store.write('a', { v: 1 });
    await expect(store.patch('a', { v: 2 }, { cas: 5 })).rejects.toSatisfy((e) => CheckAndSetError.is(e) && e.code === 'cas_mismatch');
    expect(store.writes()).toHaveLength(1);
  });

  it('checks cas before "deleted", and validates data and cas before reading', async () => {
    const store = new TinyStore();
    await store.write('a', { v: 1 });
    const deleted = new SecretNotFoundError('a', { ...meta(1), deletionTime: new Date(0) });
    (store as unknown as { _read: () => Promise<never> })._read = () => Promise.reject(deleted);
    await expect(store.patch('a', { v: 2 }, { cas: 7 })).rejects.toSatisfy((e) => CheckAndSetError.is(e) && e.code === 'cas_mismatch');
    await expect(store.patch('a', { v: 2 }, { cas: 1 })).rejects.toBe(deleted);
    await expect(store.patch('a', { v: 2 })).rejects.toBe(deleted);
    await expect(store.patch('a', undefined as unknown as object)).rejects.toSatisfy(code('no_data'));
    await expect(store.patch('a', { v: 2 }, { cas: -1 })).rejects.toSatisfy(code('invalid_cas'));
    expect(store.writes()).toHaveLength(1);
  });

  it('passes not-found through from read, and rejects non-object patches before reading', async () => {
    const store = new TinyStore();
    await expect(store.patch('missing', { v: 1 })).rejects.toSatisfy((e) => SecretNotFoundError.is(e));
    await store.write('a', { v: 1 });
    await expect(store.patch('a', [1, 2])).rejects.toThrow(/must be a JSON object/);
    expect(store.writes()).toHaveLength(1);
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe('the operation table', () => {
  it('names exactly the public operations of the contract, each a method', () => {
    const proto = BaseKeyValueStore.prototype as unknown as Record<string, unknown>;
    const publicMethods = Object.getOwnPropertyNames(BaseKeyValueStore.prototype).filter(
      (name) =>
        name !== 'constructor' &&
        name !== 'close' &&
        !name.startsWith('_') &&
        typeof Object.getOwnPropertyDescriptor(BaseKeyValueStore.prototype, name)?.value === 'function',
    );
    expect([...publicMethods].sort()).toEqual([...STORE_OPERATION_NAMES].sort());
    for (const name of STORE_OPERATION_NAMES) {
      expect(typeof proto[name], name).toBe('function');
      // Abstract core hooks have no default; every other hook has one (patch's merge, or a refusal).
      if (name === 'patch' || STORE_OPERATIONS[name].group === 'extension') expect(typeof proto[`_${name}`], `_${name}`).toBe('function');
    }
    expect(EXTENSION_OPERATION_NAMES).toEqual(STORE_OPERATION_NAMES.filter((name) => STORE_OPERATIONS[name].group === 'extension'));
  });
});
