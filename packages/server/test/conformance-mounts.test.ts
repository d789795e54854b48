// The whole conformance suite through OpenBaoKeyValueStore against kv2 server mounts that were
// enabled at run time (POST /v1/sys/mounts/<path>, type kv with options version 2): a fresh
// mount (`run/<n>`, nested on purpose) per behaviour and per property run. The stores behind the
// mounts run on the suite's clock (the handler looks it up by mount path), so the adapter
// declares `controllableClock: true` through its test-only `capabilities` option.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaseKeyValueStore } from '@kv2/core';
import { describeConformance } from '@kv2/conformance/vitest';
import { FileKeyValueStore, MemoryKeyValueStore } from '@kv2/local';
import { OpenBaoKeyValueStore } from '@kv2/openbao';
import { afterAll, expect } from 'vitest';
import { createServer, type MountRecord } from '../src/index.js';

const TOKEN = 'root';

function runtimeMountTarget(makeStore: (record: MountRecord, now: () => Date) => BaseKeyValueStore | Promise<BaseKeyValueStore>) {
  const clocks = new Map<string, () => Date>();
  let count = 0;
  let started: Promise<{ url: string; close: () => Promise<void> }> | undefined;

  function start() {
    started ??= (async () => {
      const server = createServer({
        token: TOKEN,
        mountTable: {
          open: (record) => {
            const now = clocks.get(record.path);
            if (now === undefined) throw new Error(`no clock for mount ${record.path}`);
            return makeStore(record, now);
          },
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
      const mount = `run/${++count}`;
      clocks.set(mount, now);
      const response = await fetch(`${url}/v1/sys/mounts/${mount}`, {
        method: 'POST',
        headers: { 'X-Vault-Token': TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'kv', options: { version: '2' } }),
      });
      expect(response.status).toBe(204);
      return new OpenBaoKeyValueStore({ baseUrl: url, token: TOKEN, mountPoint: mount, env: {}, capabilities: { controllableClock: true } });
    },
  };
}

describeConformance(
  'OpenBaoKeyValueStore → kv2 server, mount enabled at run time (memory)',
  runtimeMountTarget((_record, now) => new MemoryKeyValueStore({ now })),
  { numRuns: Number(process.env.FC_NUM_RUNS) || 100 },
);

const folder = mkdtemp(join(tmpdir(), 'kv2-runtime-mount-conformance-'));
afterAll(async () => {
  await rm(await folder, { recursive: true, force: true });
});

// The file store runs the full property count in its own suite; here the point is the run-time
// mount over a durable store, so fewer runs (FC_NUM_RUNS still wins).
describeConformance(
  'OpenBaoKeyValueStore → kv2 server, mount enabled at run time (file)',
  runtimeMountTarget(async (record, now) => new FileKeyValueStore({ file: join(await folder, `${record.uuid}.json`), now })),
  { numRuns: Number(process.env.FC_NUM_RUNS) || 25 },
);
