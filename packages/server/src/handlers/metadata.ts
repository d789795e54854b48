import { InvalidRequestError, SecretNotFoundError, type MetadataPatch, type MetadataUpdate, requireExtensions } from '@kv2/core';
import { REQUEST_MESSAGES } from '@kv2/core/wire';
import { unsupportedOperation } from '../errors.js';
import { keyMetadataJson } from '../envelope.js';
import { METADATA_FIELDS, RequestFields, requestSettings } from '../request-fields.js';
import { ConversionError, customMetadataValue } from '../weak-types.js';
import { empty, errors, noContent, ok, okOrNoContent, type Reply } from '../reply.js';
import type { KvCall } from './call.js';
import { listKeys, scanKeys } from './listing.js';

/**
 * custom_metadata values as strings (OpenBao's `parseCustomMetadata`): numbers as their text,
 * booleans as `1`/`0`, null as `""` — or, in a patch, null kept as "remove this key".
 */
function customMetadata(map: Record<string, unknown>, keepNulls: boolean): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(map)) {
    const value = map[key];
    let text: string | null;
    if (value === null && keepNulls) {
      text = null;
    } else {
      try {
        text = customMetadataValue(value);
      } catch (error) {
        if (!(error instanceof ConversionError)) throw error;
        throw new InvalidRequestError(`${REQUEST_MESSAGES.customMetadata}: ${error.message}`, 'invalid_custom_metadata');
      }
    }
    Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `metadata_cas`; a negative value can never match (OpenBao compares it as unsigned). */
function metadataCas(fields: RequestFields): number | undefined {
  if (!fields.has('metadata_cas')) return undefined;
  const cas = fields.int('metadata_cas');
  return cas < 0 ? Number.MAX_SAFE_INTEGER : cas;
}

async function read(call: KvCall, fields: RequestFields): Promise<Reply> {
  if (call.key === '') return errors(404, []);
  const metadata = await call.store.readMetadata(call.key);
  return ok(keyMetadataJson(metadata), fields.warnings);
}

async function write(call: KvCall, fields: RequestFields): Promise<Reply> {
  requireExtensions(call.store);
  const store = call.store;
  const update: MetadataUpdate = requestSettings(fields);
  const custom = fields.map('custom_metadata');
  if (custom !== undefined) update.customMetadata = customMetadata(custom, false) as Record<string, string>;
  const cas = metadataCas(fields);
  if (cas !== undefined) update.metadataCas = cas;
  const { warnings } = await store.writeMetadata(call.key, update);
  // OpenBao adds the "ignored parameters" warning only to a response that already has a body.
  return okOrNoContent(null, warnings.length > 0 ? [...warnings, ...fields.warnings] : warnings);
}

async function patch(call: KvCall, fields: RequestFields): Promise<Reply> {
  requireExtensions(call.store);
  const store = call.store;
  const changes: MetadataPatch = requestSettings(fields);
  if (fields.has('custom_metadata')) {
    const raw = call.params?.custom_metadata;
    changes.customMetadata = raw === null ? null : customMetadata(fields.map('custom_metadata') ?? {}, true);
  }
  const cas = metadataCas(fields);
  if (cas !== undefined) changes.metadataCas = cas;
  try {
    const { warnings } = await store.patchMetadata(call.key, changes);
    return okOrNoContent(null, warnings.length > 0 ? [...warnings, ...fields.warnings] : warnings);
  } catch (error) {
    if (SecretNotFoundError.is(error)) return empty(404, true);
    throw error;
  }
}

async function remove(call: KvCall): Promise<Reply> {
  if (call.key === '') return noContent();
  await call.store.deleteMetadata(call.key);
  return noContent();
}

/** `metadata/:path`: read, write, patch, delete, list and scan. */
export async function handleMetadata(call: KvCall): Promise<Reply> {
  switch (call.op) {
    case 'read':
      return read(call, new RequestFields(METADATA_FIELDS, call.params));
    case 'update':
      return write(call, new RequestFields(METADATA_FIELDS, call.params));
    case 'patch':
      return patch(call, new RequestFields(METADATA_FIELDS, call.params));
    case 'delete':
      new RequestFields(METADATA_FIELDS, call.params);
      return remove(call);
    case 'list':
      return listKeys(call, new RequestFields(METADATA_FIELDS, call.params), false);
    case 'scan':
      return scanKeys(call, new RequestFields(METADATA_FIELDS, call.params), false);
    default:
      throw unsupportedOperation();
  }
}
