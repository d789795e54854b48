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
      await assert.rejects(store.write(path, data as object, { cas: path === 'k' ? 1 : 0 }), InvalidRequestError, { code, status: 400 }, `write(${path}, ${label}) with cas`);
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
        await assert.rejects(store.read('k', { version }), InvalidRequestError, { code: 'invalid_parameter', status: 400 }, `read version ${String(version)}`);
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
];
