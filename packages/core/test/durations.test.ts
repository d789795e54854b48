import { describe, expect, it } from 'vitest';
import { durationSeconds, formatDuration, MAX_DURATION_SECONDS, parseDuration } from '../src/durations.js';
import { InvalidRequestError } from '../src/errors.js';

describe('parseDuration', () => {
  it.each<[string | number, number]>([
    [3600, 3600],
    ['3600', 3600],
    ['0', 0],
    ['', 0],
    ['90s', 90],
    ['1h30m', 5400],
    ['5m0s', 300],
    ['500ms', 0],
    ['1.5h', 5400],
    ['-1h', -3600],
    ['-1s', -1],
    ['2d', 172800],
    ['1h0m0.9s', 3600],
    [59.9, 59],
  ])('%j is %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(['abc', '1x', '1h 30m', 'h', '--1s', Number.NaN])('rejects %j', (input) => {
    expect(() => parseDuration(input as string, 'delete_version_after')).toThrow(InvalidRequestError);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [5, '5s'],
    [60, '1m0s'],
    [300, '5m0s'],
    [3600, '1h0m0s'],
    [10800, '3h0m0s'],
    [12319, '3h25m19s'],
    [259200, '72h0m0s'],
    [-1, '-1s'],
    [-3600, '-1h0m0s'],
  ])('%d seconds is %j, as Go prints it', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toBe(seconds);
  });
});

describe('the duration bound (Go parses durations into int64 nanoseconds)', () => {
  it('accepts the largest duration Go accepts', () => {
    expect(MAX_DURATION_SECONDS).toBe(9_223_372_036);
    expect(parseDuration('2562047h')).toBe(2_562_047 * 3600);
    expect(parseDuration(MAX_DURATION_SECONDS)).toBe(MAX_DURATION_SECONDS);
    expect(parseDuration(String(MAX_DURATION_SECONDS))).toBe(MAX_DURATION_SECONDS);
    expect(parseDuration(`-${MAX_DURATION_SECONDS}`)).toBe(-MAX_DURATION_SECONDS);
  });

  it.each<string | number>([
    '3000000000h',
    '2562048h',
    '9999999999h',
    '106752d',
    '9223372037',
    '-9223372037s',
    9_223_372_037,
    8.64e12,
    9e15,
    Number.MAX_VALUE,
    '1e400',
  ])('refuses %j with invalid_parameter', (input) => {
    expect(() => parseDuration(input, 'delete_version_after')).toThrow(InvalidRequestError);
  });

  it('durationSeconds checks a seconds count against the bound', () => {
    expect(durationSeconds(0, 'x')).toBe(0);
    expect(durationSeconds(-MAX_DURATION_SECONDS, 'x')).toBe(-MAX_DURATION_SECONDS);
    for (const bad of [MAX_DURATION_SECONDS + 1, -MAX_DURATION_SECONDS - 1, 8.64e12, 1.5, Number.NaN, Infinity, '5', null]) {
      expect(() => durationSeconds(bad, 'delete_version_after')).toThrow(InvalidRequestError);
    }
  });
});
