import type { KeyMetadata } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, writeVersions } from './helpers.js';

function versionNumbers(metadata: KeyMetadata): number[] {
  return Object.keys(metadata.versions)
    .map(Number)
    .sort((a, b) => a - b);
}

/** max_versions and pruning (spec 4.3; scenarios 5, 6, 14). */
export const pruningBehaviours: readonly Behaviour[] = [
  {
    name: 'by default 10 versions are kept: older ones are pruned on write',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'k', 12);
      await expectNotFound(store.read('k', { version: 1 }), 'missing', 'version 1');
      await expectNotFound(store.read('k', { version: 2 }), 'missing', 'version 2');
      assert.equal((await store.read('k', { version: 3 })).data, { n: 3 }, 'version 3 kept');
      assert.equal((await store.read('k')).metadata.version, 12, 'latest');
    },
  },
  {
    name: 'oldest_version starts at 0 and moves only when versions are pruned (default limit 10)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      for (let n = 1; n <= 11; n++) {
        await kv.write('k', { n });
        const meta = await kv.readMetadata('k');
        const oldest = n < 10 ? 0 : n - 9;
        assert.equal(meta.oldestVersion, oldest, `oldestVersion after version ${n}`);
        assert.equal(versionNumbers(meta)[0], Math.max(1, n - 9), `lowest version kept after version ${n}`);
        assert.equal(meta.currentVersion, n, `currentVersion after version ${n}`);
      }
    },
  },
  {
    name: 'key max_versions 2, then 1: the worked example of 4.3 (scenario 14)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { maxVersions: 2 });
      const expected = [
        { oldest: 0, versions: [1] },
        { oldest: 1, versions: [1, 2] },
        { oldest: 2, versions: [2, 3] },
      ];
      for (const [i, step] of expected.entries()) {
        await kv.write('foo', { n: i + 1 });
        const meta = await kv.readMetadata('foo');
        assert.equal(meta.oldestVersion, step.oldest, `oldestVersion after version ${i + 1}`);
        assert.equal(versionNumbers(meta), step.versions, `versions after version ${i + 1}`);
      }
      await kv.writeMetadata('foo', { maxVersions: 1 });
      await kv.write('foo', { n: 4 });
      const meta = await kv.readMetadata('foo');
      assert.equal(meta.oldestVersion, 4, 'oldestVersion after version 4');
      assert.equal(versionNumbers(meta), [4], 'versions after version 4');
      await expectNotFound(kv.read('foo', { version: 3 }), 'missing', 'pruned version 3');
    },
  },
  {
    name: 'lowering max_versions has no effect until the next write (scenario 5)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await writeVersions(kv, 'foo', 10);
      await kv.writeMetadata('foo', { maxVersions: 2 });
      assert.equal(versionNumbers(await kv.readMetadata('foo')), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'versions before the next write');
      assert.equal((await kv.read('foo', { version: 1 })).data, { n: 1 }, 'version 1 still readable');
      assert.equal((await kv.write('foo', { n: 11 })).version, 11, 'version 11');
      assert.equal(versionNumbers(await kv.readMetadata('foo')), [10, 11], 'versions after the write');
      await expectNotFound(kv.read('foo', { version: 9 }), 'missing', 'version 9');
    },
  },
  {
    name: 'a patch prunes like a write (scenario 6)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await writeVersions(kv, 'foo', 10);
      await kv.writeMetadata('foo', { maxVersions: 2 });
      assert.equal((await kv.patch('foo', { p: true })).version, 11, 'version 11');
      const meta = await kv.readMetadata('foo');
      assert.equal(versionNumbers(meta), [10, 11], 'versions after the patch');
      assert.equal(meta.oldestVersion, 10, 'oldestVersion');
      assert.equal((await kv.read('foo')).data, { n: 10, p: true }, 'patched data');
    },
  },
  {
    name: 'the effective limit is max(key, mount), not "key overrides mount"',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ maxVersions: 3 });
      await kv.writeMetadata('bigger', { maxVersions: 5 });
      await kv.writeMetadata('smaller', { maxVersions: 2 });
      await writeVersions(kv, 'bigger', 7);
      await writeVersions(kv, 'smaller', 7);
      await writeVersions(kv, 'inherits', 7);
      assert.equal(versionNumbers(await kv.readMetadata('bigger')), [3, 4, 5, 6, 7], 'key 5 > mount 3: 5 kept');
      assert.equal(versionNumbers(await kv.readMetadata('smaller')), [5, 6, 7], 'key 2 < mount 3: 3 kept');
      assert.equal(versionNumbers(await kv.readMetadata('inherits')), [5, 6, 7], 'key 0: mount 3 kept');
      assert.equal((await kv.readMetadata('smaller')).maxVersions, 2, 'the key value is reported as stored');
    },
  },
  {
    name: 'pruning removes the lowest versions whatever their state; destroyed versions stay until pruned',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('foo', { maxVersions: 3 });
      await writeVersions(kv, 'foo', 3);
      await kv.destroy('foo', { versions: [2] });
      await kv.delete('foo', { versions: [3] });
      assert.equal(versionNumbers(await kv.readMetadata('foo')), [1, 2, 3], 'destroyed and deleted versions are listed');
      await kv.write('foo', { n: 4 });
      await kv.write('foo', { n: 5 });
      const meta = await kv.readMetadata('foo');
      assert.equal(versionNumbers(meta), [3, 4, 5], 'versions after two more writes');
      assert.isDate(meta.versions[3]?.deletionTime, 'deleted version 3 kept with its deletion time');
      await expectNotFound(kv.read('foo', { version: 2 }), 'missing', 'pruned destroyed version 2');
    },
  },
  {
    name: 'limits above 64 prune like small ones: max_versions 65 keeps exactly the newest 65 versions',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('k', { maxVersions: 65 });
      await writeVersions(kv, 'k', 67);
      let meta = await kv.readMetadata('k');
      const expected = Array.from({ length: 65 }, (_, i) => i + 3);
      assert.equal([meta.oldestVersion, versionNumbers(meta)], [3, expected], 'after 67 writes');
      await expectNotFound(kv.read('k', { version: 2 }), 'missing', 'version 2 pruned');
      assert.equal((await kv.read('k', { version: 3 })).data, { n: 3 }, 'version 3 kept');
      await kv.writeMetadata('k', { maxVersions: 100 });
      await kv.write('k', { n: 68 });
      meta = await kv.readMetadata('k');
      assert.equal(versionNumbers(meta).length, 66, 'raised to 100: nothing pruned');
      await kv.writeMetadata('k', { maxVersions: 70 });
      await kv.destroy('k', { versions: [10] });
      for (let n = 69; n <= 75; n++) await kv.write('k', { n });
      meta = await kv.readMetadata('k');
      assert.equal([meta.oldestVersion, versionNumbers(meta)[0], versionNumbers(meta).length], [6, 6, 70], 'lowered to 70 after 75 writes');
      assert.equal(meta.versions[10]?.destroyed, true, 'a destroyed version inside the window stays, flagged');
    },
  },
];
