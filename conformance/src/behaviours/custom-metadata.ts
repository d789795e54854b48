import { InvalidRequestError } from '@kv2/core';
import type { Behaviour, BehaviourContext } from '../types.js';
import { expectNotFound, expectUnchanged, snapshot } from './helpers.js';

const INVALID = { code: 'invalid_custom_metadata', status: 400 } as const;

function manyKeys(count: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`k${i}`] = `v${i}`;
  return out;
}

/** Rejects `customMetadata` on a new key and on an existing one, and proves nothing was stored. */
async function expectRejected(ctx: BehaviourContext, customMetadata: Record<string, string>, messageIncludes: readonly string[], what: string) {
  const { kv, assert } = ctx;
  await kv.writeMetadata('existing', { customMetadata: { keep: 'me' } });
  const before = await snapshot(ctx, ['existing']);
  const error = await assert.rejects(
    kv.writeMetadata('new', { customMetadata }),
    InvalidRequestError,
    { ...INVALID, messageIncludes },
    `${what} (new key)`,
  );
  await expectNotFound(kv.readMetadata('new'), 'missing', `${what}: nothing stored`);
  await assert.rejects(
    kv.writeMetadata('existing', { customMetadata, maxVersions: 3 }),
    InvalidRequestError,
    { ...INVALID, messageIncludes },
    `${what} (existing key)`,
  );
  await assert.rejects(
    kv.patchMetadata('existing', { customMetadata, maxVersions: 3 }),
    InvalidRequestError,
    { ...INVALID, messageIncludes },
    `${what} (patch)`,
  );
  await expectUnchanged(ctx, ['existing'], before, what);
  return error;
}

/** custom_metadata limits (spec 9.4; scenarios 16, 17, 20). */
export const customMetadataBehaviours: readonly Behaviour[] = [
  {
    name: 'custom metadata: 64 keys are accepted, 65 are rejected with a single error (scenario 17)',
    requires: ['extensions'],
    async run(ctx) {
      await ctx.kv.writeMetadata('ok', { customMetadata: manyKeys(64) });
      ctx.assert.equal((await ctx.kv.readMetadata('ok')).customMetadata, manyKeys(64), '64 keys stored');
      await expectRejected(ctx, manyKeys(65), ['1 error occurred', 'payload must contain at most 64 keys, provided 65'], '65 keys');
    },
  },
  {
    name: 'custom metadata: every problem is reported at once and nothing is stored (scenario 16)',
    requires: ['extensions'],
    async run(ctx) {
      const custom = {
        ['k'.repeat(129)]: 'v',
        long: 'v'.repeat(513),
        '': 'empty key',
        emptyval: '',
        'unprint\u200bable': 'v',
        bad: 'un\u200bprintable',
      };
      await expectRejected(
        ctx,
        custom,
        [
          '6 errors occurred',
          'is 129 but must be 0 < len(key) <= 128',
          'length of value for key "long" is 513 but must be 0 < len(value) <= 512',
          'length of key "" is 0 but must be 0 < len(key) <= 128',
          'length of value for key "emptyval" is 0 but must be 0 < len(value) <= 512',
          'key "unprint\\u200bable" (unprint\u200bable) contains unprintable characters',
          'value for key "bad" contains unprintable characters',
        ],
        'six problems',
      );
    },
  },
  {
    name: 'custom metadata lengths are counted in UTF-8 bytes: 128 per key, 512 per value',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      const fits = { ['é'.repeat(64)]: 'é'.repeat(256), ['k'.repeat(128)]: 'v'.repeat(512) };
      await kv.writeMetadata('fits', { customMetadata: fits });
      assert.equal((await kv.readMetadata('fits')).customMetadata, fits, 'limits are inclusive');
      await expectRejected(ctx, { ['é'.repeat(65)]: 'v' }, ['is 130 but must be 0 < len(key) <= 128'], 'a 130-byte key of 65 characters');
      await expectRejected(ctx, { k: `${'é'.repeat(256)}a` }, ['is 513 but must be 0 < len(value) <= 512'], 'a 513-byte value of 257 characters');
    },
  },
  {
    name: 'custom metadata must be printable: control characters, NBSP and zero-width spaces are rejected',
    requires: ['extensions'],
    async run(ctx) {
      const { kv, assert } = ctx;
      const printable = { ключ: 'значение', 'emoji 😀': 'ok ✓', 'a b': 'c d' };
      await kv.writeMetadata('fine', { customMetadata: printable });
      assert.equal((await kv.readMetadata('fine')).customMetadata, printable, 'printable unicode and spaces are accepted');
      for (const [label, ch] of [
        ['tab', '\t'],
        ['newline', '\n'],
        ['NBSP', '\u00a0'],
        ['U+200B', '\u200b'],
      ] as const) {
        await expectRejected(ctx, { [`key${ch}`]: 'v' }, ['contains unprintable characters'], `a key with a ${label}`);
        await expectRejected(ctx, { key: `v${ch}` }, ['value for key "key" contains unprintable characters'], `a value with a ${label}`);
      }
    },
  },
  {
    name: 'custom metadata values must be strings: objects and arrays are rejected',
    requires: ['extensions'],
    async run(ctx) {
      for (const value of [{ nested: 'x' }, ['a']]) {
        await expectRejected(
          ctx,
          { key: value } as unknown as Record<string, string>,
          ['custom_metadata validation failed'],
          `a ${Array.isArray(value) ? 'array' : 'object'} value`,
        );
      }
    },
  },
  {
    name: 'an unprintable custom metadata key is shown with Go\'s %q escapes (\\a \\b \\f \\n \\r \\t \\v, \\xNN, \\uNNNN, \\UNNNNNNNN, \\" and \\\\)',
    requires: ['extensions'],
    async run(ctx) {
      // strconv.Quote: the seven C escapes, \x for other ASCII controls and DEL, \u below U+10000,
      // \U above; a quote and a backslash are escaped, printable characters stay as they are.
      const cases: Array<[key: string, quoted: string]> = [
        ['tab\tkey', '"tab\\tkey"'],
        ['nl\nkey', '"nl\\nkey"'],
        ['cr\rkey', '"cr\\rkey"'],
        ['bell\u0007', '"bell\\a"'],
        ['bs\b', '"bs\\b"'],
        ['ff\f', '"ff\\f"'],
        ['vt\v', '"vt\\v"'],
        ['nul\u0000', '"nul\\x00"'],
        ['esc\u001b', '"esc\\x1b"'],
        ['del\u007f', '"del\\x7f"'],
        ['c1\u0080', '"c1\\u0080"'],
        ['c1\u0085', '"c1\\u0085"'],
        ['nonchar\uffff', '"nonchar\\uffff"'],
        ['nb\u00a0sp', '"nb\\u00a0sp"'],
        ['zw\u200bsp', '"zw\\u200bsp"'],
        ['ls\u2028', '"ls\\u2028"'],
        ['tag\u{e0001}', '"tag\\U000e0001"'],
        ['"q\\b\u200b', '"\\"q\\\\b\\u200b"'],
        ['ünï😀\u200b', '"ünï😀\\u200b"'],
      ];
      for (const [key, quoted] of cases) {
        const error = await expectRejected(
          ctx,
          { [key]: 'v' },
          [`key ${quoted} (${key}) contains unprintable characters`],
          `key ${JSON.stringify(key)}`,
        );
        ctx.assert.equal(
          error.problems,
          [`custom_metadata validation failed: key ${quoted} (${key}) contains unprintable characters`],
          `problems of key ${JSON.stringify(key)}`,
        );
      }
    },
  },
  {
    name: 'custom metadata errors list each problem in error.problems, without the multi-error wrapping',
    requires: ['extensions'],
    async run(ctx) {
      const error = await expectRejected(ctx, { a: '', b: 'x'.repeat(513) }, ['2 errors occurred'], 'two problems');
      ctx.assert.equal(
        [...error.problems].sort(),
        [
          'custom_metadata validation failed: length of value for key "a" is 0 but must be 0 < len(value) <= 512',
          'custom_metadata validation failed: length of value for key "b" is 513 but must be 0 < len(value) <= 512',
        ],
        'problems',
      );
    },
  },
  {
    name: 'custom metadata that is not an object (a string, an array, a number) is rejected and changes nothing',
    requires: ['extensions'],
    async run(ctx) {
      for (const custom of ['ab', ['x'], 7, new Map([['a', 'b']])]) {
        await expectRejected(ctx, custom as unknown as Record<string, string>, ['custom_metadata'], `customMetadata ${JSON.stringify(custom)}`);
      }
      const { kv, assert } = ctx;
      await kv.writeMetadata('k', { customMetadata: { a: '1' } });
      await assert.rejects(
        kv.patchMetadata('k', { customMetadata: 'ab' as unknown as Record<string, string> }),
        InvalidRequestError,
        INVALID,
        'patch with a string',
      );
      await assert.rejects(
        kv.writeMetadata('k', { customMetadata: { n: 5 } as unknown as Record<string, string> }),
        InvalidRequestError,
        { ...INVALID, messageIncludes: ['"n"', 'string'] },
        'a number value',
      );
      // In a write OpenBao reads a null value as "", which fails the length check (spec 9.4).
      await assert.rejects(
        kv.writeMetadata('k', { customMetadata: { n: null } as unknown as Record<string, string> }),
        InvalidRequestError,
        { ...INVALID, messageIncludes: 'length of value for key "n" is 0 but must be 0 < len(value) <= 512' },
        'a null value in a write',
      );
      assert.equal((await kv.readMetadata('k')).customMetadata, { a: '1' }, 'unchanged');
    },
  },
];
