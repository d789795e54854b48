import { unsupportedOperation } from '../errors.js';
import { rawNotFound, type Reply } from '../reply.js';
import type { Operation } from '../target.js';

const ROOTS: ReadonlySet<string> = new Set(['metadata', 'data', 'delete', 'undelete', 'destroy']);

const SUBCOMMANDS: Partial<Record<Operation, string>> = {
  update: 'put',
  patch: 'patch',
  read: 'get',
  list: 'list',
  scan: 'scan',
  delete: 'delete',
};

/**
 * Any other path inside a KV v2 mount (OpenBao's catch-all `pathInvalid`): a raw 404 whose
 * warning points to the right `bao kv` subcommand.
 */
export function handleInvalidPath(op: Operation, enginePath: string): Reply {
  const subcommand = SUBCOMMANDS[op];
  if (subcommand === undefined) throw unsupportedOperation();
  if (ROOTS.has(enginePath)) {
    return rawNotFound(null, ['Non-listing operations on the root of a K/V v2 mount are not supported.']);
  }
  return rawNotFound(null, [
    `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the OpenBao CLI, use 'bao kv ${subcommand}' for this operation.`,
  ]);
}
