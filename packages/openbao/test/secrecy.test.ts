import { inspect } from 'node:util';
import { KvError } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import { maskToken, OpenBaoKeyValueStore, type FetchLike } from '../src/index.js';
import { errors, fakeFetch, json } from './fake-fetch.js';

const TOKEN = 'hvs.CAESIJ-very-secret-token';

function storeWith(fetch: FetchLike = fakeFetch().fetch) {
  return new OpenBaoKeyValueStore({
    baseUrl: 'http://bao.test:8200/',
    token: TOKEN,
    namespace: 'team',
    mountPoint: 'kv',
    env: {},
    fetch,
    timeout: 50,
  });
}

async function failure(promise: Promise<unknown>): Promise<KvError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!KvError.is(outcome)) throw new Error(`expected a kv2 error, got ${String(outcome)}`);
  return outcome;
}

/** Every way an error can be shown, causes included. */
function renderings(error: Error): string[] {
  const out = [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error), String(error), error.stack ?? ''];
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    out.push(cause.message, cause.stack ?? '', inspect(cause, { showHidden: true }));
  }
  return out;
}

describe('the token never shows', () => {
  const store = storeWith();

  it('util.inspect shows address, mount, namespace and a masked token', () => {
    for (const text of [inspect(store), inspect(store, { showHidden: true, depth: 10 }), inspect({ nested: [store] })]) {
      expect(text).not.toContain('CAESIJ');
      expect(text).toContain('hvs.****');
      expect(text).toContain('http://bao.test:8200');
      expect(text).toContain('kv');
      expect(text).toContain('team');
    }
  });

  it('String() and JSON.stringify show the same masked summary', () => {
    expect(String(store)).toBe('OpenBaoKeyValueStore(http://bao.test:8200, mount=kv, namespace=team, token=hvs.****)');
    expect(JSON.parse(JSON.stringify({ store })) as unknown).toEqual({
      store: { type: 'OpenBaoKeyValueStore', baseUrl: 'http://bao.test:8200', mountPoint: 'kv', namespace: 'team', token: 'hvs.****' },
    });
  });

  it('the token is not an own or enumerable property', () => {
    expect(Object.values(store)).toEqual([]);
    expect(Reflect.ownKeys(store)).toEqual([]);
  });

  it('masks tokens by their type prefix only', () => {
    expect([maskToken('hvs.abc'), maskToken('s.abc'), maskToken('root'), maskToken('verylongprefix.abc')]).toEqual([
      'hvs.****',
      's.****',
      '****',
      '****',
    ]);
  });

  it('an error body that echoes the token is redacted', async () => {
    const echo = storeWith(fakeFetch(() => errors(403, `1 error occurred:\n\t* permission denied for token ${TOKEN}\n\n`)).fetch);
    const error = await failure(echo.read('x'));
    expect(error.message).toBe('permission denied for token ****');
    for (const text of renderings(error)) expect(text).not.toContain('CAESIJ');
  });

  it('a 404 envelope echoing the token is redacted too', async () => {
    const echo = storeWith(fakeFetch(() => json(404, { errors: [`no handler for ${TOKEN}`] })).fetch);
    const error = await failure(echo.read('x'));
    for (const text of renderings(error)) expect(text).not.toContain('CAESIJ');
  });

  it('a network error whose cause chain holds the token (a custom fetch quoting its headers) is copied without it', async () => {
    const leaky: FetchLike = (_url, init) => {
      const header = new Headers(init.headers).get('x-vault-token') ?? '';
      const inner = Object.assign(new Error(`proxy refused token ${header}`), { code: 'EPROXY', request: init });
      return Promise.reject(new TypeError(`fetch failed with ${header}`, { cause: inner }));
    };
    const error = await failure(storeWith(leaky).write('x', { a: 1 }));
    expect(error.code).toBe('network_error');
    expect(error.message).toContain('fetch failed with ****');
    expect((error.cause as Error & { cause: { code: string } }).cause.code).toBe('EPROXY');
    for (const text of renderings(error)) expect(text).not.toContain('CAESIJ');
  });

  it('a thrown non-Error object (which may hold the request) is not rendered', async () => {
    const throwsObject: FetchLike = async () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a badly written fetch is what this test is about
      throw { headers: { 'X-Vault-Token': TOKEN } };
    };
    const error = await failure(storeWith(throwsObject).read('x'));
    expect(error.code).toBe('network_error');
    for (const text of renderings(error)) expect(text).not.toContain('CAESIJ');
  });

  it('a timeout names the URL, not the token', async () => {
    const error = await failure(storeWith(() => new Promise<Response>(() => {})).read('x'));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('http://bao.test:8200/v1/kv/data/x');
    for (const text of renderings(error)) expect(text).not.toContain('CAESIJ');
  });

  it('a token that cannot be sent as a header is refused without quoting it', () => {
    let thrown: unknown;
    try {
      new OpenBaoKeyValueStore({ baseUrl: 'http://h', token: 'hvs.sec ret\n', env: {} });
    } catch (error) {
      thrown = error;
    }
    expect(KvError.is(thrown)).toBe(true);
    expect(String(thrown)).not.toContain('sec ret');
    expect((thrown as KvError).message).toMatch(/token must be/);
  });
});
