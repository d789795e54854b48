import { compareUtf8 } from '@kv2/core';
import type { KeyRecord } from './document.js';

// Enough for every folder of a large mount; beyond it the cache starts again rather than grow.
const MAX_PREFIXES = 4096;

/**
 * What a store remembers of its key map's listings, by prefix. Listing means scanning every key,
 * so a store keeps one of these beside its document and hands it to `executeCommand`;
 * `applyChanges` (given the same cache) forgets it whenever a key is added or removed, the only
 * changes that alter a listing. A store that replaces its document wholesale starts a new cache.
 */
export class ListingCache {
  #byPrefix = new Map<string, readonly string[]>();

  /** The immediate children of `prefix` among `keys`, remembered until {@link ListingCache.forget}. A new array each time. */
  list(keys: Readonly<Record<string, KeyRecord>>, prefix: string): string[] {
    const known = this.#byPrefix.get(prefix);
    if (known !== undefined) return known.slice();
    const names = listChildren(keys, prefix);
    if (this.#byPrefix.size >= MAX_PREFIXES) this.#byPrefix = new Map();
    this.#byPrefix.set(prefix, names);
    return names.slice();
  }

  /** Forgets every listing: call it when a key is added or removed. */
  forget(): void {
    if (this.#byPrefix.size > 0) this.#byPrefix = new Map();
  }
}

/**
 * The immediate children of `prefix` (`''` or a folder ending in `/`) among the paths of `keys`:
 * secrets by name, sub-folders with a trailing `/`, sorted byte-wise (OpenBao's list order).
 */
export function listChildren(keys: Readonly<Record<string, KeyRecord>>, prefix: string): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(keys)) {
    if (!key.startsWith(prefix)) continue;
    const slash = key.indexOf('/', prefix.length);
    names.add(slash < 0 ? key.slice(prefix.length) : key.slice(prefix.length, slash + 1));
  }
  return [...names].sort(compareUtf8);
}
