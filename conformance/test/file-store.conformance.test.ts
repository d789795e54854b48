// Runs here rather than in @kv2/local's tests so that the two packages do not depend on each other.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileKeyValueStore } from '@kv2/local';
import { afterAll } from 'vitest';
import { describeConformance } from '../src/vitest.js';

const removeTempDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

// Every store gets its own folder (the store creates it) under one temporary root.
const root = await mkdtemp(join(tmpdir(), 'kv2-file-conformance-'));
afterAll(() => removeTempDir(root));
let stores = 0;
const freshFile = (): string => join(root, `store-${++stores}`, 'store.json');

async function cleanup(store: FileKeyValueStore): Promise<void> {
  await store.close();
  await removeTempDir(dirname(store.file));
}

describeConformance('FileKeyValueStore', {
  create: ({ now }) => new FileKeyValueStore({ file: freshFile(), now }),
  cleanup,
});

// A raw key (no scrypt per store). Every write seals and every reload authenticates, so fewer runs.
const key = randomBytes(32);
describeConformance(
  'FileKeyValueStore (encrypted)',
  { create: ({ now }) => new FileKeyValueStore({ file: freshFile(), now, encryption: { key } }), cleanup },
  { numRuns: 100 },
);
