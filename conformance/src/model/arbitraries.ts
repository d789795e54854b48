import fc from 'fast-check';
import type { JsonObject, JsonValue } from '@kv2/core';

/** Named segments, chosen so that random commands often meet on the same keys and folders. */
const SEGMENTS = ['a', 'b', 'ü', '😀', '__proto__', 'constructor'];
/** Characters for the occasional random segment: astral, BMP above U+E000, spaces, dots. */
const SEGMENT_CHARS = ['x', 'Ａ', '中', 'é', '\u{10348}', ' ', '-', '.'];

const randomSegment = fc
  .string({ unit: fc.constantFrom(...SEGMENT_CHARS), minLength: 1, maxLength: 3 })
  .filter((s) => s !== '.' && s !== '..');

const segment = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...SEGMENTS) }, { weight: 1, arbitrary: randomSegment });

/** A canonical secret path of one to three segments (shallow ones more often). */
export const secretPath: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.array(segment, { minLength: 1, maxLength: 1 }) },
    { weight: 3, arbitrary: fc.array(segment, { minLength: 2, maxLength: 2 }) },
    { weight: 1, arbitrary: fc.array(segment, { minLength: 3, maxLength: 3 }) },
  )
  .map((segments) => segments.join('/'));

/** A path and a read-style spelling of it (leading and/or trailing slash), for reads, lists, DELETE. */
export const spelledPath: fc.Arbitrary<{ path: string; spelled: string }> = fc
  .tuple(secretPath, fc.constantFrom('', '', '/'), fc.constantFrom('', '', '/'))
  .map(([path, lead, trail]) => ({ path, spelled: `${lead}${path}${trail}` }));

/** A list prefix: the top level or a folder, spelled with optional slashes. */
export const listPrefix: fc.Arbitrary<{ path: string; spelled: string }> = fc.oneof(
  fc.constantFrom({ path: '', spelled: '' }, { path: '', spelled: '/' }),
  spelledPath,
);

const dataKey = fc.oneof(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', 'ключ'), fc.string({ maxLength: 3 }));

/** Secret data: a JSON object with arbitrary JSON values (nested, unicode, odd keys). */
export const secretData: fc.Arbitrary<JsonObject> = fc.dictionary(dataKey, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>, {
  maxKeys: 4,
  noNullPrototype: true,
});

/** A merge patch: like data, with nulls (removals) more likely. */
export const patchData: fc.Arbitrary<JsonObject> = fc.dictionary(
  dataKey,
  fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>, secretData),
  { maxKeys: 4, noNullPrototype: true },
);

/** How a command picks its cas: none, the key's current version, or a fixed (often wrong) number. */
export type CasChoice = undefined | 'current' | number;
export const casChoice: fc.Arbitrary<CasChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant('current' as const) },
  { weight: 1, arbitrary: fc.nat(6) },
);

/** A version list for delete/undelete/destroy (sometimes empty, which must be rejected). */
export const versionList = fc.array(fc.nat(8), { maxLength: 3 });

/** An optional version to read (0 and absent mean the latest). */
export const readVersion = fc.option(fc.nat(8), { nil: undefined });

const customKey = fc.constantFrom('owner', 'team', 'ключ', '__proto__', 'a b');
const customValue = fc.constantFrom('x', 'y', 'значение', '😀');

/** Valid custom metadata (validation itself is covered by named behaviours). */
export const customMetadata = fc.dictionary(customKey, customValue, { maxKeys: 3, noNullPrototype: true });

/** A custom metadata merge patch: null removes a key. */
export const customMetadataPatch = fc.dictionary(customKey, fc.oneof(fc.constant(null), customValue), { maxKeys: 3, noNullPrototype: true });
