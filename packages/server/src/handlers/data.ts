import { hasKvV2Extensions, InvalidRequestError, SecretNotFoundError, secretData, type WriteOptions } from '@kv2/core';
import { REQUEST_MESSAGES } from '@kv2/core/wire';
import { unsupportedOperation } from '../errors.js';
import { DATA_FIELDS, RequestFields } from '../request-fields.js';
import { secretJson, versionMetadataJson } from '../envelope.js';
import { weakInt } from '../weak-types.js';
import { empty, errors, noContent, ok, rawNotFound, type Reply } from '../reply.js';
import type { KvCall } from './call.js';

/**
 * `options.cas`, weakly typed (`"3"`, `true`). A negative value becomes a number no version can
 * have: OpenBao compares `uint64(cas)`, so it always mismatches.
 */
function writeOptions(fields: RequestFields): WriteOptions | undefined {
  const options = fields.map('options');
  if (options === undefined || !Object.hasOwn(options, 'cas')) return undefined;
  let cas: number;
  try {
    cas = weakInt(options.cas);
  } catch {
    throw new InvalidRequestError(REQUEST_MESSAGES.invalidCas, 'invalid_cas');
  }
  return { cas: cas < 0 ? Number.MAX_SAFE_INTEGER : cas };
}

/** The data of a write or patch; absent → `no data provided` (the engine's rule, via core). */
function bodyData(fields: RequestFields): object {
  return fields.has('data') ? (fields.map('data') as object) : secretData(undefined);
}

async function read(call: KvCall, fields: RequestFields): Promise<Reply> {
  // OpenBao finds no metadata for the empty key: a plain 404.
  if (call.key === '') return errors(404, []);
  const version = fields.int('version');
  try {
    const secret = await call.store.read(call.key, version > 0 ? { version } : undefined);
    return ok(secretJson(JSON.stringify(secret.data), secret.metadata), fields.warnings);
  } catch (error) {
    if (SecretNotFoundError.is(error) && error.metadata !== null) return rawNotFound(secretJson('null', error.metadata));
    throw error;
  }
}

async function write(call: KvCall, fields: RequestFields): Promise<Reply> {
  const data = bodyData(fields);
  const metadata = await call.store.write(call.key, data, writeOptions(fields));
  return ok(versionMetadataJson(metadata), fields.warnings);
}

async function patch(call: KvCall, fields: RequestFields): Promise<Reply> {
  const data = bodyData(fields);
  try {
    const metadata = await call.store.patch(call.key, data, writeOptions(fields));
    return ok(versionMetadataJson(metadata), fields.warnings);
  } catch (error) {
    if (SecretNotFoundError.is(error)) {
      // Missing key or metadata-only key: 404 with an empty body; deleted or destroyed latest
      // version: a raw 404 whose data is the flat version metadata.
      return error.metadata === null ? empty(404, true) : rawNotFound(versionMetadataJson(error.metadata));
    }
    throw error;
  }
}

async function deleteLatest(call: KvCall): Promise<Reply> {
  if (call.key === '') return noContent();
  const store = call.store;
  if (hasKvV2Extensions(store)) {
    await store.deleteLatest(call.key);
    return noContent();
  }
  // A core-only store: soft-delete whatever the latest version is.
  try {
    const { metadata } = await store.read(call.key);
    await store.delete(call.key, { versions: [metadata.version] });
  } catch (error) {
    if (!SecretNotFoundError.is(error)) throw error;
  }
  return noContent();
}

/** `data/:path`: GET reads, POST/PUT write, PATCH merge-patches, DELETE soft-deletes the latest version. */
export async function handleData(call: KvCall): Promise<Reply> {
  switch (call.op) {
    case 'read':
      return read(call, new RequestFields(DATA_FIELDS, call.params));
    case 'update':
      return write(call, new RequestFields(DATA_FIELDS, call.params));
    case 'patch':
      return patch(call, new RequestFields(DATA_FIELDS, call.params));
    case 'delete':
      new RequestFields(DATA_FIELDS, call.params);
      return deleteLatest(call);
    default:
      throw unsupportedOperation();
  }
}
