import { unsupportedOperation } from '../errors.js';
import { DETAILED_METADATA_FIELDS, RequestFields } from '../request-fields.js';
import type { Reply } from '../reply.js';
import type { KvCall } from './call.js';
import { listKeys, scanKeys } from './listing.js';

/** `detailed-metadata/:prefix` (OpenBao only): LIST and SCAN with each key's metadata; nothing else. */
export async function handleDetailedMetadata(call: KvCall): Promise<Reply> {
  switch (call.op) {
    case 'list':
      return listKeys(call, new RequestFields(DETAILED_METADATA_FIELDS, call.params), true);
    case 'scan':
      return scanKeys(call, new RequestFields(DETAILED_METADATA_FIELDS, call.params), true);
    default:
      throw unsupportedOperation();
  }
}
