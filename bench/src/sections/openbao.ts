import type { SecretData } from '@kv2/core';
import { OpenBaoKeyValueStore } from '@kv2/openbao';
import { smallSecret } from '../fixtures.js';
import { num, range, times } from '../harness/format.js';
import { get, measure } from '../harness/measure.js';
import type { SectionReport } from '../harness/report.js';
import { startServerProcess } from '../harness/server-process.js';

const TOKEN = 'bench-root-token';
const READ_PATH = 'bench/read';
const WRITE_PATH = 'bench/write';

/**
 * What `OpenBaoKeyValueStore` adds to each call: the adapter against a raw `fetch` of the same
 * request to the same kv2 server (in its own process), one call at a time.
 */
export async function openBaoSection(quick: boolean): Promise<SectionReport> {
  const server = await startServerProcess({ mode: 'kv2', token: TOKEN, readPath: READ_PATH });
  try {
    const store = new OpenBaoKeyValueStore({ baseUrl: server.url, token: TOKEN, env: {} });
    const headers = { 'X-Vault-Token': TOKEN, Accept: 'application/json' };
    const raw = {
      read: async (): Promise<string> => (await fetch(`${server.url}/v1/secret/data/${READ_PATH}`, { headers })).text(),
      write: async (i: number): Promise<string> =>
        (
          await fetch(`${server.url}/v1/secret/data/${WRITE_PATH}`, {
            method: 'POST',
            headers: { ...headers, 'Content-Type': 'application/json' },
            body: JSON.stringify({ data: smallSecret(i) }),
          })
        ).text(),
    };
    const adapter = {
      read: (): Promise<unknown> => store.read<SecretData>(READ_PATH),
      write: (i: number): Promise<unknown> => store.write(WRITE_PATH, smallSecret(i)),
    };
    const rows: string[][] = [];
    for (const op of ['read', 'write'] as const) {
      const results = await measure(
        [
          { name: 'fetch', run: raw[op] },
          { name: 'adapter', run: adapter[op] },
        ],
        { batch: 10, rounds: quick ? 2 : 6, timeMs: quick ? 200 : 500 },
      );
      const subject = get(results, 'adapter');
      const floor = get(results, 'fetch');
      rows.push([
        op,
        num(subject.median),
        range(subject.p25, subject.p75),
        num(subject.p99),
        num(floor.median),
        num(subject.median - floor.median),
        times(subject.median / floor.median),
      ]);
    }
    return {
      title: 'OpenBao adapter',
      intro:
        '`OpenBaoKeyValueStore` reading and writing a small secret through the kv2 server (memory store, own process) over ' +
        'loopback, one call at a time, against a raw `fetch` of the same request to the same server that only reads the body ' +
        'as text. The difference is what the adapter adds per call: argument checks, URL building, the timeout race, JSON ' +
        'encoding and decoding of the envelope, typed metadata. Microseconds per call (samples are means of 10 calls).',
      headers: ['operation', 'adapter median µs', 'p25–p75 µs', 'p99 µs', 'raw fetch median µs', 'overhead µs', 'ratio'],
      rows,
      notes: [],
      targets: [],
    };
  } finally {
    await server.stop();
  }
}
