import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/errors.js';
import { cloneJsonObject, cloneJsonValue, getOwn, isPlainObject, setOwn } from '../src/json.js';

describe('cloneJsonObject', () => {
  it('deep-copies nested JSON so neither side can change the other', () => {
    const input = { a: 1, b: { c: [1, { d: 'x' }], e: null, f: true } };
    const copy = cloneJsonObject(input);
    expect(copy).toEqual(input);
    input.b.c.push(2);
    (input.b.c[1] as { d: string }).d = 'changed';
    expect(copy).toEqual({ a: 1, b: { c: [1, { d: 'x' }], e: null, f: true } });
  });

  it('keeps __proto__ and constructor as ordinary keys', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}') as Record<string, unknown>;
    const copy = cloneJsonObject(input);
    expect(Object.keys(copy)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"constructor":"c"}');
  });

  it('turns -0 into 0, as the wire would', () => {
    expect(Object.is(cloneJsonObject({ z: -0 }).z, 0)).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', [1]],
    ['a string', 'x'],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
  ])('rejects %s at the top level', (_name, value) => {
    expect(() => cloneJsonObject(value)).toThrow(InvalidRequestError);
  });

  it.each([
    ['undefined', { a: undefined }, 'data.a'],
    ['a function', { a: () => 1 }, 'data.a'],
    ['NaN', { a: [1, Number.NaN] }, 'data.a[1]'],
    ['Infinity', { a: { b: Infinity } }, 'data.a.b'],
    ['a bigint', { a: 1n }, 'data.a'],
    ['a symbol', { a: Symbol('s') }, 'data.a'],
    ['a Date', { a: new Date(0) }, 'data.a'],
  ])('rejects %s inside, naming where', (_name, value, where) => {
    try {
      cloneJsonObject(value);
      expect.unreachable();
    } catch (error) {
      expect(InvalidRequestError.is(error)).toBe(true);
      expect((error as InvalidRequestError).code).toBe('invalid_data');
      expect((error as InvalidRequestError).message.startsWith(`${where}:`)).toBe(true);
    }
  });

  it('rejects cycles instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => cloneJsonObject(cyclic)).toThrow(/nested more than 512 levels deep/);
  });

  it('accepts null-prototype objects', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = 'v';
    expect(cloneJsonObject(bare)).toEqual({ k: 'v' });
  });
});

describe('cloneJsonValue, isPlainObject, getOwn, setOwn', () => {
  it('clones scalars and arrays', () => {
    expect(cloneJsonValue([1, 'a', null])).toEqual([1, 'a', null]);
    expect(cloneJsonValue('s')).toBe('s');
  });

  it('tells plain objects from others', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new (class A {})())).toBe(false);
  });

  it('never reads inherited properties and writes __proto__ as data', () => {
    const map: Record<string, number> = {};
    expect(getOwn(map, 'constructor')).toBeUndefined();
    expect(getOwn(map, 'toString')).toBeUndefined();
    setOwn(map, '__proto__', 1);
    expect(getOwn(map, '__proto__')).toBe(1);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });
});
