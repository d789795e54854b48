/**
 * A tour of kv2's KV v2 semantics on the in-memory store: write, read, a check-and-set
 * conflict and its retry, patch, soft-delete, undelete and destroy. Run it with `pnpm start`.
 */
import { CheckAndSetError, SecretNotFoundError } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';

const store = new MemoryKeyValueStore();
const path = 'apps/billing/db';

function show(step: string, detail: unknown): void {
  console.log(`${step.padEnd(34)} ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
}

const v1 = await store.write(path, { username: 'billing', password: 'correct-horse' });
show('write', `created version ${v1.version}`);

const secret = await store.read(path);
show('read latest', { version: secret.metadata.version, keys: Object.keys(secret.data) });

// Two writers both read version 1; the first to write wins, the second must retry.
await store.write(path, { username: 'billing', password: 'battery-staple' }, { cas: 1 });
show('writer A: write with cas=1', 'ok, now version 2');
try {
  await store.write(path, { username: 'billing', password: 'stale-guess' }, { cas: 1 });
} catch (error) {
  if (!CheckAndSetError.is(error)) throw error;
  show('writer B: write with cas=1', `rejected: ${error.code} (${error.message})`);
  const latest = await store.read(path);
  const retried = await store.write(path, { ...latest.data, password: 'fresh-after-retry' }, { cas: latest.metadata.version });
  show('writer B: re-read and retry', `ok with cas=${latest.metadata.version}, now version ${retried.version}`);
}

const patched = await store.patch(path, { password: null, rotatedBy: 'quickstart' });
show('patch (merge, null removes a key)', { version: patched.version, data: (await store.read(path)).data });

await store.delete(path, { versions: [patched.version] });
try {
  await store.read(path);
} catch (error) {
  if (!SecretNotFoundError.is(error)) throw error;
  show(
    `soft-delete version ${patched.version}, then read`,
    `${error.status} ${error.reason}, deletionTime ${error.metadata?.deletionTime?.toISOString()}`,
  );
}

await store.undelete(path, { versions: [patched.version] });
show('undelete, then read', (await store.read(path)).data);

await store.destroy(path, { versions: [1] });
try {
  await store.read(path, { version: 1 });
} catch (error) {
  if (!SecretNotFoundError.is(error)) throw error;
  show('destroy version 1, then read it', `${error.status} ${error.reason}: the data is gone for good`);
}

const metadata = await store.readMetadata(path);
show('metadata', {
  currentVersion: metadata.currentVersion,
  versions: Object.fromEntries(
    Object.entries(metadata.versions).map(([n, v]) => [n, v.destroyed ? 'destroyed' : v.deletionTime ? 'deleted' : 'live']),
  ),
});
show('list apps/', await store.list('apps'));
