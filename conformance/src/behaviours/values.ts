import type { JsonObject } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound } from './helpers.js';

/** Every kind of JSON value, nested. */
function everything(): JsonObject {
  return {
    string: 'text',
    empty: '',
    unicode: 'ünïcödé 中文 😀 \u0000 control \n newline',
    int: 42,
    negative: -7,
    float: 3.14159,
    big: Number.MAX_SAFE_INTEGER,
    tiny: 5e-324,
    huge: 1e21,
    zero: 0,
    yes: true,
    no: false,
    nothing: null,
    list: [1, 'two', null, false, { three: 3 }, [4]],
    emptyList: [],
    emptyObject: {},
    nested: { a: { b: { c: { d: { e: ['deep'] } } } } },
    'key with spaces': 1,
    ключ: 'значение',
    '😀': 'emoji key',
    '': 'empty key',
  };
}

/** JSON values, and data copied in and out (spec 10). */
export const valueBehaviours: readonly Behaviour[] = [
  {
    name: 'JSON values of every kind round-trip unchanged',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', everything());
      assert.equal((await store.read('k')).data, everything(), 'read back');
      await store.patch('k', { added: true });
      assert.equal((await store.read('k')).data, { ...everything(), added: true }, 'after a patch, untouched values are kept');
    },
  },
  {
    name: "'__proto__' and 'constructor' are ordinary data keys (no prototype pollution)",
    requires: [],
    async run({ store, assert }) {
      const data = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"nested":{"__proto__":[1]}}') as JsonObject;
      await store.write('k', data);
      const read = (await store.read('k')).data;
      assert.equal(Object.keys(read).sort(), ['__proto__', 'constructor', 'nested'], 'own keys');
      assert.equal(read, JSON.parse(JSON.stringify(data)) as unknown, 'read back');
      assert.equal(Object.getPrototypeOf(read) === Object.prototype || Object.getPrototypeOf(read) === null, true, 'read result is a plain object');
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype not polluted');
      await store.patch('k', JSON.parse('{"__proto__":{"more":1},"constructor":null}') as JsonObject);
      const patched = (await store.read('k')).data;
      assert.equal(Object.keys(patched).sort(), ['__proto__', 'nested'], 'keys after patching');
      assert.equal(JSON.stringify(patched.__proto__), '{"polluted":true,"more":1}', '__proto__ merged as data');
      assert.equal(({} as Record<string, unknown>).more, undefined, 'Object.prototype not polluted by the patch');
    },
  },
  {
    name: '-0 is stored as 0, as it would be on the wire',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { z: -0, list: [-0] });
      const { data } = await store.read('k');
      assert.ok(Object.is(data.z, 0), 'z is +0');
      assert.ok(Object.is((data.list as number[])[0], 0), 'list[0] is +0');
    },
  },
  {
    name: 'mutating the written object afterwards never changes the store',
    requires: [],
    async run({ store, assert }) {
      const data = { a: { b: [1, 2] }, c: 'x' } as { a: { b: number[] }; c: string; d?: number };
      await store.write('k', data);
      data.a.b.push(3);
      data.c = 'changed';
      data.d = 4;
      assert.equal((await store.read('k')).data, { a: { b: [1, 2] }, c: 'x' }, 'stored data');
      const patch = { a: { b: [9] } };
      await store.patch('k', patch);
      patch.a.b.push(10);
      assert.equal((await store.read('k')).data, { a: { b: [9] }, c: 'x' }, 'patched data');
    },
  },
  {
    name: 'mutating a read result never changes the store or later results',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { a: { b: [1, 2] } });
      const first = await store.read('k');
      (first.data.a as { b: number[] }).b.push(3);
      (first.data as Record<string, unknown>).extra = true;
      first.metadata.version = 99;
      first.metadata.destroyed = true;
      const second = await store.read('k');
      assert.equal(second.data, { a: { b: [1, 2] } }, 'data');
      assert.equal([second.metadata.version, second.metadata.destroyed], [1, false], 'metadata');
    },
  },
  {
    name: 'mutating returned metadata and custom metadata never changes the store',
    requires: ['extensions'],
    async run({ kv, assert }) {
      const custom = { owner: 'team' };
      await kv.writeMetadata('k', { customMetadata: custom });
      custom.owner = 'changed';
      const written = await kv.write('k', { a: 1 });
      (written.customMetadata as Record<string, string>).owner = 'mutated';
      const meta = await kv.readMetadata('k');
      (meta.customMetadata as Record<string, string>).owner = 'mutated';
      meta.versions[1] = { createdTime: new Date(0), deletionTime: null, destroyed: true };
      const again = await kv.readMetadata('k');
      assert.equal(again.customMetadata, { owner: 'team' }, 'customMetadata');
      assert.equal(again.versions[1]?.destroyed, false, 'versions');
      assert.equal((await kv.read('k')).metadata.customMetadata, { owner: 'team' }, 'customMetadata in a read');
      const config = await kv.readConfig();
      config.maxVersions = 99;
      assert.ok((await kv.readConfig()).maxVersions !== 99, 'config copy');
    },
  },
  {
    name: "every list a store returns is the caller's own copy: mutating a listing never changes the next one",
    requires: [],
    async run({ store, assert }) {
      await store.write('a/x', { n: 1 });
      await store.write('a/y', { n: 1 });
      await store.write('b', { n: 1 });
      const top = await store.list('');
      top.push('zzz');
      top.reverse();
      const folder = await store.list('a/');
      folder.length = 0;
      const empty = await store.list('nothing');
      empty.push('ghost');
      // Twice more: a store that remembers listings must hand out a copy every time.
      for (const round of [1, 2]) {
        const again = await store.list('');
        assert.equal(again, ['a/', 'b'], `top-level listing (round ${round})`);
        again.push('zzz');
        const inner = await store.list('a/');
        assert.equal(inner, ['x', 'y'], `folder listing (round ${round})`);
        inner.pop();
        const none = await store.list('nothing');
        assert.equal(none, [], `empty listing (round ${round})`);
        none.push('ghost');
      }
    },
  },
  {
    name: "returned timestamps are the caller's own Dates: mutating one never changes the store",
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      const t0 = clock.now();
      const written = await kv.write('k', { a: 1 });
      written.createdTime.setTime(0);
      await kv.delete('k', { versions: [1] });
      const meta = await kv.readMetadata('k');
      meta.createdTime.setTime(0);
      meta.updatedTime.setTime(0);
      meta.versions[1]?.createdTime.setTime(0);
      meta.versions[1]?.deletionTime?.setTime(0);
      const again = await kv.readMetadata('k');
      assert.sameInstant(again.createdTime, t0, 'key createdTime');
      assert.sameInstant(again.updatedTime, t0, 'key updatedTime');
      assert.sameInstant(again.versions[1]?.createdTime, t0, 'version createdTime');
      assert.sameInstant(again.versions[1]?.deletionTime, t0, 'version deletionTime');
      await kv.undelete('k', { versions: [1] });
      const read = await kv.read('k');
      read.metadata.createdTime.setTime(0);
      assert.sameInstant((await kv.read('k')).metadata.createdTime, t0, 'createdTime in a read');
    },
  },
  {
    name: "subkeys trees, warnings and not-found metadata are the caller's own copies",
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.write('k', { a: { b: 1 }, c: [1] });
      const tree = await kv.subkeys('k');
      (tree.subkeys.a as Record<string, unknown>).b = 'changed';
      tree.subkeys.extra = null;
      tree.metadata.version = 7;
      const again = await kv.subkeys('k');
      assert.equal(again.subkeys, { a: { b: null }, c: null }, 'subkeys');
      assert.equal(again.metadata.version, 1, 'subkeys metadata');
      await kv.writeConfig({ casRequired: true });
      const first = await kv.writeMetadata('k', { casRequired: false });
      first.warnings.length = 0;
      const second = await kv.writeMetadata('k', { casRequired: false });
      assert.equal(second.warnings.length, 1, 'warnings of the next call');
      await kv.delete('k', { versions: [1] });
      const error = await expectNotFound(kv.read('k'), 'deleted', 'read of the deleted version');
      if (error.metadata !== null) {
        error.metadata.deletionTime = null;
        error.metadata.version = 5;
      }
      const later = await expectNotFound(kv.read('k'), 'deleted', 'read again');
      assert.equal(later.metadata?.version, 1, 'metadata of a later not-found');
      assert.ok(later.metadata?.deletionTime instanceof Date, 'deletionTime of a later not-found');
    },
  },
  {
    name: "inputs stay the caller's: metadata patches and config updates changed after the call change nothing",
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      const custom: Record<string, string | null> = { a: '1' };
      await kv.writeMetadata('k', { customMetadata: { z: '0' } });
      await kv.patchMetadata('k', { customMetadata: custom });
      custom.a = 'changed';
      custom.b = '2';
      assert.equal((await kv.readMetadata('k')).customMetadata, { z: '0', a: '1' }, 'custom metadata after the patch object changed');
      const update = { maxVersions: 4 };
      await kv.writeConfig(update);
      update.maxVersions = 9;
      assert.equal((await kv.readConfig()).maxVersions, 4, 'config after the update object changed');
    },
  },
];
