// The argument checks moved to @kv2/core so that every door (engine, HTTP adapter) shares them;
// this re-export keeps existing imports working.
export {
  booleanValue,
  casOption,
  keyDeleteAfter,
  maxVersionsValue,
  mountDeleteAfter,
  objectParameter,
  optionalCount,
  optionalInteger,
  versionList,
} from '@kv2/core';
