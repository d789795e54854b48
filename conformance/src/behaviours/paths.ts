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
  {
    name: 'every extension call applies the path rules: empty, relative and non-printable paths are rejected and change nothing',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('a/b', { x: 1 });
      const before = await snapshot(ctx, ['a/b']);
      for (const path of ['', '/', 'a/../b', 'a/./b', '..', 'a/b\u0000', 'zero\u200bwidth', 'ü\u00a0x', 'ключ\t']) {
        const p = JSON.stringify(path);
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['readMetadata', () => kv.readMetadata(path)],
          ['writeMetadata', () => kv.writeMetadata(path, { maxVersions: 2 })],
          ['patchMetadata', () => kv.patchMetadata(path, { maxVersions: 2 })],
          ['deleteMetadata', () => kv.deleteMetadata(path)],
          ['deleteLatest', () => kv.deleteLatest(path)],
          ['subkeys', () => kv.subkeys(path)],
          ['undelete', () => kv.undelete(path, { versions: [1] })],
          ['delete', () => kv.delete(path, { versions: [1] })],
          ['patch', () => kv.patch(path, { y: 1 })],
        ];
        for (const [op, call] of calls) await assert.rejects(call, InvalidRequestError, INVALID_PATH, `${op}(${p})`);
      }
      await expectUnchanged(ctx, ['a/b'], before, 'after the rejected calls');
    },
  },
  {
    name: "metadata writes, metadata patches and undelete are writes: a path ending in '/' is rejected; DELETE-style calls and reads accept it",
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('a/b', { x: 1 });
      await kv.delete('a/b', { versions: [1] });
      const before = await snapshot(ctx, ['a/b']);
      const expected = { ...INVALID_PATH, message: "cannot write to a path ending in '/'" };
      await assert.rejects(kv.writeMetadata('a/b/', { maxVersions: 3 }), InvalidRequestError, expected, 'writeMetadata');
      await assert.rejects(kv.patchMetadata('a/b/', { maxVersions: 3 }), InvalidRequestError, expected, 'patchMetadata');
      await assert.rejects(kv.undelete('a/b/', { versions: [1] }), InvalidRequestError, expected, 'undelete (a POST)');
      await expectUnchanged(ctx, ['a/b'], before, 'after the rejected writes');
      assert.equal((await kv.readMetadata('/a/b/')).currentVersion, 1, 'readMetadata("/a/b/")');
      await kv.undelete('/a/b', { versions: [1] });
      assert.equal((await kv.subkeys('/a/b/')).subkeys, { x: null }, 'subkeys("/a/b/")');
      await kv.deleteLatest('a/b/');
      await expectNotFound(kv.read('a/b'), 'deleted', 'after deleteLatest("a/b/")');
      await kv.deleteMetadata('/a/b/');
      await expectNotFound(kv.readMetadata('a/b'), 'missing', 'after deleteMetadata("/a/b/")');
    },
  },
  {
    name: 'non-ASCII paths go through every call: leading, trailing and doubled slashes are normalised the same way',
    requires: ['extensions'],
    async run({ kv, assert }) {
      const path = 'ключ/ü 😀/中文';
      await kv.writeMetadata(`/${path}`, { maxVersions: 3, customMetadata: { owner: 'ü' } });
      await kv.write(`ключ//ü 😀/中文`, { v: 1 });
      await kv.patch(`/${path}`, { w: 2 });
      assert.equal((await kv.read(`${path}/`)).data, { v: 1, w: 2 }, 'read after write and patch');
      assert.equal(await kv.list('/ключ/'), ['ü 😀/'], 'list of the non-ASCII folder');
      assert.equal(await kv.list('ключ//ü 😀'), ['中文'], 'list of the nested folder with a doubled slash');
      await kv.patchMetadata(path, { customMetadata: { team: 'ö' } });
      const meta = await kv.readMetadata(`/${path}/`);
      assert.equal([meta.currentVersion, meta.maxVersions, meta.customMetadata], [2, 3, { owner: 'ü', team: 'ö' }], 'metadata');
      await kv.delete(`/${path}`, { versions: [1] });
      await kv.destroy(`/${path}`, { versions: [2] });
      await expectNotFound(kv.read(path, { version: 1 }), 'deleted', 'version 1 deleted');
      await expectNotFound(kv.read(path, { version: 2 }), 'destroyed', 'version 2 destroyed');
      await kv.undelete(`/${path}`, { versions: [1] });
      assert.equal((await kv.read(path, { version: 1 })).data, { v: 1 }, 'version 1 undeleted');
      assert.equal((await kv.subkeys(`/${path}/`, { version: 1 })).subkeys, { v: null }, 'subkeys');
      await kv.deleteMetadata(`/${path}/`);
      assert.equal(await kv.list(''), [], 'nothing left after deleteMetadata');
    },
  },
];
