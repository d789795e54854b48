import { requireExtensions } from '@kv2/core';
import type { MountConfigUpdate } from '@kv2/core';
import { configJson } from '../envelope.js';
import { unsupportedOperation } from '../errors.js';
import { CONFIG_FIELDS, RequestFields } from '../fields.js';
import { toUint32 } from '../params.js';
import { noContent, ok, type Reply } from '../reply.js';
import type { KvCall } from './call.js';

/** `config`: GET reads the mount configuration, POST/PUT changes the fields present (always 204). */
export async function handleConfig(call: KvCall): Promise<Reply> {
  switch (call.op) {
    case 'read': {
      const fields = new RequestFields(CONFIG_FIELDS, call.params);
      return ok(configJson(await call.store.readConfig()), fields.warnings);
    }
    case 'update': {
      const fields = new RequestFields(CONFIG_FIELDS, call.params);
      requireExtensions(call.store);
      const store = call.store;
      const update: MountConfigUpdate = {};
      if (fields.has('max_versions')) update.maxVersions = toUint32(fields.int('max_versions'));
      if (fields.has('cas_required')) update.casRequired = fields.bool('cas_required');
      if (fields.has('metadata_cas_required')) update.metadataCasRequired = fields.bool('metadata_cas_required');
      // Signed: a negative value disables delete_version_after for the whole mount.
      if (fields.has('delete_version_after')) update.deleteVersionAfter = fields.int('delete_version_after');
      await store.writeConfig(update);
      return noContent();
    }
    default:
      throw unsupportedOperation();
  }
}
