/**
 * The reference model's own JSON helpers, written independently of @kv2/core and the engine so
 * that a bug there cannot hide in both the model and the store.
 */
import type { JsonObject, JsonValue } from '@kv2/core';

function put(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy with ordinary prototypes; -0 becomes 0 (as JSON on the wire does). */
export function copyJson<T extends JsonValue>(value: T): T {
  if (typeof value === 'number') return (value === 0 ? 0 : value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => copyJson(item)) as T;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) put(out, key, copyJson(value[key] as JsonValue));
  return out as T;
}

/** RFC 7386: objects merge recursively, null removes, anything else replaces. Returns a new value. */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return copyJson(patch);
  const out: JsonObject = isObject(target) ? copyJson(target) : {};
  for (const key of Object.keys(patch)) {
    const change = patch[key] as JsonValue;
    if (change === null) {
      delete out[key];
    } else {
      put(out, key, mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, change));
    }
  }
  return out;
}

/** The object with every leaf (non-object or empty object) replaced by null, down to `depth` (0 = all). */
export function stripLeaves(data: JsonObject, depth: number, level = 1): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(data)) {
    const value = data[key] as JsonValue;
    const descend = isObject(value) && Object.keys(value).length > 0 && (depth <= 0 || level < depth);
    put(out, key, descend ? stripLeaves(value, depth, level + 1) : null);
  }
  return out;
}

/** Byte-wise UTF-8 order (what Go's sort.Strings gives), via Buffer comparison. */
export function byUtf8Bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
