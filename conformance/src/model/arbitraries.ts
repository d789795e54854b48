import fc from 'fast-check';
import type { JsonObject, JsonValue } from '@kv2/core';

/** Named segments, chosen so that random commands often meet on the same keys and folders. */
const SEGMENTS = ['a', 'b', 'ü', '😀', '__proto__', 'constructor'];
/** Characters for the occasional random segment: astral, BMP above U+E000, spaces, dots. */
const SEGMENT_CHARS = ['x', 'Ａ', '中', 'é', '\u{10348}', ' ', '-', '.'];

const randomSegment = fc.string({ unit: fc.constantFrom(...SEGMENT_CHARS), minLength: 1, maxLength: 3 }).filter((s) => s !== '.' && s !== '..');

const segment = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...SEGMENTS) }, { weight: 1, arbitrary: randomSegment });

/** A path of one to three segments taken from `segments` (shallow ones more often). */
function pathOver(segments: readonly string[]): fc.Arbitrary<string> {
  const part = fc.constantFrom(...segments);
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.array(part, { minLength: 1, maxLength: 1 }) },
      { weight: 3, arbitrary: fc.array(part, { minLength: 2, maxLength: 2 }) },
      { weight: 1, arbitrary: fc.array(part, { minLength: 3, maxLength: 3 }) },
    )
    .map((parts) => parts.join('/'));
}

/**
 * The secret paths of one property run: a few canonical paths over two or three segments, so
 * that random commands keep meeting on the same keys, and secrets and folders share names.
 */
export const pathPool: fc.Arbitrary<string[]> = fc
  .uniqueArray(segment, { minLength: 2, maxLength: 3 })
  .chain((segments) => fc.uniqueArray(pathOver(segments), { minLength: 2, maxLength: 6 }));

/** A path together with how a command spells it. */
interface SpelledPath {
  /** The canonical key. */
  path: string;
  /** What the call passes: for read-style calls, possibly with a leading and/or trailing slash. */
  spelled: string;
}

/** The path arbitraries of one run, drawn from its pool. */
export interface PathArbitraries {
  secretPath: fc.Arbitrary<string>;
  /** A read-style spelling (leading and/or trailing slash), for reads, DELETE-style calls. */
  spelledPath: fc.Arbitrary<SpelledPath>;
  /** A list prefix: the top level, a folder of the pool, or a leaf (which lists as []). */
  listPrefix: fc.Arbitrary<SpelledPath>;
}

function spell(paths: fc.Arbitrary<string>): fc.Arbitrary<SpelledPath> {
  return fc
    .tuple(paths, fc.constantFrom('', '', '/'), fc.constantFrom('', '', '/'))
    .map(([path, lead, trail]) => ({ path, spelled: path === '' ? lead : `${lead}${path}${trail}` }));
}

/** Path arbitraries over one run's pool. */
export function pathArbitraries(pool: readonly string[]): PathArbitraries {
  const secretPath = fc.constantFrom(...pool);
  const folders = new Set<string>(['']);
  for (const path of pool) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return { secretPath, spelledPath: spell(secretPath), listPrefix: spell(fc.constantFrom(...folders)) };
}

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
export const versionList = fc.array(fc.nat(5), { maxLength: 3 });

/** An optional version to read (0 and absent mean the latest). */
export const readVersion = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
);

const customKey = fc.constantFrom('owner', 'team', 'ключ', '__proto__', 'a b');
const customValue = fc.constantFrom('x', 'y', 'значение', '😀');

/** Valid custom metadata (validation itself is covered by named behaviours). */
export const customMetadata = fc.dictionary(customKey, customValue, { maxKeys: 3, noNullPrototype: true });

/** A custom metadata merge patch: null removes a key. */
export const customMetadataPatch = fc.dictionary(customKey, fc.oneof(fc.constant(null), customValue), { maxKeys: 3, noNullPrototype: true });
