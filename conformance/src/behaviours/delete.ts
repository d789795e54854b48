import { InvalidRequestError } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, seconds, snapshot, writeVersions } from './helpers.js';

/** Soft delete, undelete and destroy of listed versions (spec 2.7-2.9, 4.4, 4.5; scenarios 4, 33-35). */
export const deleteBehaviours: readonly Behaviour[] = [
  {
    name: 'delete soft-deletes a version: read is not found with its metadata (scenario 4)',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.delete('foo', { versions: [1] });
      const error = await expectNotFound(store.read('foo'), 'deleted', 'read of the deleted latest version');
      assert.equal(error.metadata?.version, 1, 'metadata.version');
      assert.isDate(error.metadata?.deletionTime, 'metadata.deletionTime');
      assert.equal(error.metadata?.destroyed, false, 'metadata.destroyed');
      await expectNotFound(store.read('foo', { version: 1 }), 'deleted', 'read of version 1');
    },
  },
  {
    name: 'delete takes several versions at once and leaves the others readable (scenario 33)',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'foo', 3);
      await store.delete('foo', { versions: [1, 2] });
      await expectNotFound(store.read('foo', { version: 1 }), 'deleted', 'version 1');
      await expectNotFound(store.read('foo', { version: 2 }), 'deleted', 'version 2');
      assert.equal((await store.read('foo')).data, { n: 3 }, 'version 3 still readable');
    },
  },
  {
    name: 'delete records the time of deletion from the clock',
    requires: ['controllableClock'],
    async run({ store, clock, assert }) {
      await store.write('foo', { a: 1 });
      clock.advance(seconds(5));
      await store.delete('foo', { versions: [1] });
      const error = await expectNotFound(store.read('foo'), 'deleted', 'read after delete');
      assert.sameInstant(error.metadata?.deletionTime, clock.now(), 'deletionTime');
    },
  },
  {
    name: 'deleting an already deleted version keeps the first deletion time',
    requires: ['controllableClock'],
    async run({ store, clock, assert }) {
      await store.write('foo', { a: 1 });
      const first = clock.now();
      await store.delete('foo', { versions: [1] });
      clock.advance(seconds(60));
      await store.delete('foo', { versions: [1] });
      const error = await expectNotFound(store.read('foo'), 'deleted', 'read after the second delete');
      assert.sameInstant(error.metadata?.deletionTime, first, 'deletionTime is still the first one');
    },
  },
  {
    name: 'delete of missing versions, or of an unknown key, is a silent no-op',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('foo', { a: 1 });
      const before = await snapshot(ctx, ['foo', 'nope']);
      await store.delete('foo', { versions: [2, 99, 0] });
      await store.delete('nope', { versions: [1] });
      await expectUnchanged(ctx, ['foo', 'nope'], before, 'after no-op deletes');
      assert.equal(await store.list(''), ['foo'], 'no key created');
    },
  },
  {
    name: 'delete of a destroyed version is a no-op (its deletion time stays empty)',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.destroy('foo', { versions: [1] });
      await store.delete('foo', { versions: [1] });
      const error = await expectNotFound(store.read('foo'), 'destroyed', 'read of the destroyed version');
      assert.equal(error.metadata?.deletionTime, null, 'deletionTime untouched');
    },
  },
  {
    name: 'delete, undelete and destroy never change the current version',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'foo', 2);
      await store.delete('foo', { versions: [2] });
      await store.undelete('foo', { versions: [2] });
      await store.destroy('foo', { versions: [2] });
      assert.equal((await store.write('foo', { n: 3 })).version, 3, 'the next write is version 3');
    },
  },
  {
    name: "delete and undelete without versions are rejected with 'No version number provided'",
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('foo', { a: 1 });
      const before = await snapshot(ctx, ['foo']);
      const expected = { code: 'invalid_versions', status: 400, message: 'No version number provided' };
      await assert.rejects(store.delete('foo', { versions: [] }), InvalidRequestError, expected, 'delete of no versions');
      await assert.rejects(store.undelete('foo', { versions: [] }), InvalidRequestError, expected, 'undelete of no versions');
      await assert.rejects(store.delete('unknown', { versions: [] }), InvalidRequestError, expected, 'delete of no versions, unknown key');
      await expectUnchanged(ctx, ['foo'], before, 'after the rejected calls');
    },
  },
  {
    name: "destroy without versions is rejected with 'no version number provided' (lower-case n)",
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('foo', { a: 1 });
      const before = await snapshot(ctx, ['foo']);
      const expected = { code: 'invalid_versions', status: 400, message: 'no version number provided' };
      await assert.rejects(store.destroy('foo', { versions: [] }), InvalidRequestError, expected, 'destroy of no versions');
      await assert.rejects(store.destroy('unknown', { versions: new Set<number>() }), InvalidRequestError, expected, 'destroy of an empty set');
      await expectUnchanged(ctx, ['foo'], before, 'after the rejected calls');
    },
  },
  {
    name: 'version lists must hold non-negative integers; anything else is rejected and changes nothing',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await writeVersions(store, 'foo', 2);
      const before = await snapshot(ctx, ['foo']);
      const bad: unknown[] = [[-1], [1.5], [Number.NaN], ['1'], [1, null], undefined, 3];
      for (const versions of bad) {
        for (const op of ['delete', 'undelete', 'destroy'] as const) {
          await assert.rejects(
            store[op]('foo', { versions: versions as number[] }),
            InvalidRequestError,
            { code: 'invalid_versions', status: 400 },
            `${op} with versions ${JSON.stringify(versions) ?? 'undefined'}`,
          );
        }
      }
      await expectUnchanged(ctx, ['foo'], before, 'after the rejected calls');
    },
  },
  {
    name: 'undelete restores soft-deleted versions with their data (scenario 34)',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'foo', 2);
      await store.delete('foo', { versions: [1, 2] });
      await store.undelete('foo', { versions: [1, 2] });
      const latest = await store.read('foo');
      assert.equal(latest.data, { n: 2 }, 'version 2 data');
      assert.equal(latest.metadata.deletionTime, null, 'version 2 deletionTime');
      const first = await store.read('foo', { version: 1 });
      assert.equal(first.data, { n: 1 }, 'version 1 data');
      assert.equal(first.metadata.deletionTime, null, 'version 1 deletionTime');
    },
  },
  {
    name: 'undelete never brings back a destroyed version',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.delete('foo', { versions: [1] });
      await store.destroy('foo', { versions: [1] });
      await store.undelete('foo', { versions: [1] });
      const error = await expectNotFound(store.read('foo'), 'destroyed', 'read after undelete of a destroyed version');
      assert.equal(error.metadata?.destroyed, true, 'still destroyed');
      assert.isDate(error.metadata?.deletionTime, 'the deletion time is kept');
    },
  },
  {
    name: 'undelete of live or missing versions, or of an unknown key, is a silent no-op',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('foo', { a: 1 });
      const before = await snapshot(ctx, ['foo', 'nope']);
      await store.undelete('foo', { versions: [1, 2, 50] });
      await store.undelete('nope', { versions: [1] });
      await expectUnchanged(ctx, ['foo', 'nope'], before, 'after no-op undeletes');
      assert.equal(await store.list(''), ['foo'], 'no key created');
    },
  },
  {
    name: 'destroy removes the data for good; the deletion time is untouched (scenario 35)',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'foo', 3);
      await store.destroy('foo', { versions: [1, 2] });
      for (const version of [1, 2]) {
        const error = await expectNotFound(store.read('foo', { version }), 'destroyed', `read of version ${version}`);
        assert.equal(error.metadata?.destroyed, true, `version ${version} destroyed`);
        assert.equal(error.metadata?.deletionTime, null, `version ${version} deletionTime`);
      }
      assert.equal((await store.read('foo')).data, { n: 3 }, 'version 3 untouched');
    },
  },
  {
    name: 'destroy of a missing or already destroyed version, or of an unknown key, is a silent no-op',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await writeVersions(store, 'foo', 2);
      await store.destroy('foo', { versions: [1] });
      const before = await snapshot(ctx, ['foo', 'nope']);
      await store.destroy('foo', { versions: [1, 7] });
      await store.destroy('nope', { versions: [1] });
      await expectUnchanged(ctx, ['foo', 'nope'], before, 'after no-op destroys');
      assert.equal(await store.list(''), ['foo'], 'no key created');
    },
  },
  {
    name: 'a version both deleted and destroyed shows both facts in its metadata',
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.delete('foo', { versions: [1] });
      await store.destroy('foo', { versions: [1] });
      const error = await expectNotFound(store.read('foo'), 'destroyed', 'read of a deleted and destroyed version');
      assert.isDate(error.metadata?.deletionTime, 'deletionTime');
      assert.equal(error.metadata?.destroyed, true, 'destroyed');
    },
  },
  {
    name: 'destroyed versions stay in the versions map, flagged; delete and destroy do not touch updatedTime',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await writeVersions(kv, 'foo', 2);
      const before = await kv.readMetadata('foo');
      await kv.destroy('foo', { versions: [1] });
      await kv.delete('foo', { versions: [2] });
      const after = await kv.readMetadata('foo');
      assert.equal(Object.keys(after.versions).map(Number).sort(), [1, 2], 'both versions listed');
      assert.equal(after.versions[1]?.destroyed, true, 'version 1 destroyed');
      assert.equal(after.versions[1]?.deletionTime, null, 'version 1 deletionTime');
      assert.isDate(after.versions[2]?.deletionTime, 'version 2 deletionTime');
      assert.equal(after.versions[2]?.destroyed, false, 'version 2 not destroyed');
      assert.equal(after.updatedTime, before.updatedTime, 'updatedTime');
      assert.equal(after.currentVersion, 2, 'currentVersion');
    },
  },
];
