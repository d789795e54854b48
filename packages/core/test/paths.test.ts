import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/errors.js';
import { isPrintable, normalizeSecretPath } from '../src/paths.js';

function rejection(path: unknown, intent: 'read' | 'write' | 'list' = 'read'): InvalidRequestError {
  try {
    normalizeSecretPath(path, intent);
  } catch (error) {
    if (InvalidRequestError.is(error)) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(path)} to be rejected`);
}

describe('normalizeSecretPath', () => {
  it.each([
    ['a', 'a'],
    ['a/b/c', 'a/b/c'],
    ['/a/b', 'a/b'],
    ['a/b/', 'a/b'],
    ['//a//b//', 'a/b'],
    ['with space/ünïcödé/😀', 'with space/ünïcödé/😀'],
    ['a.b/..c/.d', 'a.b/..c/.d'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalizeSecretPath(input, 'read')).toBe(expected);
  });

  it('lists the top level for empty and slash-only prefixes', () => {
    expect(normalizeSecretPath('', 'list')).toBe('');
    expect(normalizeSecretPath('/', 'list')).toBe('');
    expect(normalizeSecretPath('a/b/', 'list')).toBe('a/b');
  });

  it.each(['', '/', '///'])('rejects the empty path %j for reads and writes', (path) => {
    expect(rejection(path, 'read').message).toBe('missing path');
    expect(rejection(path, 'write').code).toBe('invalid_path');
  });

  it.each(['a/b/', '/'])('rejects a write to %j, which ends in a slash', (path) => {
    const error = rejection(path, 'write');
    expect(error.message).toBe("cannot write to a path ending in '/'");
    expect(error.status).toBe(400);
  });

  it.each(['.', '..', 'a/./b', 'a/../b', '../a', 'a/..'])('rejects the relative path %j', (path) => {
    expect(rejection(path).message).toBe('relative paths not supported');
    expect(rejection(path, 'list').code).toBe('invalid_path');
  });

  it.each(['a\nb', 'a\tb', 'a\u0000', 'zero\u200bwidth', 'nb\u00a0sp', 'line\u2028sep', 'lone\ud800'])(
    'rejects the non-printable path %j',
    (path) => {
      expect(rejection(path).message).toBe('path contains non-printable characters');
    },
  );

  it.each([undefined, null, 42, {}, ['a']])('rejects the non-string %j', (path) => {
    expect(rejection(path).code).toBe('invalid_path');
  });
});

describe('isPrintable', () => {
  it('follows Go unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space', () => {
    expect(isPrintable('Hello, world! ü € 😀 ́')).toBe(true);
    expect(isPrintable('tab\t')).toBe(false);
    expect(isPrintable('\u00a0')).toBe(false);
    expect(isPrintable('\u200b')).toBe(false);
  });
});
