import { InvalidRequestError } from '@kv2/core';

const UINT32_MAX = 4_294_967_295;

/** A version list: non-empty, non-negative integers. `message` is OpenBao's text for "empty". */
export function versionList(versions: unknown, emptyMessage: string): number[] {
  if (typeof versions !== 'object' || versions === null || typeof (versions as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new InvalidRequestError('versions must be an iterable of version numbers', 'invalid_versions');
  }
  const list = Array.from(versions as Iterable<unknown>);
  if (list.length === 0) throw new InvalidRequestError(emptyMessage, 'invalid_versions');
  for (const v of list) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new InvalidRequestError(`versions must be non-negative integers, got ${describe(v)}`, 'invalid_versions');
    }
  }
  return list as number[];
}

/** A `cas` option: absent, or a non-negative integer. */
export function casOption(cas: unknown): number | undefined {
  if (cas === undefined) return undefined;
  if (typeof cas !== 'number' || !Number.isSafeInteger(cas) || cas < 0) {
    throw new InvalidRequestError('error parsing check-and-set parameter', 'invalid_cas');
  }
  return cas;
}

/** An optional non-negative integer parameter such as `version` or `metadataCas`. */
export function optionalCount(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRequestError(`${field} must be a non-negative integer, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** An optional integer parameter (negative allowed), such as `depth`. */
export function optionalInteger(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidRequestError(`${field} must be an integer, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** A `maxVersions` value: 0 to 2^32-1 (OpenBao stores it as uint32). */
export function maxVersionsValue(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new InvalidRequestError(`max_versions must be an integer from 0 to ${UINT32_MAX}, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** A boolean parameter. */
export function booleanValue(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidRequestError(`${field} must be a boolean, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** A key-level `deleteVersionAfter`: whole seconds, never negative (OpenBao's message). */
export function keyDeleteAfter(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidRequestError(`delete_version_after must be whole seconds, got ${describe(value)}`, 'invalid_parameter');
  }
  if (value < 0) {
    throw new InvalidRequestError(
      `Field validation failed: error converting input for field "delete_version_after": cannot provide negative value '${value}'`,
      'invalid_parameter',
    );
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}
