import { hasKvV2Extensions, KvError, SecretNotFoundError, type BaseKeyValueStore, type NotFoundReason } from '@kv2/core';
import { fail, rejects } from '../assert.js';
import type { BehaviourContext } from '../types.js';

/** Writes `count` versions `{ n: 1 }`, `{ n: 2 }`, … to `path`. */
export async function writeVersions(store: BaseKeyValueStore, path: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) await store.write(path, { n });
}

/** Asserts a {@link SecretNotFoundError} (404, `secret_not_found`) with the given reason; returns it. */
export async function expectNotFound(
  action: Promise<unknown> | (() => Promise<unknown>),
  reason: NotFoundReason,
  what: string,
): Promise<SecretNotFoundError> {
  const error = await rejects(action, SecretNotFoundError, { code: 'secret_not_found', status: 404 }, what);
  if (error.reason !== reason) fail(`${what}: expected reason ${reason}, got ${error.reason}`);
  if ((error.metadata === null) !== (reason === 'missing')) {
    fail(`${what}: metadata must be null exactly when the reason is "missing", got ${JSON.stringify(error.metadata)}`);
  }
  return error;
}

/**
 * Everything observable about `paths`: latest read (or its error), every version from 1 to 12,
 * the listing of each parent folder and of the top level, and (with extensions) the key metadata
 * and mount config. Compare two snapshots to prove a rejected call changed nothing.
 */
export async function snapshot(ctx: BehaviourContext, paths: readonly string[]): Promise<unknown> {
  const { store } = ctx;
  const out: Record<string, unknown> = { top: await store.list('') };
  for (const path of paths) {
    const versions: unknown[] = [];
    for (let v = 0; v <= 12; v++) versions.push(await outcome(() => store.read(path, { version: v })));
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const entry: Record<string, unknown> = { versions, parent: await store.list(parent) };
    if (hasKvV2Extensions(store)) entry.metadata = await outcome(() => store.readMetadata(path));
    out[`key:${path}`] = entry;
  }
  if (hasKvV2Extensions(store)) out.config = await store.readConfig();
  return out;
}

/** The value of `action`, or a comparable description of the kv2 error it threw. */
async function outcome(action: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await action() };
  } catch (error) {
    if (!KvError.is(error)) throw error;
    return { error: error.name, code: error.code, metadata: (error as Partial<SecretNotFoundError>).metadata ?? null };
  }
}

/** Asserts that the state of `paths` is what `before` recorded. */
export async function expectUnchanged(ctx: BehaviourContext, paths: readonly string[], before: unknown, what: string): Promise<void> {
  ctx.assert.equal(await snapshot(ctx, paths), before, `${what}: state must be unchanged`);
}

/** Seconds → milliseconds. */
export const seconds = (s: number): number => s * 1000;
