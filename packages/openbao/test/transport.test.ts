import { createServer } from 'node:net';
import { KvError, TransportError } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import { OpenBaoKeyValueStore, type FetchLike } from '../src/index.js';

const TOKEN = 'hvs.transport-secret';

function storeWith(fetch: FetchLike, timeout = 50, baseUrl = 'http://bao.test:8200') {
  return new OpenBaoKeyValueStore({ baseUrl, token: TOKEN, env: {}, fetch, timeout });
}

async function failure(promise: Promise<unknown>): Promise<KvError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!KvError.is(outcome)) throw new Error(`expected a kv2 error, got ${String(outcome)}`);
  return outcome;
}

describe('timeouts', () => {
  it('a fetch that never answers (and ignores its signal) → TransportError timeout naming the URL', async () => {
    const store = storeWith(() => new Promise<Response>(() => {}));
    const error = await failure(store.read('app/db'));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'timeout', status: 504 });
    expect(error.message).toBe('timeout: no answer within 50 ms from GET http://bao.test:8200/v1/secret/data/app/db');
  });

  it('aborts the signal it gave to fetch', async () => {
    let signal: AbortSignal | undefined;
    const store = storeWith((_url, init) => {
      signal = init.signal ?? undefined;
      return new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    expect(await failure(store.list(''))).toMatchObject({ code: 'timeout' });
    expect(signal?.aborted).toBe(true);
  });

  it('a body that never ends counts against the same timeout', async () => {
    const store = storeWith(async () => new Response(new ReadableStream({ start() {} }), { status: 200 }));
    expect(await failure(store.readConfig())).toMatchObject({ code: 'timeout' });
  });
});

describe('network failures', () => {
  it('a rejected fetch → TransportError network_error with the cause summarised and copied', async () => {
    const store = storeWith(() =>
      Promise.reject(
        new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8200'), { code: 'ECONNREFUSED' }) }),
      ),
    );
    const error = await failure(store.write('x', { a: 1 }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'network_error', status: 502 });
    expect(error.message).toBe('network error: POST http://bao.test:8200/v1/secret/data/x failed: fetch failed (connect ECONNREFUSED 10.0.0.1:8200)');
    const cause = error.cause as Error & { cause: Error & { code?: string } };
    expect([cause.name, cause.message, cause.cause.message, cause.cause.code]).toEqual([
      'TypeError',
      'fetch failed',
      'connect ECONNREFUSED 10.0.0.1:8200',
      'ECONNREFUSED',
    ]);
  });

  it('a fetch that throws synchronously → network_error', async () => {
    const store = storeWith(() => {
      throw new Error('boom');
    });
    expect(await failure(store.deleteLatest('x'))).toMatchObject({ code: 'network_error' });
  });

  it('the platform fetch against a closed loopback port → network_error', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const store = new OpenBaoKeyValueStore({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, env: {}, timeout: 5000 });
    const error = await failure(store.read('x'));
    expect(error).toMatchObject({ code: 'network_error' });
    expect(error.message).toContain(`GET http://127.0.0.1:${port}/v1/secret/data/x`);
  });
});
