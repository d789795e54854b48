import { compareUtf8 } from '@kv2/core';
import type { KeyRecord } from './document.js';

// A key map's listings, by prefix. Keyed by the `keys` object itself, so a document that is
// replaced (the file store commits a fresh `keys` map on every write) starts with no listings,
// and a map nobody holds any more is collected with its listings.
const listings = new WeakMap<Readonly<Record<string, KeyRecord>>, Map<string, readonly string[]>>();

// Enough for every folder of a large mount; beyond it the cache starts again rather than grow.
const MAX_PREFIXES = 4096;

/**
 * The immediate children of `prefix` (`''` or a folder ending in `/`) among the paths of `keys`:
 * secrets by name, sub-folders with a trailing `/`, sorted byte-wise. A new array each time.
 *
 * Listing means scanning every key, so the result is remembered per key map and prefix until
 * {@link forgetListings} is called for that map: `applyChanges` does so whenever it adds or
 * removes a key. A key map must therefore gain or lose keys only through `applyChanges`
 * (replacing a key's record does not change any listing).
 */
export function listChildren(keys: Readonly<Record<string, KeyRecord>>, prefix: string): string[] {
  let byPrefix = listings.get(keys);
  const known = byPrefix?.get(prefix);
  if (known !== undefined) return known.slice();
  const names = scan(keys, prefix);
  if (byPrefix === undefined || byPrefix.size >= MAX_PREFIXES) {
    byPrefix = new Map();
    listings.set(keys, byPrefix);
  }
  byPrefix.set(prefix, names);
  return names.slice();
}

/** Drops what {@link listChildren} remembers about `keys`: call it when a key is added or removed. */
export function forgetListings(keys: Readonly<Record<string, KeyRecord>>): void {
  listings.delete(keys);
}

function scan(keys: Readonly<Record<string, KeyRecord>>, prefix: string): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(keys)) {
    if (!key.startsWith(prefix)) continue;
    const slash = key.indexOf('/', prefix.length);
    names.add(slash < 0 ? key.slice(prefix.length) : key.slice(prefix.length, slash + 1));
  }
  return [...names].sort(compareUtf8);
}
