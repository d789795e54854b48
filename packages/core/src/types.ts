import type { JsonObject } from './json.js';

/** The data of one secret version: any JSON object (values need not be strings). */
export type SecretData = JsonObject;

/** The metadata of one version, as a data read or write returns it. */
export interface VersionMetadata {
  /** 1, 2, 3… per key; never reused until the key's metadata is deleted. */
  version: number;
  createdTime: Date;
  /** When the version was (or is scheduled to be) soft-deleted; null when it is live. */
  deletionTime: Date | null;
  /** True once destroyed: the data is gone for good. */
  destroyed: boolean;
  /** The key's custom metadata (the same for every version); null when there is none. */
  customMetadata: Record<string, string> | null;
}

/** One version of a secret: its data and its metadata. */
export interface Secret<T = SecretData> {
  data: T;
  metadata: VersionMetadata;
}

/** Options for {@link BaseKeyValueStore.read}. */
export interface ReadOptions {
  /** The version to read; absent or 0 means the latest. */
  version?: number | undefined;
}

/** Options for {@link BaseKeyValueStore.write} and {@link BaseKeyValueStore.patch}. */
export interface WriteOptions {
  /**
   * Check-and-set: the write succeeds only if the key's current version equals this number.
   * `0` means "only if the key has no version yet" — it does not switch CAS off.
   */
  cas?: number | undefined;
}

/** The versions a delete, undelete or destroy applies to. */
export interface VersionsOptions {
  /** Non-empty; versions that do not exist are skipped silently, as in OpenBao. */
  versions: Iterable<number>;
}

/** The state of one version inside {@link KeyMetadata.versions}. */
export interface VersionState {
  createdTime: Date;
  deletionTime: Date | null;
  destroyed: boolean;
}

/** Everything KV v2 keeps about one key besides the data (`GET metadata/:path`). */
export interface KeyMetadata {
  /** The newest version number; 0 for a key created through metadata only. */
  currentVersion: number;
  /** Starts at 0 and moves only when versions are pruned (see the README's notes). */
  oldestVersion: number;
  /** Metadata CAS counter: 1 when created by a metadata write, 0 when created by a data write. */
  currentMetadataVersion: number;
  /** The key's own limit (0 = inherit); the effective limit is max(key, mount) or 10. */
  maxVersions: number;
  casRequired: boolean;
  metadataCasRequired: boolean;
  /** Seconds; 0 = inherit from the mount. */
  deleteVersionAfter: number;
  customMetadata: Record<string, string> | null;
  createdTime: Date;
  updatedTime: Date;
  /** The versions still known (pruned ones are gone; destroyed ones stay, flagged). */
  versions: Record<number, VersionState>;
}

/** Mount-level configuration (`GET/POST config`). */
export interface MountConfig {
  /** 0 means the built-in default of 10. */
  maxVersions: number;
  /** Every data write and patch on every key needs `cas`. */
  casRequired: boolean;
  /** Every metadata write and patch needs `metadataCas`. */
  metadataCasRequired: boolean;
  /** Seconds; 0 = none, negative = disabled for every key (reported as -1). */
  deleteVersionAfter: number;
}

/** A partial update of the mount configuration: only the fields present change. */
export type MountConfigUpdate = { [K in keyof MountConfig]?: MountConfig[K] | undefined };

/** A field-wise metadata update (`POST metadata/:path`): only the fields present change. */
export interface MetadataUpdate {
  maxVersions?: number | undefined;
  casRequired?: boolean | undefined;
  metadataCasRequired?: boolean | undefined;
  /** Seconds, non-negative; 0 = inherit. */
  deleteVersionAfter?: number | undefined;
  /** Replaces the whole map; `{}` or null clears it. */
  customMetadata?: Record<string, string> | null | undefined;
  /** Metadata check-and-set: must equal `currentMetadataVersion` (0 for a new key). */
  metadataCas?: number | undefined;
}

/** A JSON-merge-patch of metadata (`PATCH metadata/:path`): null resets a field. */
export interface MetadataPatch {
  maxVersions?: number | null | undefined;
  casRequired?: boolean | null | undefined;
  metadataCasRequired?: boolean | null | undefined;
  /** Seconds; as in OpenBao, 0 and null leave an existing value unchanged. */
  deleteVersionAfter?: number | null | undefined;
  /** Merged key by key: a null value removes that key; null for the whole map removes all. */
  customMetadata?: Record<string, string | null> | null | undefined;
  metadataCas?: number | undefined;
}

/** What a metadata write or patch reports. */
export interface MetadataWriteResult {
  /** OpenBao's warnings, e.g. a key-level `casRequired: false` the mount overrides. */
  warnings: string[];
}

/** Options for `subkeys`. */
export interface SubkeysOptions {
  /** Absent or 0 = latest. */
  version?: number | undefined;
  /** How deep to descend; absent or 0 = unlimited, top-level keys are depth 1. */
  depth?: number | undefined;
}

/** A version's structure with every leaf replaced by null, and its metadata. */
export interface Subkeys {
  subkeys: JsonObject;
  metadata: VersionMetadata;
}
