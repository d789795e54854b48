import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyValueStore } from '@kv2/local';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, start } from './helpers.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'kv2-server-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the server over a FileKeyValueStore', () => {
  it('serves the KV v2 API from a file and keeps everything across a restart (scenario 7)', async () => {
    const file = join(folder, 'store.json');
    const first = await start({}, new FileKeyValueStore({ file }));
    for (let i = 0; i < 10; i++) {
      expect((await first.call('POST', `/v1/secret/data/${i}`, { body: { data: { i, name: `secret-${i}` } } })).status).toBe(200);
    }
    await first.call('POST', '/v1/secret/metadata/3', { body: { custom_metadata: { owner: 'ops' } } });
    await first.call('PATCH', '/v1/secret/data/4', { body: { data: { extra: true } } });
    await first.call('DELETE', '/v1/secret/data/5');
    expect((await first.call('LIST', '/v1/secret/metadata/')).json?.data).toEqual({ keys: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    // close() finishes requests and closes the store (releasing the file).
    await first.server.close();

    const second = await start({}, new FileKeyValueStore({ file }));
    try {
      for (const i of [0, 1, 2, 6, 7, 8, 9]) {
        expect(dataOf(await second.call('GET', `/v1/secret/data/${i}`)).data).toEqual({ i, name: `secret-${i}` });
      }
      expect(dataOf(await second.call('GET', '/v1/secret/data/4'))).toMatchObject({
        data: { i: 4, name: 'secret-4', extra: true },
        metadata: { version: 2 },
      });
      expect(dataOf(await second.call('GET', '/v1/secret/metadata/3')).custom_metadata).toEqual({ owner: 'ops' });
      const deleted = await second.call('GET', '/v1/secret/data/5');
      expect(deleted.status).toBe(404);
      expect((dataOf(deleted).metadata as Record<string, unknown>).version).toBe(1);
    } finally {
      await second.server.close();
    }
  });

  it("reports the file store's errors with OpenBao's statuses", async () => {
    const server = await start({}, new FileKeyValueStore({ file: join(folder, 'store.json') }));
    try {
      await server.call('POST', '/v1/secret/data/a', { body: { data: { v: 1 } } });
      expect((await server.call('POST', '/v1/secret/data/a', { body: { data: { v: 2 }, options: { cas: 0 } } })).json).toEqual({
        errors: ['check-and-set parameter did not match the current version'],
      });
      expect((await server.call('GET', '/v1/secret/data/missing')).text).toBe('{"errors":[]}\n');
    } finally {
      await server.server.close();
    }
  });
});
