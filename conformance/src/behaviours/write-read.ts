import type { Behaviour } from '../types.js';
import { expectNotFound, seconds, writeVersions } from './helpers.js';

/** Writing versions and reading them back (spec 2.3, 2.4, 4.2). */
export const writeReadBehaviours: readonly Behaviour[] = [
  {
    name: 'write creates version 1 and returns its metadata',
    requires: [],
    async run({ store, assert }) {
      const meta = await store.write('app/db', { password: 'pw' });
      assert.equal(meta.version, 1, 'version');
      assert.isDate(meta.createdTime, 'createdTime');
      assert.equal(meta.deletionTime, null, 'deletionTime of a live version');
      assert.equal(meta.destroyed, false, 'destroyed');
      assert.equal(meta.customMetadata, null, 'customMetadata of a key without any');
      assert.equal(Object.keys(meta).sort(), ['createdTime', 'customMetadata', 'deletionTime', 'destroyed', 'version'], 'metadata fields');
    },
  },
  {
    name: 'each write creates the next version and keeps the previous ones',
    requires: [],
    async run({ store, assert }) {
      for (let n = 1; n <= 3; n++) {
        const meta = await store.write('k', { n });
        assert.equal(meta.version, n, `version of write ${n}`);
      }
      for (let n = 1; n <= 3; n++) {
        const secret = await store.read('k', { version: n });
        assert.equal(secret.data, { n }, `data of version ${n}`);
        assert.equal(secret.metadata.version, n, `metadata.version of version ${n}`);
      }
    },
  },
  {
    name: 'a write stores exactly the object given, without merging earlier versions',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { a: 1, b: 2 });
      await store.write('k', { c: 3 });
      assert.equal((await store.read('k')).data, { c: 3 }, 'latest data');
      assert.equal((await store.read('k', { version: 1 })).data, { a: 1, b: 2 }, 'version 1 data');
    },
  },
  {
    name: 'read returns the latest version with the metadata the write returned',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { v: 'one' });
      const written = await store.write('k', { v: 'two' });
      const secret = await store.read('k');
      assert.equal(secret.data, { v: 'two' }, 'data');
      assert.equal(secret.metadata, written, 'metadata equals the write response');
      assert.equal(Object.keys(secret).sort(), ['data', 'metadata'], 'secret fields');
    },
  },
  {
    name: 'read with version 0 (or no version) means the latest version',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'k', 2);
      assert.equal((await store.read('k', { version: 0 })).data, { n: 2 }, 'version 0');
      assert.equal((await store.read('k', {})).data, { n: 2 }, 'empty options');
      assert.equal((await store.read('k', { version: undefined })).metadata.version, 2, 'version undefined');
    },
  },
  {
    name: 'read of an unknown key is SecretNotFoundError (404, reason missing, no metadata)',
    requires: [],
    async run({ store, assert }) {
      const error = await expectNotFound(store.read('nope'), 'missing', 'read of an unknown key');
      assert.equal(error.path, 'nope', 'error.path');
      assert.equal(error.metadata, null, 'error.metadata');
    },
  },
  {
    name: 'read of a version that never existed is missing, not the latest',
    requires: [],
    async run({ store }) {
      await writeVersions(store, 'k', 2);
      await expectNotFound(store.read('k', { version: 3 }), 'missing', 'read of version 3 of 2');
      await expectNotFound(store.read('k', { version: 1000 }), 'missing', 'read of version 1000');
    },
  },
  {
    name: 'an empty object is a valid secret',
    requires: [],
    async run({ store, assert }) {
      const meta = await store.write('empty', {});
      assert.equal(meta.version, 1, 'version');
      assert.equal((await store.read('empty')).data, {}, 'data');
    },
  },
  {
    name: 'keys are independent: versions of one key never affect another',
    requires: [],
    async run({ store, assert }) {
      await writeVersions(store, 'a', 3);
      const meta = await store.write('b', { x: 1 });
      assert.equal(meta.version, 1, 'first version of another key');
      assert.equal((await store.read('a')).metadata.version, 3, 'first key untouched');
    },
  },
  {
    name: "version timestamps come from the store's clock",
    requires: ['controllableClock'],
    async run({ store, clock, assert }) {
      const t1 = clock.now();
      const first = await store.write('k', { n: 1 });
      assert.sameInstant(first.createdTime, t1, 'createdTime of version 1');
      clock.advance(seconds(90));
      const second = await store.write('k', { n: 2 });
      assert.sameInstant(second.createdTime, clock.now(), 'createdTime of version 2');
      assert.sameInstant((await store.read('k', { version: 1 })).metadata.createdTime, t1, 'version 1 keeps its createdTime');
    },
  },
];
