import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../src/sort.js';

describe('compareUtf8', () => {
  it('orders like Go sort.Strings: uppercase first, "foo" before "foo/", "a-b" < "a/" < "a0"', () => {
    expect(['foo/', 'b', 'A', 'foo', 'a0', 'a/', 'a-b'].sort(compareUtf8)).toEqual(['A', 'a-b', 'a/', 'a0', 'b', 'foo', 'foo/']);
  });

  it('puts astral characters after U+E000–U+FFFF, as UTF-8 bytes do (UTF-16 order would not)', () => {
    expect(['😀', '\uffff', '\ue000'].sort(compareUtf8)).toEqual(['\ue000', '\uffff', '😀']);
  });

  it('agrees with comparing UTF-8 bytes for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareUtf8(a, b))).toBe(bytes);
      }),
      { numRuns: 500 },
    );
  });
});
