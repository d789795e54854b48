import fc from 'fast-check';
import { compareUtf8 } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/commands.js';
import { emptyDocument, type StoreDocument } from '../../src/engine/document.js';
import { applyChanges, executeCommand } from '../../src/engine/engine.js';
import { ListingCache } from '../../src/engine/listing.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const PATHS = ['a', 'a/b', 'a/b/c', 'a/d', 'b', 'b/x/y', 'c/d/e', '__proto__/z'];
const FOLDERS = ['', 'a', 'a/b', 'b', 'b/x', 'c', 'c/d', '__proto__', 'missing'];

/** The listing computed from scratch, without the engine: the rule the cache must keep. */
function expectedListing(doc: StoreDocument, folder: string): string[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  const names = new Set<string>();
  for (const key of Object.keys(doc.keys)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    names.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  return [...names].sort(compareUtf8);
}

const mutation: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), path: fc.constantFrom(...PATHS), data: fc.constant({ v: 1 }) }),
  fc.record({ op: fc.constant('deleteMetadata' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ op: fc.constant('writeMetadata' as const), path: fc.constantFrom(...PATHS), update: fc.constant({ maxVersions: 2 }) }),
  fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...PATHS), versions: fc.constant([1]) }),
);

describe('listing cache', () => {
  it('always lists what a fresh scan of the keys gives, whatever changed in between', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(mutation, fc.constantFrom(...FOLDERS)), { maxLength: 30 }), (steps) => {
        const doc = emptyDocument();
        const listings = new ListingCache();
        for (const [command, folder] of steps) {
          applyChanges(doc, executeCommand(doc, command, NOW, listings).changes, listings);
          expect(executeCommand(doc, { op: 'list', path: folder }, NOW, listings).result).toEqual(expectedListing(doc, folder));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hands out a new array each time, so a caller changing it changes nothing', () => {
    const doc = emptyDocument();
    const listings = new ListingCache();
    applyChanges(doc, executeCommand(doc, { op: 'write', path: 'a/b', data: { v: 1 } }, NOW).changes, listings);
    const first = executeCommand(doc, { op: 'list', path: 'a' }, NOW, listings).result;
    first.push('intruder');
    expect(executeCommand(doc, { op: 'list', path: 'a' }, NOW, listings).result).toEqual(['b']);
  });

  it('remembers a listing until a commit adds or removes a key, and not across a new record for an existing key', () => {
    const doc = emptyDocument();
    const listings = new ListingCache();
    const commit = (command: Command): void => void applyChanges(doc, executeCommand(doc, command, NOW, listings).changes, listings);
    commit({ op: 'write', path: 'a/b', data: { v: 1 } });
    expect(listings.list(doc.keys, 'a/')).toEqual(['b']);
    // A new record for an existing key keeps the listing (the scan would give the same).
    const scans = { n: 0 };
    const counting = new Proxy(doc.keys, { ownKeys: (target) => (scans.n++, Reflect.ownKeys(target)) });
    commit({ op: 'write', path: 'a/b', data: { v: 2 } });
    expect(listings.list(counting, 'a/')).toEqual(['b']);
    expect(scans.n).toBe(0);
    commit({ op: 'write', path: 'a/c', data: { v: 1 } });
    expect(listings.list(counting, 'a/')).toEqual(['b', 'c']);
    expect(scans.n).toBe(1);
    commit({ op: 'deleteMetadata', path: 'a/b' });
    expect(listings.list(doc.keys, 'a/')).toEqual(['c']);
  });
});
