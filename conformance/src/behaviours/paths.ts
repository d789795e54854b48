import { InvalidRequestError } from '@kv2/core';
import type { Behaviour } from '../types.js';
import { expectNotFound, expectUnchanged, snapshot } from './helpers.js';

const INVALID_PATH = { code: 'invalid_path', status: 400 } as const;

/** Path rules (spec 9). */
export const pathBehaviours: readonly Behaviour[] = [
  {
    name: 'reads accept leading and trailing slashes: /a/b, a/b/ and a/b are the same key',
    requires: [],
    async run({ store, assert }) {
      await store.write('a/b', { x: 1 });
      for (const path of ['/a/b', 'a/b/', '/a/b/']) assert.equal((await store.read(path)).data, { x: 1 }, `read(${JSON.stringify(path)})`);
      await store.write('/a/b', { x: 2 });
      assert.equal((await store.read('a/b')).metadata.version, 2, 'a write to "/a/b" is a write to "a/b"');
      assert.equal(await store.list('a'), ['b'], 'one key');
    },
  },
  {
    name: 'an empty path is rejected by every operation',
    requires: [],
    async run({ store, assert }) {
      for (const path of ['', '/', '//']) {
        const p = JSON.stringify(path);
        await assert.rejects(store.read(path), InvalidRequestError, INVALID_PATH, `read(${p})`);
        await assert.rejects(store.write(path, { a: 1 }), InvalidRequestError, INVALID_PATH, `write(${p})`);
        await assert.rejects(store.patch(path, { a: 1 }), InvalidRequestError, INVALID_PATH, `patch(${p})`);
        await assert.rejects(store.delete(path, { versions: [1] }), InvalidRequestError, INVALID_PATH, `delete(${p})`);
        await assert.rejects(store.undelete(path, { versions: [1] }), InvalidRequestError, INVALID_PATH, `undelete(${p})`);
        await assert.rejects(store.destroy(path, { versions: [1] }), InvalidRequestError, INVALID_PATH, `destroy(${p})`);
      }
      await assert.rejects(store.read(''), InvalidRequestError, { ...INVALID_PATH, message: 'missing path' }, 'message of read("")');
      assert.equal(await store.list(''), [], 'nothing written');
    },
  },
  {
    name: "paths with '.' or '..' segments are rejected ('relative paths not supported')",
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('a/b', { x: 1 });
      const before = await snapshot(ctx, ['a/b']);
      for (const path of ['.', '..', 'a/../b', 'a/./b', '../a', 'a/..']) {
        const p = JSON.stringify(path);
        await assert.rejects(store.read(path), InvalidRequestError, { ...INVALID_PATH, message: 'relative paths not supported' }, `read(${p})`);
        await assert.rejects(store.write(path, { a: 1 }), InvalidRequestError, INVALID_PATH, `write(${p})`);
        await assert.rejects(store.destroy(path, { versions: [1] }), InvalidRequestError, INVALID_PATH, `destroy(${p})`);
      }
      await expectUnchanged(ctx, ['a/b'], before, 'after the rejected calls');
      await store.write('a/.hidden/..x/...', { dots: true });
      assert.equal((await store.read('a/.hidden/..x/...')).data, { dots: true }, 'dots inside names are fine');
    },
  },
  {
    name: 'paths with non-printable characters are rejected',
    requires: [],
    async run({ store, assert }) {
      for (const path of ['a\u0000b', 'tab\there', 'line\nbreak', 'zero\u200bwidth', 'nb\u00a0sp', 'del\u007f', 'ls\u2028']) {
        const p = JSON.stringify(path);
        await assert.rejects(store.write(path, { a: 1 }), InvalidRequestError, INVALID_PATH, `write(${p})`);
        await assert.rejects(store.read(path), InvalidRequestError, INVALID_PATH, `read(${p})`);
      }
      assert.equal(await store.list(''), [], 'nothing written');
    },
  },
  {
    name: "writes to a path ending in '/' are rejected ('cannot write to a path ending in '/'')",
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('a/b', { x: 1 });
      const before = await snapshot(ctx, ['a/b']);
      const expected = { ...INVALID_PATH, message: "cannot write to a path ending in '/'" };
      await assert.rejects(store.write('a/b/', { x: 2 }), InvalidRequestError, expected, 'write');
      await assert.rejects(store.patch('a/b/', { x: 2 }), InvalidRequestError, expected, 'patch');
      await assert.rejects(store.delete('a/b/', { versions: [1] }), InvalidRequestError, expected, 'delete (a POST)');
      await assert.rejects(store.destroy('a/b/', { versions: [1] }), InvalidRequestError, expected, 'destroy (a POST)');
      await expectUnchanged(ctx, ['a/b'], before, 'after the rejected writes');
    },
  },
  {
    name: 'paths may hold unicode, spaces and punctuation',
    requires: [],
    async run({ store, assert }) {
      const paths = ['ünïcödé/ключ', 'with space/and-dash_underscore', 'emoji/😀', 'punct/a:b@c+d=e,f~g', '中文/路径'];
      for (const [i, path] of paths.entries()) await store.write(path, { i });
      for (const [i, path] of paths.entries()) assert.equal((await store.read(path)).data, { i }, `read(${JSON.stringify(path)})`);
      assert.equal(await store.list('emoji'), ['😀'], 'list of an emoji folder');
    },
  },
  {
    name: "'__proto__', 'constructor' and 'toString' are ordinary paths",
    requires: [],
    async run({ store, assert }) {
      await expectNotFound(store.read('constructor'), 'missing', 'read("constructor") on an empty store');
      await expectNotFound(store.read('toString'), 'missing', 'read("toString") on an empty store');
      await expectNotFound(store.read('__proto__'), 'missing', 'read("__proto__") on an empty store');
      await store.write('__proto__', { a: 1 });
      await store.write('constructor', { b: 2 });
      await store.write('x/__proto__/y', { c: 3 });
      assert.equal((await store.read('__proto__')).data, { a: 1 }, '__proto__');
      assert.equal((await store.read('constructor')).data, { b: 2 }, 'constructor');
      assert.equal((await store.read('x/__proto__/y')).data, { c: 3 }, 'x/__proto__/y');
      assert.equal(await store.list(''), ['__proto__', 'constructor', 'x/'], 'top level');
      assert.equal(await store.list('x'), ['__proto__/'], 'list("x")');
      assert.equal(await store.list('x/__proto__'), ['y'], 'list("x/__proto__")');
      await expectNotFound(store.read('hasOwnProperty'), 'missing', 'read("hasOwnProperty")');
      assert.equal(({} as Record<string, unknown>).a, undefined, 'Object.prototype not polluted');
    },
  },
];
