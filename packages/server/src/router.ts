import type { BaseKeyValueStore } from '@kv2/core';
import type { Params } from './request-fields.js';
import type { KvCall } from './handlers/call.js';
import { handleConfig } from './handlers/config.js';
import { handleData } from './handlers/data.js';
import { handleDetailedMetadata } from './handlers/detailed-metadata.js';
import { handleInvalidPath } from './handlers/invalid.js';
import { handleMetadata } from './handlers/metadata.js';
import { handleSubkeys } from './handlers/subkeys.js';
import { handleVersions } from './handlers/versions.js';
import type { Reply } from './reply.js';
import type { Operation } from './target.js';

/** The KV v2 endpoints, in OpenBao's routing order (the first match wins). */
type Endpoint = 'data' | 'metadata' | 'detailed-metadata' | 'destroy' | 'subkeys' | 'delete' | 'undelete';

const PREFIXES: ReadonlyArray<readonly [string, Endpoint]> = [
  ['data/', 'data'],
  ['metadata/', 'metadata'],
  ['detailed-metadata/', 'detailed-metadata'],
  ['destroy/', 'destroy'],
  ['subkeys/', 'subkeys'],
  ['delete/', 'delete'],
  ['undelete/', 'undelete'],
];

/**
 * Routes a request inside a KV v2 mount (`enginePath` is the path after the mount, e.g.
 * `data/a/b`) to its handler; handlers translate HTTP to store calls and back.
 */
export async function handleKv(op: Operation, enginePath: string, params: Params | null, store: BaseKeyValueStore): Promise<Reply> {
  if (enginePath === 'config') return handleConfig({ op, enginePath, key: '', params, store });
  for (const [prefix, endpoint] of PREFIXES) {
    if (!enginePath.startsWith(prefix)) continue;
    const call: KvCall = { op, enginePath, key: enginePath.slice(prefix.length), params, store };
    switch (endpoint) {
      case 'data':
        return handleData(call);
      case 'metadata':
        return handleMetadata(call);
      case 'detailed-metadata':
        return handleDetailedMetadata(call);
      case 'subkeys':
        return handleSubkeys(call);
      default:
        return handleVersions(call, endpoint);
    }
  }
  return handleInvalidPath(op, enginePath);
}
