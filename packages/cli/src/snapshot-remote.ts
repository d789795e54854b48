import { PermissionDeniedError, SecretNotFoundError, setOwn, type KeyMetadata, type MountConfig, type KvV2Store, type MetadataUpdate } from '@kv2/core';
import type { KeyRecord, StoreDocument, VersionRecord } from '@kv2/local';

// Snapshots of a server's mount, built and replayed through the ordinary KV v2 API (the adapter).
// The API cannot show the data of a soft-deleted version or set timestamps and version numbers,
// so these are lossy in the ways the README lists; local stores use exportDocument/importDocument.

/** What a remote export could not include. */
export interface RemoteExportReport {
  keys: number;
  versions: number;
  /** Soft-deleted versions: their data cannot be read through the API, so they are left out. */
  unreadable: number;
  /** The token may not read the mount config; the snapshot then has OpenBao's defaults. */
  configUnreadable: boolean;
}

/** Every leaf key under the mount, depth-first in list order (sorted byte-wise by the server). */
export async function* walkKeys(store: KvV2Store, prefix = ''): AsyncGenerator<string> {
  for (const entry of await store.list(prefix)) {
    const path = `${prefix}${entry}`;
    if (entry.endsWith('/')) yield* walkKeys(store, path);
    else yield path;
  }
}

/** Builds a {@link StoreDocument} from a live mount: config, metadata and readable versions. */
export async function exportRemote(
  store: KvV2Store,
  options: { latestOnly: boolean; onKey?: (path: string, count: number) => void },
): Promise<{ document: StoreDocument; report: RemoteExportReport }> {
  const report: RemoteExportReport = { keys: 0, versions: 0, unreadable: 0, configUnreadable: false };
  let config: MountConfig;
  try {
    config = await store.readConfig();
  } catch (error) {
    if (!PermissionDeniedError.is(error)) throw error;
    config = { maxVersions: 0, casRequired: false, metadataCasRequired: false, deleteVersionAfter: 0 };
    report.configUnreadable = true;
  }
  const document: StoreDocument = { format: 1, config, keys: {} };
  for await (const path of walkKeys(store)) {
    let metadata: KeyMetadata;
    try {
      metadata = await store.readMetadata(path);
    } catch (error) {
      if (SecretNotFoundError.is(error)) continue; // removed while we walked
      throw error;
    }
    const record = keyRecord(metadata);
    const numbers = Object.keys(metadata.versions)
      .map(Number)
      .filter((n) => !options.latestOnly || n === metadata.currentVersion)
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
          report.unreadable++;
          continue;
        }
      }
      record.versions[String(number)] = version;
      report.versions++;
    }
    setOwn(document.keys, path, record);
    report.keys++;
    options.onKey?.(path, report.keys);
  }
  return { document, report };
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
 * soft delete for versions that were deleted. Keys not in the snapshot are left alone. Not atomic:
 * a failure leaves the keys before it imported.
 */
export async function importRemote(
  store: KvV2Store,
  document: StoreDocument,
  options: { writeConfig: boolean; now: Date; onKey?: (path: string, done: number, total: number) => void },
): Promise<RemoteImportReport> {
  const report: RemoteImportReport = { keys: 0, versions: 0, skipped: 0 };
  if (options.writeConfig) await store.writeConfig(document.config);
  const paths = Object.keys(document.keys).sort();
  for (const path of paths) {
    const record = document.keys[path] as KeyRecord;
    const existing = await readMetadataOrNull(store, path);
    const update: MetadataUpdate = {
      maxVersions: record.maxVersions,
      casRequired: record.casRequired,
      deleteVersionAfter: record.deleteVersionAfter,
      customMetadata: record.customMetadata ?? {},
      metadataCas: existing?.currentMetadataVersion ?? 0,
    };
    if (record.metadataCasRequired) update.metadataCasRequired = true;
    await store.writeMetadata(path, update);
    let current = existing?.currentVersion ?? 0;
    const numbers = Object.keys(record.versions)
      .map(Number)
      .sort((a, b) => a - b);
    for (const number of numbers) {
      const version = record.versions[String(number)] as VersionRecord;
      if (version.data === undefined) {
        report.skipped++;
        continue;
      }
      current = (await store.write(path, version.data, { cas: current })).version;
      if (version.deletionTime !== null && Date.parse(version.deletionTime) <= options.now.getTime()) {
        await store.delete(path, { versions: [current] });
      }
      report.versions++;
    }
    report.keys++;
    options.onKey?.(path, report.keys, paths.length);
  }
  return report;
}

async function readMetadataOrNull(store: KvV2Store, path: string): Promise<KeyMetadata | null> {
  try {
    return await store.readMetadata(path);
  } catch (error) {
    if (SecretNotFoundError.is(error)) return null;
    throw error;
  }
}
