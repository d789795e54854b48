import { InvalidRequestError, type MetadataPatch } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, seconds, snapshot } from './helpers.js';

/** Metadata PATCH: JSON merge patch of the patchable fields (spec 6.3; scenarios 20, 21, 25-27). */
export const metadataPatchBehaviours: readonly Behaviour[] = [
  {
    name: 'patchMetadata merges custom metadata key by key; null removes a key (scenario 25)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { customMetadata: { foo: 'abc', bar: 'def' } });
      const steps: Array<[MetadataPatch['customMetadata'], Record<string, string> | null]> = [
        [{}, { foo: 'abc', bar: 'def' }],
        [{ baz: 'ghi' }, { foo: 'abc', bar: 'def', baz: 'ghi' }],
        [{ foo: null }, { bar: 'def', baz: 'ghi' }],
        [{ foo: 'ghi' }, { bar: 'def', baz: 'ghi', foo: 'ghi' }],
        [
          { foo: 'def', bar: null, baz: 'ghi' },
          { foo: 'def', baz: 'ghi' },
        ],
        [{ foo: null, baz: null }, null],
      ];
      for (const [patch, expected] of steps) {
        await kv.patchMetadata('foo', { customMetadata: patch });
        assert.equal((await kv.readMetadata('foo')).customMetadata, expected, `after patching ${JSON.stringify(patch)}`);
      }
    },
  },
  {
    name: 'patchMetadata with custom metadata null removes the whole map',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { customMetadata: { a: 'b', c: 'd' }, maxVersions: 4 });
      await kv.patchMetadata('foo', { customMetadata: null });
      const meta = await kv.readMetadata('foo');
      assert.equal(meta.customMetadata, null, 'customMetadata');
      assert.equal(meta.maxVersions, 4, 'other fields kept');
    },
  },
  {
    name: 'patchMetadata with nothing patchable changes nothing, not even updatedTime, even on unknown keys (scenario 26)',
    requires: ['extensions', 'controllableClock'],
    async run(ctx) {
      const { kv, clock, assert } = ctx;
      await kv.writeMetadata('foo', { maxVersions: 3 });
      clock.advance(seconds(5));
      const before = await snapshot(ctx, ['foo', 'nope']);
      assert.equal(await kv.patchMetadata('foo', {}), { warnings: [] }, 'result of an empty patch');
      await kv.patchMetadata('foo', { metadataCas: 1 });
      // Nothing patchable: a no-op before anything else is checked, even a malformed metadataCas (6.3 step 1).
      assert.equal(await kv.patchMetadata('foo', { metadataCas: -1 }), { warnings: [] }, 'an empty patch with metadataCas -1');
      assert.equal(
        await kv.patchMetadata('nope', { metadataCas: 'x' as unknown as number }),
        { warnings: [] },
        'an empty patch with a string metadataCas',
      );
      await kv.patchMetadata('foo', { createdTime: new Date(0), currentVersion: 9, versions: {} } as MetadataPatch);
      await kv.patchMetadata('nope', {});
      await expectUnchanged(ctx, ['foo', 'nope'], before, 'after no-op patches');
    },
  },
  {
    name: 'patchMetadata of an unknown key is not found and creates nothing (scenario 21)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await expectNotFound(kv.patchMetadata('foo', { casRequired: true }), 'missing', 'patchMetadata of an unknown key');
      await assert.rejects(
        kv.patchMetadata('foo', { customMetadata: { k: 'v'.repeat(513) } }),
        InvalidRequestError,
        { code: 'invalid_custom_metadata' },
        'custom metadata is validated before the key is looked up',
      );
      await expectNotFound(kv.readMetadata('foo'), 'missing', 'nothing created');
      assert.equal(await kv.list(''), [], 'nothing listed');
    },
  },
  {
    name: 'patchMetadata changes exactly the patched fields, the metadata version and updatedTime (scenario 26)',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeMetadata('foo', { customMetadata: { a: 'b' }, deleteVersionAfter: 60 });
      await kv.write('foo', { x: 1 });
      const before = await kv.readMetadata('foo');
      clock.advance(seconds(7));
      await kv.patchMetadata('foo', { casRequired: true, maxVersions: 5, deleteVersionAfter: null });
      const after = await kv.readMetadata('foo');
      assert.equal(
        after,
        { ...before, casRequired: true, maxVersions: 5, currentMetadataVersion: before.currentMetadataVersion + 1, updatedTime: clock.now() },
        'metadata after the patch',
      );
    },
  },
  {
    name: 'patchMetadata null resets max_versions to 0 and cas flags to false (scenario 27)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { maxVersions: 10, casRequired: true, metadataCasRequired: true });
      await kv.patchMetadata('foo', { maxVersions: null, casRequired: null, metadataCasRequired: null, metadataCas: 1 });
      const meta = await kv.readMetadata('foo');
      assert.equal([meta.maxVersions, meta.casRequired, meta.metadataCasRequired], [0, false, false], 'after the null patch');
    },
  },
  {
    name: 'patchMetadata delete_version_after: a positive value sets it; 0 and null leave it (OpenBao quirk)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { maxVersions: 1 });
      await kv.patchMetadata('foo', { deleteVersionAfter: 120 });
      assert.equal((await kv.readMetadata('foo')).deleteVersionAfter, 120, 'after patching 120');
      await kv.patchMetadata('foo', { deleteVersionAfter: 0 });
      assert.equal((await kv.readMetadata('foo')).deleteVersionAfter, 120, 'after patching 0');
      await kv.patchMetadata('foo', { deleteVersionAfter: null });
      assert.equal((await kv.readMetadata('foo')).deleteVersionAfter, 120, 'after patching null');
      await kv.writeMetadata('foo', { deleteVersionAfter: 0 });
      assert.equal((await kv.readMetadata('foo')).deleteVersionAfter, 0, 'writeMetadata can clear it');
    },
  },
  {
    name: 'patchMetadata with only delete_version_after null is a no-op: no metadata version bump',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { deleteVersionAfter: 60 });
      const before = await kv.readMetadata('foo');
      assert.equal(await kv.patchMetadata('foo', { deleteVersionAfter: null }), { warnings: [] }, 'result');
      assert.equal(await kv.readMetadata('foo'), before, 'metadata after the patch');
    },
  },
  {
    name: 'patchMetadata setting cas flags to null warns when the mount mandates them, as false does',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ casRequired: true, metadataCasRequired: true });
      await kv.write('foo', { a: 1 }, { cas: 0 });
      const result = await kv.patchMetadata('foo', { casRequired: null, metadataCasRequired: null, metadataCas: 0 });
      assert.equal(result.warnings.length, 2, 'one warning per flag');
      assert.ok(result.warnings[0]?.includes('"cas_required" set to false, but is mandated by backend config'), 'cas warning');
      assert.ok(result.warnings[1]?.includes('"metadata_cas_required" set to false, but is mandated by backend config'), 'metadata cas warning');
    },
  },
  {
    name: 'patchMetadata validates the patch and changes nothing when it is invalid (scenario 20)',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.writeMetadata('foo', { customMetadata: { a: 'b' } });
      const before = await snapshot(ctx, ['foo']);
      const bad: unknown[] = [
        { maxVersions: [1, 2, 3] },
        { maxVersions: -2 },
        { casRequired: 'yes' },
        { customMetadata: { '': 'v' } },
        { customMetadata: { 'un\u200bprintable': 'v' } },
        { customMetadata: { k: 'un\u200bprintable' } },
        { customMetadata: { ['k'.repeat(129)]: 'v' } },
        { customMetadata: { k: 'v'.repeat(513) } },
        { customMetadata: { k: { nested: 'x' } } },
      ];
      for (const patch of bad) {
        await assert.rejects(
          kv.patchMetadata('foo', patch as MetadataPatch),
          InvalidRequestError,
          { status: 400 },
          `patchMetadata(${JSON.stringify(patch)})`,
        );
      }
      await expectUnchanged(ctx, ['foo'], before, 'after the rejected patches');
    },
  },
  {
    name: 'patchMetadata validates only the patch: it can grow custom metadata beyond 64 keys',
    requires: ['extensions'],
    async run({ kv, assert }) {
      const first: Record<string, string> = {};
      const second: Record<string, string> = {};
      for (let i = 0; i < 40; i++) {
        first[`a${i}`] = 'x';
        second[`b${i}`] = 'y';
      }
      await kv.writeMetadata('foo', { customMetadata: first });
      await kv.patchMetadata('foo', { customMetadata: second });
      assert.equal(Object.keys((await kv.readMetadata('foo')).customMetadata ?? {}).length, 80, 'merged key count');
    },
  },
  {
    name: 'patchMetadata leaves every field it does not name as it was, whichever field it names',
    requires: ['extensions'],
    async run({ kv, assert }) {
      const full = { maxVersions: 7, casRequired: true, metadataCasRequired: true, deleteVersionAfter: 90, customMetadata: { a: '1' } };
      const patches: MetadataPatch[] = [
        { maxVersions: 8 },
        { casRequired: false },
        { metadataCasRequired: false },
        { deleteVersionAfter: 30 },
        { customMetadata: { b: '2' } },
      ];
      for (const [i, patch] of patches.entries()) {
        const path = `k${i}`;
        await kv.writeMetadata(path, full);
        await kv.patchMetadata(path, { ...patch, metadataCas: 1 });
        const meta = await kv.readMetadata(path);
        const expected = { ...full, ...patch, customMetadata: 'customMetadata' in patch ? { a: '1', b: '2' } : full.customMetadata };
        const seen = {
          maxVersions: meta.maxVersions,
          casRequired: meta.casRequired,
          metadataCasRequired: meta.metadataCasRequired,
          deleteVersionAfter: meta.deleteVersionAfter,
          customMetadata: meta.customMetadata,
        };
        assert.equal(seen, expected, `after patchMetadata(${JSON.stringify(patch)})`);
        assert.equal(meta.currentMetadataVersion, 2, `metadata version after patchMetadata(${JSON.stringify(patch)})`);
      }
    },
  },
  {
    name: 'a mount metadata_cas_required warns only about a key flag set to false or null, not about true or an unnamed flag',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      const warning = '"metadata_cas_required" set to false, but is mandated by backend config. This value will be ignored.';
      await kv.writeConfig({ metadataCasRequired: true });
      assert.equal((await kv.writeMetadata('k', { maxVersions: 2, metadataCas: 0 })).warnings, [], 'writeMetadata without the flag');
      assert.equal((await kv.writeMetadata('k', { metadataCasRequired: true, metadataCas: 1 })).warnings, [], 'writeMetadata setting true');
      assert.equal((await kv.patchMetadata('k', { maxVersions: 3, metadataCas: 2 })).warnings, [], 'patchMetadata without the flag');
      assert.equal((await kv.writeMetadata('k', { metadataCasRequired: false, metadataCas: 3 })).warnings, [warning], 'writeMetadata setting false');
      assert.equal((await kv.patchMetadata('k', { metadataCasRequired: null, metadataCas: 4 })).warnings, [warning], 'patchMetadata setting null');
      await kv.writeConfig({ metadataCasRequired: false });
      assert.equal((await kv.writeMetadata('k', { metadataCasRequired: false })).warnings, [], 'no mandate, no warning');
    },
  },
];
