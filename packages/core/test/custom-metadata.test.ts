import { InvalidRequestError } from '../src/errors.js';
import { describe, expect, it } from 'vitest';
import { validateCustomMetadata } from '../src/custom-metadata.js';

function problemsOf(value: unknown, allowNull = false): InvalidRequestError {
  try {
    validateCustomMetadata(value, allowNull);
  } catch (error) {
    if (InvalidRequestError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('validateCustomMetadata', () => {
  it('accepts up to 64 printable keys and values within the byte limits', () => {
    const map = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'.repeat(512)]));
    map['k'.repeat(128)] = 'x';
    delete map.k0;
    expect(validateCustomMetadata(map, false)).toBe(map);
  });

  it('reports 65 keys alone, in go-multierror form (scenario 17)', () => {
    const map = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, '']));
    const error = problemsOf(map);
    expect(error.code).toBe('invalid_custom_metadata');
    expect(error.message).toBe('1 error occurred:\n\t* custom_metadata validation failed: payload must contain at most 64 keys, provided 65\n\n');
  });

  it('reports all six problems of scenario 16 at once', () => {
    const error = problemsOf({
      ['k'.repeat(129)]: 'v',
      long: 'v'.repeat(513),
      '': 'empty key',
      emptyValue: '',
      'unprint\u200bable': 'v',
      badValue: 'un\u200bprintable',
    });
    expect(error.message.startsWith('6 errors occurred:\n\t* ')).toBe(true);
    expect(error.problems).toEqual([
      `custom_metadata validation failed: length of key "${'k'.repeat(129)}" is 129 but must be 0 < len(key) <= 128`,
      'custom_metadata validation failed: length of value for key "long" is 513 but must be 0 < len(value) <= 512',
      'custom_metadata validation failed: length of key "" is 0 but must be 0 < len(key) <= 128',
      'custom_metadata validation failed: length of value for key "emptyValue" is 0 but must be 0 < len(value) <= 512',
      'custom_metadata validation failed: key "unprint\\u200bable" (unprint\u200bable) contains unprintable characters',
      'custom_metadata validation failed: value for key "badValue" contains unprintable characters',
    ]);
  });

  it('counts bytes, not characters', () => {
    expect(problemsOf({ k: 'é'.repeat(257) }).problems[0]).toContain('is 514 but');
    expect(validateCustomMetadata({ k: 'é'.repeat(256) }, false)).toBeTruthy();
  });

  it('rejects non-string values and non-object maps; allows null values only in patches', () => {
    expect(problemsOf({ k: { nested: 'x' } }).message).toContain('must be a string');
    expect(problemsOf({ k: 1 }).code).toBe('invalid_custom_metadata');
    expect(problemsOf(['a']).code).toBe('invalid_custom_metadata');
    expect(problemsOf({ k: null }).message).toContain('length of value for key "k" is 0 but must be 0 < len(value) <= 512');
    expect(validateCustomMetadata({ k: null }, true)).toEqual({ k: null });
  });
});
