import { compareUtf8, SecretNotFoundError, type BaseKeyValueStore, requireExtensions } from '@kv2/core';
import { keyMetadataJson, keysJson } from '../envelope.js';
import type { RequestFields } from '../request-fields.js';
import { errors, ok, type Reply } from '../reply.js';
import type { KvCall } from './call.js';

/** `prefix` joined with a child name (the prefix ends in `/` or is empty). */
function join(prefix: string, name: string): string {
  return prefix === '' || prefix.endsWith('/') ? `${prefix}${name}` : `${prefix}/${name}`;
}

/**
 * key_info of a detailed listing: each leaf's metadata (as `GET metadata/` shows it), `{}` for
 * folders. OpenBao gives a folder `foo/` the metadata of a secret `foo` when both exist (a
 * path-joining slip); kv2 always gives folders `{}` (see the README).
 */
async function keyInfo(store: BaseKeyValueStore, prefix: string, keys: readonly string[]): Promise<Map<string, string>> {
  const info = new Map<string, string>();
  for (const key of keys) {
    if (key.endsWith('/')) {
      info.set(key, '{}');
      continue;
    }
    try {
      info.set(key, keyMetadataJson(await store.readMetadata(join(prefix, key))));
    } catch (error) {
      // Deleted between the listing and this read.
      if (!SecretNotFoundError.is(error)) throw error;
      info.set(key, '{}');
    }
  }
  return info;
}

/**
 * LIST `metadata/:prefix` or `detailed-metadata/:prefix`: the children of the prefix, sorted
 * byte-wise, after `after` and at most `limit` of them. An empty result is a 404 — unless the
 * response carries warnings, which OpenBao then sends as 200 with `data: {}`.
 */
export async function listKeys(call: KvCall, fields: RequestFields, detailed: boolean): Promise<Reply> {
  if (detailed) requireExtensions(call.store);
  let keys = await call.store.list(call.key);
  const after = fields.string('after');
  if (after !== '') keys = keys.filter((key) => compareUtf8(key, after) > 0);
  const limit = fields.int('limit');
  if (limit > 0 && keys.length > limit) keys = keys.slice(0, limit);
  if (keys.length === 0) return fields.warnings.length > 0 ? ok('{}', fields.warnings) : errors(404, []);
  const info = detailed ? await keyInfo(call.store, call.key, keys) : undefined;
  return ok(keysJson(keys, info), fields.warnings);
}

/**
 * Every leaf below `prefix`, relative to it, in OpenBao's scan order: a folder's secrets in
 * sorted order, then its sub-folders taken from a stack (the last sorted sub-folder first).
 */
async function scan(store: BaseKeyValueStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  const folders: string[] = [''];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    const children = await store.list(join(prefix, folder));
    for (const child of children) {
      if (child.endsWith('/')) folders.push(`${folder}${child}`);
      else found.push(`${folder}${child}`);
    }
  }
  return found;
}

/**
 * SCAN (or `GET ?scan=true`) on `metadata/` or `detailed-metadata/`: every leaf below the
 * prefix. No pagination; an empty result is 200 with `data: {}`.
 */
export async function scanKeys(call: KvCall, fields: RequestFields, detailed: boolean): Promise<Reply> {
  if (detailed) requireExtensions(call.store);
  const keys = await scan(call.store, call.key);
  if (keys.length === 0) return ok('{}', fields.warnings);
  const info = detailed ? await keyInfo(call.store, call.key, keys) : undefined;
  return ok(keysJson(keys, info), fields.warnings);
}
