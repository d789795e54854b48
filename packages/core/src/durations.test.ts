import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './durations.js';
import { InvalidRequestError } from './errors.js';

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
