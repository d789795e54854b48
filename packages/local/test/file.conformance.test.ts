import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { describeConformance } from '@kv2/conformance/vitest';
import { afterAll } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

// Every store gets its own folder (the store creates it) under one temporary root.
const root = await makeTempDir('kv2-file-conformance-');
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
