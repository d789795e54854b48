import { InvalidRequestError } from './errors.js';

/** A JSON scalar. */
export type JsonPrimitive = string | number | boolean | null;
/** Any JSON value, as `JSON.parse` can return it. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object: what KV v2 stores as one version of a secret. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * The deepest nesting of objects and arrays kv2 stores. Deeper is almost certainly a cycle or an
 * attack; every recursive walk over stored data (copying, merge patch, subkeys, JSON output) then
 * stays far from the call stack's limit, so no door ever throws a bare RangeError.
 */
export const MAX_JSON_DEPTH = 512;

/** True for `{...}` literals and `JSON.parse` objects; false for arrays, class instances, null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Validates that `value` is a JSON object and returns a deep copy of it, so that neither the
 * caller nor the store can later change the other's copy.
 *
 * Rejected with {@link InvalidRequestError} (`invalid_data`): anything but a plain object at the
 * top, and inside it `undefined`, functions, symbols, bigints, non-finite numbers, class
 * instances (Date, Map, Buffer…) and cycles. `-0` becomes `0`, as it would on the wire.
 *
 * @param label - how to name the value in error messages (`data`, `patch`).
 */
export function cloneJsonObject(value: unknown, label = 'data'): JsonObject {
  if (!isPlainObject(value)) {
    throw new InvalidRequestError(`${label} must be a JSON object, got ${describe(value)}`, 'invalid_data');
  }
  return cloneObject(value, label, 0);
}

/** Like {@link cloneJsonObject} for any JSON value (arrays and scalars included). */
export function cloneJsonValue(value: unknown, label = 'value'): JsonValue {
  return cloneValue(value, label, 0);
}

function cloneValue(value: unknown, where: string, depth: number): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(where, `${String(value)} is not a JSON number`);
      return value === 0 ? 0 : value;
    case 'object':
      if (value === null) return null;
      if (depth >= MAX_JSON_DEPTH) throw invalid(shortPath(where), `is nested more than ${MAX_JSON_DEPTH} levels deep (or is circular)`);
      if (Array.isArray(value)) {
        const out: JsonValue[] = new Array<JsonValue>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = cloneValue(value[i], `${where}[${i}]`, depth + 1);
        return out;
      }
      if (isPlainObject(value)) return cloneObject(value, where, depth + 1);
      throw invalid(where, `${describe(value)} is not a JSON value`);
    default:
      throw invalid(where, `${describe(value)} is not a JSON value`);
  }
}

function cloneObject(value: Record<string, unknown>, where: string, depth: number): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    setOwn(out, key, cloneValue(value[key], `${where}.${key}`, depth));
  }
  return out;
}

/** `map[key]` for own properties only (never something inherited, such as `constructor`). */
export function getOwn<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** `map[key] = value`, also for the key `__proto__` (which an assignment would turn into a prototype change). */
export function setOwn<V>(map: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[key] = value;
  }
}

// A path 512 levels deep would make a kilobyte-long message: keep its start.
function shortPath(where: string): string {
  return where.length <= 60 ? where : `${where.slice(0, 60)}…`;
}

function invalid(where: string, problem: string): InvalidRequestError {
  return new InvalidRequestError(`${where}: ${problem}`, 'invalid_data');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name ? `a ${name}` : 'an object';
  }
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
