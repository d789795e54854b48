import { InvalidRequestError } from './errors.js';
import { PATH_MESSAGES } from './wire/messages.js';

/**
 * What a path is used for: `read` (also DELETE-style calls, which OpenBao lets end in `/`),
 * `write` (POST/PUT/PATCH-style calls, which must not end in `/`), or `list` (a prefix; empty
 * means the top level).
 */
export type PathIntent = 'read' | 'write' | 'list';

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
// Lone surrogates match none of the classes, so they count as non-printable too.
const NON_PRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const SIMPLE_PATH = /^[A-Za-z0-9_\-.@+=,:~]+(?:\/[A-Za-z0-9_\-.@+=,:~]+)*$/;

/** True when every character is printable in Go's `unicode.IsPrint` sense. */
export function isPrintable(value: string): boolean {
  return !NON_PRINTABLE.test(value);
}

/**
 * The one path rule every kv2 adapter uses. Returns the canonical key: no leading or trailing
 * slash, no empty segments. Throws {@link InvalidRequestError} (`invalid_path`) for anything
 * that is not a string, contains a non-printable character, has a `.` or `..` segment, is empty
 * (except for `list`), or ends in `/` when written to.
 */
export function normalizeSecretPath(path: unknown, intent: PathIntent = 'read'): string {
  if (typeof path !== 'string') {
    throw new InvalidRequestError(`path must be a string, got ${path === null ? 'null' : typeof path}`, 'invalid_path');
  }
  // Most real paths are plain ASCII names; they need none of the work below.
  if (SIMPLE_PATH.test(path) && !hasDotSegment(path)) return path;
  if (!isPrintable(path)) {
    throw new InvalidRequestError('path contains non-printable characters', 'invalid_path');
  }
  if (intent === 'write' && path.endsWith('/')) {
    throw new InvalidRequestError(PATH_MESSAGES.trailingSlash, 'invalid_path');
  }
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidRequestError(PATH_MESSAGES.relative, 'invalid_path');
  }
  if (segments.length === 0 && intent !== 'list') {
    throw new InvalidRequestError(PATH_MESSAGES.missing, 'invalid_path');
  }
  return segments.join('/');
}

function hasDotSegment(path: string): boolean {
  if (!path.includes('.')) return false;
  return path.split('/').some((segment) => segment === '.' || segment === '..');
}
