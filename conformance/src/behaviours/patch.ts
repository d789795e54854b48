import { CheckAndSetError, InvalidRequestError } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, snapshot } from './helpers.js';

/** Data PATCH: RFC 7386 merge and the order of checks (spec 6.2; scenarios 8, 10-13). */
export const patchBehaviours: readonly Behaviour[] = [
  {
    name: 'patch merges into the latest version as a new version (scenario 11)',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { bar: 'baz', quux: { quuz: ['1', '2', '3'] } });
      const meta = await store.patch('foo', { abc: 123, quux: { def: 456, quuz: ['1', '2', '3', '4'] } }, { cas: 1 });
      assert.equal(meta.version, 2, 'version of the patch');
      assert.equal(meta.deletionTime, null, 'deletionTime');
      assert.equal(meta.destroyed, false, 'destroyed');
      const expected = { bar: 'baz', abc: 123, quux: { def: 456, quuz: ['1', '2', '3', '4'] } };
      assert.equal((await store.read('foo')).data, expected, 'merged data');
      assert.equal((await store.read('foo', { version: 1 })).data, { bar: 'baz', quux: { quuz: ['1', '2', '3'] } }, 'version 1 unchanged');
    },
  },
  {
    name: 'patch with a null value removes that key (scenario 39)',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { bar: 'baz', foo: 'qux' });
      await store.patch('k', { bar: 'quux', foo: null });
      assert.equal((await store.read('k')).data, { bar: 'quux' }, 'data after patch');
    },
  },
  {
    name: 'patch merges nested objects recursively and removes nested keys with null',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { a: { b: { c: 1, d: 2 }, e: 3 }, f: 4 });
      await store.patch('k', { a: { b: { d: null, x: 9 } } });
      assert.equal((await store.read('k')).data, { a: { b: { c: 1, x: 9 }, e: 3 }, f: 4 }, 'data after patch');
    },
  },
  {
    name: 'patch replaces arrays and scalars wholesale, and objects replace scalars',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { list: [1, 2, 3], s: 'x', o: 'scalar', n: { deep: true } });
      await store.patch('k', { list: [4], s: { now: 'object' }, o: { a: 1 }, n: [1] });
      assert.equal((await store.read('k')).data, { list: [4], s: { now: 'object' }, o: { a: 1 }, n: [1] }, 'data after patch');
    },
  },
  {
    name: 'an empty patch still creates a new, identical version',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { a: 1 });
      const meta = await store.patch('k', {});
      assert.equal(meta.version, 2, 'version');
      assert.equal((await store.read('k')).data, { a: 1 }, 'data');
    },
  },
  {
    name: 'patch of an unknown key is not found and creates nothing (scenario 8)',
    requires: [],
    async run({ store, assert }) {
      await expectNotFound(store.patch('foo', { a: 1 }), 'missing', 'patch of an unknown key');
      await expectNotFound(store.read('foo'), 'missing', 'read after the failed patch');
      assert.equal(await store.list(''), [], 'nothing listed');
    },
  },
  {
    name: 'patch of a metadata-only key is not found (scenario 8)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { maxVersions: 5 });
      await expectNotFound(kv.patch('foo', { a: 1 }), 'missing', 'patch of a metadata-only key');
      await expectNotFound(kv.patch('foo', { a: 1 }, { cas: 0 }), 'missing', 'patch with cas 0 (CAS passes, then no version)');
      await assert.rejects(kv.patch('foo', { a: 1 }, { cas: 1 }), CheckAndSetError, { code: 'cas_mismatch' }, 'patch with cas 1 (CAS first)');
      assert.equal((await kv.readMetadata('foo')).currentVersion, 0, 'still no version');
    },
  },
  {
    name: 'patch of a soft-deleted latest version is not found, with its metadata (scenario 12)',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.delete('foo', { versions: [1] });
      const error = await expectNotFound(store.patch('foo', { b: 2 }), 'deleted', 'patch of a deleted version');
      assert.equal(error.metadata?.version, 1, 'metadata.version');
      assert.isDate(error.metadata?.deletionTime, 'metadata.deletionTime');
      assert.equal(error.metadata?.destroyed, false, 'metadata.destroyed');
    },
  },
  {
    name: 'patch of a destroyed latest version is not found, with destroyed metadata (scenario 13)',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.destroy('foo', { versions: [1] });
      const error = await expectNotFound(store.patch('foo', { b: 2 }), 'destroyed', 'patch of a destroyed version');
      assert.equal(error.metadata?.version, 1, 'metadata.version');
      assert.equal(error.metadata?.destroyed, true, 'metadata.destroyed');
    },
  },
  {
    name: 'patch checks cas before the deleted state: a wrong cas on a deleted secret is a CAS error',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.delete('foo', { versions: [1] });
      await assert.rejects(store.patch('foo', { b: 2 }, { cas: 0 }), CheckAndSetError, { code: 'cas_mismatch', status: 400 }, 'patch with cas 0');
      await store.destroy('foo', { versions: [1] });
      await assert.rejects(store.patch('foo', { b: 2 }, { cas: 5 }), CheckAndSetError, { code: 'cas_mismatch', status: 400 }, 'patch with cas 5');
      await expectNotFound(store.patch('foo', { b: 2 }, { cas: 1 }), 'destroyed', 'patch with the right cas');
    },
  },
  {
    name: 'patch without data is rejected with no_data (scenario 10) and changes nothing',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('k', { a: 1 });
      const before = await snapshot(ctx, ['k']);
      await assert.rejects(
        store.patch('k', undefined as unknown as object),
        InvalidRequestError,
        { code: 'no_data', status: 400, message: 'no data provided' },
        'patch with undefined data',
      );
      await assert.rejects(
        store.patch('unknown', undefined as unknown as object),
        InvalidRequestError,
        { code: 'no_data', status: 400 },
        'patch of an unknown key without data (checked before the key)',
      );
      await expectUnchanged(ctx, ['k'], before, 'after the rejected patch');
    },
  },
  {
    name: 'patch with non-object data is rejected (invalid_data) and changes nothing',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('k', { a: 1 });
      const before = await snapshot(ctx, ['k']);
      for (const bad of [null, 'text', 42, [1, 2], new Date(0)]) {
        await assert.rejects(
          store.patch('k', bad as object),
          InvalidRequestError,
          { code: 'invalid_data', status: 400 },
          `patch with ${String(bad)}`,
        );
      }
      await assert.rejects(store.patch('k', { a: undefined }), InvalidRequestError, { code: 'invalid_data' }, 'patch with an undefined value');
      await expectUnchanged(ctx, ['k'], before, 'after the rejected patches');
    },
  },
];
