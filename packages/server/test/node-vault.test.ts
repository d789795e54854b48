import vault from 'node-vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { start, TOKEN, type Running } from './helpers.js';

interface Envelope<T> {
  data: T;
}

let s: Running;
let client: ReturnType<typeof vault>;
beforeEach(async () => {
  s = await start();
  client = vault({ apiVersion: 'v1', endpoint: s.url, token: TOKEN });
});
afterEach(async () => {
  await s.server.close();
});

describe('node-vault against the kv2 server', () => {
  it('writes, reads, lists (with the LIST method), patches and deletes', async () => {
    const written = (await client.write('secret/data/app/db', { data: { user: 'u', password: 'p' } })) as Envelope<{ version: number }>;
    expect(written.data.version).toBe(1);
    await client.write('secret/data/app/api', { data: { key: 'k' } });

    const read = (await client.read('secret/data/app/db')) as Envelope<{ data: unknown; metadata: { version: number } }>;
    expect(read.data.data).toEqual({ user: 'u', password: 'p' });
    expect(read.data.metadata.version).toBe(1);

    const listed = (await client.list('secret/metadata/app')) as Envelope<{ keys: string[] }>;
    expect(listed.data.keys).toEqual(['api', 'db']);
    const top = (await client.list('secret/metadata/')) as Envelope<{ keys: string[] }>;
    expect(top.data.keys).toEqual(['app/']);

    const patched = (await client.update('secret/data/app/db', { data: { password: 'p2' } })) as Envelope<{ version: number }>;
    expect(patched.data.version).toBe(2);
    expect(((await client.read('secret/data/app/db')) as Envelope<{ data: unknown }>).data.data).toEqual({ user: 'u', password: 'p2' });

    await client.delete('secret/data/app/db');
    await expect(client.read('secret/data/app/db')).rejects.toMatchObject({ response: { statusCode: 404 } });
  });

  it('reads and writes metadata through raw requests', async () => {
    await client.request({ path: '/secret/metadata/app/db', method: 'POST', json: { max_versions: 3, custom_metadata: { owner: 'ops' } } });
    await client.write('secret/data/app/db', { data: { a: 1 } });
    const metadata = (await client.request({ path: '/secret/metadata/app/db', method: 'GET' })) as Envelope<Record<string, unknown>>;
    expect(metadata.data).toMatchObject({ max_versions: 3, current_version: 1, custom_metadata: { owner: 'ops' } });
    await client.request({ path: '/secret/metadata/app/db', method: 'DELETE' });
    await expect(client.request({ path: '/secret/metadata/app/db', method: 'GET' })).rejects.toMatchObject({ response: { statusCode: 404 } });
  });

  it("surfaces OpenBao's error messages and checks its token", async () => {
    await client.write('secret/data/x', { data: { a: 1 } });
    await expect(client.write('secret/data/x', { data: { a: 2 }, options: { cas: 0 } })).rejects.toThrow(
      'check-and-set parameter did not match the current version',
    );
    const self = (await client.tokenLookupSelf()) as Envelope<{ policies: string[] }>;
    expect(self.data.policies).toEqual(['root']);
    const stranger = vault({ apiVersion: 'v1', endpoint: s.url, token: 'not-the-token' });
    await expect(stranger.read('secret/data/x')).rejects.toMatchObject({ response: { statusCode: 403 } });
    const health = (await client.health()) as { sealed: boolean };
    expect(health.sealed).toBe(false);
  });
});
