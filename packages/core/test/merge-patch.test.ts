import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../src/json.js';
import { applyMergePatch } from '../src/merge-patch.js';

describe('applyMergePatch (RFC 7386)', () => {
  // The examples of RFC 7386, appendix A.
  it.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('merges the OpenBao scenario 11 example', () => {
    const target: JsonObject = { bar: 'baz', quux: { quuz: ['1', '2', '3'] } };
    const patch: JsonObject = { abc: 123, quux: { def: 456, quuz: ['1', '2', '3', '4'] } };
    expect(applyMergePatch(target, patch)).toEqual({ bar: 'baz', abc: 123, quux: { def: 456, quuz: ['1', '2', '3', '4'] } });
  });

  it('modifies neither argument', () => {
    const target: JsonObject = { a: { b: 1 }, c: 2 };
    const patch: JsonObject = { a: { b: null, d: 3 }, c: null };
    const before = JSON.stringify([target, patch]);
    applyMergePatch(target, patch);
    expect(JSON.stringify([target, patch])).toBe(before);
  });

  it('treats __proto__ as an ordinary key', () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__": {"x": 1}}') as JsonObject);
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
