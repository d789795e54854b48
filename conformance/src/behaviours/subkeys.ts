import { InvalidRequestError } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound } from './helpers.js';

const SHAPE = {
  foo: 'does-not-matter',
  bar: { a: { c: { d: 'x' } }, b: {} },
  baz: { e: 3.14 },
  quux: 123,
  quuz: ['a', 'b'],
};

/** Subkeys: the structure of a version with leaves replaced by null (spec 7; scenarios 36-38). */
export const subkeysBehaviours: readonly Behaviour[] = [
  {
    name: 'subkeys replaces every leaf (scalars, arrays, empty objects) with null (scenario 36)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      const written = await kv.write('foo', SHAPE);
      const result = await kv.subkeys('foo');
      assert.equal(result.subkeys, { foo: null, bar: { a: { c: { d: null } }, b: null }, baz: { e: null }, quux: null, quuz: null }, 'subkeys');
      assert.equal(result.metadata, written, 'metadata of the version');
      assert.equal(Object.keys(result).sort(), ['metadata', 'subkeys'], 'result fields');
    },
  },
  {
    name: 'subkeys depth: 0 or absent is unlimited, top-level keys are depth 1 (scenario 37)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.write('foo', { foo: { bar: { baz: 123 } } });
      assert.equal((await kv.subkeys('foo')).subkeys, { foo: { bar: { baz: null } } }, 'no depth');
      assert.equal((await kv.subkeys('foo', { depth: 0 })).subkeys, { foo: { bar: { baz: null } } }, 'depth 0');
      assert.equal((await kv.subkeys('foo', { depth: 3 })).subkeys, { foo: { bar: { baz: null } } }, 'depth 3');
      assert.equal((await kv.subkeys('foo', { depth: 2 })).subkeys, { foo: { bar: null } }, 'depth 2');
      assert.equal((await kv.subkeys('foo', { depth: 1 })).subkeys, { foo: null }, 'depth 1');
    },
  },
  {
    name: 'subkeys with a negative depth behaves like depth 1; a non-integer depth is rejected',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.write('foo', { foo: { bar: { baz: 123 } }, top: 1 });
      assert.equal((await kv.subkeys('foo', { depth: -3 })).subkeys, { foo: null, top: null }, 'depth -3');
      for (const depth of [1.5, Number.NaN, '2'] as unknown as number[]) {
        await assert.rejects(kv.subkeys('foo', { depth }), InvalidRequestError, { status: 400 }, `depth ${String(depth)}`);
      }
    },
  },
  {
    name: 'subkeys of an empty object is an empty object',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.write('foo', {});
      assert.equal((await kv.subkeys('foo')).subkeys, {}, 'subkeys');
    },
  },
  {
    name: 'subkeys reads a given version; missing versions and keys are not found (scenario 37)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.write('foo', { old: { x: 1 } });
      await kv.write('foo', { new: 1 });
      const first = await kv.subkeys('foo', { version: 1 });
      assert.equal(first.subkeys, { old: { x: null } }, 'version 1');
      assert.equal(first.metadata.version, 1, 'metadata.version');
      assert.equal((await kv.subkeys('foo', { version: 0 })).subkeys, { new: null }, 'version 0 is the latest');
      await expectNotFound(kv.subkeys('foo', { version: 10 }), 'missing', 'version 10');
      await expectNotFound(kv.subkeys('unknown'), 'missing', 'unknown key');
      await kv.writeMetadata('meta-only', { maxVersions: 3 });
      await expectNotFound(kv.subkeys('meta-only'), 'missing', 'metadata-only key');
    },
  },
  {
    name: 'subkeys of a deleted or destroyed version is not found, with its metadata (scenario 38)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.write('foo', { a: 1 });
      await kv.write('foo', { b: 1 });
      await kv.deleteLatest('foo');
      const deleted = await expectNotFound(kv.subkeys('foo'), 'deleted', 'subkeys of a deleted version');
      assert.isDate(deleted.metadata?.deletionTime, 'deletionTime');
      await kv.destroy('foo', { versions: [1] });
      const destroyed = await expectNotFound(kv.subkeys('foo', { version: 1 }), 'destroyed', 'subkeys of a destroyed version');
      assert.equal(destroyed.metadata?.destroyed, true, 'destroyed');
    },
  },
];
