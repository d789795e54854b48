// The whole conformance suite through OpenBaoKeyValueStore against the kv2 HTTP server on a
// loopback port: proves the adapter and the server together behave like a local store.
//
// One server per variant, and a fresh store per behaviour (and per property run) in its own
// namespace: the server's store factory creates that store, wired to the suite's clock, the first
// time the namespace is used. No port churn between runs, and every request exercises
// X-Vault-Namespace end to end. Because the store behind the server runs on the suite's clock,
// the adapter declares `controllableClock: true` through its test-only `capabilities` option.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaseKeyValueStore } from '@kv2/core';
import { describeConformance } from '@kv2/conformance/vitest';
import { FileKeyValueStore, MemoryKeyValueStore } from '@kv2/local';
import { createServer } from '@kv2/server';
import { afterAll } from 'vitest';
import { OpenBaoKeyValueStore } from '../src/index.js';

const TOKEN = 'root';

/**
 * A kv2 server started on first use whose namespaces each get a store from `makeStore`, and a
 * conformance target that hands out an adapter per fresh namespace.
 */
function serverTarget(makeStore: (namespace: string, now: () => Date) => BaseKeyValueStore | Promise<BaseKeyValueStore>) {
  const clocks = new Map<string, () => Date>();
  let count = 0;
  let started: Promise<{ url: string; close: () => Promise<void> }> | undefined;

  function start() {
    started ??= (async () => {
      const server = createServer({
        token: TOKEN,
        stores: (namespace) => {
          const now = clocks.get(namespace);
          return now === undefined ? undefined : makeStore(namespace, now);
        },
      });
      const { url } = await server.listen({ port: 0 });
      return { url, close: () => server.close() };
    })();
    return started;
  }

  afterAll(async () => {
    if (started !== undefined) await (await started).close();
  });

  return {
    async create({ now }: { now: () => Date }): Promise<OpenBaoKeyValueStore> {
      const { url } = await start();
      const namespace = `run${++count}`;
      clocks.set(namespace, now);
      return new OpenBaoKeyValueStore({ baseUrl: url, token: TOKEN, namespace, env: {}, capabilities: { controllableClock: true } });
    },
  };
}

describeConformance(
  'OpenBaoKeyValueStore → kv2 server (memory)',
  serverTarget((_namespace, now) => new MemoryKeyValueStore({ now })),
);

const folder = mkdtemp(join(tmpdir(), 'kv2-openbao-conformance-'));
afterAll(async () => {
  await rm(await folder, { recursive: true, force: true });
});

// The file store runs the full property count in its own suite; here the point is the HTTP path
// over a durable store, so fewer runs (FC_NUM_RUNS still wins) keep this file's time reasonable.
describeConformance(
  'OpenBaoKeyValueStore → kv2 server (file)',
  serverTarget(async (namespace, now) => new FileKeyValueStore({ file: join(await folder, `${namespace}.json`), now })),
  { numRuns: Number(process.env.FC_NUM_RUNS) || 50 },
);
