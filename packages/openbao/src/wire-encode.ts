import { formatDuration, type JsonObject, type MountConfigUpdate } from '@kv2/core';

// kv2's camelCase arguments → OpenBao's snake_case bodies. The inputs are already validated by
// the @kv2/core checks; only the fields that are present are sent, since OpenBao changes exactly
// the fields a body contains.

/** The body of a data write or patch: `{ data, options: { cas } }`. */
export function dataBody(data: JsonObject, cas: number | undefined): Record<string, unknown> {
  return cas === undefined ? { data } : { data, options: { cas } };
}

/** Validated metadata fields, as the store hands them over. */
export interface MetadataFields {
  maxVersions?: number | null | undefined;
  casRequired?: boolean | null | undefined;
  metadataCasRequired?: boolean | null | undefined;
  /** Seconds; null only in a patch. */
  deleteVersionAfter?: number | null | undefined;
  customMetadata?: Record<string, string | null> | null | undefined;
  metadataCas?: number | undefined;
}

/** The body of `POST metadata/:path` or `PATCH metadata/:path`; null fields stay null (a patch resets them). */
export function metadataBody(fields: MetadataFields): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (fields.maxVersions !== undefined) body.max_versions = fields.maxVersions;
  if (fields.casRequired !== undefined) body.cas_required = fields.casRequired;
  if (fields.metadataCasRequired !== undefined) body.metadata_cas_required = fields.metadataCasRequired;
  if (fields.deleteVersionAfter !== undefined) {
    body.delete_version_after = fields.deleteVersionAfter === null ? null : formatDuration(fields.deleteVersionAfter);
  }
  if (fields.customMetadata !== undefined) body.custom_metadata = fields.customMetadata;
  if (fields.metadataCas !== undefined) body.metadata_cas = fields.metadataCas;
  return body;
}

/** The body of `POST config`. */
export function configBody(update: MountConfigUpdate): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (update.maxVersions !== undefined) body.max_versions = update.maxVersions;
  if (update.casRequired !== undefined) body.cas_required = update.casRequired;
  if (update.metadataCasRequired !== undefined) body.metadata_cas_required = update.metadataCasRequired;
  if (update.deleteVersionAfter !== undefined) body.delete_version_after = formatDuration(update.deleteVersionAfter);
  return body;
}
