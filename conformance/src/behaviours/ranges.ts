import { InvalidRequestError, type KeyMetadata } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, seconds, snapshot, writeVersions } from './helpers.js';

// Numeric settings over their whole range (spec 1.1, 1.2: max_versions is a uint32; 4.3: the
// effective limit is max(key, mount) or 10; 4.6: delete_version_after in whole seconds), and
// limits changed after versions were already pruned.

const UINT32_MAX = 4_294_967_295;
// Go's time.Duration is int64 nanoseconds: 2562047h47m16s is the longest whole-second duration.
const MAX_DURATION_SECONDS = 9_223_372_036;
const INVALID = { code: 'invalid_parameter', status: 400 } as const;

function versionNumbers(metadata: KeyMetadata): number[] {
  return Object.keys(metadata.versions)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Numeric settings from 0 to their limits. */
export const rangeBehaviours: readonly Behaviour[] = [
  {
    name: 'max_versions takes any value up to 4294967295 (uint32) on a key and on the mount; 4294967296 is rejected and changes nothing',
    requires: ['extensions', 'mountConfig'],
    async run(ctx) {
      const { kv, assert } = ctx;
      for (const value of [1, 11, 1000, 65_536, 2_147_483_648, UINT32_MAX]) {
        await kv.writeMetadata('k', { maxVersions: value });
        assert.equal((await kv.readMetadata('k')).maxVersions, value, `key maxVersions ${value}`);
        await kv.writeConfig({ maxVersions: value });
        assert.equal((await kv.readConfig()).maxVersions, value, `mount maxVersions ${value}`);
        await kv.patchMetadata('k', { maxVersions: value - 1 });
        assert.equal((await kv.readMetadata('k')).maxVersions, value - 1, `key maxVersions ${value - 1} by patch`);
      }
      const before = await snapshot(ctx, ['k']);
      await assert.rejects(kv.writeMetadata('k', { maxVersions: UINT32_MAX + 1 }), InvalidRequestError, INVALID, 'writeMetadata maxVersions 2^32');
      await assert.rejects(kv.patchMetadata('k', { maxVersions: UINT32_MAX + 1 }), InvalidRequestError, INVALID, 'patchMetadata maxVersions 2^32');
      await assert.rejects(kv.writeConfig({ maxVersions: UINT32_MAX + 1 }), InvalidRequestError, INVALID, 'writeConfig maxVersions 2^32');
      await assert.rejects(kv.writeMetadata('k', { maxVersions: -1 }), InvalidRequestError, INVALID, 'writeMetadata maxVersions -1');
      await assert.rejects(kv.writeConfig({ maxVersions: 1.5 }), InvalidRequestError, INVALID, 'writeConfig maxVersions 1.5');
      await expectUnchanged(ctx, ['k'], before, 'after the rejected limits');
    },
  },
  {
    name: 'a key limit far above the default keeps every version: max_versions 4294967295 and 1000',
    requires: ['extensions'],
    async run({ kv, assert }) {
      for (const [path, max] of [
        ['huge', UINT32_MAX],
        ['big', 1000],
        ['eleven', 11],
      ] as const) {
        await kv.writeMetadata(path, { maxVersions: max });
        await writeVersions(kv, path, 12);
        const meta = await kv.readMetadata(path);
        const kept = max === 11 ? [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        assert.equal(versionNumbers(meta), kept, `versions kept with max_versions ${max}`);
        assert.equal(meta.oldestVersion, max === 11 ? 2 : 0, `oldestVersion with max_versions ${max}`);
        assert.equal((await kv.read(path, { version: kept[0] })).data, { n: kept[0] }, `oldest kept version with max_versions ${max}`);
      }
    },
  },
  {
    name: 'a mount limit far above the default keeps every version; a larger key limit wins over a smaller mount limit',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ maxVersions: UINT32_MAX });
      await writeVersions(kv, 'a', 12);
      assert.equal(versionNumbers(await kv.readMetadata('a')), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'mount 4294967295: all kept');
      await kv.writeConfig({ maxVersions: 3 });
      await kv.writeMetadata('b', { maxVersions: 12 });
      await writeVersions(kv, 'b', 12);
      assert.equal(versionNumbers(await kv.readMetadata('b')).length, 12, 'key 12 over mount 3: all 12 kept');
      await kv.write('a', { n: 13 });
      const a = await kv.readMetadata('a');
      assert.equal(versionNumbers(a), [11, 12, 13], 'mount lowered to 3: the next write prunes down to 3');
      assert.equal(a.oldestVersion, 11, 'oldestVersion after the mount limit was lowered');
    },
  },
  {
    name: 'limits changed after versions were pruned: raising keeps what is left, lowering prunes from oldest_version (4.3)',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await writeVersions(kv, 'k', 12); // default 10: versions 3..12, oldest 3
      let meta = await kv.readMetadata('k');
      assert.equal([meta.oldestVersion, versionNumbers(meta)], [3, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]], 'after 12 writes with the default');
      await kv.writeMetadata('k', { maxVersions: 20 });
      await kv.write('k', { n: 13 });
      meta = await kv.readMetadata('k');
      assert.equal(
        [meta.oldestVersion, versionNumbers(meta)],
        [3, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]],
        'raised to 20: nothing pruned, pruned versions stay gone',
      );
      await expectNotFound(kv.read('k', { version: 2 }), 'missing', 'version 2 stays pruned');
      await kv.writeMetadata('k', { maxVersions: 2 });
      await kv.write('k', { n: 14 });
      meta = await kv.readMetadata('k');
      assert.equal([meta.oldestVersion, versionNumbers(meta)], [13, [13, 14]], 'lowered to 2: versions 3..12 pruned at once');
      for (const v of [3, 12]) await expectNotFound(kv.read('k', { version: v }), 'missing', `version ${v} after lowering`);
      await kv.writeMetadata('k', { maxVersions: 5 });
      await kv.write('k', { n: 15 });
      meta = await kv.readMetadata('k');
      assert.equal([meta.oldestVersion, versionNumbers(meta)], [13, [13, 14, 15]], 'raised to 5: nothing pruned');
      await kv.writeMetadata('k', { maxVersions: 0 });
      for (let n = 16; n <= 23; n++) await kv.write('k', { n });
      meta = await kv.readMetadata('k');
      assert.equal([meta.oldestVersion, versionNumbers(meta)], [14, [14, 15, 16, 17, 18, 19, 20, 21, 22, 23]], 'back to the default of 10');
    },
  },
  {
    name: 'delete_version_after far above the default: a key or mount duration of years schedules deletion that far ahead',
    requires: ['extensions', 'mountConfig', 'controllableClock'],
    async run({ kv, clock, assert }) {
      const century = 100 * 365 * 24 * 3600; // 3153600000 s, above 2^31
      await kv.writeMetadata('key', { deleteVersionAfter: century });
      assert.equal((await kv.readMetadata('key')).deleteVersionAfter, century, 'key deleteVersionAfter');
      const start = clock.now().getTime();
      assert.sameInstant((await kv.write('key', { a: 1 })).deletionTime, new Date(start + seconds(century)), 'key schedule');
      await kv.writeConfig({ deleteVersionAfter: UINT32_MAX });
      assert.equal((await kv.readConfig()).deleteVersionAfter, UINT32_MAX, 'mount deleteVersionAfter');
      assert.sameInstant((await kv.write('mount', { a: 1 })).deletionTime, new Date(start + seconds(UINT32_MAX)), 'mount schedule');
      assert.sameInstant((await kv.write('key', { a: 2 })).deletionTime, new Date(start + seconds(century)), 'the smaller of the two');
      clock.advance(seconds(century) - 1000);
      assert.equal((await kv.read('key', { version: 1 })).data, { a: 1 }, 'still readable a second before');
      clock.advance(2000);
      await expectNotFound(kv.read('key', { version: 1 }), 'deleted', 'deleted a second after');
      assert.equal((await kv.read('mount')).data, { a: 1 }, 'the mount schedule is further out');
    },
  },
  {
    name: 'delete_version_after longer than a Go duration can hold (2562047h47m16s) is rejected, naming the field, and changes nothing',
    requires: ['extensions', 'mountConfig'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('k', { a: 1 });
      await kv.writeMetadata('k', { deleteVersionAfter: MAX_DURATION_SECONDS });
      assert.equal((await kv.readMetadata('k')).deleteVersionAfter, MAX_DURATION_SECONDS, 'the longest duration is accepted');
      const before = await snapshot(ctx, ['k']);
      const config = await kv.readConfig();
      const tooLong = { ...INVALID, messageIncludes: 'delete_version_after' };
      for (const value of [MAX_DURATION_SECONDS + 1, 8.64e12]) {
        await assert.rejects(
          kv.writeMetadata('k', { deleteVersionAfter: value }),
          InvalidRequestError,
          tooLong,
          `writeMetadata deleteVersionAfter ${value}`,
        );
        await assert.rejects(
          kv.patchMetadata('k', { deleteVersionAfter: value }),
          InvalidRequestError,
          tooLong,
          `patchMetadata deleteVersionAfter ${value}`,
        );
        await assert.rejects(kv.writeConfig({ deleteVersionAfter: value }), InvalidRequestError, tooLong, `writeConfig deleteVersionAfter ${value}`);
        await assert.rejects(
          kv.writeConfig({ deleteVersionAfter: -value }),
          InvalidRequestError,
          tooLong,
          `writeConfig deleteVersionAfter -${value}`,
        );
      }
      await assert.rejects(kv.writeConfig({ deleteVersionAfter: 1.5 }), InvalidRequestError, tooLong, 'writeConfig deleteVersionAfter 1.5');
      await assert.rejects(kv.writeMetadata('k', { deleteVersionAfter: 1.5 }), InvalidRequestError, tooLong, 'writeMetadata deleteVersionAfter 1.5');
      await expectUnchanged(ctx, ['k'], before, 'after the rejected durations');
      assert.equal(await kv.readConfig(), config, 'the mount config is unchanged');
    },
  },
];
