import { durationSeconds } from './durations.js';
import { InvalidRequestError } from './errors.js';
import { validateCustomMetadata } from './custom-metadata.js';
import { cloneJsonObject, type JsonObject } from './json.js';
import type { MetadataPatch, MetadataUpdate, MountConfigUpdate } from './types.js';
import { UINT32_MAX } from './constants.js';
import { REQUEST_MESSAGES } from './wire/messages.js';

// The argument checks every kv2 door applies before doing anything: the engine (memory and file
// stores) and the HTTP adapter both call these, so the same bad input gets the same typed error.

/**
 * A version list: an iterable of non-negative integers, not empty. `emptyMessage` is OpenBao's
 * text for "empty" (`No version number provided` for delete/undelete, lower-case for destroy).
 * Throws {@link InvalidRequestError} (`invalid_versions`).
 */
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

/**
 * The data of a write or patch: a copy of a JSON object ({@link cloneJsonObject}, `invalid_data`);
 * `undefined` is OpenBao's "no data provided" (`no_data`).
 */
export function secretData(data: unknown): JsonObject {
  if (data === undefined) throw new InvalidRequestError(REQUEST_MESSAGES.noData, 'no_data');
  return cloneJsonObject(data, 'data');
}

/** A `cas` option: absent, or a non-negative integer. Throws {@link InvalidRequestError} (`invalid_cas`). */
export function casOption(cas: unknown): number | undefined {
  if (cas === undefined) return undefined;
  if (typeof cas !== 'number' || !Number.isSafeInteger(cas) || cas < 0) {
    throw new InvalidRequestError(REQUEST_MESSAGES.invalidCas, 'invalid_cas');
  }
  return cas;
}

/** An optional non-negative integer parameter such as `version` or `metadataCas` (`invalid_parameter`). */
export function optionalCount(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRequestError(`${field} must be a non-negative integer, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** An optional integer parameter (negative allowed), such as `depth` (`invalid_parameter`). */
export function optionalInteger(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidRequestError(`${field} must be an integer, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** A `maxVersions` value: 0 to 2^32-1, as OpenBao stores it in a uint32 (`invalid_parameter`). */
export function maxVersionsValue(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new InvalidRequestError(`max_versions must be an integer from 0 to ${UINT32_MAX}, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** A boolean parameter (`invalid_parameter`). */
export function booleanValue(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidRequestError(`${field} must be a boolean, got ${describe(value)}`, 'invalid_parameter');
  }
  return value;
}

/** A key-level `deleteVersionAfter`: whole seconds, never negative (OpenBao's message for negative). */
export function keyDeleteAfter(value: unknown): number {
  const seconds = durationSeconds(value, 'delete_version_after');
  if (seconds < 0) {
    throw new InvalidRequestError(
      `${REQUEST_MESSAGES.fieldValidation}: error converting input for field "delete_version_after": cannot provide negative value '${seconds}'`,
      'invalid_parameter',
    );
  }
  return seconds;
}

/**
 * A mount-level `deleteVersionAfter`: whole seconds; any negative value means "disabled" and is
 * returned as -1 (OpenBao stores and reports it as `-1s`).
 */
export function mountDeleteAfter(value: unknown): number {
  const seconds = durationSeconds(value, 'delete_version_after');
  return seconds < 0 ? -1 : seconds;
}

/** An options-style argument (metadata update or patch, config update) must be an object. */
export function objectParameter<T extends object>(value: T, label: string): T {
  if (typeof value !== 'object' || value === null) throw new InvalidRequestError(`${label} must be an object`, 'invalid_parameter');
  return value;
}

/** A metadata update (`writeMetadata`) with every field present checked; absent fields stay absent. */
export function checkedMetadataUpdate(update: MetadataUpdate): MetadataUpdate {
  objectParameter(update, 'metadata update');
  const custom = update.customMetadata;
  return {
    maxVersions: update.maxVersions === undefined ? undefined : maxVersionsValue(update.maxVersions),
    casRequired: update.casRequired === undefined ? undefined : booleanValue(update.casRequired, 'cas_required'),
    metadataCasRequired: update.metadataCasRequired === undefined ? undefined : booleanValue(update.metadataCasRequired, 'metadata_cas_required'),
    deleteVersionAfter: update.deleteVersionAfter === undefined ? undefined : keyDeleteAfter(update.deleteVersionAfter),
    customMetadata: custom === undefined || custom === null ? custom : (validateCustomMetadata(custom, false) as Record<string, string>),
    metadataCas: optionalCount(update.metadataCas, 'metadata_cas'),
  };
}

/**
 * A metadata patch (`patchMetadata`) with every field present checked; nulls (resets) stay null.
 *
 * OpenBao's first step comes first here too: a patch without any patchable field is a no-op,
 * before anything else (not even `metadataCas`) is checked, and comes back as `{}`. A null
 * `deleteVersionAfter` counts as absent (OpenBao's GetOk does not report a null duration) and
 * is dropped, as is 0 from a patch's point of view in the engine (see metadata-commands.ts).
 */
export function checkedMetadataPatch(patch: MetadataPatch): MetadataPatch {
  objectParameter(patch, 'metadata patch');
  const { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter, customMetadata } = patch;
  const after = deleteVersionAfter === null ? undefined : deleteVersionAfter;
  if (changesNoField({ maxVersions, casRequired, metadataCasRequired, deleteVersionAfter: after, customMetadata })) return {};
  return {
    maxVersions: maxVersions === undefined || maxVersions === null ? maxVersions : maxVersionsValue(maxVersions),
    casRequired: casRequired === undefined || casRequired === null ? casRequired : booleanValue(casRequired, 'cas_required'),
    metadataCasRequired:
      metadataCasRequired === undefined || metadataCasRequired === null
        ? metadataCasRequired
        : booleanValue(metadataCasRequired, 'metadata_cas_required'),
    deleteVersionAfter: after === undefined ? undefined : keyDeleteAfter(after),
    customMetadata: customMetadata === undefined || customMetadata === null ? customMetadata : validateCustomMetadata(customMetadata, true),
    metadataCas: optionalCount(patch.metadataCas, 'metadata_cas'),
  };
}

/**
 * True when a metadata update or patch names none of the fields it could change (`metadataCas`
 * is a condition, not a change): OpenBao answers such a call with 204 and changes nothing.
 */
export function changesNoField(fields: MetadataUpdate | MetadataPatch): boolean {
  return (
    fields.maxVersions === undefined &&
    fields.casRequired === undefined &&
    fields.metadataCasRequired === undefined &&
    fields.deleteVersionAfter === undefined &&
    fields.customMetadata === undefined
  );
}

/** A mount config update with every field present checked; a negative `deleteVersionAfter` becomes -1. */
export function checkedConfigUpdate(update: MountConfigUpdate): MountConfigUpdate {
  objectParameter(update, 'config update');
  return {
    maxVersions: update.maxVersions === undefined ? undefined : maxVersionsValue(update.maxVersions),
    casRequired: update.casRequired === undefined ? undefined : booleanValue(update.casRequired, 'cas_required'),
    metadataCasRequired: update.metadataCasRequired === undefined ? undefined : booleanValue(update.metadataCasRequired, 'metadata_cas_required'),
    deleteVersionAfter: update.deleteVersionAfter === undefined ? undefined : mountDeleteAfter(update.deleteVersionAfter),
  };
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}
