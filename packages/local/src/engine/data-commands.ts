import { applyMergePatch, CheckAndSetError, getOwn, ServerError, SecretNotFoundError, type OperationArgs, type VersionMetadata } from '@kv2/core';
import type { Outcome } from './commands.js';
import type { KeyRecord, StoreDocument, VersionRecord } from './document.js';
import { addVersion, isDeleted, scheduledDeletionTime, newKeyRecord } from './lifecycle.js';
import { listChildren, type ListingCache } from './listing.js';
import { copyData, subkeysOf, versionMetadata } from './views.js';
import { done, keyChange, requireRecord } from './outcome.js';

// The data side of KV v2: versions of a secret (data/, delete/, undelete/, destroy/, subkeys/, LIST).
// Arguments arrive checked and normalised by BaseKeyValueStore (see OperationArgs).

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

export function read(doc: StoreDocument, { path, version }: OperationArgs['read'], now: Date) {
  const { record, number, state, data } = readableVersion(doc, path, version, now);
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

export function write(doc: StoreDocument, { path, data, cas }: OperationArgs['write'], now: Date) {
  const record = getOwn(doc.keys, path);
  checkDataCas(record, doc, cas);
  return newVersionResult(path, addVersion(record ?? newKeyRecord(now, 0), data, now, doc.config));
}

// OpenBao's order: (no data, checked before) → unknown key (404) → CAS → no current version
// (404) → deleted → destroyed (404 with metadata) → merge.
export function patch(doc: StoreDocument, { path, data: changes, cas }: OperationArgs['patch'], now: Date) {
  const record = requireRecord(doc, path);
  checkDataCas(record, doc, cas);
  const { data } = readableVersion(doc, path, undefined, now);
  return newVersionResult(path, addVersion(record, applyMergePatch(data, changes), now, doc.config));
}

/** Applies `update` to each listed version that exists; returns the changes (none if nothing changed). */
function changeVersions(
  doc: StoreDocument,
  path: string,
  versions: readonly number[],
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

export function softDelete(doc: StoreDocument, { path, versions }: OperationArgs['delete'], now: Date) {
  const iso = now.toISOString();
  return changeVersions(doc, path, versions, (state) => (state.destroyed || isDeleted(state, now) ? undefined : { ...state, deletionTime: iso }));
}

// Undelete restarts the delete_version_after timer from now, even for versions that were live.
export function undelete(doc: StoreDocument, { path, versions }: OperationArgs['undelete'], now: Date) {
  const deletionTime = scheduledDeletionTime(getOwn(doc.keys, path), doc.config, now);
  return changeVersions(doc, path, versions, (state) =>
    state.destroyed || state.deletionTime === deletionTime ? undefined : { ...state, deletionTime },
  );
}

export function destroy(doc: StoreDocument, { path, versions }: OperationArgs['destroy']) {
  return changeVersions(doc, path, versions, (state) =>
    state.destroyed ? undefined : { createdTime: state.createdTime, deletionTime: state.deletionTime, destroyed: true },
  );
}

export function deleteLatest(doc: StoreDocument, { path }: OperationArgs['deleteLatest'], now: Date) {
  const record = getOwn(doc.keys, path);
  if (record === undefined) return done(undefined);
  const iso = now.toISOString();
  return changeVersions(doc, path, [record.currentVersion], (state) =>
    state.destroyed || isDeleted(state, now) ? undefined : { ...state, deletionTime: iso },
  );
}

export function list(doc: StoreDocument, { path }: OperationArgs['list'], listings: ListingCache | undefined): string[] {
  const prefix = path === '' ? '' : `${path}/`;
  return listings === undefined ? listChildren(doc.keys, prefix) : listings.list(doc.keys, prefix);
}

export function subkeys(doc: StoreDocument, { path, version, depth: rawDepth }: OperationArgs['subkeys'], now: Date) {
  const depth = rawDepth ?? 0;
  const { record, number, state, data } = readableVersion(doc, path, version, now);
  // OpenBao treats a negative depth like depth 1.
  return { subkeys: subkeysOf(data, depth < 0 ? 1 : depth), metadata: versionMetadata(record, number, state) };
}
