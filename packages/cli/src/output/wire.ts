import { randomUUID } from 'node:crypto';
import { cliSecret } from '@kv2/core/wire';

// `-format json` prints what `bao ... -format=json` prints, so scripts written for one work with
// the other. The shapes themselves come from the wire codec (@kv2/core/wire).

/** The object bao prints for a response, with a fresh `request_id` (local stores have none). */
export function envelope(data: unknown, warnings: readonly string[] = []): Record<string, unknown> {
  return cliSecret(randomUUID(), data, warnings);
}

/** JSON as bao prints it: two-space indent. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
