import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OpenBaoClient } from '../src/index.js';
import { errors, fakeFetch, json, noContent } from './fake-fetch.js';

const TOKEN = 'hvs.client-secret-token';

describe('OpenBaoClient', () => {
  it('sends to any API path, each segment percent-encoded, with the token, namespace, JSON body and query', async () => {
    const fake = fakeFetch(() => json(200, { data: { keys: ['a'] } }));
    const client = new OpenBaoClient({ baseUrl: 'http://bao.test:8200/', token: TOKEN, namespace: 'team', env: {}, fetch: fake.fetch });
    expect(await client.request('PUT', 'sys/policies/acl/a b?', { body: { policy: 'x' } })).toEqual({
      status: 200,
      body: { data: { keys: ['a'] } },
      location: undefined,
    });
    await client.request('GET', 'sys/policies/acl', { query: { list: 'true' } });
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT http://bao.test:8200/v1/sys/policies/acl/a%20b%3F',
      'GET http://bao.test:8200/v1/sys/policies/acl?list=true',
    ]);
    expect(fake.requests[0]).toMatchObject({
      headers: { 'x-vault-token': TOKEN, 'x-vault-namespace': 'team', 'x-vault-request': 'true' },
      body: { policy: 'x' },
      redirect: 'manual',
    });
  });

  it('answers every status; an empty or non-object body is undefined; the token is cut out of error bodies', async () => {
    const answers = [noContent(), errors(403, `token ${TOKEN} denied`), new Response('[1]', { status: 200 }), new Response('nope', { status: 500 })];
    const fake = fakeFetch(() => answers.shift() as Response);
    const client = new OpenBaoClient({ baseUrl: 'http://bao.test', token: TOKEN, env: {}, fetch: fake.fetch });
    expect(await client.request('DELETE', 'sys/mounts/x')).toMatchObject({ status: 204, body: undefined });
    expect(await client.request('GET', 'sys/x')).toMatchObject({ status: 403, body: { errors: ['token **** denied'] } });
    expect(await client.request('GET', 'sys/x')).toMatchObject({ status: 200, body: undefined });
    expect(await client.request('GET', 'sys/x')).toMatchObject({ status: 500, body: undefined });
  });

  it('reads BAO_* from env, refuses bad options with invalid_parameter, and never shows the token', () => {
    expect(new OpenBaoClient({ env: { BAO_ADDR: 'http://bao.test:8200', BAO_TOKEN: TOKEN } }).address).toBe('http://bao.test:8200');
    expect(() => new OpenBaoClient({ env: { BAO_ADDR: 'http://user:pw@bao.test', BAO_TOKEN: TOKEN } })).toThrow(/must not contain credentials/);
    expect(() => new OpenBaoClient({ env: { BAO_TOKEN: TOKEN } })).toThrow(expect.objectContaining({ code: 'invalid_parameter' }) as unknown);
    const shown = new OpenBaoClient({ baseUrl: 'http://bao.test', token: TOKEN, env: {} });
    for (const text of [String(shown), inspect(shown), JSON.stringify(shown)]) {
      expect(text).toContain('hvs.****');
      expect(text).not.toContain(TOKEN);
    }
    expect(shown.address).toBe('http://bao.test');
    expect(shown.sendsToken(TOKEN)).toBe(true);
    expect(shown.sendsToken('other')).toBe(false);
  });

  it('a request that gets no answer throws TransportError with the address, never the token', async () => {
    const client = new OpenBaoClient({
      baseUrl: 'http://bao.test',
      token: TOKEN,
      env: {},
      fetch: () => Promise.reject(new Error(`connect refused for ${TOKEN}`)),
    });
    const failure = (await client.request('GET', 'sys/mounts').then(
      () => new Error('no failure'),
      (error: unknown) => error,
    )) as Error;
    expect(failure).toMatchObject({ name: 'TransportError', code: 'network_error' });
    expect(failure.message).toContain('GET http://bao.test/v1/sys/mounts');
    expect(failure.message).not.toContain(TOKEN);
  });

  it("a short dev token such as root is not cut out of the server's messages (it is no secret, and would garble them)", async () => {
    const fake = fakeFetch(() => errors(400, 'cannot delete "root" policy'));
    const client = new OpenBaoClient({ baseUrl: 'http://bao.test', token: 'root', env: {}, fetch: fake.fetch });
    expect(await client.request('DELETE', '/sys/policies/acl/root')).toMatchObject({ body: { errors: ['cannot delete "root" policy'] } });
    expect(fake.requests[0]?.url).toBe('http://bao.test/v1/sys/policies/acl/root');
  });
});
