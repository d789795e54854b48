import { CheckAndSetError, InvalidRequestError } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, seconds, snapshot } from './helpers.js';

const REQUIRED = { code: 'metadata_cas_required', status: 400, message: 'metadata check-and-set parameter required for this call' };
const MISMATCH = { code: 'metadata_cas_mismatch', status: 400, message: 'metadata check-and-set parameter does not match the current version' };
const NOT_ZERO = { code: 'metadata_cas_not_zero', status: 400, message: 'metadata_cas must be 0 when creating new metadata' };
const DATA_REQUIRED = { code: 'cas_required', status: 400, message: 'check-and-set parameter required for this call' };

/** Metadata check-and-set (spec 4.8; scenarios 14, 23, 24). */
export const metadataCasBehaviours: readonly Behaviour[] = [
  {
    name: 'the full metadata and CAS lifecycle of scenario 14',
    requires: ['extensions'],
    async run({ kv, assert }) {
      const custom = { foo: 'abc', bar: '123' };
      await kv.writeMetadata('foo', {
        maxVersions: 2,
        casRequired: true,
        metadataCasRequired: true,
        deleteVersionAfter: 300,
        customMetadata: custom,
      });
      let meta = await kv.readMetadata('foo');
      assert.equal(
        [meta.maxVersions, meta.casRequired, meta.metadataCasRequired, meta.deleteVersionAfter, meta.customMetadata, meta.currentMetadataVersion],
        [2, true, true, 300, custom, 1],
        'metadata after creation',
      );
      await assert.rejects(kv.write('foo', { n: 0 }), CheckAndSetError, DATA_REQUIRED, 'write without cas');
      for (const cas of [0, 1, 2]) assert.equal((await kv.write('foo', { n: cas + 1 }, { cas })).version, cas + 1, `write with cas ${cas}`);
      meta = await kv.readMetadata('foo');
      assert.equal([meta.currentVersion, meta.oldestVersion, meta.currentMetadataVersion], [3, 2, 1], 'after three writes');
      assert.equal(Object.keys(meta.versions).map(Number).sort(), [2, 3], 'versions after three writes');
      await assert.rejects(
        kv.writeMetadata('foo', { maxVersions: 1, casRequired: false }),
        CheckAndSetError,
        REQUIRED,
        'metadata write without metadataCas',
      );
      await kv.writeMetadata('foo', { maxVersions: 1, casRequired: false, metadataCas: 1 });
      assert.equal((await kv.write('foo', { n: 4 })).version, 4, 'write without cas after casRequired false');
      meta = await kv.readMetadata('foo');
      assert.equal([meta.currentVersion, meta.oldestVersion, meta.currentMetadataVersion], [4, 4, 2], 'after version 4');
      assert.equal(Object.keys(meta.versions).map(Number), [4], 'only version 4');
      assert.equal(await kv.list(''), ['foo'], 'listed');
      await assert.rejects(kv.writeMetadata('foo', { metadataCasRequired: false, metadataCas: 1 }), CheckAndSetError, MISMATCH, 'stale metadataCas');
      await kv.writeMetadata('foo', { metadataCasRequired: false, metadataCas: 2 });
      meta = await kv.readMetadata('foo');
      assert.equal([meta.metadataCasRequired, meta.currentMetadataVersion], [false, 3], 'after turning metadata CAS off');
      await kv.writeMetadata('foo', { metadataCasRequired: true });
      assert.equal((await kv.readMetadata('foo')).metadataCasRequired, true, 'turned back on without metadataCas');
    },
  },
  {
    name: 'metadataCas must be 0 when creating new metadata (scenario 24)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await assert.rejects(kv.writeMetadata('foo', { maxVersions: 5, metadataCas: 1 }), CheckAndSetError, NOT_ZERO, 'metadataCas 1 on a new key');
      await expectNotFound(kv.readMetadata('foo'), 'missing', 'nothing created');
      await kv.writeMetadata('foo', { maxVersions: 5, metadataCas: 0 });
      assert.equal((await kv.readMetadata('foo')).currentMetadataVersion, 1, 'created with metadataCas 0');
    },
  },
  {
    name: 'a supplied metadataCas is checked even when not required, and a mismatch changes nothing',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.writeMetadata('foo', { maxVersions: 5 });
      const before = await snapshot(ctx, ['foo']);
      for (const metadataCas of [0, 2, 9]) {
        await assert.rejects(
          kv.writeMetadata('foo', { maxVersions: 6, metadataCas }),
          CheckAndSetError,
          MISMATCH,
          `writeMetadata with metadataCas ${metadataCas}`,
        );
        await assert.rejects(
          kv.patchMetadata('foo', { maxVersions: 6, metadataCas }),
          CheckAndSetError,
          MISMATCH,
          `patchMetadata with metadataCas ${metadataCas}`,
        );
      }
      await expectUnchanged(ctx, ['foo'], before, 'after the rejected calls');
      await kv.writeMetadata('foo', { maxVersions: 6, metadataCas: 1 });
      await kv.patchMetadata('foo', { maxVersions: 7, metadataCas: 2 });
      assert.equal((await kv.readMetadata('foo')).currentMetadataVersion, 3, 'both accepted with the right value');
    },
  },
  {
    name: 'a key created by a data write has metadata version 0, so metadataCas 0 matches it',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.write('foo', { a: 1 });
      await assert.rejects(kv.writeMetadata('foo', { maxVersions: 3, metadataCas: 1 }), CheckAndSetError, MISMATCH, 'metadataCas 1');
      await kv.writeMetadata('foo', { maxVersions: 3, metadataCas: 0 });
      assert.equal((await kv.readMetadata('foo')).currentMetadataVersion, 1, 'currentMetadataVersion');
    },
  },
  {
    name: 'key metadataCasRequired applies to writeMetadata and patchMetadata, not to data writes',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.writeMetadata('foo', { metadataCasRequired: true });
      const before = await snapshot(ctx, ['foo']);
      await assert.rejects(kv.writeMetadata('foo', { maxVersions: 2 }), CheckAndSetError, REQUIRED, 'writeMetadata without metadataCas');
      await assert.rejects(kv.patchMetadata('foo', { maxVersions: 2 }), CheckAndSetError, REQUIRED, 'patchMetadata without metadataCas');
      await expectUnchanged(ctx, ['foo'], before, 'after the rejected calls');
      await assert.rejects(
        kv.writeMetadata('foo', { customMetadata: { '': 'x' } }),
        InvalidRequestError,
        { code: 'invalid_custom_metadata' },
        'custom metadata is validated before the metadata CAS check',
      );
      assert.equal((await kv.write('foo', { a: 1 })).version, 1, 'data writes ignore metadata CAS');
      await kv.patchMetadata('foo', { maxVersions: 2, metadataCas: 1 });
      assert.equal((await kv.readMetadata('foo')).maxVersions, 2, 'patch with metadataCas');
    },
  },
  {
    name: 'mount metadataCasRequired: new keys need metadataCas 0; a key cannot opt out (scenario 23)',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ metadataCasRequired: true });
      await assert.rejects(kv.writeMetadata('foo', { maxVersions: 5 }), CheckAndSetError, REQUIRED, 'writeMetadata without metadataCas');
      await expectNotFound(kv.readMetadata('foo'), 'missing', 'nothing created');
      await kv.writeMetadata('foo', { maxVersions: 5, metadataCas: 0 });
      const result = await kv.patchMetadata('foo', { metadataCasRequired: false, metadataCas: 1 });
      assert.equal(result.warnings.length, 1, 'one warning');
      assert.ok(result.warnings[0]?.includes('"metadata_cas_required" set to false, but is mandated by backend config'), 'warning text');
      assert.equal((await kv.readMetadata('foo')).metadataCasRequired, false, 'stored anyway');
      await assert.rejects(kv.patchMetadata('foo', { maxVersions: 6 }), CheckAndSetError, REQUIRED, 'the mount requirement still applies');
      const post = await kv.writeMetadata('foo', { metadataCasRequired: false, metadataCas: 2 });
      assert.equal(post.warnings.length, 1, 'writeMetadata warns too');
    },
  },
  {
    name: 'calls with nothing to change need no CAS: empty metadata writes and patches under every CAS requirement are no-ops',
    requires: ['extensions', 'mountConfig', 'controllableClock'],
    async run(ctx) {
      const { kv, clock, assert } = ctx;
      await kv.writeMetadata('k', { metadataCasRequired: true, casRequired: true });
      await kv.write('k', { a: 1 }, { cas: 0 });
      await kv.writeConfig({ metadataCasRequired: true, casRequired: true });
      clock.advance(seconds(3));
      const before = await snapshot(ctx, ['k', 'new']);
      // Spec 2.14 and 6.3: no settable field means 204 before any CAS rule; metadataCas alone does not count.
      assert.equal(await kv.writeMetadata('k', {}), { warnings: [] }, 'writeMetadata({}) without metadataCas');
      assert.equal(await kv.writeMetadata('k', { metadataCas: 99 }), { warnings: [] }, 'writeMetadata with only a wrong metadataCas');
      assert.equal(await kv.patchMetadata('k', { metadataCas: 99 }), { warnings: [] }, 'patchMetadata with only a wrong metadataCas');
      assert.equal(await kv.writeMetadata('new', { metadataCas: 7 }), { warnings: [] }, 'writeMetadata of a new key with only metadataCas');
      await kv.writeConfig({});
      await kv.delete('k', { versions: [5] });
      await kv.undelete('k', { versions: [1] });
      await kv.destroy('new', { versions: [1] });
      await expectUnchanged(ctx, ['k', 'new'], before, 'after the calls that change nothing');
      await assert.rejects(
        kv.writeMetadata('k', { maxVersions: 3 }),
        CheckAndSetError,
        { code: 'metadata_cas_required' },
        'a real change still needs metadataCas',
      );
      await assert.rejects(kv.write('k', { a: 2 }), CheckAndSetError, { code: 'cas_required' }, 'a data write still needs cas');
    },
  },
];
