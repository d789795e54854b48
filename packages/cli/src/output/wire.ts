import { randomUUID } from 'node:crypto';
import { formatDuration, type KeyMetadata, type MountConfig, type VersionMetadata, type VersionState } from '@kv2/core';

// kv2's camelCase values → the snake_case shapes OpenBao's API returns, so `-format json` output
// is what `bao ... -format=json` prints and scripts written for one work with the other.

/** An RFC 3339 timestamp as Go's RFC3339Nano prints it (trailing fraction zeros dropped); `""` for null. */
export function wireTime(date: Date | null): string {
  if (date === null) return '';
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

/** The 5-key metadata of a data read or write. */
export function wireVersionMetadata(metadata: VersionMetadata): Record<string, unknown> {
  return {
    created_time: wireTime(metadata.createdTime),
    custom_metadata: metadata.customMetadata,
    deletion_time: wireTime(metadata.deletionTime),
    destroyed: metadata.destroyed,
    version: metadata.version,
  };
}

/** One entry of a key's `versions` map. */
export function wireVersionState(state: VersionState): Record<string, unknown> {
  return { created_time: wireTime(state.createdTime), deletion_time: wireTime(state.deletionTime), destroyed: state.destroyed };
}

/** The answer of `GET metadata/:path` (versions keyed by decimal strings). */
export function wireKeyMetadata(metadata: KeyMetadata): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const number of Object.keys(metadata.versions).map(Number).sort((a, b) => a - b)) {
    versions[String(number)] = wireVersionState(metadata.versions[number] as VersionState);
  }
  return {
    cas_required: metadata.casRequired,
    created_time: wireTime(metadata.createdTime),
    current_metadata_version: metadata.currentMetadataVersion,
    current_version: metadata.currentVersion,
    custom_metadata: metadata.customMetadata,
    delete_version_after: formatDuration(metadata.deleteVersionAfter),
    max_versions: metadata.maxVersions,
    metadata_cas_required: metadata.metadataCasRequired,
    oldest_version: metadata.oldestVersion,
    updated_time: wireTime(metadata.updatedTime),
    versions,
  };
}

/** The answer of `GET config`. */
export function wireMountConfig(config: MountConfig): Record<string, unknown> {
  return {
    cas_required: config.casRequired,
    delete_version_after: formatDuration(config.deleteVersionAfter),
    max_versions: config.maxVersions,
    metadata_cas_required: config.metadataCasRequired,
  };
}

/**
 * The object `bao ... -format=json` prints for a response: the API envelope without `auth` and
 * `wrap_info` (which kv commands never have). `request_id` is fresh for local stores too.
 */
export function envelope(data: unknown, warnings: readonly string[] = []): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: '',
    lease_duration: 0,
    renewable: false,
    data,
    warnings: warnings.length > 0 ? [...warnings] : null,
  };
}

/** JSON as bao prints it: two-space indent. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
