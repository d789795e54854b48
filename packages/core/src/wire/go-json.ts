import { compareUtf8 } from '../sort.js';

// OpenBao answers KV v2 requests with Go maps (`map[string]interface{}`), which Go's JSON encoder
// writes with their keys sorted bytewise. JavaScript objects cannot keep that order (integer-like
// keys such as a key's version numbers always come first, in numeric order), so the text is
// written here rather than by JSON.stringify.

/**
 * Compact JSON text of a JSON-like value as Go's `json.Marshal` writes the same value held in
 * Go maps: every object's keys in UTF-8 byte order (`"1","10","2"`), `undefined` members left
 * out. HTML-unsafe characters are not escaped here; {@link goEscape} does that once per body.
 */
export function goJson(value: unknown): string {
  // The server writes every answer through here: the common types take the short ways.
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? arrayJson(value) : objectJson(value as Readonly<Record<string, unknown>>);
    default:
      return JSON.stringify(value) ?? 'null';
  }
}

function arrayJson(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += `${i === 0 ? '' : ','}${items[i] === undefined ? 'null' : goJson(items[i])}`;
  return `${out}]`;
}

// Quoted member names, kept only for names made of lower-case letters and underscores (OpenBao's
// field names): user-chosen keys (custom_metadata, secret data) never fill it beyond that set.
const QUOTED = new Map<string, string>();
const FIELD_NAME = /^[a-z_]{1,40}$/;

function quoted(key: string): string {
  let text = QUOTED.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (QUOTED.size < 256 && FIELD_NAME.test(key)) QUOTED.set(key, text);
  }
  return text;
}

function objectJson(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record);
  // The encoders build their objects in Go's order already; only sort when that is not so.
  if (!isSorted(keys)) keys.sort(compareUtf8);
  let out = '';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out === '' ? '{' : ','}${quoted(key)}:${goJson(item)}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) {
    if (compareUtf8(keys[i - 1] as string, keys[i] as string) > 0) return false;
  }
  return true;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/;
const HTML_UNSAFE_ALL = /[<>&\u2028\u2029]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * Go's JSON encoder escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings. These characters
 * can only occur inside JSON strings, so replacing them in finished JSON text is safe.
 */
export function goEscape(json: string): string {
  return HTML_UNSAFE.test(json) ? json.replace(HTML_UNSAFE_ALL, (ch) => ESCAPES[ch] as string) : json;
}
