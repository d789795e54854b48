import {
  applyMergePatch,
  booleanValue,
  casOption,
  CheckAndSetError,
  cloneJsonValue,
  getOwn,
  InvalidRequestError,
  keyDeleteAfter,
  maxVersionsValue,
  mountDeleteAfter,
  normalizeSecretPath,
  objectParameter,
  optionalCount,
  optionalInteger,
  secretData,
  ServerError,
  setOwn,
  SecretNotFoundError,
  validateCustomMetadata,
  versionList,
  type MetadataPatch,
  type MetadataUpdate,
  type MountConfigUpdate,
  type VersionMetadata,
} from '@kv2/core';
import type { Change, Command, CommandResult, CommandResults, Outcome } from './commands.js';
import type { KeyRecord, StoreDocument, VersionRecord } from './document.js';
import { validateDocument } from './document-validation.js';
import { addVersion, effectiveDeleteAfter, isDeleted, newKeyRecord } from './lifecycle.js';
import { forgetListings, listChildren } from './listing.js';
import { copyData, keyMetadata, mountConfig, subkeysOf, versionMetadata } from './views.js';

/**
 * Runs one command against a document and returns its result and the changes it makes.
 *
 * This is the KV v2 state machine: every rule lives here or in the modules it calls. It never
 * modifies `doc`; a rejected command throws before producing anything, so the host's state is
 * exactly as it was. Apply the changes with {@link applyChanges}.
 */
export function executeCommand<C extends Command>(doc: StoreDocument, command: C, now: Date): Outcome<CommandResult<C>> {
  const outcome = run(doc, command, now);
  return outcome as Outcome<CommandResult<C>>;
}

/**
 * Commits the changes of an {@link Outcome} to `doc` (in place). This is the only way a
 * document's `keys` may gain or lose keys: listings are remembered per key map (see listing.ts).
 */
export function applyChanges(doc: StoreDocument, changes: readonly Change[]): void {
  for (const change of changes) {
    if (change.kind === 'config') {
      doc.config = change.config;
    } else if (change.record === null) {
      if (Object.hasOwn(doc.keys, change.path)) forgetListings(doc.keys);
      delete doc.keys[change.path];
    } else {
      // A new key changes listings; a new record for an existing key does not.
      if (!Object.hasOwn(doc.keys, change.path)) forgetListings(doc.keys);
      setOwn(doc.keys, change.path, change.record);
    }
  }
}

type AnyOutcome = Outcome<CommandResults[keyof CommandResults]>;

const NOTHING: Change[] = [];

function done<R>(result: R, changes: Change[] = NOTHING): Outcome<R> {
  return { result, changes };
}

function keyChange(path: string, record: KeyRecord | null): Change[] {
  return [{ kind: 'key', path, record }];
}

function run(doc: StoreDocument, command: Command, now: Date): AnyOutcome {
  switch (command.op) {
    case 'read':
      return done(read(doc, command.path, command.version, now));
    case 'write':
      return write(doc, command.path, command.data, command.cas, now);
    case 'patch':
      return patch(doc, command.path, command.data, command.cas, now);
    case 'delete':
      return softDelete(doc, command.path, command.versions, now);
    case 'undelete':
      return undelete(doc, command.path, command.versions, now);
    case 'destroy':
      return destroy(doc, command.path, command.versions);
    case 'deleteLatest':
      return deleteLatest(doc, command.path, now);
    case 'list':
      return done(list(doc, command.path));
    case 'readMetadata': {
      const path = normalizeSecretPath(command.path, 'read');
      return done(keyMetadata(requireRecord(doc, path)));
    }
    case 'writeMetadata':
      return writeMetadata(doc, command.path, command.update, now);
    case 'patchMetadata':
      return patchMetadata(doc, command.path, command.patch, now);
    case 'deleteMetadata': {
      const path = normalizeSecretPath(command.path, 'read');
      return getOwn(doc.keys, path) === undefined ? done(undefined) : done(undefined, keyChange(path, null));
    }
    case 'subkeys':
      return done(subkeys(doc, command.path, command.version, command.depth, now));
    case 'readConfig':
      return done(mountConfig(doc.config));
    case 'writeConfig':
      return writeConfig(doc, command.update);
    case 'exportDocument':
      return done(exportDocument(doc, command.latestOnly === true));
    case 'importDocument':
      return importDocument(doc, command.document, command.mode);
    default:
      throw new InvalidRequestError(`unknown operation ${JSON.stringify((command as { op: unknown }).op)}`);
  }
}

function requireRecord(doc: StoreDocument, path: string): KeyRecord {
  const record = getOwn(doc.keys, path);
  if (record === undefined) throw new SecretNotFoundError(path);
  return record;
}

/**
 * The version a read addresses, if it can be read: missing → 404; soft-deleted, then destroyed
 * (OpenBao checks in that order) → 404 carrying the version's metadata.
 */
function readableVersion(doc: StoreDocument, path: string, requested: number | undefined, now: Date) {
  const record = requireRecord(doc, path);
  const number = requested || record.currentVersion;
  const state = getOwn(record.versions, String(number));
  if (state === undefined) throw new SecretNotFoundError(path);
  if (isDeleted(state, now) || state.destroyed) {
    throw new SecretNotFoundError(path, versionMetadata(record, number, state));
  }
  if (state.data === undefined) throw new ServerError(500, ['could not find version data']);
  return { record, number, state, data: state.data };
}

function read(doc: StoreDocument, rawPath: string, version: unknown, now: Date) {
  const path = normalizeSecretPath(rawPath, 'read');
  const { record, number, state, data } = readableVersion(doc, path, optionalCount(version, 'version'), now);
  return { data: copyData(data), metadata: versionMetadata(record, number, state) };
}

/** Data CAS: a given `cas` must equal current_version (even when that version is deleted); without one, mount or key may require it. */
function checkDataCas(record: KeyRecord | undefined, doc: StoreDocument, cas: number | undefined): void {
  if (cas !== undefined) {
    if (cas !== (record?.currentVersion ?? 0)) throw new CheckAndSetError('cas_mismatch');
  } else if (doc.config.casRequired || record?.casRequired === true) {
    throw new CheckAndSetError('cas_required');
  }
}

function newVersionResult(path: string, record: KeyRecord): Outcome<VersionMetadata> {
  const state = getOwn(record.versions, String(record.currentVersion)) as VersionRecord;
  return done(versionMetadata(record, record.currentVersion, state), keyChange(path, record));
}

function write(doc: StoreDocument, rawPath: string, rawData: unknown, rawCas: unknown, now: Date) {
  const path = normalizeSecretPath(rawPath, 'write');
  const data = secretData(rawData);
  const cas = casOption(rawCas);
  const record = getOwn(doc.keys, path);
  checkDataCas(record, doc, cas);
  return newVersionResult(path, addVersion(record ?? newKeyRecord(now, 0), data, now, doc.config));
}

// OpenBao's order: no data → unknown key (404) → CAS → no current version (404) → deleted →
// destroyed (404 with metadata) → merge.
function patch(doc: StoreDocument, rawPath: string, rawData: unknown, rawCas: unknown, now: Date) {
  const path = normalizeSecretPath(rawPath, 'write');
  const changes = secretData(rawData);
  const cas = casOption(rawCas);
  const record = requireRecord(doc, path);
  checkDataCas(record, doc, cas);
  const { data } = readableVersion(doc, path, undefined, now);
  return newVersionResult(path, addVersion(record, applyMergePatch(data, changes), now, doc.config));
}

/** Applies `update` to each listed version that exists; returns the changes (none if nothing changed). */
function changeVersions(
  doc: StoreDocument,
  path: string,
  versions: number[],
  update: (state: VersionRecord) => VersionRecord | undefined,
): Outcome<undefined> {
  const record = getOwn(doc.keys, path);
  if (record === undefined) return done(undefined);
  let next: Record<string, VersionRecord> | undefined;
  for (const number of versions) {
    const key = String(number);
    const state = getOwn(next ?? record.versions, key);
    if (state === undefined) continue;
    const changed = update(state);
    if (changed === undefined) continue;
    next ??= { ...record.versions };
    next[key] = changed;
  }
  return next === undefined ? done(undefined) : done(undefined, keyChange(path, { ...record, versions: next }));
}

function softDelete(doc: StoreDocument, rawPath: string, rawVersions: unknown, now: Date) {
  const path = normalizeSecretPath(rawPath, 'write');
  const versions = versionList(rawVersions, 'No version number provided');
  const iso = now.toISOString();
  return changeVersions(doc, path, versions, (state) =>
    state.destroyed || isDeleted(state, now) ? undefined : { ...state, deletionTime: iso },
  );
}

// Undelete restarts the delete_version_after timer from now, even for versions that were live.
function undelete(doc: StoreDocument, rawPath: string, rawVersions: unknown, now: Date) {
  const path = normalizeSecretPath(rawPath, 'write');
  const versions = versionList(rawVersions, 'No version number provided');
  const after = effectiveDeleteAfter(getOwn(doc.keys, path), doc.config);
  const deletionTime = after > 0 ? new Date(now.getTime() + after * 1000).toISOString() : null;
  return changeVersions(doc, path, versions, (state) =>
    state.destroyed || state.deletionTime === deletionTime ? undefined : { ...state, deletionTime },
  );
}

function destroy(doc: StoreDocument, rawPath: string, rawVersions: unknown) {
  const path = normalizeSecretPath(rawPath, 'write');
  const versions = versionList(rawVersions, 'no version number provided');
  return changeVersions(doc, path, versions, (state) =>
    state.destroyed ? undefined : { createdTime: state.createdTime, deletionTime: state.deletionTime, destroyed: true },
  );
}

function deleteLatest(doc: StoreDocument, rawPath: string, now: Date) {
  const path = normalizeSecretPath(rawPath, 'read');
  const record = getOwn(doc.keys, path);
  if (record === undefined) return done(undefined);
  const iso = now.toISOString();
  return changeVersions(doc, path, [record.currentVersion], (state) =>
    state.destroyed || isDeleted(state, now) ? undefined : { ...state, deletionTime: iso },
  );
}

function list(doc: StoreDocument, rawPath: string): string[] {
  const path = normalizeSecretPath(rawPath, 'list');
  return listChildren(doc.keys, path === '' ? '' : `${path}/`);
}

function subkeys(doc: StoreDocument, rawPath: string, version: unknown, rawDepth: unknown, now: Date) {
  const path = normalizeSecretPath(rawPath, 'read');
  const depth = optionalInteger(rawDepth, 'depth') ?? 0;
  const { record, number, state, data } = readableVersion(doc, path, optionalCount(version, 'version'), now);
  // OpenBao treats a negative depth like depth 1.
  return { subkeys: subkeysOf(data, depth < 0 ? 1 : depth), metadata: versionMetadata(record, number, state) };
}

const CAS_REQUIRED_WARNING =
  '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';
const METADATA_CAS_REQUIRED_WARNING =
  '"metadata_cas_required" set to false, but is mandated by backend config. This value will be ignored.';

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

function writeMetadata(doc: StoreDocument, rawPath: string, update: MetadataUpdate, now: Date) {
  const path = normalizeSecretPath(rawPath, 'write');
  objectParameter(update, 'metadata update');
  const maxVersions = update.maxVersions === undefined ? undefined : maxVersionsValue(update.maxVersions);
  const casRequired = update.casRequired === undefined ? undefined : booleanValue(update.casRequired, 'cas_required');
  const metadataCasRequired =
    update.metadataCasRequired === undefined ? undefined : booleanValue(update.metadataCasRequired, 'metadata_cas_required');
  const deleteAfter = update.deleteVersionAfter === undefined ? undefined : keyDeleteAfter(update.deleteVersionAfter);
  const metadataCas = optionalCount(update.metadataCas, 'metadata_cas');
  const custom = update.customMetadata;
  if (
    maxVersions === undefined &&
    casRequired === undefined &&
    metadataCasRequired === undefined &&
    deleteAfter === undefined &&
    custom === undefined
  ) {
    return done({ warnings: [] });
  }
  const customMetadata = custom === undefined || custom === null ? custom : (validateCustomMetadata(custom, false) as Record<string, string>);
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

// OpenBao's order: nothing patchable → no-op (even for unknown keys) → validation → 404 → CAS.
function patchMetadata(doc: StoreDocument, rawPath: string, patch: MetadataPatch, now: Date) {
  const path = normalizeSecretPath(rawPath, 'write');
  objectParameter(patch, 'metadata patch');
  const { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter, customMetadata } = patch;
  if (
    maxVersions === undefined &&
    casRequired === undefined &&
    metadataCasRequired === undefined &&
    // OpenBao's GetOk does not report a null duration, so it alone changes nothing.
    (deleteVersionAfter === undefined || deleteVersionAfter === null) &&
    customMetadata === undefined
  ) {
    return done({ warnings: [] });
  }
  const max = maxVersions === undefined || maxVersions === null ? maxVersions : maxVersionsValue(maxVersions);
  const cas = casRequired === undefined || casRequired === null ? casRequired : booleanValue(casRequired, 'cas_required');
  const metaCas =
    metadataCasRequired === undefined || metadataCasRequired === null
      ? metadataCasRequired
      : booleanValue(metadataCasRequired, 'metadata_cas_required');
  const after = deleteVersionAfter === undefined || deleteVersionAfter === null ? undefined : keyDeleteAfter(deleteVersionAfter);
  const custom = customMetadata === undefined || customMetadata === null ? customMetadata : validateCustomMetadata(customMetadata, true);
  const metadataCas = optionalCount(patch.metadataCas, 'metadata_cas');
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

function writeConfig(doc: StoreDocument, update: MountConfigUpdate) {
  objectParameter(update, 'config update');
  const config = { ...doc.config };
  let changed = false;
  if (update.maxVersions !== undefined) {
    config.maxVersions = maxVersionsValue(update.maxVersions);
    changed = true;
  }
  if (update.casRequired !== undefined) {
    config.casRequired = booleanValue(update.casRequired, 'cas_required');
    changed = true;
  }
  if (update.metadataCasRequired !== undefined) {
    config.metadataCasRequired = booleanValue(update.metadataCasRequired, 'metadata_cas_required');
    changed = true;
  }
  if (update.deleteVersionAfter !== undefined) {
    // Any negative value means "disabled" and is stored as -1 (OpenBao reports "-1s").
    config.deleteVersionAfter = mountDeleteAfter(update.deleteVersionAfter);
    changed = true;
  }
  return changed ? done(undefined, [{ kind: 'config', config }]) : done(undefined);
}

/** A deep copy of the whole mount; with `latestOnly`, each key keeps only its current version. */
function exportDocument(doc: StoreDocument, latestOnly: boolean): StoreDocument {
  const copy = structuredClone(doc);
  if (latestOnly) {
    for (const record of Object.values(copy.keys)) {
      const current = getOwn(record.versions, String(record.currentVersion));
      record.versions = current === undefined ? {} : { [String(record.currentVersion)]: current };
    }
  }
  return copy;
}

/**
 * Loads a whole document (a snapshot) in one step: validated first, so a bad snapshot changes
 * nothing. `replace` removes keys the snapshot does not have; `merge` replaces only the keys it
 * has. The snapshot's config replaces the mount's in both modes.
 */
function importDocument(doc: StoreDocument, document: unknown, mode: 'merge' | 'replace') {
  const incoming = validateDocument(cloneJsonValue(document, 'document'));
  const changes: Change[] = [{ kind: 'config', config: incoming.config }];
  if (mode === 'replace') {
    for (const path of Object.keys(doc.keys)) {
      if (!Object.hasOwn(incoming.keys, path)) changes.push({ kind: 'key', path, record: null });
    }
  }
  for (const path of Object.keys(incoming.keys)) {
    changes.push({ kind: 'key', path, record: getOwn(incoming.keys, path) as KeyRecord });
  }
  return done({ keys: Object.keys(incoming.keys).length }, changes);
}
