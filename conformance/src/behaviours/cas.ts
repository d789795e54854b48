import { CheckAndSetError } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectUnchanged, snapshot, writeVersions } from './helpers.js';

const MISMATCH = {
  code: 'cas_mismatch',
  status: 400,
  message: 'check-and-set parameter did not match the current version',
} as const;
const REQUIRED = { code: 'cas_required', status: 400, message: 'check-and-set parameter required for this call' } as const;

/** Data check-and-set (spec 4.1; scenarios 1, 2, 9, 14). */
export const casBehaviours: readonly Behaviour[] = [
  {
    name: 'cas 0 writes a key that does not exist yet',
    requires: [],
    async run({ store, assert }) {
      const meta = await store.write('k', { a: 1 }, { cas: 0 });
      assert.equal(meta.version, 1, 'version');
      assert.equal((await store.read('k')).data, { a: 1 }, 'data');
    },
  },
  {
    name: 'cas 0 twice: the second write is rejected (cas_mismatch) and changes nothing',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('k', { a: 1 }, { cas: 0 });
      const before = await snapshot(ctx, ['k']);
      await assert.rejects(store.write('k', { a: 2 }, { cas: 0 }), CheckAndSetError, MISMATCH, 'second write with cas 0');
      await expectUnchanged(ctx, ['k'], before, 'after the rejected write');
    },
  },
  {
    name: 'cas equal to the current version writes the next version (scenario 1)',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { n: 1 });
      const meta = await store.write('k', { n: 2 }, { cas: 1 });
      assert.equal(meta.version, 2, 'version');
      assert.equal((await store.write('k', { n: 3 }, { cas: 2 })).version, 3, 'third version');
    },
  },
  {
    name: 'cas lower or higher than the current version is rejected and changes nothing',
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await writeVersions(store, 'k', 2);
      const before = await snapshot(ctx, ['k']);
      for (const cas of [0, 1, 3, 99]) {
        await assert.rejects(store.write('k', { x: cas }, { cas }), CheckAndSetError, MISMATCH, `write with cas ${cas}`);
        await assert.rejects(store.patch('k', { x: cas }, { cas }), CheckAndSetError, MISMATCH, `patch with cas ${cas}`);
      }
      await expectUnchanged(ctx, ['k'], before, 'after the rejected writes');
    },
  },
  {
    name: 'cas compares with the current version even when it is soft-deleted',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { n: 1 });
      await store.delete('k', { versions: [1] });
      await assert.rejects(store.write('k', { n: 2 }, { cas: 0 }), CheckAndSetError, MISMATCH, 'cas 0 on a soft-deleted key');
      assert.equal((await store.write('k', { n: 2 }, { cas: 1 })).version, 2, 'cas 1 writes version 2');
    },
  },
  {
    name: 'cas compares with the current version even when it is destroyed',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'k', 2);
      await store.destroy('k', { versions: [1, 2] });
      await assert.rejects(store.write('k', { n: 3 }, { cas: 0 }), CheckAndSetError, MISMATCH, 'cas 0 on a destroyed key');
      await assert.rejects(store.write('k', { n: 3 }, { cas: 1 }), CheckAndSetError, MISMATCH, 'cas 1 on a destroyed key');
      assert.equal((await store.write('k', { n: 3 }, { cas: 2 })).version, 3, 'cas 2 writes version 3');
    },
  },
  {
    name: 'cas 0 is accepted on a metadata-only key (current version 0)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('k', { maxVersions: 5 });
      assert.equal((await kv.write('k', { a: 1 }, { cas: 0 })).version, 1, 'first write with cas 0');
    },
  },
  {
    name: 'mount cas_required: a write or patch without cas is rejected (cas_required), with cas it works',
    requires: ['extensions', 'mountConfig'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('k', { n: 1 });
      await kv.writeConfig({ casRequired: true });
      const before = await snapshot(ctx, ['k']);
      await assert.rejects(kv.write('k', { n: 2 }), CheckAndSetError, REQUIRED, 'write without cas');
      await assert.rejects(kv.patch('k', { n: 2 }), CheckAndSetError, REQUIRED, 'patch without cas');
      await expectUnchanged(ctx, ['k'], before, 'after the rejected calls');
      assert.equal((await kv.write('k', { n: 2 }, { cas: 1 })).version, 2, 'write with cas');
    },
  },
  {
    name: 'mount cas_required: a brand-new key is written with cas 0',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ casRequired: true });
      await assert.rejects(kv.write('new', { a: 1 }), CheckAndSetError, REQUIRED, 'new key without cas');
      assert.equal((await kv.write('new', { a: 1 }, { cas: 0 })).version, 1, 'new key with cas 0');
    },
  },
  {
    name: 'key cas_required: writes without cas are rejected, other keys are not affected',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('k', { n: 1 });
      await kv.writeMetadata('k', { casRequired: true });
      const before = await snapshot(ctx, ['k']);
      await assert.rejects(kv.write('k', { n: 2 }), CheckAndSetError, REQUIRED, 'write without cas');
      await assert.rejects(kv.patch('k', { n: 2 }), CheckAndSetError, REQUIRED, 'patch without cas');
      await expectUnchanged(ctx, ['k'], before, 'after the rejected calls');
      assert.equal((await kv.write('k', { n: 2 }, { cas: 1 })).version, 2, 'write with cas');
      assert.equal((await kv.write('other', { n: 1 })).version, 1, 'another key needs no cas');
    },
  },
  {
    name: 'cas_required is mount OR key: a key cannot opt out of the mount requirement (scenario 22)',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ casRequired: true });
      await kv.writeMetadata('k', { maxVersions: 5 });
      const result = await kv.patchMetadata('k', { casRequired: false });
      assert.equal(result.warnings.length, 1, 'exactly one warning');
      assert.ok(result.warnings[0]?.includes('"cas_required" set to false, but is mandated by backend config'), 'warning text');
      assert.equal((await kv.readMetadata('k')).casRequired, false, 'the key value is stored anyway');
      await assert.rejects(kv.write('k', { n: 1 }), CheckAndSetError, REQUIRED, 'the mount requirement still applies');
      await kv.writeConfig({ casRequired: false });
      await kv.writeMetadata('k', { casRequired: true });
      await assert.rejects(kv.write('k', { n: 1 }), CheckAndSetError, REQUIRED, 'key requirement without mount requirement');
    },
  },
  {
    name: 'patch under mount cas_required: no cas and a wrong cas are rejected (scenario 9)',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ casRequired: true });
      assert.equal((await kv.write('foo', { bar: 'baz' }, { cas: 0 })).version, 1, 'write with cas 0');
      await assert.rejects(kv.patch('foo', { bar: 'x' }), CheckAndSetError, REQUIRED, 'patch without cas');
      await assert.rejects(kv.patch('foo', { bar: 'x' }, { cas: 2 }), CheckAndSetError, MISMATCH, 'patch with cas 2');
      assert.equal((await kv.patch('foo', { bar: 'x' }, { cas: 1 })).version, 2, 'patch with cas 1');
    },
  },
];
