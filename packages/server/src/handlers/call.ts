import type { BaseKeyValueStore } from '@kv2/core';
import type { Params } from '../request-fields.js';
import type { Operation } from '../target.js';

/** One request to a KV v2 endpoint, as the handlers see it. */
export interface KvCall {
  /** The logical operation. */
  readonly op: Operation;
  /** The path inside the mount (`data/a/b`); list and scan paths end in `/`. */
  readonly enginePath: string;
  /** The secret path after the endpoint prefix (`a/b`); may be `''` or end in `/`. */
  readonly key: string;
  /** Body parameters for writes, query parameters otherwise; null when there are none. */
  readonly params: Params | null;
  /** The store behind the mount, for the request's namespace. */
  readonly store: BaseKeyValueStore;
}
