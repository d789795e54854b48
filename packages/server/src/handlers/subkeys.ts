import { SecretNotFoundError, requireExtensions } from '@kv2/core';
import { subkeysJson } from '../envelope.js';
import { unsupportedOperation } from '../errors.js';
import { RequestFields, SUBKEYS_FIELDS } from '../request-fields.js';
import { errors, ok, rawNotFound, type Reply } from '../reply.js';
import type { KvCall } from './call.js';

/**
 * `subkeys/:path` (GET only): the structure of a version with its leaves replaced by null,
 * `version` ≤ 0 meaning the latest and `depth` 0 meaning unlimited. A deleted or destroyed
 * version is a raw 404 with `subkeys: null`.
 */
export async function handleSubkeys(call: KvCall): Promise<Reply> {
  if (call.op !== 'read') throw unsupportedOperation();
  const fields = new RequestFields(SUBKEYS_FIELDS, call.params);
  if (call.key === '') return errors(404, []);
  requireExtensions(call.store);
  const store = call.store;
  const version = fields.int('version');
  try {
    const result = await store.subkeys(call.key, { version: version > 0 ? version : undefined, depth: fields.int('depth') });
    return ok(subkeysJson(JSON.stringify(result.subkeys), result.metadata), fields.warnings);
  } catch (error) {
    if (SecretNotFoundError.is(error) && error.metadata !== null) return rawNotFound(subkeysJson('null', error.metadata));
    throw error;
  }
}
