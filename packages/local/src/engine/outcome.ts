import { SecretNotFoundError, getOwn } from '@kv2/core';
import type { Change, Outcome } from './commands.js';
import type { KeyRecord, StoreDocument } from './document.js';

const NOTHING: Change[] = [];

/** An outcome: the caller's result, and the changes to commit (none by default). */
export function done<R>(result: R, changes: Change[] = NOTHING): Outcome<R> {
  return { result, changes };
}

/** The change that replaces (or, with null, removes) one key's record. */
export function keyChange(path: string, record: KeyRecord | null): Change[] {
  return [{ kind: 'key', path, record }];
}

/** The key's record, or a not-found error. */
export function requireRecord(doc: StoreDocument, path: string): KeyRecord {
  const record = getOwn(doc.keys, path);
  if (record === undefined) throw new SecretNotFoundError(path);
  return record;
}
