import { hasKvV2Extensions, InvalidRequestError, KvError } from '@kv2/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenBaoKeyValueStore, type OpenBaoStoreOptions } from '../src/index.js';
import { fakeFetch, ok, versionWire } from './fake-fetch.js';

function construct(options: OpenBaoStoreOptions): KvError {
  try {
    new OpenBaoKeyValueStore(options);
  } catch (error) {
    if (KvError.is(error)) return error;
    throw error;
  }
  throw new Error('expected the constructor to throw');
}

/** The URL and headers of one read through a store built from `options`. */
async function firstRequest(options: OpenBaoStoreOptions) {
  const fake = fakeFetch(() => ok({ data: {}, metadata: versionWire() }));
  await new OpenBaoKeyValueStore({ ...options, fetch: fake.fetch }).read('x');
  const request = fake.requests[0];
  return { url: request?.url, token: request?.headers['x-vault-token'], namespace: request?.headers['x-vault-namespace'] };
}

describe('defaults from the environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('takes BAO_ADDR, BAO_TOKEN and BAO_NAMESPACE when the options are omitted', async () => {
    expect(await firstRequest({ env: { BAO_ADDR: 'http://bao.env:8200', BAO_TOKEN: 's.env', BAO_NAMESPACE: 'ns1' } })).toEqual({
      url: 'http://bao.env:8200/v1/secret/data/x',
      token: 's.env',
      namespace: 'ns1',
    });
  });

  it('falls back to VAULT_ADDR, VAULT_TOKEN and VAULT_NAMESPACE', async () => {
    expect(await firstRequest({ env: { VAULT_ADDR: 'http://vault.env:8200', VAULT_TOKEN: 'hvs.v', VAULT_NAMESPACE: 'ns2' } })).toEqual({
      url: 'http://vault.env:8200/v1/secret/data/x',
      token: 'hvs.v',
      namespace: 'ns2',
    });
  });

  it('prefers BAO_* over VAULT_*, and ignores empty variables', async () => {
    const env = {
      BAO_ADDR: 'http://bao.env',
      VAULT_ADDR: 'http://vault.env',
      BAO_TOKEN: '',
      VAULT_TOKEN: 'vt',
      BAO_NAMESPACE: 'b',
      VAULT_NAMESPACE: 'v',
    };
    expect(await firstRequest({ env })).toEqual({ url: 'http://bao.env/v1/secret/data/x', token: 'vt', namespace: 'b' });
  });

  it('lets explicit options win over the environment', async () => {
    const env = { BAO_ADDR: 'http://bao.env', BAO_TOKEN: 'envtoken', BAO_NAMESPACE: 'envns' };
    expect(await firstRequest({ env, baseUrl: 'http://explicit', token: 'opt', namespace: 'optns' })).toEqual({
      url: 'http://explicit/v1/secret/data/x',
      token: 'opt',
      namespace: 'optns',
    });
  });

  it('reads process.env when no env option is given', async () => {
    vi.stubEnv('BAO_ADDR', 'http://process.env.test');
    vi.stubEnv('BAO_TOKEN', 'proc');
    vi.stubEnv('BAO_NAMESPACE', '');
    vi.stubEnv('VAULT_NAMESPACE', '');
    expect(await firstRequest({})).toEqual({ url: 'http://process.env.test/v1/secret/data/x', token: 'proc', namespace: undefined });
  });

  it('without an address anywhere → InvalidRequestError naming baseUrl and BAO_ADDR', () => {
    const error = construct({ env: { BAO_TOKEN: 't' } });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.code).toBe('invalid_parameter');
    expect(error.message).toMatch(/baseUrl.*BAO_ADDR.*VAULT_ADDR/);
  });

  it('without a token anywhere → InvalidRequestError naming token and BAO_TOKEN', () => {
    const error = construct({ env: { BAO_ADDR: 'http://x' } });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toMatch(/token.*BAO_TOKEN.*VAULT_TOKEN/);
  });
});

describe('option checks', () => {
  const base = { token: 't', env: {} };
  it.each([
    [{ ...base, baseUrl: 'not a url' }, /absolute http\(s\) URL/],
    [{ ...base, baseUrl: 'ftp://host' }, /http or https/],
    [{ ...base, baseUrl: 'http://user:pw@host' }, /credentials/],
    [{ ...base, baseUrl: 'http://host?x=1' }, /query or fragment/],
    [{ ...base, baseUrl: 'http://host', mountPoint: '/' }, /mountPoint/],
    [{ ...base, baseUrl: 'http://host', mountPoint: 'a/../b' }, /mountPoint/],
    [{ ...base, baseUrl: 'http://host', timeout: 0 }, /timeout/],
    [{ ...base, baseUrl: 'http://host', timeout: Number.NaN }, /timeout/],
    [{ ...base, baseUrl: 'http://host', namespace: 'a b' }, /namespace/],
  ] as Array<[OpenBaoStoreOptions, RegExp]>)('%j is refused', (options, message) => {
    const error = construct(options);
    expect(error).toMatchObject({ name: 'InvalidRequestError', code: 'invalid_parameter' });
    expect(error.message).toMatch(message);
  });
});

describe('capabilities', () => {
  it('declares the extensions and mount config, but no controllable clock', () => {
    const store = new OpenBaoKeyValueStore({ baseUrl: 'http://h', token: 't', env: {} });
    expect(store.capabilities).toEqual({ extensions: true, mountConfig: true, controllableClock: false });
    expect(hasKvV2Extensions(store)).toBe(true);
  });

  it('allowMountConfig: false withdraws mountConfig', () => {
    const store = new OpenBaoKeyValueStore({ baseUrl: 'http://h', token: 't', env: {}, allowMountConfig: false });
    expect(store.capabilities.mountConfig).toBe(false);
  });

  it('the capabilities option overrides the declaration (for tests whose server runs on the test clock)', () => {
    const store = new OpenBaoKeyValueStore({ baseUrl: 'http://h', token: 't', env: {}, capabilities: { controllableClock: true } });
    expect(store.capabilities).toEqual({ extensions: true, mountConfig: true, controllableClock: true });
  });
});
