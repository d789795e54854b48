import { requireExtensions } from '@kv2/core';
import { configJson } from '../envelope.js';
import { unsupportedOperation } from '../errors.js';
import { CONFIG_FIELDS, RequestFields, requestSettings } from '../request-fields.js';
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
      await store.writeConfig(requestSettings(fields));
      return noContent();
    }
    default:
      throw unsupportedOperation();
  }
}
