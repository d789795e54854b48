import type { JsonObject, MountConfig } from '@kv2/core';
import type { DOCUMENT_FORMAT, KeyRecord } from '../engine/document.js';
import type { EncryptionHeader } from './encryption.js';

/**
 * One version as written in the file. Without encryption it is the engine's `VersionRecord`
 * (`data` in clear). With encryption `data` is replaced by `encryptedData` (AES-256-GCM, base64),
 * and everything else stays readable.
 */
export interface FileVersion {
  createdTime: string;
  deletionTime: string | null;
  destroyed: boolean;
  /** Present (and only) in a plain file, for a version that is not destroyed. */
  data?: JsonObject;
  /** Present (and only) in an encrypted file, for a version that is not destroyed. */
  encryptedData?: string;
}

/** One key as written in the file: the engine's `KeyRecord` with {@link FileVersion}s. */
export type FileKeyRecord = Omit<KeyRecord, 'versions'> & { versions: Record<string, FileVersion> };

/**
 * The store file: the engine's `StoreDocument`, plus an `encryption` section when encrypted.
 * Written as pretty-printed JSON (two-space indent) in this property order.
 */
export interface FileDocument {
  format: typeof DOCUMENT_FORMAT;
  /** The last journal commit this snapshot includes; absent in files written before the journal (read as 0). */
  journalSeq?: number;
  encryption?: EncryptionHeader;
  config: MountConfig;
  keys: Record<string, FileKeyRecord>;
}
