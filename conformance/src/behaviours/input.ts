import { InvalidRequestError } from '@kv2/core';
import type { Behaviour, BehaviourContext } from '../types.js';
import { expectUnchanged, snapshot } from './helpers.js';

/** Writes `bad` to an existing key and to a new one; asserts the error and that nothing changed. */
async function rejectData(ctx: BehaviourContext, cases: ReadonlyArray<[label: string, data: unknown]>, code: string): Promise<void> {
  const { store, assert } = ctx;
  await store.write('k', { ok: true });
  const before = await snapshot(ctx, ['k', 'new']);
  for (const [label, data] of cases) {
    for (const path of ['k', 'new']) {
      await assert.rejects(store.write(path, data as object), InvalidRequestError, { code, status: 400 }, `write(${path}, ${label})`);
      await assert.rejects(
        store.write(path, data as object, { cas: path === 'k' ? 1 : 0 }),
        InvalidRequestError,
        { code, status: 400 },
        `write(${path}, ${label}) with cas`,
      );
    }
  }
  await expectUnchanged(ctx, ['k', 'new'], before, 'after the rejected writes');
}

/** Bad input gets a typed error and changes nothing (spec 3, 10). */
export const inputBehaviours: readonly Behaviour[] = [
  {
    name: "a write without data is rejected with no_data ('no data provided')",
    requires: [],
    async run(ctx) {
      await rejectData(ctx, [['undefined', undefined]], 'no_data');
      await ctx.assert.rejects(ctx.store.write('k', undefined as unknown as object), InvalidRequestError, { message: 'no data provided' }, 'message');
    },
  },
  {
    name: 'data must be a JSON object: strings, numbers, booleans, null and arrays are rejected',
    requires: [],
    async run(ctx) {
      await rejectData(
        ctx,
        [
          ['a string', 'text'],
          ['a number', 42],
          ['a boolean', true],
          ['null', null],
          ['an array', [{ a: 1 }]],
          ['an empty array', []],
        ],
        'invalid_data',
      );
    },
  },
  {
    name: 'class instances are not JSON objects: Date, Map, Set, Buffer, class objects are rejected',
    requires: [],
    async run(ctx) {
      class Credentials {
        user = 'u';
      }
      await rejectData(
        ctx,
        [
          ['a Date', new Date(0)],
          ['a Map', new Map([['a', 1]])],
          ['a Set', new Set([1])],
          ['a Buffer', Buffer.from('x')],
          ['a class instance', new Credentials()],
          ['a nested Date', { when: new Date(0) }],
          ['a nested Map', { m: new Map() }],
        ],
        'invalid_data',
      );
    },
  },
  {
    name: 'undefined, functions, symbols and bigints inside data are rejected',
    requires: [],
    async run(ctx) {
      await rejectData(
        ctx,
        [
          ['an undefined value', { a: undefined }],
          ['a nested undefined value', { a: { b: undefined } }],
          ['undefined in an array', { a: [1, undefined] }],
          ['a function', { f: () => 1 }],
          ['a symbol', { s: Symbol('x') }],
          ['a bigint', { n: 10n }],
        ],
        'invalid_data',
      );
    },
  },
  {
    name: 'non-finite numbers (NaN, Infinity, -Infinity) are rejected',
    requires: [],
    async run(ctx) {
      await rejectData(
        ctx,
        [
          ['NaN', { n: Number.NaN }],
          ['Infinity', { n: Number.POSITIVE_INFINITY }],
          ['-Infinity', { n: [Number.NEGATIVE_INFINITY] }],
        ],
        'invalid_data',
      );
    },
  },
  {
    name: 'circular data is rejected',
    requires: [],
    async run(ctx) {
      const loop: Record<string, unknown> = { a: 1 };
      loop.self = loop;
      await rejectData(ctx, [['a cycle', loop]], 'invalid_data');
    },
  },
  {
    name: 'bad read versions (negative, fractional, NaN, strings) are rejected with invalid_parameter',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { a: 1 });
      for (const version of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1'] as unknown as number[]) {
        await assert.rejects(
          store.read('k', { version }),
          InvalidRequestError,
          { code: 'invalid_parameter', status: 400 },
          `read version ${String(version)}`,
        );
      }
    },
  },
  {
    name: "bad cas values (negative, fractional, NaN, strings) are rejected by write and patch with invalid_cas ('error parsing check-and-set parameter')",
    requires: [],
    async run(ctx) {
      const { store, assert } = ctx;
      await store.write('k', { a: 1 });
      const before = await snapshot(ctx, ['k', 'new']);
      const expected = { code: 'invalid_cas', status: 400, message: 'error parsing check-and-set parameter' };
      for (const cas of [-1, 1.5, Number.NaN, '1', null] as unknown as number[]) {
        await assert.rejects(store.write('k', { b: 2 }, { cas }), InvalidRequestError, expected, `write with cas ${String(cas)}`);
        await assert.rejects(store.write('new', { b: 2 }, { cas }), InvalidRequestError, expected, `write of a new key with cas ${String(cas)}`);
        await assert.rejects(store.patch('k', { b: 2 }, { cas }), InvalidRequestError, expected, `patch with cas ${String(cas)}`);
      }
      await expectUnchanged(ctx, ['k', 'new'], before, 'after the rejected writes');
    },
  },
  {
    name: 'a rejected argument names the parameter and shows the value given (never secret data), with a stable code',
    requires: ['extensions', 'mountConfig'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('k', { a: 1 });
      const before = await snapshot(ctx, ['k']);
      const P = { code: 'invalid_parameter', status: 400 } as const;
      const V = { code: 'invalid_versions', status: 400 } as const;
      const bad = <T>(value: unknown): T => value as T;
      const cases: Array<[what: string, call: () => Promise<unknown>, expected: { code: string; status: number }, includes: string[]]> = [
        ['read version -1', () => kv.read('k', { version: -1 }), P, ['version', '-1']],
        ['read version "2"', () => kv.read('k', { version: bad('2') }), P, ['version', '"2"']],
        ['read version null', () => kv.read('k', { version: bad(null) }), P, ['version', 'null']],
        ['read version {}', () => kv.read('k', { version: bad({}) }), P, ['version', 'object']],
        ['subkeys depth 1.5', () => kv.subkeys('k', { depth: 1.5 }), P, ['depth', '1.5']],
        ['subkeys version -2', () => kv.subkeys('k', { version: -2 }), P, ['version', '-2']],
        ['delete versions [1, -1]', () => kv.delete('k', { versions: [1, -1] }), V, ['versions', '-1']],
        ['undelete versions [0.5]', () => kv.undelete('k', { versions: [0.5] }), V, ['versions', '0.5']],
        ['destroy versions ["1"]', () => kv.destroy('k', { versions: bad(['1']) }), V, ['versions', '"1"']],
        ['delete versions null', () => kv.delete('k', { versions: bad(null) }), V, ['versions', 'iterable']],
        ['delete versions {}', () => kv.delete('k', { versions: bad({}) }), V, ['versions', 'iterable']],
        ['destroy versions 3', () => kv.destroy('k', { versions: bad(3) }), V, ['versions', 'iterable']],
        [
          'writeMetadata maxVersions 2^32',
          () => kv.writeMetadata('k', { maxVersions: 4_294_967_296 }),
          P,
          ['max_versions', '4294967295', '4294967296'],
        ],
        ['patchMetadata maxVersions "3"', () => kv.patchMetadata('k', { maxVersions: bad('3') }), P, ['max_versions', '"3"']],
        ['writeMetadata casRequired "yes"', () => kv.writeMetadata('k', { casRequired: bad('yes') }), P, ['cas_required', '"yes"']],
        ['patchMetadata casRequired 1', () => kv.patchMetadata('k', { casRequired: bad(1) }), P, ['cas_required', '1']],
        ['writeMetadata metadataCasRequired 0', () => kv.writeMetadata('k', { metadataCasRequired: bad(0) }), P, ['metadata_cas_required', '0']],
        [
          'patchMetadata metadataCasRequired "no"',
          () => kv.patchMetadata('k', { metadataCasRequired: bad('no') }),
          P,
          ['metadata_cas_required', '"no"'],
        ],
        ['writeMetadata deleteVersionAfter 1.5', () => kv.writeMetadata('k', { deleteVersionAfter: 1.5 }), P, ['delete_version_after', '1.5']],
        [
          'writeMetadata deleteVersionAfter -5',
          () => kv.writeMetadata('k', { deleteVersionAfter: -5 }),
          P,
          ['delete_version_after', "negative value '-5'"],
        ],
        [
          'patchMetadata deleteVersionAfter "60"',
          () => kv.patchMetadata('k', { deleteVersionAfter: bad('60') }),
          P,
          ['delete_version_after', '"60"'],
        ],
        ['writeMetadata metadataCas -1', () => kv.writeMetadata('k', { maxVersions: 2, metadataCas: -1 }), P, ['metadata_cas', '-1']],
        ['patchMetadata metadataCas 0.5', () => kv.patchMetadata('k', { maxVersions: 2, metadataCas: 0.5 }), P, ['metadata_cas', '0.5']],
        ['writeMetadata null', () => kv.writeMetadata('k', bad(null)), P, ['metadata update', 'object']],
        ['patchMetadata "x"', () => kv.patchMetadata('k', bad('x')), P, ['metadata patch', 'object']],
        ['writeConfig null', () => kv.writeConfig(bad(null)), P, ['config update', 'object']],
        ['writeConfig maxVersions -1', () => kv.writeConfig({ maxVersions: -1 }), P, ['max_versions', '-1']],
        ['writeConfig casRequired "true"', () => kv.writeConfig({ casRequired: bad('true') }), P, ['cas_required', '"true"']],
        ['writeConfig metadataCasRequired null', () => kv.writeConfig({ metadataCasRequired: bad(null) }), P, ['metadata_cas_required', 'null']],
        ['writeConfig deleteVersionAfter 0.5', () => kv.writeConfig({ deleteVersionAfter: 0.5 }), P, ['delete_version_after']],
        ['delete without options', () => kv.delete('k', bad(undefined)), V, ['versions', 'iterable']],
        ['undelete with null options', () => kv.undelete('k', bad(null)), V, ['versions', 'iterable']],
        ['write data "s3cr3t"', () => kv.write('k', bad('s3cr3t')), { code: 'invalid_data', status: 400 }, ['data']],
      ];
      for (const [what, call, expected, includes] of cases) {
        const error = await assert.rejects(call, InvalidRequestError, { ...expected, messageIncludes: includes }, what);
        assert.ok(!error.message.includes('s3cr3t'), `${what}: no data in the message`);
      }
      await expectUnchanged(ctx, ['k'], before, 'after the rejected calls');
    },
  },
  {
    name: 'a path that is not a string (undefined, null, a number, an object) is rejected with invalid_path by every call',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      await kv.write('42', { a: 1 });
      const before = await snapshot(ctx, ['42']);
      for (const path of [undefined, null, 42, { toString: () => 'k' }] as unknown as string[]) {
        const p = path === null ? 'null' : typeof path;
        const expected = { code: 'invalid_path', status: 400, messageIncludes: ['path must be a string', p] };
        await assert.rejects(() => kv.read(path), InvalidRequestError, expected, `read(${p})`);
        await assert.rejects(() => kv.write(path, { b: 2 }), InvalidRequestError, expected, `write(${p})`);
        await assert.rejects(() => kv.destroy(path, { versions: [1] }), InvalidRequestError, expected, `destroy(${p})`);
        await assert.rejects(() => kv.list(path), InvalidRequestError, expected, `list(${p})`);
        await assert.rejects(() => kv.writeMetadata(path, { maxVersions: 1 }), InvalidRequestError, expected, `writeMetadata(${p})`);
        await assert.rejects(() => kv.deleteMetadata(path), InvalidRequestError, expected, `deleteMetadata(${p})`);
      }
      await assert.rejects(
        kv.read('a\u0001b'),
        InvalidRequestError,
        { code: 'invalid_path', status: 400, messageIncludes: 'non-printable' },
        'message of a non-printable path',
      );
      await expectUnchanged(ctx, ['42'], before, 'after the rejected calls');
    },
  },
];
