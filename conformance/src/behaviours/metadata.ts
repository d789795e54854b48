import { InvalidRequestError } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, seconds, snapshot, writeVersions } from './helpers.js';

/** Reading and writing key metadata (spec 2.10, 2.14, 2.16, 4.2, 4.7; scenarios 1, 15, 18, 19). */
export const metadataBehaviours: readonly Behaviour[] = [
  {
    name: 'readMetadata after data writes: versions, current and oldest version, metadata version 0',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await writeVersions(kv, 'foo', 3);
      const meta = await kv.readMetadata('foo');
      assert.equal(meta.currentVersion, 3, 'currentVersion');
      assert.equal(meta.oldestVersion, 0, 'oldestVersion');
      assert.equal(meta.currentMetadataVersion, 0, 'currentMetadataVersion of a data-created key');
      assert.equal(meta.maxVersions, 0, 'maxVersions');
      assert.equal(meta.casRequired, false, 'casRequired');
      assert.equal(meta.metadataCasRequired, false, 'metadataCasRequired');
      assert.equal(meta.deleteVersionAfter, 0, 'deleteVersionAfter');
      assert.equal(meta.customMetadata, null, 'customMetadata');
      assert.isDate(meta.createdTime, 'createdTime');
      assert.isDate(meta.updatedTime, 'updatedTime');
      assert.equal(Object.keys(meta.versions).map(Number).sort(), [1, 2, 3], 'version numbers');
      const v2 = await kv.read('foo', { version: 2 });
      assert.equal(meta.versions[2], { createdTime: v2.metadata.createdTime, deletionTime: null, destroyed: false }, 'versions[2]');
    },
  },
  {
    name: 'readMetadata of an unknown key is not found',
    requires: ['extensions'],
    async run({ kv }) {
      await expectNotFound(kv.readMetadata('nope'), 'missing', 'readMetadata of an unknown key');
    },
  },
  {
    name: 'writeMetadata creates a metadata-only key: listed, no data, first write is version 1 (4.7)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { maxVersions: 5 });
      const meta = await kv.readMetadata('foo');
      assert.equal(meta.currentVersion, 0, 'currentVersion');
      assert.equal(meta.oldestVersion, 0, 'oldestVersion');
      assert.equal(meta.currentMetadataVersion, 1, 'currentMetadataVersion');
      assert.equal(meta.versions, {}, 'versions');
      assert.equal(meta.maxVersions, 5, 'maxVersions');
      assert.equal(await kv.list(''), ['foo'], 'listed');
      await expectNotFound(kv.read('foo'), 'missing', 'data read');
      await expectNotFound(kv.read('foo', { version: 1 }), 'missing', 'data read of version 1');
      assert.equal((await kv.write('foo', { a: 1 })).version, 1, 'first write');
      assert.equal((await kv.readMetadata('foo')).currentMetadataVersion, 1, 'data writes do not bump currentMetadataVersion');
    },
  },
  {
    name: 'writeMetadata is a field-wise partial update; custom metadata is replaced whole (scenario 19)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { maxVersions: 5, casRequired: true });
      let meta = await kv.readMetadata('foo');
      assert.equal([meta.maxVersions, meta.casRequired, meta.customMetadata], [5, true, null], 'after the first write');
      await kv.writeMetadata('foo', { casRequired: false, customMetadata: { foo: 'abc', bar: 'def' } });
      meta = await kv.readMetadata('foo');
      assert.equal([meta.maxVersions, meta.casRequired, meta.customMetadata], [5, false, { foo: 'abc', bar: 'def' }], 'after the second write');
      await kv.writeMetadata('foo', { customMetadata: { baz: 'abc123' } });
      meta = await kv.readMetadata('foo');
      assert.equal([meta.maxVersions, meta.casRequired, meta.customMetadata], [5, false, { baz: 'abc123' }], 'after the third write');
      await kv.writeMetadata('foo', { maxVersions: 20, deleteVersionAfter: 90, metadataCasRequired: false });
      meta = await kv.readMetadata('foo');
      assert.equal([meta.maxVersions, meta.deleteVersionAfter, meta.customMetadata], [20, 90, { baz: 'abc123' }], 'after the fourth write');
      assert.equal(meta.currentMetadataVersion, 4, 'currentMetadataVersion counts every write');
    },
  },
  {
    name: 'writeMetadata with no settable field is a no-op that creates nothing (metadataCas alone included)',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      const result = await kv.writeMetadata('foo', {});
      assert.equal(result.warnings, [], 'warnings');
      await kv.writeMetadata('foo', { metadataCas: 0 });
      await expectNotFound(kv.readMetadata('foo'), 'missing', 'no record created');
      await kv.writeMetadata('bar', { maxVersions: 2 });
      const before = await snapshot(ctx, ['bar']);
      await kv.writeMetadata('bar', { metadataCas: 1 });
      await expectUnchanged(ctx, ['bar'], before, 'after a no-op write on an existing key');
    },
  },
  {
    name: 'custom metadata {} or null reads back as null (scenario 18)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { customMetadata: {} });
      assert.equal((await kv.readMetadata('foo')).customMetadata, null, 'after {}');
      await kv.writeMetadata('foo', { customMetadata: { a: 'b' } });
      await kv.writeMetadata('foo', { customMetadata: null });
      assert.equal((await kv.readMetadata('foo')).customMetadata, null, 'after null');
    },
  },
  {
    name: 'custom metadata is echoed in every version metadata (scenario 1)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      const custom = { foo: 'abc', bar: 'def' };
      await kv.writeMetadata('foo', { customMetadata: custom });
      const meta = await kv.write('foo', { bar: 'baz' });
      assert.equal(meta.customMetadata, custom, 'in the write response');
      await kv.write('foo', { bar: 'qux' }, { cas: 1 });
      assert.equal((await kv.read('foo', { version: 1 })).metadata.customMetadata, custom, 'in a read of version 1');
      await kv.writeMetadata('foo', { customMetadata: { only: 'this' } });
      assert.equal((await kv.read('foo', { version: 1 })).metadata.customMetadata, { only: 'this' }, 'the same map for every version');
      await kv.delete('foo', { versions: [2] });
      const error = await expectNotFound(kv.read('foo'), 'deleted', 'read of the deleted version');
      assert.equal(error.metadata?.customMetadata, { only: 'this' }, 'in a not-found error');
    },
  },
  {
    name: 'timestamps: createdTime set once, updatedTime moves with data and metadata writes only',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      const t0 = clock.now();
      await kv.write('foo', { n: 1 });
      clock.advance(seconds(10));
      const t1 = clock.now();
      await kv.write('foo', { n: 2 });
      let meta = await kv.readMetadata('foo');
      assert.sameInstant(meta.createdTime, t0, 'createdTime');
      assert.sameInstant(meta.updatedTime, t1, 'updatedTime after a data write');
      clock.advance(seconds(10));
      const t2 = clock.now();
      await kv.writeMetadata('foo', { maxVersions: 3 });
      clock.advance(seconds(10));
      await kv.delete('foo', { versions: [1] });
      await kv.undelete('foo', { versions: [1] });
      await kv.destroy('foo', { versions: [1] });
      meta = await kv.readMetadata('foo');
      assert.sameInstant(meta.createdTime, t0, 'createdTime unchanged');
      assert.sameInstant(meta.updatedTime, t2, 'updatedTime = the metadata write; delete/undelete/destroy leave it');
    },
  },
  {
    name: 'metadata writes never change the current version',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await writeVersions(kv, 'foo', 2);
      await kv.writeMetadata('foo', { maxVersions: 1, customMetadata: { a: 'b' } });
      await kv.patchMetadata('foo', { casRequired: true });
      const meta = await kv.readMetadata('foo');
      assert.equal(meta.currentVersion, 2, 'currentVersion');
      assert.equal(Object.keys(meta.versions).map(Number).sort(), [1, 2], 'no pruning before the next write');
    },
  },
  {
    name: 'a negative key delete_version_after is rejected and nothing is stored',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await assert.rejects(
        kv.writeMetadata('new', { deleteVersionAfter: -3600 }),
        InvalidRequestError,
        { status: 400, messageIncludes: 'cannot provide negative value' },
        'writeMetadata on a new key',
      );
      await expectNotFound(kv.readMetadata('new'), 'missing', 'nothing created');
      await kv.write('foo', { a: 1 });
      const before = await snapshot(ctx, ['foo']);
      await assert.rejects(
        kv.writeMetadata('foo', { deleteVersionAfter: -1, maxVersions: 2 }),
        InvalidRequestError,
        { status: 400 },
        'writeMetadata',
      );
      await assert.rejects(kv.patchMetadata('foo', { deleteVersionAfter: -1 }), InvalidRequestError, { status: 400 }, 'patchMetadata');
      await expectUnchanged(ctx, ['foo'], before, 'after the rejected calls');
    },
  },
  {
    name: 'invalid metadata fields are rejected and nothing is stored',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('foo', { a: 1 });
      const before = await snapshot(ctx, ['foo', 'new']);
      const bad: unknown[] = [
        { maxVersions: -1 },
        { maxVersions: 2.5 },
        { casRequired: 'true' },
        { metadataCasRequired: 0 },
        { deleteVersionAfter: 1.5 },
        { metadataCas: -1, maxVersions: 1 },
      ];
      for (const update of bad) {
        for (const path of ['foo', 'new']) {
          await assert.rejects(
            kv.writeMetadata(path, update as never),
            InvalidRequestError,
            { status: 400 },
            `writeMetadata(${path}, ${JSON.stringify(update)})`,
          );
        }
      }
      await expectUnchanged(ctx, ['foo', 'new'], before, 'after the rejected calls');
    },
  },
  {
    name: 'deleteMetadata removes the key with all versions; the key then starts again at version 1 (scenario 15)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { customMetadata: { a: 'b' }, maxVersions: 3 });
      await writeVersions(kv, 'foo', 6);
      await kv.deleteMetadata('foo');
      await expectNotFound(kv.read('foo'), 'missing', 'data read');
      await expectNotFound(kv.read('foo', { version: 6 }), 'missing', 'read of version 6');
      await expectNotFound(kv.readMetadata('foo'), 'missing', 'metadata read');
      assert.equal(await kv.list(''), [], 'no longer listed');
      const meta = await kv.write('foo', { again: true }, { cas: 0 });
      assert.equal(meta.version, 1, 'cas 0 accepted again, version 1');
      assert.equal(meta.customMetadata, null, 'old custom metadata gone');
      const fresh = await kv.readMetadata('foo');
      assert.equal([fresh.maxVersions, fresh.currentMetadataVersion, fresh.oldestVersion], [0, 0, 0], 'old settings gone');
    },
  },
  {
    name: 'deleteMetadata of an unknown key is a no-op; it ignores metadata and data CAS requirements',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.deleteMetadata('nope');
      assert.equal(await kv.list(''), [], 'nothing created');
      await kv.writeMetadata('foo', { metadataCasRequired: true, casRequired: true });
      await kv.write('foo', { a: 1 }, { cas: 0 });
      await kv.deleteMetadata('foo');
      await expectNotFound(kv.readMetadata('foo'), 'missing', 'deleted despite the CAS requirements');
    },
  },
  {
    name: 'deleteMetadata removes only that key, not keys below it',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.write('foo', { a: 1 });
      await kv.write('foo/bar', { b: 2 });
      await kv.deleteMetadata('foo');
      assert.equal(await kv.list(''), ['foo/'], 'top level');
      assert.equal((await kv.read('foo/bar')).data, { b: 2 }, 'foo/bar kept');
    },
  },
];
