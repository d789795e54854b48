import { InvalidRequestError, type MountConfigUpdate } from '@kv2/core';
import type { Behaviour } from '../types.js';

const DEFAULTS = { maxVersions: 0, casRequired: false, metadataCasRequired: false, deleteVersionAfter: 0 };

/** Mount configuration (spec 2.1, 2.2; scenarios 29, 30). */
export const configBehaviours: readonly Behaviour[] = [
  {
    name: 'a fresh mount reports the default config (max_versions as stored: 0, not 10)',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      assert.equal(await kv.readConfig(), DEFAULTS, 'config');
    },
  },
  {
    name: 'config round trip (scenario 29)',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      const config = { maxVersions: 4, casRequired: true, metadataCasRequired: true, deleteVersionAfter: 300 };
      await kv.writeConfig(config);
      assert.equal(await kv.readConfig(), config, 'config read back');
    },
  },
  {
    name: 'a config write changes only the fields present',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ maxVersions: 7, casRequired: true });
      await kv.writeConfig({ deleteVersionAfter: 30 });
      assert.equal(await kv.readConfig(), { ...DEFAULTS, maxVersions: 7, casRequired: true, deleteVersionAfter: 30 }, 'after two partial writes');
      await kv.writeConfig({});
      assert.equal(await kv.readConfig(), { ...DEFAULTS, maxVersions: 7, casRequired: true, deleteVersionAfter: 30 }, 'after an empty write');
    },
  },
  {
    name: 'config delete_version_after sequences (scenario 30)',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      const sequences: Array<[first: number, second: number, expected: number]> = [
        [10, 0, 0],
        [10, 20, 20],
        [10, -3600, -1],
        [-3600, 3 * 3600, 3 * 3600],
        [-3600, 0, 0],
        [-1, -7200, -1],
      ];
      for (const [first, second, expected] of sequences) {
        await kv.writeConfig({ deleteVersionAfter: first });
        await kv.writeConfig({ deleteVersionAfter: second });
        assert.equal((await kv.readConfig()).deleteVersionAfter, expected, `${first}s then ${second}s`);
      }
    },
  },
  {
    name: 'invalid config values are rejected and change nothing',
    requires: ['extensions', 'mountConfig'],
    async run({ kv, assert }) {
      await kv.writeConfig({ maxVersions: 3 });
      const bad: unknown[] = [
        { maxVersions: -1 },
        { maxVersions: 1.5 },
        { maxVersions: '5' },
        { casRequired: 'true' },
        { metadataCasRequired: 1 },
        { deleteVersionAfter: 1.5 },
        { deleteVersionAfter: Number.NaN },
        { maxVersions: 5, casRequired: 'yes' },
      ];
      for (const update of bad) {
        await assert.rejects(
          kv.writeConfig(update as MountConfigUpdate),
          InvalidRequestError,
          { status: 400 },
          `writeConfig(${JSON.stringify(update)})`,
        );
      }
      assert.equal(await kv.readConfig(), { ...DEFAULTS, maxVersions: 3 }, 'config unchanged');
    },
  },
];
