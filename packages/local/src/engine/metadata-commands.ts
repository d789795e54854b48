import { checkedConfigUpdate, CheckAndSetError, getOwn, setOwn, type MountConfigUpdate, type OperationArgs } from '@kv2/core';
import type { KeyRecord, StoreDocument } from './document.js';
import { newKeyRecord } from './lifecycle.js';
import { done, keyChange, requireRecord } from './outcome.js';

// Key metadata (metadata/) and the mount configuration (config). Arguments arrive checked by
// BaseKeyValueStore, which also answers updates and patches that change no field (OpenBao's
// no-op fast path) without calling the engine.

const CAS_REQUIRED_WARNING = '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';
const METADATA_CAS_REQUIRED_WARNING = '"metadata_cas_required" set to false, but is mandated by backend config. This value will be ignored.';

/** Metadata CAS: required by mount or key; a given value must match (0 for a new record). */
function checkMetadataCas(record: KeyRecord | undefined, doc: StoreDocument, cas: number | undefined): void {
  const required = doc.config.metadataCasRequired || record?.metadataCasRequired === true;
  if (cas === undefined) {
    if (required) throw new CheckAndSetError('metadata_cas_required');
    return;
  }
  if (record === undefined) {
    if (cas !== 0) throw new CheckAndSetError('metadata_cas_not_zero');
  } else if (cas !== record.currentMetadataVersion) {
    throw new CheckAndSetError('metadata_cas_mismatch');
  }
}

function mandateWarnings(doc: StoreDocument, casRequired: boolean | null | undefined, metadataCasRequired: boolean | null | undefined): string[] {
  const warnings: string[] = [];
  // In a patch, null unsets a flag, which OpenBao reads as false: it warns the same way.
  if ((casRequired === false || casRequired === null) && doc.config.casRequired) warnings.push(CAS_REQUIRED_WARNING);
  if ((metadataCasRequired === false || metadataCasRequired === null) && doc.config.metadataCasRequired) {
    warnings.push(METADATA_CAS_REQUIRED_WARNING);
  }
  return warnings;
}

function isEmptyMap(map: Record<string, unknown>): boolean {
  for (const _ in map) return false;
  return true;
}

export function writeMetadata(doc: StoreDocument, { path, update }: OperationArgs['writeMetadata'], now: Date) {
  const { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter: deleteAfter, customMetadata, metadataCas } = update;
  const existing = getOwn(doc.keys, path);
  checkMetadataCas(existing, doc, metadataCas);
  const base = existing ?? newKeyRecord(now, 0);
  const record: KeyRecord = {
    ...base,
    currentMetadataVersion: base.currentMetadataVersion + 1,
    updatedTime: now.toISOString(),
  };
  if (maxVersions !== undefined) record.maxVersions = maxVersions;
  if (casRequired !== undefined) record.casRequired = casRequired;
  if (metadataCasRequired !== undefined) record.metadataCasRequired = metadataCasRequired;
  if (deleteAfter !== undefined) record.deleteVersionAfter = deleteAfter;
  if (customMetadata !== undefined) {
    record.customMetadata = customMetadata === null || isEmptyMap(customMetadata) ? null : { ...customMetadata };
  }
  return done({ warnings: mandateWarnings(doc, casRequired, metadataCasRequired) }, keyChange(path, record));
}

// OpenBao's order: (nothing patchable → no-op, and validation: both in BaseKeyValueStore) → 404 → CAS.
export function patchMetadata(doc: StoreDocument, { path, patch }: OperationArgs['patchMetadata'], now: Date) {
  const { maxVersions: max, casRequired: cas, metadataCasRequired: metaCas, customMetadata: custom, metadataCas } = patch;
  const after = patch.deleteVersionAfter ?? undefined;
  const existing = requireRecord(doc, path);
  checkMetadataCas(existing, doc, metadataCas);
  const record: KeyRecord = {
    ...existing,
    currentMetadataVersion: existing.currentMetadataVersion + 1,
    updatedTime: now.toISOString(),
  };
  if (max !== undefined) record.maxVersions = max ?? 0;
  if (cas !== undefined) record.casRequired = cas ?? false;
  if (metaCas !== undefined) record.metadataCasRequired = metaCas ?? false;
  // OpenBao quirk, kept deliberately: a zero duration merge-patches as "no change", so 0 (like
  // null) cannot clear an existing delete_version_after through PATCH; POST can.
  if (after !== undefined && after > 0) record.deleteVersionAfter = after;
  if (custom === null) {
    record.customMetadata = null;
  } else if (custom !== undefined) {
    const merged: Record<string, string> = { ...(existing.customMetadata ?? {}) };
    for (const key of Object.keys(custom)) {
      const value = custom[key];
      if (value === null || value === undefined) delete merged[key];
      else setOwn(merged, key, value);
    }
    record.customMetadata = isEmptyMap(merged) ? null : merged;
  }
  return done({ warnings: mandateWarnings(doc, cas, metaCas) }, keyChange(path, record));
}

export function writeConfig(doc: StoreDocument, update: MountConfigUpdate) {
  // Checked again (it is idempotent) because a host's constructor option reaches the engine
  // directly, not through BaseKeyValueStore. Any negative deleteVersionAfter becomes -1.
  const checked = checkedConfigUpdate(update);
  const config = { ...doc.config };
  let changed = false;
  for (const field of ['maxVersions', 'casRequired', 'metadataCasRequired', 'deleteVersionAfter'] as const) {
    const value = checked[field];
    if (value === undefined) continue;
    (config as Record<typeof field, number | boolean>)[field] = value;
    changed = true;
  }
  return changed ? done(undefined, [{ kind: 'config', config }]) : done(undefined);
}
