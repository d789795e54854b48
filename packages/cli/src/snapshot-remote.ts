import {
  DEFAULT_MOUNT_CONFIG,
  isDeletedAt,
  CheckAndSetError,
  PermissionDeniedError,
  SecretNotFoundError,
  setOwn,
  type KeyMetadata,
  type MountConfig,
  type KvV2Store,
  type MetadataUpdate,
} from '@kv2/core';
import type { KeyRecord, StoreDocument, VersionRecord } from '@kv2/local';
import { DEFAULT_CONCURRENCY, ItemFailedError, Limiter, mapBounded } from './concurrency.js';

// Snapshots of a server's mount, built and replayed through the ordinary KV v2 API (the adapter).
// The API cannot show the data of a soft-deleted version or set timestamps and version numbers,
// so these are lossy in the ways the README lists; local stores use exportDocument/importDocument.
// Both keep up to `concurrency` keys in progress at once (one request in flight each), so a server
// that commits concurrent writes together (kv2 server's file store does) is not paid one round
// trip and one disk flush per request; what they produce does not depend on the order requests
// finish in.

/** What a remote export could not include. */
export interface RemoteExportReport {
  keys: number;
  versions: number;
  /** Soft-deleted versions: their data cannot be read through the API, so they are left out. */
  unreadable: number;
  /** The token may not read the mount config; the snapshot then has OpenBao's defaults. */
  configUnreadable: boolean;
}

/**
 * Every leaf key under `prefix`, depth-first in list order (each folder sorted byte-wise by the
 * server), listing up to `concurrency` folders at once. A failed listing stops the walk once the
 * listings in flight are done and is thrown as an {@link ItemFailedError} naming the folder.
 */
async function listKeys(store: KvV2Store, concurrency: number, prefix = ''): Promise<string[]> {
  const limiter = new Limiter(concurrency);
  try {
    return await listTree(store, limiter, prefix);
  } catch (error) {
    await limiter.stop(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

async function listTree(store: KvV2Store, limiter: Limiter, prefix: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await limiter.run(() => store.list(prefix));
  } catch (error) {
    throw error instanceof ItemFailedError ? error : new ItemFailedError(-1, prefix, 0, error);
  }
  // Folders are listed side by side, but their keys are joined in list order.
  const parts = await Promise.all(
    entries.map((entry) => (entry.endsWith('/') ? listTree(store, limiter, `${prefix}${entry}`) : Promise.resolve([`${prefix}${entry}`]))),
  );
  return parts.flat();
}

/** Builds a {@link StoreDocument} from a live mount: config, metadata and readable versions. */
export async function exportRemote(
  store: KvV2Store,
  options: { latestOnly: boolean; concurrency?: number; onKey?: (path: string, count: number, total: number) => void },
): Promise<{ document: StoreDocument; report: RemoteExportReport }> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const report: RemoteExportReport = { keys: 0, versions: 0, unreadable: 0, configUnreadable: false };
  let config: MountConfig;
  try {
    config = await store.readConfig();
  } catch (error) {
    if (!PermissionDeniedError.is(error)) throw error;
    config = { ...DEFAULT_MOUNT_CONFIG };
    report.configUnreadable = true;
  }
  const document: StoreDocument = { format: 1, config, keys: {} };
  const paths = await listKeys(store, concurrency);
  const exported = await mapBounded(
    paths,
    concurrency,
    (path) => exportKey(store, path, options.latestOnly),
    (path) => path,
    (path, completed) => options.onKey?.(path, completed, paths.length),
  );
  // Assembled in walk order, so the snapshot is the same whatever order the reads finished in.
  exported.forEach((key, index) => {
    if (key === null) return;
    setOwn(document.keys, paths[index] as string, key.record);
    report.keys++;
    report.versions += key.versions;
    report.unreadable += key.unreadable;
  });
  return { document, report };
}

/** One key's record as the API shows it, or null when it was removed while the export ran. */
async function exportKey(
  store: KvV2Store,
  path: string,
  latestOnly: boolean,
): Promise<{ record: KeyRecord; versions: number; unreadable: number } | null> {
  let metadata: KeyMetadata;
  try {
    metadata = await store.readMetadata(path);
  } catch (error) {
    if (SecretNotFoundError.is(error)) return null; // removed while we walked
    throw error;
  }
  const record = keyRecord(metadata);
  let versions = 0;
  let unreadable = 0;
  const numbers = Object.keys(metadata.versions)
    .map(Number)
    .filter((n) => !latestOnly || n === metadata.currentVersion)
    .sort((a, b) => a - b);
  for (const number of numbers) {
    const state = metadata.versions[number];
    if (state === undefined) continue;
    const version: VersionRecord = {
      createdTime: state.createdTime.toISOString(),
      deletionTime: state.deletionTime === null ? null : state.deletionTime.toISOString(),
      destroyed: state.destroyed,
    };
    if (!state.destroyed) {
      try {
        version.data = (await store.read(path, { version: number })).data;
      } catch (error) {
        if (!SecretNotFoundError.is(error)) throw error;
        unreadable++;
        continue;
      }
    }
    record.versions[String(number)] = version;
    versions++;
  }
  return { record, versions, unreadable };
}

function keyRecord(metadata: KeyMetadata): KeyRecord {
  return {
    currentVersion: metadata.currentVersion,
    oldestVersion: metadata.oldestVersion,
    currentMetadataVersion: metadata.currentMetadataVersion,
    createdTime: metadata.createdTime.toISOString(),
    updatedTime: metadata.updatedTime.toISOString(),
    maxVersions: metadata.maxVersions,
    casRequired: metadata.casRequired,
    metadataCasRequired: metadata.metadataCasRequired,
    deleteVersionAfter: metadata.deleteVersionAfter,
    customMetadata: metadata.customMetadata,
    versions: {},
  };
}

/** What replaying a snapshot did. */
export interface RemoteImportReport {
  keys: number;
  versions: number;
  /** Destroyed versions (no data to write). */
  skipped: number;
}

/**
 * Replays a validated snapshot onto a live mount: per key, its settings (one metadata write),
 * then each version with data as a new write (check-and-set on the version just written), and a
 * soft delete for versions that were deleted. Keys not in the snapshot are left alone. Up to
 * `concurrency` keys are replayed at once; each key's own requests stay in order. Not atomic: a
 * failure stops the import once the keys in progress are done and is thrown as an
 * {@link ItemFailedError} naming the key (and counting the keys imported by then).
 */
export async function importRemote(
  store: KvV2Store,
  document: StoreDocument,
  options: { writeConfig: boolean; now: Date; concurrency?: number; onKey?: (path: string, done: number, total: number) => void },
): Promise<RemoteImportReport> {
  const report: RemoteImportReport = { keys: 0, versions: 0, skipped: 0 };
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (options.writeConfig) await store.writeConfig(document.config);
  const paths = Object.keys(document.keys).sort();
  const present = await presentKeys(
    store,
    paths.filter((path) => hasDefaultSettings(document.keys[path] as KeyRecord)),
    concurrency,
  );
  const done = await mapBounded(
    paths,
    concurrency,
    (path) => importKey(store, path, document.keys[path] as KeyRecord, options.now, present.has(path)),
    (path) => path,
    (path, completed) => options.onKey?.(path, completed, paths.length),
  );
  for (const key of done) {
    report.keys++;
    report.versions += key.versions;
    report.skipped += key.skipped;
  }
  return report;
}

/**
 * Which of `paths` the server already has (with versions or metadata only), from one listing of
 * each folder they live in: far fewer requests than one per key, and what tells a key that is
 * new from one that has metadata but no versions (a data write with cas 0 succeeds on both).
 * A folder the token may not list is taken as holding none of them: its keys go the one-request
 * way (a token that may only write data can import, as it could before this check existed).
 * A failed listing stops the import before any key is written.
 */
async function presentKeys(store: KvV2Store, paths: readonly string[], concurrency: number): Promise<Set<string>> {
  const folders = [...new Set(paths.map((path) => path.slice(0, path.lastIndexOf('/') + 1)))];
  let listings: string[][];
  try {
    listings = await mapBounded(
      folders,
      concurrency,
      async (folder) => {
        try {
          return await store.list(folder);
        } catch (error) {
          if (SecretNotFoundError.is(error) || PermissionDeniedError.is(error)) return [];
          throw error;
        }
      },
      (folder) => folder,
    );
  } catch (error) {
    // Named by its folder, with no key imported yet.
    if (error instanceof ItemFailedError) throw new ItemFailedError(-1, error.label, 0, error.cause);
    throw error;
  }
  const present = new Set<string>();
  listings.forEach((entries, index) => {
    for (const entry of entries) if (!entry.endsWith('/')) present.add(`${folders[index] as string}${entry}`);
  });
  return present;
}

// Most imports go into keys that do not exist yet, so the key is first written as new (metadata
// CAS 0, data CAS 0) and its metadata read only when the server answers that it exists: one
// request per key fewer than reading first. Either way the CAS values make the outcome exact.
async function importKey(
  store: KvV2Store,
  path: string,
  record: KeyRecord,
  now: Date,
  present: boolean,
): Promise<{ versions: number; skipped: number }> {
  let versions = 0;
  let skipped = 0;
  const settings = (metadataCas: number): MetadataUpdate => {
    const update: MetadataUpdate = {
      maxVersions: record.maxVersions,
      casRequired: record.casRequired,
      deleteVersionAfter: record.deleteVersionAfter,
      customMetadata: record.customMetadata ?? {},
      metadataCas,
    };
    if (record.metadataCasRequired) update.metadataCasRequired = true;
    return update;
  };
  const numbers = Object.keys(record.versions)
    .map(Number)
    .sort((a, b) => a - b);
  let existing: KeyMetadata | null = null;
  let current = 0;
  // Whether `current` is known to be the key's version (read, or returned by a write).
  let known = false;
  // A key with default settings that the server does not have yet needs no metadata request: its
  // first version, written with cas 0, creates it with exactly those settings (one request a key
  // instead of two). A key that exists already goes the long way, so its settings are replaced:
  // one listed before the import, or one whose data write with cas 0 fails. (A key created
  // with metadata only by someone else while the import runs keeps that writer's settings.)
  const first = numbers.map((n) => record.versions[String(n)] as VersionRecord).find((v) => v.data !== undefined);
  let firstWritten: VersionRecord | undefined;
  if (!present && hasDefaultSettings(record) && first?.data !== undefined) {
    try {
      current = (await store.write(path, first.data, { cas: 0 })).version;
      known = true;
      firstWritten = first;
    } catch (error) {
      if (!isCasMismatch(error, 'cas_mismatch')) throw error;
    }
  }
  if (firstWritten === undefined) {
    try {
      await store.writeMetadata(path, settings(0));
    } catch (error) {
      if (!isCasMismatch(error, 'metadata_cas_mismatch')) throw error;
      existing = await readMetadataOrNull(store, path);
      await store.writeMetadata(path, settings(existing?.currentMetadataVersion ?? 0));
    }
    current = existing?.currentVersion ?? 0;
    known = existing !== null;
  }
  for (const number of numbers) {
    const version = record.versions[String(number)] as VersionRecord;
    if (version.data === undefined) {
      skipped++;
      continue;
    }
    if (version === firstWritten) {
      if (isDeletedAt(version.deletionTime, now)) await store.delete(path, { versions: [current] });
      versions++;
      continue;
    }
    try {
      current = (await store.write(path, version.data, { cas: current })).version;
    } catch (error) {
      if (known || !isCasMismatch(error, 'cas_mismatch')) throw error;
      // The key had versions although its metadata was never written through the metadata API.
      current = (await store.readMetadata(path)).currentVersion;
      current = (await store.write(path, version.data, { cas: current })).version;
    }
    known = true;
    if (isDeletedAt(version.deletionTime, now)) {
      await store.delete(path, { versions: [current] });
    }
    versions++;
  }
  return { versions, skipped };
}

/** True when a key's settings are what a key created by its first write gets. */
function hasDefaultSettings(record: KeyRecord): boolean {
  const custom = record.customMetadata;
  return (
    record.maxVersions === 0 &&
    !record.casRequired &&
    !record.metadataCasRequired &&
    record.deleteVersionAfter === 0 &&
    (custom === null || Object.keys(custom).length === 0)
  );
}

function isCasMismatch(error: unknown, code: 'cas_mismatch' | 'metadata_cas_mismatch'): boolean {
  return CheckAndSetError.is(error) && error.code === code;
}

async function readMetadataOrNull(store: KvV2Store, path: string): Promise<KeyMetadata | null> {
  try {
    return await store.readMetadata(path);
  } catch (error) {
    if (SecretNotFoundError.is(error)) return null;
    throw error;
  }
}
