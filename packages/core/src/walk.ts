import type { BaseKeyValueStore } from './store.js';

/**
 * Every secret (leaf key) below a folder, depth-first in list order (byte-wise sorted), as full
 * paths: the one key-tree walk kv2 uses to export, check or clear a folder.
 *
 * @param folder - `''` for the whole mount, or a folder with or without its trailing `/`.
 */
export async function* walkKeys(store: BaseKeyValueStore, folder = ''): AsyncGenerator<string> {
  const prefix = folder === '' || folder.endsWith('/') ? folder : `${folder}/`;
  for (const entry of await store.list(prefix)) {
    if (entry.endsWith('/')) yield* walkKeys(store, `${prefix}${entry}`);
    else yield `${prefix}${entry}`;
  }
}

/**
 * Deletes every secret below a folder with `deleteMetadata` (all versions and history) and
 * returns how many there were. Needs the KV v2 extensions.
 */
export async function deleteKeysUnder(store: BaseKeyValueStore, folder = ''): Promise<number> {
  // Collected first: deleting while a folder is being listed could skip entries on a live server.
  const keys: string[] = [];
  for await (const key of walkKeys(store, folder)) keys.push(key);
  for (const key of keys) await store.deleteMetadata(key);
  return keys.length;
}
