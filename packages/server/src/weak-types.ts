import { isPlainObject, parseDuration, UINT32_MAX } from '@kv2/core';

// OpenBao decodes request fields with mapstructure's "weak" rules (sdk/framework/field_data.go):
// strings become numbers and booleans, numbers become strings, "1,2" becomes a list… The HTTP
// layer is where that lives in kv2; the stores get plain, strictly typed values.
//
// JSON numbers reach OpenBao as json.Number (a string type), so a number is converted through
// its text: 1 is a valid bool, 2 is not; 1.5 is not an int. JavaScript has already parsed the
// number, so its text is `String(n)` (1.50 arrives as 1.5; see the README's divergence list).

/** A value that could not be converted; becomes OpenBao's `Field validation failed` 400. */
export class ConversionError extends Error {}

const DIGITS: Record<number, RegExp> = {
  2: /^[01]+(?:_[01]+)*$/,
  8: /^[0-7]+(?:_[0-7]+)*$/,
  10: /^[0-9]+(?:_[0-9]+)*$/,
  16: /^[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*$/,
};
const DECIMAL_INT = /^[-+]?[0-9]+$/;
const BARE_NUMBER = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/;

/** Go's type names, as mapstructure prints them in "unconvertible type" errors. */
function goType(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'object' && value !== null) return 'map[string]interface {}';
  if (typeof value === 'number') return 'json.Number';
  return typeof value;
}

function unconvertible(target: string, value: unknown, name = ''): ConversionError {
  return new ConversionError(`'${name}' expected type '${target}', got unconvertible type '${goType(value)}'`);
}

/**
 * Go's `strconv.ParseInt(text, 0, 64)`: optional sign, `0x`/`0o`/`0b` prefixes, a leading `0`
 * for octal, `_` between digits. Returns undefined when the text is not such a number.
 */
function parseGoInt(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  let base = 10;
  const prefix = rest.slice(0, 2).toLowerCase();
  if (prefix === '0x') base = 16;
  else if (prefix === '0o') base = 8;
  else if (prefix === '0b') base = 2;
  if (base !== 10) rest = rest.slice(2);
  else if (rest.length > 1 && rest.startsWith('0')) {
    base = 8;
    rest = rest.slice(1);
  }
  if (!(DIGITS[base] as RegExp).test(rest)) return undefined;
  const value = Number.parseInt(rest.replaceAll('_', ''), base);
  return sign * value;
}

/** TypeInt: an integer from a number, a numeric string (Go syntax), a bool, or null (0). */
export function weakInt(value: unknown, name = ''): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new ConversionError(
        `error decoding json.Number into ${name}: strconv.ParseInt: parsing ${JSON.stringify(String(value))}: invalid syntax`,
      );
    }
    if (!Number.isSafeInteger(value)) {
      throw new ConversionError(
        `error decoding json.Number into ${name}: strconv.ParseInt: parsing ${JSON.stringify(String(value))}: value out of range`,
      );
    }
    return value;
  }
  if (typeof value === 'string') {
    if (value === '') return 0;
    const parsed = parseGoInt(value);
    if (parsed === undefined) {
      throw new ConversionError(`cannot parse '${name}' as int: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
    }
    if (!Number.isSafeInteger(parsed)) {
      throw new ConversionError(`cannot parse '${name}' as int: strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
    }
    return parsed;
  }
  throw unconvertible('int', value, name);
}

/** Go's `strconv.ParseBool`. */
function parseGoBool(text: string): boolean | undefined {
  switch (text) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

/** TypeBool: a bool, `"true"`/`"1"`/`"t"`… (Go's ParseBool), the numbers 0 and 1, or null (false). */
export function weakBool(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const text = String(value);
    if (text === '') return false;
    const parsed = parseGoBool(text);
    if (parsed === undefined) {
      throw new ConversionError(`cannot parse '' as bool: strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
    }
    return parsed;
  }
  throw unconvertible('bool', value);
}

/** Go's `strconv.ParseBool` for query switches such as `?list=`; undefined when invalid. */
export function parseBoolSwitch(text: string): boolean | undefined {
  return parseGoBool(text);
}

/** TypeString: strings as they are, numbers as their text, booleans as `1`/`0`, null as `""`. */
export function weakString(value: unknown, name = ''): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  throw unconvertible('string', value, name);
}

/**
 * TypeMap: an object as it is; null and `[]` become `{}`; an array of objects is merged left
 * to right (mapstructure's weak slice-to-map rule); anything else is an error.
 */
export function weakMap(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (isPlainObject(value)) return value;
  if (Array.isArray(value)) {
    const merged: Record<string, unknown> = {};
    value.forEach((item, index) => {
      if (!isPlainObject(item)) throw new ConversionError(`'[${index}]' expected a map, got '${kind(item)}'`);
      for (const key of Object.keys(item)) {
        Object.defineProperty(merged, key, { value: item[key], enumerable: true, writable: true, configurable: true });
      }
    });
    return merged;
  }
  throw new ConversionError(`'' expected a map, got '${kind(value)}'`);
}

// reflect.Kind names; a JSON number is a json.Number, whose kind is string.
function kind(value: unknown): string {
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'number') return 'string';
  if (value === null) return 'invalid';
  return typeof value === 'object' ? 'map' : typeof value;
}

/**
 * TypeDurationSecond / TypeSignedDurationSecond (`parseutil.ParseDurationSecond`): whole seconds
 * from a number, `"3600"`, `"2d"` or a Go duration such as `"1h30m"`; null and `""` are 0.
 * Negative results are returned as they are; the caller (or the engine) decides.
 */
export function weakDurationSeconds(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new ConversionError(`time: missing unit in duration ${JSON.stringify(String(value))}`);
    return value;
  }
  if (typeof value !== 'string') throw new ConversionError('could not parse duration from input');
  if (value === '') return 0;
  if (DECIMAL_INT.test(value)) return Number.parseInt(value, 10);
  if (value.endsWith('d')) {
    const days = value.slice(0, -1);
    if (!DECIMAL_INT.test(days)) throw new ConversionError(`strconv.ParseInt: parsing ${JSON.stringify(days)}: invalid syntax`);
    return Number.parseInt(days, 10) * 86_400;
  }
  if (value.trim() === value) {
    try {
      return parseDuration(value);
    } catch {
      // Reported below with Go's wording.
    }
  }
  if (BARE_NUMBER.test(value)) throw new ConversionError(`time: missing unit in duration ${JSON.stringify(value)}`);
  throw new ConversionError(`time: invalid duration ${JSON.stringify(value)}`);
}

/**
 * TypeCommaIntSlice: `[1, "2"]`, `"1,2"`, `1` or `"1"`; each element is a weak int. null and
 * `""` give an empty list.
 */
export function weakIntList(value: unknown): number[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((item, index) => weakInt(item, `[${index}]`));
  if (typeof value === 'string') {
    if (value === '') return [];
    return value.split(',').map((item, index) => weakInt(item, `[${index}]`));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return [weakInt(value, '[0]')];
  throw new ConversionError(`'' source data must be an array or slice, got map`);
}

/** A Go uint32 conversion of an int (negative and large values wrap), as OpenBao stores max_versions. */
export function toUint32(value: number): number {
  const range = UINT32_MAX + 1;
  return ((value % range) + range) % range;
}

/**
 * A custom_metadata value converted to a string as OpenBao's `parseCustomMetadata` does
 * (numbers as text, booleans as `1`/`0`, null as `""`); objects and arrays are refused.
 */
export function customMetadataValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  throw unconvertible('string', value);
}
