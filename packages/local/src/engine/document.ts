import { DEFAULT_MOUNT_CONFIG, type JsonObject, type MountConfig } from '@kv2/core';

/** The format version written into every document; bumped on incompatible changes. */
export const DOCUMENT_FORMAT = 1;

/** One version of one key, as stored. Timestamps are ISO 8601 strings (UTC, milliseconds). */
export interface VersionRecord {
  createdTime: string;
  deletionTime: string | null;
  destroyed: boolean;
  /** The secret data; absent once the version is destroyed. */
  data?: JsonObject;
}

/** Everything stored for one key. */
export interface KeyRecord {
  currentVersion: number;
  oldestVersion: number;
  currentMetadataVersion: number;
  createdTime: string;
  updatedTime: string;
  maxVersions: number;
  casRequired: boolean;
  metadataCasRequired: boolean;
  /** Seconds; 0 = inherit. */
  deleteVersionAfter: number;
  customMetadata: Record<string, string> | null;
  /** Keyed by the decimal version number. */
  versions: Record<string, VersionRecord>;
}

/**
 * The whole state of one KV v2 mount as a plain JSON document: what the memory store holds and
 * the file store writes. Maps keyed by user input (`keys`, `versions`, `customMetadata`) are
 * read and written only through `getOwn`/`setOwn` from @kv2/core, so `__proto__` or `constructor`
 * are ordinary keys. Add or remove keys only through `applyChanges` (or build a new `keys` map):
 * the engine remembers listings per key map.
 */
export interface StoreDocument {
  format: typeof DOCUMENT_FORMAT;
  config: MountConfig;
  keys: Record<string, KeyRecord>;
}

/** A fresh, empty mount with OpenBao's default configuration. */
export function emptyDocument(): StoreDocument {
  return {
    format: DOCUMENT_FORMAT,
    config: { ...DEFAULT_MOUNT_CONFIG },
    keys: {},
  };
}
