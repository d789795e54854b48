import { InvalidRequestError } from '@kv2/core';
import type { Behaviour } from '../types.js';

/** LIST: immediate children, byte-wise order (spec 5; scenario 28). */
export const listBehaviours: readonly Behaviour[] = [
  {
    name: "list returns the immediate children: secrets by name, folders with a trailing '/' (scenario 28)",
    requires: [],
    async run({ store, assert }) {
      await store.write('subdir/entry', { value: 10 });
      await store.write('subdir/deeper/x', { a: 1 });
      await store.write('top', { b: 2 });
      assert.equal(await store.list(''), ['subdir/', 'top'], "list('')");
      assert.equal(await store.list('subdir'), ['deeper/', 'entry'], "list('subdir')");
      assert.equal(await store.list('subdir/deeper'), ['x'], "list('subdir/deeper')");
    },
  },
  {
    name: "list shows both 'foo' and 'foo/' when a secret and a folder share the name",
    requires: [],
    async run({ store, assert }) {
      await store.write('foo', { a: 1 });
      await store.write('foo/bar', { b: 2 });
      assert.equal(await store.list(''), ['foo', 'foo/'], "list('')");
      assert.equal(await store.list('foo'), ['bar'], "list('foo') lists the folder");
    },
  },
  {
    name: "list is sorted byte-wise: uppercase first, 'foo' < 'foo/', 'a-b' < 'a/' < 'a0'",
    requires: [],
    async run({ store, assert }) {
      for (const path of ['b', 'a0', 'a/x', 'a-b', 'B', 'Z', 'foo/x', 'foo', '_', '~']) await store.write(path, { p: path });
      assert.equal(await store.list(''), ['B', 'Z', '_', 'a-b', 'a/', 'a0', 'b', 'foo', 'foo/', '~'], 'order');
    },
  },
  {
    name: 'list orders by UTF-8 bytes, not UTF-16: U+FF21 sorts before an astral character',
    requires: [],
    async run({ store, assert }) {
      for (const path of ['😀', '\uff21', 'é', 'z', '\u{10348}', '中']) await store.write(path, { p: 1 });
      assert.equal(await store.list(''), ['z', 'é', '中', '\uff21', '\u{10348}', '😀'], 'order by code point');
    },
  },
  {
    name: 'list of a missing prefix, of a leaf secret and of an empty store is []',
    requires: [],
    async run({ store, assert }) {
      assert.equal(await store.list(''), [], 'empty store');
      assert.equal(await store.list('nothing'), [], 'empty store, prefix');
      await store.write('leaf', { a: 1 });
      await store.write('dir/x', { a: 1 });
      assert.equal(await store.list('leaf'), [], 'a leaf secret');
      assert.equal(await store.list('missing'), [], 'a missing prefix');
      assert.equal(await store.list('di'), [], 'a partial name is no prefix');
      assert.equal(await store.list('dir/x'), [], 'a nested leaf');
    },
  },
  {
    name: 'keys whose versions are all deleted or destroyed are still listed',
    requires: [],
    async run({ store, assert }) {
      await store.write('deleted', { a: 1 });
      await store.write('destroyed', { a: 1 });
      await store.delete('deleted', { versions: [1] });
      await store.destroy('destroyed', { versions: [1] });
      assert.equal(await store.list(''), ['deleted', 'destroyed'], 'both listed');
    },
  },
  {
    name: 'metadata-only keys are listed; deleteMetadata removes a key and its empty folders',
    requires: ['extensions'],
    async run({ kv, assert }) {
      await kv.writeMetadata('dir/meta-only', { maxVersions: 2 });
      assert.equal(await kv.list(''), ['dir/'], 'folder of a metadata-only key');
      assert.equal(await kv.list('dir'), ['meta-only'], 'the metadata-only key');
      await kv.deleteMetadata('dir/meta-only');
      assert.equal(await kv.list(''), [], 'the empty folder disappears');
      assert.equal(await kv.list('dir'), [], 'nothing below');
    },
  },
  {
    name: "list prefixes are normalised: 'a', 'a/', '/a' and '/a/' are the same folder",
    requires: [],
    async run({ store, assert }) {
      await store.write('a/b/c', { x: 1 });
      await store.write('a/d', { x: 1 });
      for (const prefix of ['a', 'a/', '/a', '/a/']) assert.equal(await store.list(prefix), ['b/', 'd'], `list(${JSON.stringify(prefix)})`);
      for (const prefix of ['a/b', '/a/b/']) assert.equal(await store.list(prefix), ['c'], `list(${JSON.stringify(prefix)})`);
      assert.equal(await store.list('/'), ['a/'], "list('/') is the top level");
    },
  },
  {
    name: "list rejects prefixes with '.'/'..' segments or non-printable characters",
    requires: [],
    async run({ store, assert }) {
      await store.write('a/b', { x: 1 });
      for (const prefix of ['..', 'a/..', './a', 'a\u0000', 'a\nb', 'a\u200b']) {
        await assert.rejects(store.list(prefix), InvalidRequestError, { code: 'invalid_path', status: 400 }, `list(${JSON.stringify(prefix)})`);
      }
    },
  },
];
