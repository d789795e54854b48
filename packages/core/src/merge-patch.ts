import { isPlainObject, setOwn, type JsonObject, type JsonValue } from './json.js';

/**
 * Applies an RFC 7386 JSON Merge Patch: objects merge key by key, `null` removes a key, and
 * everything else (arrays and scalars included) replaces the target wholesale.
 *
 * Neither argument is modified; the result may share unchanged sub-trees with both, so treat
 * all three as immutable (the stores copy data in and out).
 */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject;
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue;
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isPlainObject(patch)) return patch;
  const result: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key] as JsonValue;
    if (value === null) {
      delete result[key];
    } else {
      setOwn(result, key, applyMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
    }
  }
  return result;
}
