import { cloneJsonValue, getOwn } from '@kv2/core';
import type { Change } from './commands.js';
import type { KeyRecord, StoreDocument } from './document.js';
import { validateDocument } from './document-validation.js';
import { done } from './outcome.js';

/** A deep copy of the whole mount; with `latestOnly`, each key keeps only its current version. */
export function exportDocument(doc: StoreDocument, latestOnly: boolean): StoreDocument {
  const copy = structuredClone(doc);
  if (latestOnly) {
    for (const record of Object.values(copy.keys)) {
      const current = getOwn(record.versions, String(record.currentVersion));
      record.versions = current === undefined ? {} : { [String(record.currentVersion)]: current };
    }
  }
  return copy;
}

/**
 * Loads a whole document (a snapshot) in one step: validated first, so a bad snapshot changes
 * nothing. `replace` removes keys the snapshot does not have; `merge` replaces only the keys it
 * has. The snapshot's config replaces the mount's in both modes.
 */
export function importDocument(doc: StoreDocument, document: unknown, mode: 'merge' | 'replace') {
  const incoming = validateDocument(cloneJsonValue(document, 'document'));
  const changes: Change[] = [{ kind: 'config', config: incoming.config }];
  if (mode === 'replace') {
    for (const path of Object.keys(doc.keys)) {
      if (!Object.hasOwn(incoming.keys, path)) changes.push({ kind: 'key', path, record: null });
    }
  }
  for (const path of Object.keys(incoming.keys)) {
    changes.push({ kind: 'key', path, record: getOwn(incoming.keys, path) as KeyRecord });
  }
  return done({ keys: Object.keys(incoming.keys).length }, changes);
}
