import { unsupportedOperation } from '../errors.js';
import { RequestFields, VERSIONS_FIELDS } from '../request-fields.js';
import { noContent, type Reply } from '../reply.js';
import type { KvCall } from './call.js';

/** Which of the three version operations an endpoint is. */
export type VersionsEndpoint = 'delete' | 'undelete' | 'destroy';

/**
 * `delete/`, `undelete/`, `destroy/:path` (POST/PUT only): `versions` as `[1,2]`, `"1,2"`, `1` or
 * `"1"`. Negative numbers never match a version in OpenBao (it compares them unsigned), so they
 * are dropped here; a list of nothing but negatives is a successful no-op. An empty list is
 * refused by the engine with OpenBao's message.
 */
export async function handleVersions(call: KvCall, endpoint: VersionsEndpoint): Promise<Reply> {
  if (call.op !== 'update') throw unsupportedOperation();
  const fields = new RequestFields(VERSIONS_FIELDS, call.params);
  const requested = fields.intList('versions');
  const versions = requested.filter((v) => v >= 0);
  if (requested.length > 0 && versions.length === 0) return noContent();
  await call.store[endpoint](call.key, { versions });
  return noContent();
}
