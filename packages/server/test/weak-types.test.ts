import { describe, expect, it } from 'vitest';
import { countJsonStrings, parseBody } from '../src/body.js';
import { RequestFields, VERSIONS_FIELDS, METADATA_FIELDS } from '../src/request-fields.js';
import { ConversionError, toUint32, weakBool, weakDurationSeconds, weakInt, weakIntList, weakMap, weakString } from '../src/weak-types.js';

describe('weak typing (mapstructure rules)', () => {
  it('converts ints from numbers, Go-syntax strings, booleans and null', () => {
    expect([weakInt(3), weakInt('3'), weakInt('-4'), weakInt('0x1f'), weakInt('017'), weakInt('0b11'), weakInt('1_000')]).toEqual([
      3, 3, -4, 31, 15, 3, 1000,
    ]);
    expect([weakInt(true), weakInt(false), weakInt(null), weakInt('')]).toEqual([1, 0, 0, 0]);
    expect(() => weakInt('abc')).toThrow(`cannot parse '' as int: strconv.ParseInt: parsing "abc": invalid syntax`);
    expect(() => weakInt(1.5)).toThrow(ConversionError);
    expect(() => weakInt([1])).toThrow(`got unconvertible type '[]interface {}'`);
  });

  it('converts bools with Go ParseBool spellings, and only 0/1 from numbers', () => {
    for (const t of [true, 'true', 'TRUE', 'True', 't', 'T', '1', 1]) expect(weakBool(t)).toBe(true);
    for (const f of [false, 'false', 'FALSE', 'f', 'F', '0', 0, '', null]) expect(weakBool(f)).toBe(false);
    expect(() => weakBool('yes')).toThrow('strconv.ParseBool: parsing "yes": invalid syntax');
    expect(() => weakBool(2)).toThrow(ConversionError);
  });

  it('converts durations: seconds, Go strings, days; Go-worded errors', () => {
    expect([weakDurationSeconds(90), weakDurationSeconds('90'), weakDurationSeconds('1h30m'), weakDurationSeconds('2d')]).toEqual([
      90, 90, 5400, 172_800,
    ]);
    expect([weakDurationSeconds('-1h'), weakDurationSeconds(''), weakDurationSeconds(null), weakDurationSeconds('500ms')]).toEqual([-3600, 0, 0, 0]);
    expect(() => weakDurationSeconds('abc')).toThrow('time: invalid duration "abc"');
    expect(() => weakDurationSeconds('1.5')).toThrow('time: missing unit in duration "1.5"');
    expect(() => weakDurationSeconds(true)).toThrow('could not parse duration from input');
  });

  it('converts version lists from arrays, comma strings and single values', () => {
    expect([weakIntList([1, '2']), weakIntList('1,2'), weakIntList(1), weakIntList('3'), weakIntList(''), weakIntList(null)]).toEqual([
      [1, 2],
      [1, 2],
      [1],
      [3],
      [],
      [],
    ]);
    expect(weakIntList('-1,2')).toEqual([-1, 2]);
    expect(() => weakIntList('1,x')).toThrow(`cannot parse '[1]' as int`);
  });

  it('converts maps and strings', () => {
    expect([weakMap(null), weakMap([]), weakMap([{ a: 1 }, { b: 2 }])]).toEqual([{}, {}, { a: 1, b: 2 }]);
    expect(() => weakMap('x')).toThrow(`'' expected a map, got 'string'`);
    expect(() => weakMap(5)).toThrow(`'' expected a map, got 'string'`);
    expect([weakString(5), weakString(true), weakString(null)]).toEqual(['5', '1', '']);
  });

  it('wraps negative and large ints to uint32 as OpenBao stores max_versions', () => {
    expect([toUint32(-1), toUint32(5), toUint32(4_294_967_296 + 7)]).toEqual([4_294_967_295, 5, 7]);
  });
});

describe('RequestFields', () => {
  it('reports ignored parameters sorted byte-wise, and a replaced path', () => {
    const fields = new RequestFields(VERSIONS_FIELDS, { zed: 1, Alpha: 2, beta: 3, versions: '1', path: 'x' });
    expect(fields.warnings).toEqual([
      'Endpoint ignored these unrecognized parameters: [Alpha beta zed]',
      "Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [path]",
    ]);
    expect(fields.intList('versions')).toEqual([1]);
  });

  it("fails with OpenBao's field-validation message for the first bad field", () => {
    expect(() => new RequestFields(METADATA_FIELDS, { max_versions: [1, 2] })).toThrow(
      `Field validation failed: error converting input for field "max_versions": '' expected type 'int', got unconvertible type '[]interface {}'`,
    );
  });
});

describe('request bodies', () => {
  it('counts keys and string values, ignoring escaped quotes', () => {
    expect(countJsonStrings(Buffer.from('{"a":"b\\"c","d":[1,"e"],"f":{"g":true}}'), 1000)).toBe(6);
    expect(countJsonStrings(Buffer.from('{"a\\\\":"b"}'), 1000)).toBe(2);
  });

  it("parses JSON objects, forms, and refuses other JSON with Go's wording", () => {
    const json = { contentType: 'application/json', jsonOnly: false, maxJsonStrings: 1000 };
    expect(parseBody(Buffer.from('{"a":1}'), json)).toEqual({ a: 1 });
    expect(parseBody(Buffer.from('  '), json)).toBeNull();
    expect(parseBody(Buffer.from('null'), json)).toBeNull();
    expect(() => parseBody(Buffer.from('[1]'), json)).toThrow(
      'failed to decode JSON input: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    expect(() => parseBody(Buffer.from('{"a":'), json)).toThrow('failed to decode JSON input: unexpected EOF');
    const form = { contentType: 'application/x-www-form-urlencoded; charset=utf-8', jsonOnly: false, maxJsonStrings: 1000 };
    expect(parseBody(Buffer.from('versions=1&versions=2&x=y'), form)).toEqual({ versions: '1,2', x: 'y' });
    expect(parseBody(Buffer.from('{"versions":[1]}'), form)).toEqual({ versions: [1] });
  });
});
