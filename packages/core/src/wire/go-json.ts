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
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : goJson(item))).join(',')}]`;
  const record = value as Readonly<Record<string, unknown>>;
  const keys = Object.keys(record);
  // The encoders build their objects in Go's order already; only sort when that is not so.
  if (!isSorted(keys)) keys.sort(compareUtf8);
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${goJson(item)}`;
  }
  return `${out}}`;
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
