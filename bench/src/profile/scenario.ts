import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyChanges, emptyDocument, executeCommand, FileKeyValueStore, MemoryKeyValueStore } from '@kv2/local';
import { OpenBaoKeyValueStore } from '@kv2/openbao';
import { folderOf, secretPath, smallSecret } from '../fixtures.js';
import { startServerProcess } from '../harness/server-process.js';

/**
 * Runs one hot path in a loop so that `node --cpu-prof` (through tsx) can show where its time
 * goes. Usage: `node --cpu-prof --cpu-prof-dir=DIR --import tsx src/profile/scenario.ts NAME [SECRETS] [SECONDS]`,
 * then `tsx src/profile/top.ts DIR/*.cpuprofile`.
 */
const SCENARIOS: Record<string, (secrets: number, seconds: number) => Promise<number>> = {
  'memory-list': async (secrets, seconds) => {
    const store = await memoryStore(secrets);
    return loop(seconds, (i) => store.list(folderOf(i)));
  },
  'memory-write': async (secrets, seconds) => {
    const store = await memoryStore(secrets);
    return loop(seconds, (i) => store.write(secretPath(i % secrets), smallSecret(i)));
  },
  'memory-read': async (secrets, seconds) => {
    const store = await memoryStore(secrets);
    return loop(seconds, (i) => store.read(secretPath(i % secrets)));
  },
  'openbao-read': (_secrets, seconds) =>
    withServer((url) => {
      const store = new OpenBaoKeyValueStore({ baseUrl: url, token: TOKEN, env: {} });
      return loop(seconds, () => store.read('bench/read'));
    }),
  'fetch-read': (_secrets, seconds) =>
    withServer((url) => loop(seconds, async () => (await fetch(`${url}/v1/secret/data/bench/read`, { headers: { 'X-Vault-Token': TOKEN } })).text())),
  'file-write': (secrets, seconds) =>
    withFileStore(secrets, (store) => loop(seconds, (i) => store.write(secretPath((i * 7919) % secrets), smallSecret(i)))),
  'file-read': (secrets, seconds) => withFileStore(secrets, (store) => loop(seconds, (i) => store.read(secretPath((i * 7919) % secrets)))),
};

const TOKEN = 'bench-root-token';

/** Runs `body` against a kv2 server (memory store) in its own process. */
async function withServer(body: (url: string) => Promise<number>): Promise<number> {
  const server = await startServerProcess({ mode: 'kv2', token: TOKEN, readPath: 'bench/read' });
  try {
    return await body(server.url);
  } finally {
    await server.stop();
  }
}

async function memoryStore(secrets: number): Promise<MemoryKeyValueStore> {
  const store = new MemoryKeyValueStore();
  for (let v = 0; v < 3; v++) for (let i = 0; i < secrets; i++) await store.write(secretPath(i), smallSecret(i + v));
  return store;
}

async function withFileStore(secrets: number, body: (store: FileKeyValueStore) => Promise<number>): Promise<number> {
  const folder = await mkdtemp(join(tmpdir(), 'kv2-profile-'));
  try {
    const doc = emptyDocument();
    // As in the file section: as many versions as the file starts with, so writes do not grow it.
    doc.config.maxVersions = 3;
    const now = new Date();
    for (let v = 0; v < 3; v++) {
      for (let i = 0; i < secrets; i++)
        applyChanges(doc, executeCommand(doc, { op: 'write', path: secretPath(i), data: smallSecret(i + v) }, now).changes);
    }
    const file = join(folder, 'store.json');
    const importer = new FileKeyValueStore({ file });
    await importer.importDocument(doc);
    await importer.close();
    const store = new FileKeyValueStore({ file });
    try {
      await store.read(secretPath(0));
      return await body(store);
    } finally {
      await store.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function loop(seconds: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let i = 0;
  while (performance.now() < end) await op(i++);
  return i;
}

const [name = '', secretsArg = '1000', secondsArg = '5'] = process.argv.slice(2).filter((a) => a !== '--');
const scenario = SCENARIOS[name];
if (scenario === undefined) throw new Error(`usage: scenario.ts ${Object.keys(SCENARIOS).join('|')} [SECRETS] [SECONDS]`);
const started = performance.now();
const calls = await scenario(Number(secretsArg), Number(secondsArg));
console.log(`${name}: ${calls} calls in ${((performance.now() - started) / 1000).toFixed(1)} s`);
