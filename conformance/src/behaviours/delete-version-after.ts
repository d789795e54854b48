import type { Behaviour } from '../types.js';
import { expectNotFound, seconds } from './helpers.js';

const HOUR = 3600;

/** delete_version_after: scheduled soft deletion, evaluated lazily against the clock (spec 4.6; scenarios 31, 32). */
export const deleteVersionAfterBehaviours: readonly Behaviour[] = [
  {
    name: 'key delete_version_after schedules deletion; the version is readable until then, deleted after',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeMetadata('foo', { deleteVersionAfter: 60 });
      const created = clock.now();
      const meta = await kv.write('foo', { a: 1 });
      const due = new Date(created.getTime() + seconds(60));
      assert.sameInstant(meta.deletionTime, due, 'deletionTime in the write response');
      clock.advance(seconds(59));
      const live = await kv.read('foo');
      assert.equal(live.data, { a: 1 }, 'readable before the deletion time');
      assert.sameInstant(live.metadata.deletionTime, due, 'the future deletionTime is shown');
      clock.advance(seconds(2));
      const error = await expectNotFound(kv.read('foo'), 'deleted', 'read after the deletion time');
      assert.sameInstant(error.metadata?.deletionTime, due, 'deletionTime of the expired version');
    },
  },
  {
    name: 'the effective delete_version_after is the smallest non-zero of mount and key (scenario 31)',
    requires: ['extensions', 'mountConfig', 'controllableClock'],
    async run({ kv, clock, assert }) {
      const cases: Array<[mount: number, key: number, expected: number | null]> = [
        [0, 0, null],
        [0, 3 * HOUR, 3 * HOUR],
        [3 * HOUR, 0, 3 * HOUR],
        [6 * HOUR, 3 * HOUR, 3 * HOUR],
        [3 * HOUR, 6 * HOUR, 3 * HOUR],
        [3 * HOUR, 3 * HOUR, 3 * HOUR],
      ];
      for (const [i, [mount, key, expected]] of cases.entries()) {
        const path = `case${i}`;
        await kv.writeConfig({ deleteVersionAfter: mount });
        await kv.writeMetadata(path, { deleteVersionAfter: key });
        const meta = await kv.write(path, { i });
        const due = expected === null ? null : new Date(clock.now().getTime() + seconds(expected));
        assert.sameInstant(meta.deletionTime, due, `deletionTime for mount ${mount}s, key ${key}s (write)`);
        assert.sameInstant((await kv.read(path)).metadata.deletionTime, due, `deletionTime for mount ${mount}s, key ${key}s (read)`);
      }
    },
  },
  {
    name: 'a negative mount delete_version_after disables scheduling whatever the key says',
    requires: ['extensions', 'mountConfig', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeConfig({ deleteVersionAfter: -HOUR });
      assert.equal((await kv.readConfig()).deleteVersionAfter, -1, 'stored as -1');
      await kv.writeMetadata('foo', { deleteVersionAfter: 3 * HOUR });
      assert.equal((await kv.write('foo', { a: 1 })).deletionTime, null, 'no deletion time on write');
      await kv.delete('foo', { versions: [1] });
      await kv.undelete('foo', { versions: [1] });
      assert.equal((await kv.read('foo')).metadata.deletionTime, null, 'no deletion time after undelete');
      clock.advance(seconds(4 * HOUR));
      assert.equal((await kv.read('foo')).data, { a: 1 }, 'never expires');
    },
  },
  {
    name: 'undelete restarts the timer from the undelete instant (scenario 32)',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeMetadata('foo', { deleteVersionAfter: 100 });
      await kv.write('foo', { a: 1 });
      clock.advance(seconds(150));
      await expectNotFound(kv.read('foo'), 'deleted', 'expired version');
      await kv.undelete('foo', { versions: [1] });
      const due = new Date(clock.now().getTime() + seconds(100));
      const secret = await kv.read('foo');
      assert.equal(secret.data, { a: 1 }, 'readable again');
      assert.sameInstant(secret.metadata.deletionTime, due, 'deletionTime = undelete time + 100s');
      assert.sameInstant((await kv.readMetadata('foo')).versions[1]?.deletionTime, due, 'metadata agrees');
    },
  },
  {
    name: 'undelete of a live version with a schedule pushes the schedule out',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeMetadata('foo', { deleteVersionAfter: 100 });
      await kv.write('foo', { a: 1 });
      clock.advance(seconds(60));
      await kv.undelete('foo', { versions: [1] });
      assert.sameInstant((await kv.read('foo')).metadata.deletionTime, new Date(clock.now().getTime() + seconds(100)), 'deletionTime');
      clock.advance(seconds(60));
      assert.equal((await kv.read('foo')).data, { a: 1 }, 'still readable 120s after the write');
    },
  },
  {
    name: 'changing delete_version_after never touches existing versions',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.write('foo', { n: 1 });
      await kv.writeMetadata('foo', { deleteVersionAfter: 50 });
      assert.equal((await kv.read('foo')).metadata.deletionTime, null, 'version 1 has no schedule');
      const created = clock.now();
      await kv.write('foo', { n: 2 });
      await kv.writeMetadata('foo', { deleteVersionAfter: 500 });
      assert.sameInstant((await kv.read('foo')).metadata.deletionTime, new Date(created.getTime() + seconds(50)), 'version 2 keeps 50s');
    },
  },
  {
    name: 'delete of a version with a future deletion time deletes it now',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeMetadata('foo', { deleteVersionAfter: HOUR });
      await kv.write('foo', { a: 1 });
      clock.advance(seconds(1));
      await kv.delete('foo', { versions: [1] });
      const error = await expectNotFound(kv.read('foo'), 'deleted', 'read after delete');
      assert.sameInstant(error.metadata?.deletionTime, clock.now(), 'deletionTime is now');
    },
  },
  {
    name: 'a future deletion time does not block a patch; an expired one does',
    requires: ['extensions', 'controllableClock'],
    async run({ kv, clock, assert }) {
      await kv.writeMetadata('foo', { deleteVersionAfter: 100 });
      await kv.write('foo', { a: 1 });
      clock.advance(seconds(10));
      const meta = await kv.patch('foo', { b: 2 });
      assert.equal(meta.version, 2, 'patch of a scheduled version');
      assert.sameInstant(meta.deletionTime, new Date(clock.now().getTime() + seconds(100)), 'the new version is scheduled too');
      clock.advance(seconds(200));
      await expectNotFound(kv.patch('foo', { c: 3 }), 'deleted', 'patch of an expired version');
    },
  },
];
