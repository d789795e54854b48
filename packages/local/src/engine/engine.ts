import { getOwn, InvalidRequestError, setOwn } from '@kv2/core';
import type { Change, Command, CommandResult, CommandResults, Outcome } from './commands.js';
import type { StoreDocument } from './document.js';
import type { ListingCache } from './listing.js';
import { keyMetadata, mountConfig } from './views.js';
import { deleteLatest, destroy, list, patch, read, softDelete, subkeys, undelete, write } from './data-commands.js';
import { patchMetadata, writeConfig, writeMetadata } from './metadata-commands.js';
import { done, keyChange, requireRecord } from './outcome.js';
import { exportDocument, importDocument } from './snapshot-commands.js';

/**
 * Runs one command against a document and returns its result and the changes it makes.
 *
 * This is the KV v2 state machine: every rule lives here or in the modules it calls. Its
 * arguments are trusted: `BaseKeyValueStore` checks and normalises them (see OperationArgs), so
 * a host must build commands only from those hooks' arguments. It never
 * modifies `doc`; a rejected command throws before producing anything, so the host's state is
 * exactly as it was. Apply the changes with {@link applyChanges}. The engine keeps no state of
 * its own: a store that lists often passes the {@link ListingCache} it keeps beside `doc`.
 */
export function executeCommand<C extends Command>(doc: StoreDocument, command: C, now: Date, listings?: ListingCache): Outcome<CommandResult<C>> {
  const outcome = run(doc, command, now, listings);
  return outcome as Outcome<CommandResult<C>>;
}

/**
 * Commits the changes of an {@link Outcome} to `doc` (in place) and returns the changes that
 * undo them (apply those to get `doc` back as it was). This is the commit step: the only way a
 * document's `keys` may gain or lose keys, and so the one place that tells the store's
 * {@link ListingCache} (if it keeps one) to forget its listings.
 */
export function applyChanges(doc: StoreDocument, changes: readonly Change[], listings?: ListingCache): Change[] {
  const undo: Change[] = [];
  for (const change of changes) {
    if (change.kind === 'config') {
      undo.push({ kind: 'config', config: doc.config });
      doc.config = change.config;
      continue;
    }
    const previous = getOwn(doc.keys, change.path);
    undo.push({ kind: 'key', path: change.path, record: previous ?? null });
    if (change.record === null) {
      if (previous !== undefined) listings?.forget();
      delete doc.keys[change.path];
    } else {
      // A new key changes listings; a new record for an existing key does not.
      if (previous === undefined) listings?.forget();
      setOwn(doc.keys, change.path, change.record);
    }
  }
  return undo.reverse();
}

type AnyOutcome = Outcome<CommandResults[keyof CommandResults]>;

function run(doc: StoreDocument, command: Command, now: Date, listings: ListingCache | undefined): AnyOutcome {
  switch (command.op) {
    case 'read':
      return done(read(doc, command, now));
    case 'write':
      return write(doc, command, now);
    case 'patch':
      return patch(doc, command, now);
    case 'delete':
      return softDelete(doc, command, now);
    case 'undelete':
      return undelete(doc, command, now);
    case 'destroy':
      return destroy(doc, command);
    case 'deleteLatest':
      return deleteLatest(doc, command, now);
    case 'list':
      return done(list(doc, command, listings));
    case 'readMetadata':
      return done(keyMetadata(requireRecord(doc, command.path)));
    case 'writeMetadata':
      return writeMetadata(doc, command, now);
    case 'patchMetadata':
      return patchMetadata(doc, command, now);
    case 'deleteMetadata':
      return getOwn(doc.keys, command.path) === undefined ? done(undefined) : done(undefined, keyChange(command.path, null));
    case 'subkeys':
      return done(subkeys(doc, command, now));
    case 'readConfig':
      return done(mountConfig(doc.config));
    case 'writeConfig':
      return writeConfig(doc, command.update);
    // Stryker disable all: export/import and unknown operations are reached only through the
    // file store's snapshot commands and bad hosts, never through the store API that `pnpm mutation` measures.
    case 'exportDocument':
      return done(exportDocument(doc, command.latestOnly === true));
    case 'importDocument':
      return importDocument(doc, command.document, command.mode);
    default:
      throw new InvalidRequestError(`unknown operation ${JSON.stringify((command as { op: unknown }).op)}`);
  }
  // Stryker restore all
}
