import { request } from 'node:http';
import { MemoryKeyValueStore } from '@kv2/local';
import { afterEach, describe, expect, it } from 'vitest';
import { dataOf, parseResponses, rawExchange, start, TOKEN, type Running } from './helpers.js';

let s: Running | undefined;
afterEach(async () => {
  await s?.server.close();
  s = undefined;
});

async function running(...args: Parameters<typeof start>): Promise<Running> {
  s = await start(...args);
  return s;
}

describe('authentication', () => {
  it('refuses a missing or wrong token with 403 permission denied and writes nothing', async () => {
    const server = await running();
    for (const token of [null, 'wrong', '']) {
      const answer = await server.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } }, token });
      expect(answer.status).toBe(403);
      expect(answer.text).toBe('{"errors":["permission denied"]}\n');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect(await server.store.list('')).toEqual([]);
    expect((await server.call('GET', '/v1/secret/data/foo', { token: null })).status).toBe(403);
  });

  it('accepts Authorization: Bearer; X-Vault-Token wins when both are sent', async () => {
    const server = await running();
    const bearer = await server.call('POST', '/v1/secret/data/foo', {
      body: { data: { a: 1 } },
      token: null,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    const both = await server.call('GET', '/v1/secret/data/foo', { token: 'wrong', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(both.status).toBe(403);
    const basic = await server.call('GET', '/v1/secret/data/foo', { token: null, headers: { Authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(403);
  });

  it('never shows the token when the server is printed', async () => {
    const server = await running();
    expect(`${String(server.server)} ${JSON.stringify(server.server)}`).not.toContain(TOKEN);
  });
});

describe('namespaces', () => {
  it('keep separate data per X-Vault-Namespace, echo the header, and treat root as the root', async () => {
    const stores = new Map<string, MemoryKeyValueStore>();
    const server = await running({
      stores: (namespace) => {
        if (namespace === 'forbidden') return undefined;
        const store = new MemoryKeyValueStore();
        stores.set(namespace, store);
        return store;
      },
    });
    const ns = (name: string): Record<string, string> => ({ 'X-Vault-Namespace': name });
    await server.call('POST', '/v1/secret/data/foo', { body: { data: { where: 'root' } } });
    const written = await server.call('POST', '/v1/secret/data/foo', { body: { data: { where: 'team' } }, headers: ns('team/') });
    expect(written.headers.get('x-vault-namespace')).toBe('team/');
    expect(dataOf(await server.call('GET', '/v1/secret/data/foo', { headers: ns('team') })).data).toEqual({ where: 'team' });
    expect(dataOf(await server.call('GET', '/v1/secret/data/foo', { headers: ns('root') })).data).toEqual({ where: 'root' });
    expect(dataOf(await server.call('GET', '/v1/secret/data/foo')).data).toEqual({ where: 'root' });
    expect((await server.call('GET', '/v1/secret/data/foo', { headers: ns('other') })).status).toBe(404);
    expect([...stores.keys()].sort()).toEqual(['', 'other', 'team']);
    const refused = await server.call('GET', '/v1/secret/data/foo', { headers: ns('forbidden') });
    expect(refused.status).toBe(404);
    expect(refused.json).toEqual({ errors: ['namespace not found'] });
  });

  it('a single store serves only the root namespace', async () => {
    const server = await running();
    const answer = await server.call('GET', '/v1/secret/data/foo', { headers: { 'X-Vault-Namespace': 'team' } });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ errors: ['namespace not found'] });
  });

  it('serves several mounts, each with its own store', async () => {
    const a = new MemoryKeyValueStore();
    const b = new MemoryKeyValueStore();
    const server = await running({ mounts: { secret: a, 'team/kv': b } });
    await server.call('POST', '/v1/secret/data/x', { body: { data: { m: 'a' } } });
    await server.call('POST', '/v1/team/kv/data/x', { body: { data: { m: 'b' } } });
    expect((await a.read('x')).data).toEqual({ m: 'a' });
    expect((await b.read('x')).data).toEqual({ m: 'b' });
    const mount = await server.call('GET', '/v1/sys/internal/ui/mounts/team/kv/x');
    expect(dataOf(mount).path).toBe('team/kv/');
  });
});

describe('sys endpoints', () => {
  it('sys/health answers without a token; HEAD too; activecode is honoured', async () => {
    const server = await running();
    const health = await server.call('GET', '/v1/sys/health', { token: null });
    expect(health.status).toBe(200);
    expect(Object.keys(health.json ?? {})).toEqual([
      'initialized',
      'sealed',
      'standby',
      'replication_performance_mode',
      'replication_dr_mode',
      'server_time_utc',
      'version',
      'cluster_name',
      'cluster_id',
    ]);
    expect(health.json).toMatchObject({ initialized: true, sealed: false, standby: false });
    expect((await server.call('HEAD', '/v1/sys/health', { token: null })).status).toBe(200);
    expect((await server.call('GET', '/v1/sys/health?activecode=299', { token: null })).status).toBe(299);
    expect((await server.call('GET', '/v1/sys/health?activecode=x', { token: null })).status).toBe(400);
    expect((await server.call('POST', '/v1/sys/health', { token: null })).status).toBe(405);
    expect((await server.call('GET', '/v1/sys/seal-status', { token: null })).json).toMatchObject({ sealed: false, initialized: true });
  });

  it('sys/internal/ui/mounts/<path> tells the CLI the mount is KV v2; unknown paths are 403', async () => {
    const server = await running();
    const answer = await server.call('GET', '/v1/sys/internal/ui/mounts/secret/foo/bar');
    expect(answer.status).toBe(200);
    expect(dataOf(answer)).toMatchObject({ path: 'secret/', type: 'kv', options: { version: '2' } });
    const outside = await server.call('GET', '/v1/sys/internal/ui/mounts/nowhere');
    expect(outside.status).toBe(403);
    expect(outside.json).toEqual({
      errors: [`preflight capability check returned 403, please ensure client's policies grant access to path "nowhere/"`],
    });
    expect((await server.call('GET', '/v1/sys/internal/ui/mounts/secret', { token: null })).status).toBe(403);
    const all = await server.call('GET', '/v1/sys/internal/ui/mounts');
    expect(Object.keys(dataOf(all).secret as object)).toEqual(['secret/']);
    expect(dataOf(await server.call('GET', '/v1/sys/internal/ui/mounts', { token: null }))).toEqual({ auth: {}, secret: {} });
  });

  it('sys/mounts lists the KV v2 mount in data and at the top level (authenticated)', async () => {
    const server = await running();
    expect((await server.call('GET', '/v1/sys/mounts', { token: null })).status).toBe(403);
    const answer = await server.call('GET', '/v1/sys/mounts');
    expect(answer.status).toBe(200);
    expect(dataOf(answer)['secret/']).toMatchObject({ type: 'kv', options: { version: '2' }, description: 'key/value secret storage' });
    expect(answer.json?.['secret/']).toEqual(dataOf(answer)['secret/']);
    expect(answer.json?.request_id).toEqual(expect.any(String));
  });

  it('auth/token/lookup-self describes a root token (authenticated)', async () => {
    const server = await running();
    expect((await server.call('GET', '/v1/auth/token/lookup-self', { token: 'nope' })).status).toBe(403);
    const answer = await server.call('GET', '/v1/auth/token/lookup-self');
    expect(dataOf(answer)).toMatchObject({ policies: ['root'], display_name: 'root', ttl: 0, id: TOKEN, type: 'service' });
  });
});

describe('paths and methods', () => {
  it('answers outside /v1/ with 404 {"errors":[]} and unknown routes with OpenBao\'s texts', async () => {
    const server = await running();
    expect((await server.call('GET', '/v2/secret/data/foo')).text).toBe('{"errors":[]}\n');
    expect((await server.call('GET', '/')).status).toBe(404);
    expect((await server.call('GET', '/v1/nomount/foo')).json).toEqual({ errors: ['no handler for route "nomount/foo". route entry not found.'] });
    expect((await server.call('GET', '/v1/sys/no-such-endpoint')).json).toEqual({ errors: ['1 error occurred:\n\t* unsupported path\n\n'] });
    const root = await server.call('GET', '/v1/secret/data');
    expect(root.status).toBe(404);
    expect(root.json?.warnings).toEqual(['Non-listing operations on the root of a K/V v2 mount are not supported.']);
    const put = await server.call('POST', '/v1/secret/foo', { body: { a: 1 } });
    expect(put.json?.warnings).toEqual([
      "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the OpenBao CLI, use 'bao kv put' for this operation.",
    ]);
  });

  it('refuses writes to a path ending in / before checking the token', async () => {
    const server = await running();
    const answer = await server.call('POST', '/v1/secret/data/foo/', { body: { data: { a: 1 } }, token: null });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ errors: ["cannot write to a path ending in '/'"] });
  });

  it('refuses relative segments and bad escapes; decodes percent-escapes', async () => {
    const server = await running();
    const raw = await rawExchange(
      server.url,
      `GET /v1/secret/data/../config HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    const [dots] = parseResponses(raw);
    expect(dots?.status).toBe(400);
    expect(dots?.body).toBe('{"errors":["relative paths not supported"]}\n');
    const bad = await server.call('GET', '/v1/secret/data/a%zzb');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ errors: ['invalid URL escape "%zz"'] });
    await server.call('POST', '/v1/secret/data/a%20b%2Fc', { body: { data: { ok: true } } });
    expect(await server.store.list('a b')).toEqual(['c']);
    expect(dataOf(await server.call('GET', '/v1/secret/data/a%20b/c')).data).toEqual({ ok: true });
  });

  it('refuses a non-printable path with 400 and an empty body, writing nothing', async () => {
    const server = await running();
    const answer = await server.call('POST', '/v1/secret/data/a%E2%80%8Bb', { body: { data: { a: 1 } } });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('');
    expect(answer.headers.get('content-type')).toBeNull();
    const control = await server.call('GET', '/v1/secret/data/a%01b');
    expect(control.status).toBe(400);
    expect(await server.store.list('')).toEqual([]);
  });

  it('answers 405 {"errors":[]} for methods OpenBao does not know, including ones Node cannot parse', async () => {
    const server = await running();
    const propfind = await server.call('PROPFIND', '/v1/secret/data/foo');
    expect(propfind.status).toBe(405);
    expect(propfind.text).toBe('{"errors":[]}\n');
    const raw = await rawExchange(server.url, `FOO /v1/secret/data/foo HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${TOKEN}\r\nConnection: close\r\n\r\n`);
    expect(parseResponses(raw)[0]).toMatchObject({ status: 405, body: '{"errors":[]}\n' });
  });
});

describe('the LIST method on the wire', () => {
  it('answers LIST and then GET on the same keep-alive connection (raw socket)', async () => {
    const server = await running();
    await server.call('POST', '/v1/secret/data/a', { body: { data: { v: 1 } } });
    await server.call('POST', '/v1/secret/data/b/c', { body: { data: { v: 2 } } });
    const auth = `Host: x\r\nX-Vault-Token: ${TOKEN}\r\n`;
    const raw = await rawExchange(server.url, [
      `LIST /v1/secret/metadata HTTP/1.1\r\n${auth}\r\n`,
      `GET /v1/secret/data/a HTTP/1.1\r\n${auth}\r\n`,
      // A LIST split across two writes, then a last request that closes the connection.
      `LI`,
      `ST /v1/secret/metadata/b/ HTTP/1.1\r\n${auth}\r\n`,
      `POST /v1/secret/data/d HTTP/1.1\r\n${auth}Content-Type: application/json\r\nContent-Length: 29\r\nConnection: close\r\n\r\n{"data":{"x":"LIST / HTTP"}}\n`,
    ]);
    const responses = parseResponses(raw);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((JSON.parse(responses[0]?.body ?? '') as { data: unknown }).data).toEqual({ keys: ['a', 'b/'] });
    expect((JSON.parse(responses[1]?.body ?? '') as { data: { data: unknown } }).data.data).toEqual({ v: 1 });
    expect((JSON.parse(responses[2]?.body ?? '') as { data: unknown }).data).toEqual({ keys: ['c'] });
    expect((await server.store.read('d')).data).toEqual({ x: 'LIST / HTTP' });
  });

  it('pipelined requests in one packet are all answered in order', async () => {
    const server = await running();
    await server.call('POST', '/v1/secret/data/a', { body: { data: { v: 1 } } });
    const auth = `Host: x\r\nX-Vault-Token: ${TOKEN}\r\n`;
    const raw = await rawExchange(
      server.url,
      `GET /v1/secret/data/a HTTP/1.1\r\n${auth}\r\nLIST /v1/secret/metadata/ HTTP/1.1\r\n${auth}\r\nSCAN /v1/secret/metadata/ HTTP/1.1\r\n${auth}Connection: close\r\n\r\n`,
    );
    const responses = parseResponses(raw);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((JSON.parse(responses[1]?.body ?? '') as { data: unknown }).data).toEqual({ keys: ['a'] });
    expect((JSON.parse(responses[2]?.body ?? '') as { data: unknown }).data).toEqual({ keys: ['a'] });
  });
});

describe('request limits and bad bodies', () => {
  it('refuses a body over the limit with 413 while it is still streaming, and writes nothing', async () => {
    const server = await running();
    const total = 33 * 1024 * 1024;
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const status = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      const req = request({
        host: hostname,
        port,
        method: 'POST',
        path: '/v1/secret/data/big',
        headers: { 'X-Vault-Token': TOKEN, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          expect(body).toBe('{"errors":["http: request body too large"]}\n');
          resolve(res.statusCode ?? 0);
        });
      });
      req.on('error', reject);
      req.write('{"data":{"v":"');
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end('"}}');
      };
      pump();
    });
    expect(status).toBe(413);
    expect(await server.store.list('')).toEqual([]);
  });

  it('refuses a declared Content-Length over the limit at once (no body read)', async () => {
    const server = await running({ maxRequestBytes: 1024 });
    const raw = await rawExchange(
      server.url,
      `POST /v1/secret/data/big HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${TOKEN}\r\nContent-Length: 5000\r\n\r\n{"data":`,
    );
    expect(parseResponses(raw)[0]).toMatchObject({ status: 413, body: '{"errors":["http: request body too large"]}\n' });
    const ok = await server.call('POST', '/v1/secret/data/small', { body: { data: { v: 'x'.repeat(500) } } });
    expect(ok.status).toBe(200);
  });

  it('refuses more than 1000 JSON strings', async () => {
    const server = await running();
    const data: Record<string, string> = {};
    for (let i = 0; i < 500; i++) data[`k${i}`] = 'v';
    // 500 keys + 500 values + "data" = 1001 strings.
    const answer = await server.call('POST', '/v1/secret/data/many', { body: { data } });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ errors: ['refused JSON input due to high complexity: exceeded maximum number of strings'] });
    delete data.k0;
    expect((await server.call('POST', '/v1/secret/data/many', { body: { data } })).status).toBe(200);
  });

  it('refuses malformed JSON and non-object JSON bodies', async () => {
    const server = await running();
    const malformed = await server.call('POST', '/v1/secret/data/x', { body: '{"data": {' });
    expect(malformed.status).toBe(400);
    expect((malformed.json?.errors as string[])[0]).toMatch(/^failed to decode JSON input: /);
    const array = await server.call('POST', '/v1/secret/data/x', { body: '[1,2]' });
    expect(array.json).toEqual({
      errors: ['failed to decode JSON input: json: cannot unmarshal array into Go value of type map[string]interface {}'],
    });
    const scalar = await server.call('POST', '/v1/secret/data/x', { body: '"text"' });
    expect(scalar.json).toEqual({
      errors: ['failed to decode JSON input: json: cannot unmarshal string into Go value of type map[string]interface {}'],
    });
    expect(await server.store.list('')).toEqual([]);
  });

  it('keeps __proto__ as an ordinary key', async () => {
    const server = await running();
    const answer = await server.call('POST', '/v1/secret/data/proto', { body: '{"data":{"__proto__":{"polluted":true},"a":1}}' });
    expect(answer.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const read = await server.call('GET', '/v1/secret/data/proto');
    expect(read.text).toContain('"__proto__":{"polluted":true}');
  });
});

describe('errors from stores', () => {
  it('turns an unexpected store failure into 500 internal error, logged without secrets', async () => {
    const entries: string[] = [];
    const store = new MemoryKeyValueStore();
    store.read = () => Promise.reject(new Error('boom: secret-value-123'));
    const server = await running({ logger: (e) => entries.push(JSON.stringify(e)) }, store);
    const answer = await server.call('GET', '/v1/secret/data/foo');
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('{"errors":["internal error"]}\n');
    const logged = entries.find((e) => e.includes('internal_error'));
    expect(logged).toBeDefined();
    expect(logged).not.toContain('secret-value-123');
    expect(logged).not.toContain(TOKEN);
    // The server keeps serving.
    expect((await server.call('GET', '/v1/sys/health')).status).toBe(200);
  });

  it("passes a closed store's 503 through", async () => {
    const store = new MemoryKeyValueStore();
    const server = await running({ closeStores: false }, store);
    const { StoreUnavailableError } = await import('@kv2/core');
    store.write = () => Promise.reject(new StoreUnavailableError('the store is closed', 'store_closed'));
    const answer = await server.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ errors: ['1 error occurred:\n\t* the store is closed\n\n'] });
  });
});
