import { InvalidRequestError } from './errors.js';
import { isPlainObject } from './json.js';
import { isPrintable } from './paths.js';
import { formatMultiError, REQUEST_MESSAGES } from './wire/messages.js';

const MAX_KEYS = 64;
const MAX_KEY_BYTES = 128;
const MAX_VALUE_BYTES = 512;
const PREFIX = `${REQUEST_MESSAGES.customMetadata}: `;

/**
 * Checks custom metadata as OpenBao does and reports every problem at once (only the key count,
 * when over 64, is reported alone). `allowNull` accepts null values, which a metadata patch uses
 * to remove keys. Returns the map unchanged when valid.
 */
export function validateCustomMetadata(value: unknown, allowNull: boolean): Record<string, string | null> {
  if (!isPlainObject(value)) {
    throw new InvalidRequestError(`${PREFIX}custom_metadata must be an object of strings`, 'invalid_custom_metadata');
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) {
    throw multiError([`${PREFIX}payload must contain at most ${MAX_KEYS} keys, provided ${keys.length}`]);
  }
  const problems: string[] = [];
  for (const key of keys) {
    // In a write, OpenBao reads a null value as "" (which then fails the length check); in a
    // patch, null removes the key.
    if (value[key] === null && allowNull) continue;
    const item = value[key] === null ? '' : value[key];
    if (typeof item !== 'string') {
      problems.push(`${PREFIX}value for key ${JSON.stringify(key)} must be a string, got ${typeof item}`);
      continue;
    }
    const keyBytes = Buffer.byteLength(key, 'utf8');
    if (keyBytes === 0 || keyBytes > MAX_KEY_BYTES) {
      problems.push(`${PREFIX}length of key ${JSON.stringify(key)} is ${keyBytes} but must be 0 < len(key) <= ${MAX_KEY_BYTES}`);
    }
    const valueBytes = Buffer.byteLength(item, 'utf8');
    if (valueBytes === 0 || valueBytes > MAX_VALUE_BYTES) {
      problems.push(`${PREFIX}length of value for key ${JSON.stringify(key)} is ${valueBytes} but must be 0 < len(value) <= ${MAX_VALUE_BYTES}`);
    }
    if (!isPrintable(key)) {
      problems.push(`${PREFIX}key ${goQuote(key)} (${key}) contains unprintable characters`);
    }
    if (!isPrintable(item)) {
      problems.push(`${PREFIX}value for key ${JSON.stringify(key)} contains unprintable characters`);
    }
  }
  if (problems.length > 0) throw multiError(problems);
  return value as Record<string, string | null>;
}

// OpenBao returns the problems verbatim, in go-multierror's list format.
function multiError(problems: string[]): InvalidRequestError {
  return new InvalidRequestError(formatMultiError(problems), 'invalid_custom_metadata', { problems });
}

// Go's %q (strconv.Quote): printable characters as-is, the seven C escapes (\a \b \f \n \r \t \v),
// \xNN for other ASCII controls and DEL, \uNNNN below U+10000, \UNNNNNNNN above.
function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\u0007') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (isPrintable(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
