import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { parseFlags, versionNumbers, type FlagGroup } from '../src/flags.js';

const GROUPS: FlagGroup[] = [
  {
    title: 'test',
    flags: [
      { name: 'mount', kind: 'string', description: '' },
      { name: 'version', kind: 'int', description: '' },
      { name: 'cas-required', kind: 'bool', description: '' },
      { name: 'versions', kind: 'list', description: '' },
      { name: 'custom-metadata', kind: 'map', description: '' },
      { name: 'delete-version-after', kind: 'duration', description: '' },
      { name: 'namespace', kind: 'string', aliases: ['ns'], description: '' },
    ],
  },
];

const parse = (...args: string[]) => parseFlags(args, GROUPS, 'test');

describe('parseFlags: the forms bao accepts', () => {
  it.each([[['-mount', 'kv']], [['-mount=kv']], [['--mount', 'kv']], [['--mount=kv']]])('%j sets -mount', (args) => {
    expect(parse(...args, 'path').string('mount')).toBe('kv');
    expect(parse(...args, 'path').positionals).toEqual(['path']);
  });

  it('keeps everything after the first = in the value', () => {
    expect(parse('-mount=a=b').string('mount')).toBe('a=b');
  });

  it('takes bool flags without a value and never consumes the next argument', () => {
    const flags = parse('-cas-required', 'secret/x');
    expect(flags.bool('cas-required')).toBe(true);
    expect(flags.positionals).toEqual(['secret/x']);
    expect(parse('-cas-required=false').bool('cas-required')).toBe(false);
    expect(parse('--cas-required=t').bool('cas-required')).toBe(true);
    expect(parse('path').bool('cas-required')).toBeUndefined();
  });

  it('parses integers, including negative ones given as a separate value', () => {
    expect(parse('-version', '3').int('version')).toBe(3);
    expect(parse('-version', '-1').int('version')).toBe(-1);
  });

  it('collects repeated list flags and later map entries win', () => {
    const flags = parse('-versions', '1,2', '-versions=3', '-custom-metadata', 'a=1', '-custom-metadata=b=x=y', '-custom-metadata=a=2');
    expect(flags.list('versions')).toEqual(['1,2', '3']);
    expect(flags.map('custom-metadata')).toEqual({ a: '2', b: 'x=y' });
  });

  it('stores __proto__ as an ordinary map key', () => {
    const map = parse('-custom-metadata=__proto__=x').map('custom-metadata');
    expect(Object.keys(map)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });

  it('parses durations to seconds', () => {
    expect(parse('-delete-version-after=3h25m19s').duration('delete-version-after')).toBe(12_319);
    expect(parse('-delete-version-after', '90').duration('delete-version-after')).toBe(90);
  });

  it('accepts aliases under the main name', () => {
    expect(parse('-ns=team').string('namespace')).toBe('team');
  });

  it('allows flags after positionals, ends flags at --, and treats a lone - as a positional', () => {
    const flags = parse('secret/x', 'a=1', '-mount=kv', '-', '--', '-version=2');
    expect(flags.string('mount')).toBe('kv');
    expect(flags.positionals).toEqual(['secret/x', 'a=1', '-', '-version=2']);
    expect(flags.has('version')).toBe(false);
  });

  it('recognises -h, -help and --help anywhere', () => {
    expect(parse('-h').help).toBe(true);
    expect(parse('x', '--help').help).toBe(true);
    expect(parse('-help').help).toBe(true);
    expect(parse('x').help).toBe(false);
  });
});

describe('parseFlags: usage errors', () => {
  it.each([
    [['-nope'], /unknown flag "-nope"/],
    [['--nope=1'], /unknown flag "--nope"/],
    [['-version', 'abc'], /invalid value "abc" for flag -version: must be an integer/],
    [['-version=1.5'], /must be an integer/],
    [['-cas-required=maybe'], /must be true or false/],
    [['-delete-version-after=soon'], /must be a duration/],
    [['-custom-metadata=novalue'], /expected key=value/],
    [['-mount'], /flag -mount needs a value/],
  ])('%j → %s', (args, message) => {
    let caught: unknown;
    try {
      parse(...args);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message).toMatch(message);
    expect((caught as UsageError).command).toBe('test');
  });
});

describe('versionNumbers', () => {
  it('splits comma lists and repeated values', () => {
    expect(versionNumbers(['1,2', ' 3 ', '4,'], 'versions', 'x')).toEqual([1, 2, 3, 4]);
    expect(versionNumbers([], 'versions', 'x')).toEqual([]);
  });

  it('rejects anything but non-negative integers', () => {
    expect(() => versionNumbers(['1,two'], 'versions', 'x')).toThrow(/invalid version "two"/);
    expect(() => versionNumbers(['-1'], 'versions', 'x')).toThrow(UsageError);
  });
});
