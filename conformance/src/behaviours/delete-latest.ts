import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, seconds, snapshot, writeVersions } from './helpers.js';

/** `DELETE data/:path`: soft-delete of the current version (spec 2.6). */
export const deleteLatestBehaviours: readonly Behaviour[] = [
  {
    name: 'deleteLatest soft-deletes the current version only',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await writeVersions(kv, 'foo', 2);
      await kv.deleteLatest('foo');
      const error = await expectNotFound(kv.read('foo'), 'deleted', 'read of the latest version');
      assert.equal(error.metadata?.version, 2, 'metadata.version');
      assert.isDate(error.metadata?.deletionTime, 'metadata.deletionTime');
      assert.equal((await kv.read('foo', { version: 1 })).data, { n: 1 }, 'version 1 still readable');
      assert.equal((await kv.readMetadata('foo')).currentVersion, 2, 'currentVersion unchanged');
    },
  },
  {
    name: 'deleteLatest on an unknown key or a metadata-only key is a silent no-op',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.writeMetadata('meta-only', { maxVersions: 3 });
      const before = await snapshot(ctx, ['meta-only', 'nope']);
      await kv.deleteLatest('nope');
      await kv.deleteLatest('meta-only');
      await expectUnchanged(ctx, ['meta-only', 'nope'], before, 'after no-op deleteLatest');
      assert.equal(await kv.list(''), ['meta-only'], 'no key created');
    },
  },
  {
    name: 'deleteLatest on a destroyed current version is a no-op',
    requires: ['extensions'],
    async run(ctx) {
      const { kv } = ctx;
      await writeVersions(kv, 'foo', 2);
      await kv.destroy('foo', { versions: [2] });
      const before = await snapshot(ctx, ['foo']);
      await kv.deleteLatest('foo');
      await expectUnchanged(ctx, ['foo'], before, 'after deleteLatest of a destroyed version');
    },
  },
  {
    name: 'deleteLatest keeps the first deletion time of an already deleted version',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.write('foo', { a: 1 });
      const first = clock.now();
      await kv.deleteLatest('foo');
      clock.advance(seconds(30));
      await kv.deleteLatest('foo');
      assert.sameInstant((await kv.readMetadata('foo')).versions[1]?.deletionTime, first, 'deletionTime');
    },
  },
  {
    name: 'deleteLatest replaces a scheduled (future) deletion time with now',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeMetadata('foo', { deleteVersionAfter: 3600 });
      await kv.write('foo', { a: 1 });
      clock.advance(seconds(10));
      await kv.deleteLatest('foo');
      const error = await expectNotFound(kv.read('foo'), 'deleted', 'read after deleteLatest');
      assert.sameInstant(error.metadata?.deletionTime, clock.now(), 'deletionTime is now, not the scheduled time');
    },
  },
  {
    name: 'deleteLatest accepts leading and trailing slashes (a DELETE-style call)',
    requires: ['extensions'],
    async run({ kv }) {
      await kv.write('a/b', { a: 1 });
      await kv.deleteLatest('/a/b/');
      await expectNotFound(kv.read('a/b'), 'deleted', 'read after deleteLatest of "/a/b/"');
    },
  },
];
