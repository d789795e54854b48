import {
  CheckAndSetError,
  KvError,
  PermissionDeniedError,
  ServerError,
  StoreUnavailableError,
  TransportError,
  type BaseKeyValueStore,
  type KvErrorCode,
} from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { createServer, type HttpFaultRule, type KvServer } from '@kv2/server';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenBaoKeyValueStore } from '../src/index.js';

// The OpenBao adapter against `kv2 server` with injected faults: each HTTP fault becomes the kv2
// error a real OpenBao answer would.

const TOKEN = 'root-faults';
let server: KvServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function started(rules: readonly HttpFaultRule[] = [], sealed = false): Promise<{ store: OpenBaoKeyValueStore; url: string }> {
  server = createServer({ store: new MemoryKeyValueStore(), token: TOKEN, faults: { rules, sealed } });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  return { store: new OpenBaoKeyValueStore({ baseUrl: url, token: TOKEN, env: {}, timeout: 2000 }), url };
}

async function failure(promise: Promise<unknown>): Promise<KvError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!KvError.is(outcome)) throw new Error(`expected a kv2 error, got ${String(outcome)}`);
  return outcome;
}

describe('OpenBaoKeyValueStore against injected HTTP faults', () => {
  const cases: Array<[string, HttpFaultRule, new (...args: never[]) => KvError, KvErrorCode, number]> = [
    ['500', { status: 500, errors: ['internal error'] }, ServerError, 'server_error', 500],
    ['503', { status: 503, errors: ['upstream unavailable'] }, ServerError, 'server_error', 503],
    ['403', { status: 403, errors: ['permission denied'] }, PermissionDeniedError, 'permission_denied', 403],
    ['400 CAS', { status: 400, errors: ['check-and-set parameter did not match the current version'] }, CheckAndSetError, 'cas_mismatch', 400],
  ];
  for (const [name, rule, type, code, status] of cases) {
    it(`maps ${name} to ${type.name} (${code})`, async () => {
      const { store } = await started([{ path: 'secret/data/**', ...rule }]);
      const error = await failure(store.write('k', { v: 1 }, { cas: 0 }));
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ code, status });
    });
  }

  it('maps a dropped connection to TransportError network_error', async () => {
    const { store } = await started([{ path: 'secret/data/k', drop: true }]);
    const error = await failure(store.read('k'));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('network_error');
  });

  it('maps latency beyond the client timeout to TransportError timeout', async () => {
    server = createServer({ store: new MemoryKeyValueStore(), token: TOKEN, faults: { rules: [{ path: 'secret/data/k', latencyMs: 400 }] } });
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
    const store = new OpenBaoKeyValueStore({ baseUrl: url, token: TOKEN, env: {}, timeout: 100 });
    const error = await failure(store.read('k'));
    expect(error).toMatchObject({ code: 'timeout', status: 504 });
  });

  it('maps a sealed server to ServerError 503 "Vault is sealed"', async () => {
    const { store } = await started([], true);
    const error = await failure(store.read('k'));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, errors: ['Vault is sealed'] });
  });
});

/** Reads a secret, retrying what a retry can fix (unavailable, timeouts, 5xx). */
async function readSecretWithRetry(store: BaseKeyValueStore, path: string, attempts = 3): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await store.read(path)).data;
    } catch (error) {
      const retryable = StoreUnavailableError.is(error) || TransportError.is(error) || (ServerError.is(error) && error.status >= 500);
      if (!retryable || attempt >= attempts) throw error;
    }
  }
}

describe('readSecretWithRetry against kv2 server faults (an application tested over HTTP)', () => {
  it('survives a dropped connection and a 503, then reads the secret', async () => {
    const { store, url } = await started();
    await store.write('app/db', { password: 'p' });
    const headers = { 'X-Vault-Token': TOKEN, 'Content-Type': 'application/json' };
    for (const rule of [
      { path: 'secret/data/app/db', operations: ['read'], drop: true, times: 1 },
      { path: 'secret/data/app/db', operations: ['read'], status: 503, times: 1 },
    ]) {
      expect((await fetch(`${url}/v1/sys/kv2/faults`, { method: 'POST', headers, body: JSON.stringify(rule) })).status).toBe(200);
    }
    expect(await readSecretWithRetry(store, 'app/db')).toEqual({ password: 'p' });
    const listed = (await (await fetch(`${url}/v1/sys/kv2/faults`, { headers })).json()) as { data: { rules: Array<{ hits: number }> } };
    expect(listed.data.rules.map((rule) => rule.hits)).toEqual([1, 1]);
  });

  it('stops at a refused token', async () => {
    const { store } = await started([{ path: 'secret/**', status: 403, errors: ['permission denied'] }]);
    await expect(readSecretWithRetry(store, 'app/db')).rejects.toThrow(PermissionDeniedError);
  });
});
