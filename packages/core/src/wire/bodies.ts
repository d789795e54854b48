import { formatDuration } from '../durations.js';
import type { JsonObject } from '../json.js';
import type { MetadataPatch, MountConfigUpdate } from '../types.js';
import { SETTING_FIELDS } from './settings.js';

// kv2's camelCase arguments → OpenBao's snake_case request bodies. The inputs are already
// checked (core's `checked*` functions); only the fields that are present are sent, since
// OpenBao changes exactly the fields a body contains.

/** The body of a data write or patch: `{ data, options: { cas } }`. */
export function dataBody(data: JsonObject, cas: number | undefined): Record<string, unknown> {
  return cas === undefined ? { data } : { data, options: { cas } };
}

/**
 * The body of `POST metadata/:path` (a {@link MetadataUpdate}) or `PATCH metadata/:path`
 * (a {@link MetadataPatch}); null fields stay null, which a patch reads as "reset".
 */
export function metadataBody(fields: MetadataPatch): Record<string, unknown> {
  const body = settingsBody(fields);
  if (fields.customMetadata !== undefined) body.custom_metadata = fields.customMetadata;
  if (fields.metadataCas !== undefined) body.metadata_cas = fields.metadataCas;
  return body;
}

/** The body of `POST config`. */
export function configBody(update: MountConfigUpdate): Record<string, unknown> {
  return settingsBody(update);
}

function settingsBody(fields: MetadataPatch | MountConfigUpdate): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const { name, field, type } of SETTING_FIELDS) {
    const value = fields[name];
    if (value === undefined) continue;
    body[field] = type === 'duration' && value !== null ? formatDuration(value as number) : value;
  }
  return body;
}
