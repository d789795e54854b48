import { afterEach, describe, expect, it } from 'vitest';
import { dataOf, start, type Running } from './helpers.js';

let running: Running | undefined;
afterEach(async () => {
  await running?.server.close();
  running = undefined;
});

async function server(options: Parameters<typeof start>[0] = {}): Promise<Running> {
  running = await start(options);
  return running;
}

describe('sys/kv2/faults', () => {
  it('answers a chosen status with OpenBao’s error body, N times, then lets requests through', async () => {
    const s = await server();
    await s.call('POST', '/v1/secret/data/app/db', { body: { data: { password: 'p1' } } });
    const added = await s.call('POST', '/v1/sys/kv2/faults', {
      body: { path: 'secret/data/app/*', operations: ['read'], status: 503, errors: ['upstream unavailable'], times: 2 },
    });
    expect(added.status).toBe(200);
    expect(typeof dataOf(added)['id']).toBe('string');
    for (let i = 0; i < 2; i += 1) {
      const answer = await s.call('GET', '/v1/secret/data/app/db');
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ errors: ['upstream unavailable'] });
    }
    const third = await s.call('GET', '/v1/secret/data/app/db');
    expect(third.status).toBe(200);
    expect((dataOf(third)['data'] as Record<string, unknown>)['password']).toBe('p1');
    const listed = dataOf(await s.call('GET', '/v1/sys/kv2/faults'));
    expect(listed['sealed']).toBe(false);
    expect(listed['rules']).toEqual([
      expect.objectContaining({ path: 'secret/data/app/*', operations: ['read'], status: 503, times: 2, hits: 2, remaining: 0 }),
    ]);
  });

  it('never changes stored data: a faulted write is not applied', async () => {
    const s = await server();
    await s.call('POST', '/v1/secret/data/k', { body: { data: { v: 1 } } });
    await s.call('POST', '/v1/sys/kv2/faults', { body: { path: 'secret/data/k', operations: ['update'], status: 500, errors: ['internal error'] } });
    const write = await s.call('POST', '/v1/secret/data/k', { body: { data: { v: 2 } } });
    expect(write.status).toBe(500);
    expect((await s.store.readMetadata('k')).currentVersion).toBe(1);
    expect((await s.call('DELETE', '/v1/sys/kv2/faults')).status).toBe(204);
    expect((await s.call('POST', '/v1/secret/data/k', { body: { data: { v: 2 } } })).status).toBe(200);
    expect((await s.store.read('k')).data).toEqual({ v: 2 });
  });

  it('adds latency, drops the connection, and removes one rule by id', async () => {
    const s = await server();
    await s.call('POST', '/v1/secret/data/k', { body: { data: { v: 1 } } });
    await s.call('POST', '/v1/sys/kv2/faults', { body: { path: 'secret/data/k', operations: ['read'], latency_ms: 120, times: 1 } });
    const began = performance.now();
    expect((await s.call('GET', '/v1/secret/data/k')).status).toBe(200);
    expect(performance.now() - began).toBeGreaterThanOrEqual(100);

    const dropped = await s.call('POST', '/v1/sys/kv2/faults', { body: { path: 'secret/metadata/**', drop: true } });
    await expect(s.call('GET', '/v1/secret/metadata/k')).rejects.toThrow();
    expect((await s.call('DELETE', `/v1/sys/kv2/faults/${String(dataOf(dropped)['id'])}`)).status).toBe(204);
    expect((await s.call('GET', '/v1/secret/metadata/k')).status).toBe(200);
    expect((await s.call('DELETE', '/v1/sys/kv2/faults/no-such-rule')).status).toBe(404);
  });

  it('is for the root token only, and refuses malformed rules with 400', async () => {
    const s = await server({ tokens: [{ id: 'app-token', policies: ['default'] }] });
    expect((await s.call('GET', '/v1/sys/kv2/faults', { token: 'app-token' })).status).toBe(403);
    expect((await s.call('POST', '/v1/sys/kv2/faults', { token: 'app-token', body: { status: 500 } })).status).toBe(403);
    expect((await s.call('GET', '/v1/sys/kv2/faults', { token: null })).status).toBe(403);
    for (const body of [
      {},
      { status: 200 },
      { status: 503, drop: true },
      { times: 0, status: 500 },
      { status: 500, colour: 'red' },
      { operations: ['fly'], status: 500 },
    ]) {
      const answer = await s.call('POST', '/v1/sys/kv2/faults', { body });
      expect(answer.status).toBe(400);
      expect((answer.json?.['errors'] as string[])[0]).toMatch(/^fault rule: /);
    }
    expect(dataOf(await s.call('GET', '/v1/sys/kv2/faults'))['rules']).toEqual([]);
  });

  it('takes rules from createServer({ faults })', async () => {
    const s = await server({ faults: { rules: [{ path: 'secret/**', status: 429, errors: ['rate limited'] }] } });
    const answer = await s.call('GET', '/v1/secret/data/x');
    expect(answer.status).toBe(429);
    expect(answer.json).toEqual({ errors: ['rate limited'] });
    await expect(start({ faults: { rules: [{ status: 99 }] } })).rejects.toThrow(/fault rule/);
  });
});

describe('sealed mode (sys/seal, sys/unseal)', () => {
  it('answers as a sealed OpenBao: 503 on KV paths whatever the token, health and seal-status report it', async () => {
    const s = await server();
    await s.call('POST', '/v1/secret/data/k', { body: { data: { v: 1 } } });
    expect((await s.call('PUT', '/v1/sys/seal')).status).toBe(204);
    for (const token of [undefined, null, 'wrong']) {
      const answer = await s.call('GET', '/v1/secret/data/k', token === undefined ? {} : { token });
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ errors: ['Vault is sealed'] });
    }
    const write = await s.call('POST', '/v1/secret/data/k', { body: { data: { v: 2 } } });
    expect(write.status).toBe(503);
    expect((await s.store.readMetadata('k')).currentVersion).toBe(1);

    const health = await s.call('GET', '/v1/sys/health', { token: null });
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({ initialized: true, sealed: true, standby: true });
    expect(health.json).not.toHaveProperty('cluster_id');
    expect((await s.call('GET', '/v1/sys/health?sealedcode=200', { token: null })).status).toBe(200);
    const status = await s.call('GET', '/v1/sys/seal-status', { token: null });
    expect(status.json).toMatchObject({ sealed: true, t: 1, n: 1, progress: 0 });
    // Sealing again is a no-op, even without a token; the fault endpoint still works.
    expect((await s.call('PUT', '/v1/sys/seal', { token: null })).status).toBe(204);
    expect(dataOf(await s.call('GET', '/v1/sys/kv2/faults'))['sealed']).toBe(true);

    expect((await s.call('PUT', '/v1/sys/unseal', { token: null, body: {} })).json).toEqual({
      errors: ["'key' must be specified in request body as JSON, or 'reset' set to true"],
    });
    expect((await s.call('PUT', '/v1/sys/unseal', { token: null, body: { key: '!!' } })).status).toBe(400);
    const unsealed = await s.call('PUT', '/v1/sys/unseal', { token: null, body: { key: 'abcd' } });
    expect(unsealed.status).toBe(200);
    expect(unsealed.json).toMatchObject({ sealed: false, cluster_name: 'kv2' });
    expect((await s.call('GET', '/v1/secret/data/k')).status).toBe(200);
    expect((await s.call('GET', '/v1/sys/health', { token: null })).json).toMatchObject({ sealed: false, standby: false });
  });

  it('lets the root token, or sudo on sys/seal, seal; answers reset on an unsealed server as OpenBao does', async () => {
    const s = await server({
      policies: { sealer: 'path "sys/seal" { capabilities = ["update", "sudo"] }' },
      tokens: [
        { id: 'app-token', policies: ['default'] },
        { id: 'sealer-token', policies: ['sealer'] },
      ],
    });
    expect((await s.call('PUT', '/v1/sys/seal', { token: 'app-token' })).status).toBe(403);
    expect((await s.call('PUT', '/v1/sys/seal', { token: null })).status).toBe(403);
    expect((await s.call('GET', '/v1/sys/seal')).status).toBe(405);
    expect((await s.call('PUT', '/v1/sys/unseal', { token: null, body: { reset: true } })).json).toEqual({ errors: ['vault is unsealed'] });
    expect((await s.call('GET', '/v1/secret/data/nothing')).status).toBe(404);
    expect((await s.call('PUT', '/v1/sys/seal', { token: 'sealer-token' })).status).toBe(204);
    expect((await s.call('GET', '/v1/sys/seal-status', { token: null })).json).toMatchObject({ sealed: true });
  });

  it('can start sealed', async () => {
    const s = await server({ faults: { sealed: true } });
    expect((await s.call('GET', '/v1/secret/data/k')).status).toBe(503);
  });
});
