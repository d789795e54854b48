import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  CheckAndSetError,
  FaultInjector,
  faultErrors,
  InvalidRequestError,
  PermissionDeniedError,
  SecretNotFoundError,
  ServerError,
  STORE_OPERATION_NAMES,
  StoreUnavailableError,
  TransportError,
  type BaseKeyValueStore,
} from '@kv2/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileKeyValueStore, MemoryKeyValueStore } from '../src/index.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('FaultInjector', () => {
  it('forwards every call unchanged while no rule is set, with the wrapped store’s capabilities', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    expect(store.capabilities).toEqual(store.inner.capabilities);
    expect(await store.write('app/db', { password: 'p1' })).toMatchObject({ version: 1 });
    expect(await store.patch('app/db', { user: 'u' })).toMatchObject({ version: 2 });
    expect((await store.read('app/db')).data).toEqual({ password: 'p1', user: 'u' });
    expect(await store.list('')).toEqual(['app/']);
    expect((await store.subkeys('app/db', { depth: 1 })).subkeys).toEqual({ password: null, user: null });
    await store.delete('app/db', { versions: [1] });
    await store.undelete('app/db', { versions: [1] });
    await store.destroy('app/db', { versions: [1] });
    expect((await store.readMetadata('app/db')).versions[1]?.destroyed).toBe(true);
    await store.writeMetadata('app/db', { maxVersions: 4 });
    await store.patchMetadata('app/db', { customMetadata: { team: 'a' } });
    await store.deleteLatest('app/db');
    await store.writeConfig({ maxVersions: 7 });
    expect((await store.readConfig()).maxVersions).toBe(7);
    await store.deleteMetadata('app/db');
    await expect(store.inner.read('app/db')).rejects.toThrow(SecretNotFoundError);
    // Every operation of the table went through the wrapper and was logged.
    expect(new Set(store.calls.map((call) => call.operation))).toEqual(new Set(STORE_OPERATION_NAMES));
    expect(store.calls.every((call) => call.outcome === 'ok')).toBe(true);
  });

  it('fails the chosen operation on matching paths only, and a failed write changes nothing', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    await store.write('app/db', { password: 'p1' });
    store.inject({ operation: 'write', path: 'app/*', error: faultErrors.unavailable });
    const before = await store.inner.readMetadata('app/db');
    await expect(store.write('app/db', { password: 'p2' })).rejects.toThrow(StoreUnavailableError);
    expect(await store.inner.readMetadata('app/db')).toEqual(before);
    expect((await store.read('app/db')).data).toEqual({ password: 'p1' });
    // Another path, a deeper path (one `*` is one segment) and another operation pass.
    await expect(store.write('other', { a: 1 })).resolves.toMatchObject({ version: 1 });
    await expect(store.write('app/x/y', { a: 1 })).resolves.toMatchObject({ version: 1 });
    await expect(store.patch('app/db', { a: 1 })).resolves.toMatchObject({ version: 2 });
  });

  it('acts once, N times or always, optionally after letting some calls through', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    await store.write('k', { v: 1 });
    const twice = store.inject({ operation: 'read', times: 2, error: faultErrors.timeout });
    await expect(store.read('k')).rejects.toMatchObject({ code: 'timeout', status: 504 });
    expect(twice.remaining).toBe(1);
    await expect(store.read('k')).rejects.toThrow(TransportError);
    await expect(store.read('k')).resolves.toMatchObject({ data: { v: 1 } });
    expect(twice.hits).toBe(2);
    expect(twice.remaining).toBe(0);

    const third = store.inject({ operation: 'read', after: 2, times: 1, error: faultErrors.permissionDenied });
    await store.read('k');
    await store.read('k');
    await expect(store.read('k')).rejects.toThrow(PermissionDeniedError);
    await store.read('k');
    expect(third.hits).toBe(1);

    const always = store.inject({ operation: ['list', 'readConfig'], error: faultErrors.sealed });
    for (let i = 0; i < 5; i += 1) await expect(store.list('')).rejects.toMatchObject({ status: 503, errors: ['Vault is sealed'] });
    await expect(store.readConfig()).rejects.toThrow(ServerError);
    store.inject({ operation: 'subkeys', times: 1, error: faultErrors.serviceUnavailable });
    store.inject({ operation: 'subkeys', times: 1, error: () => new ServerError(429, ['rate limited']) });
    await expect(store.subkeys('k')).rejects.toMatchObject({ status: 503, errors: [] });
    await expect(store.subkeys('k')).rejects.toMatchObject({ status: 429, message: 'rate limited' });
    expect(always.remaining).toBe(Infinity);
    always.remove();
    await expect(store.list('')).resolves.toEqual(['k']);
  });

  it('matches globs with ** and ?, and RegExps (a global RegExp keeps no state between calls)', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    store.inject({ path: 'team/**', error: faultErrors.permissionDenied });
    store.inject({ path: 'v?', error: faultErrors.internalError });
    store.inject({ path: /^re-\d+$/g, error: faultErrors.networkError });
    await expect(store.write('team/a/b/c', { a: 1 })).rejects.toThrow(PermissionDeniedError);
    await expect(store.write('v1', { a: 1 })).rejects.toMatchObject({ status: 500, code: 'server_error' });
    await expect(store.write('v10', { a: 1 })).resolves.toMatchObject({ version: 1 });
    await expect(store.write('re-1', { a: 1 })).rejects.toMatchObject({ code: 'network_error' });
    await expect(store.write('re-1', { a: 1 })).rejects.toMatchObject({ code: 'network_error' });
    await expect(store.write('re-x', { a: 1 })).resolves.toMatchObject({ version: 1 });
    // A glob's dots are literal.
    store.clear();
    store.inject({ path: 'a.b', error: faultErrors.unavailable });
    await expect(store.write('axb', { a: 1 })).resolves.toMatchObject({ version: 1 });
    await expect(store.write('a.b', { a: 1 })).rejects.toThrow(StoreUnavailableError);
  });

  it('loses a CAS race on demand, as if another writer had won, without writing', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    await store.write('k', { v: 1 });
    store.inject({ operation: ['write', 'patch'], times: 1, error: faultErrors.casConflict });
    const error = await store.write('k', { v: 2 }, { cas: 1 }).catch((e: unknown) => e);
    expect(CheckAndSetError.is(error) && error.code).toBe('cas_mismatch');
    expect((await store.inner.readMetadata('k')).currentVersion).toBe(1);
    await expect(store.write('k', { v: 2 }, { cas: 1 })).resolves.toMatchObject({ version: 2 });
  });

  it('adds latency before answering, then forwards (or fails)', async () => {
    vi.useFakeTimers();
    const store = new FaultInjector(new MemoryKeyValueStore());
    await store.write('k', { v: 1 });
    store.inject({ operation: 'read', latencyMs: 250, times: 1 });
    let settled = false;
    const pending = store.read('k').then((secret) => {
      settled = true;
      return secret;
    });
    await vi.advanceTimersByTimeAsync(249);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).data).toEqual({ v: 1 });

    store.inject({ operation: 'write', latencyMs: 100, error: faultErrors.timeout });
    const failing = store.write('k', { v: 2 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await failing).toBeInstanceOf(TransportError);
    expect((await store.inner.readMetadata('k')).currentVersion).toBe(1);
  });

  it('logs operation, path, options and outcome, never secret data unless asked', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    store.inject({ operation: 'read', times: 1, error: faultErrors.unavailable });
    await store.write('app/db', { password: 'hunter2' }, { cas: 0 });
    await store.read('app/db', { version: 1 }).catch(() => undefined);
    await store.read('nope').catch(() => undefined);
    await store.delete('app/db', { versions: new Set([1]) });
    await store.readConfig();
    // Refused before the store is reached: not a call.
    await expect(store.read('a/../b')).rejects.toThrow(InvalidRequestError);
    expect(store.calls).toEqual([
      { operation: 'write', path: 'app/db', options: { cas: 0 }, outcome: 'ok' },
      { operation: 'read', path: 'app/db', options: { version: 1 }, outcome: 'fault', errorCode: 'store_inaccessible' },
      { operation: 'read', path: 'nope', options: {}, outcome: 'error', errorCode: 'secret_not_found' },
      { operation: 'delete', path: 'app/db', options: { versions: [1] }, outcome: 'ok' },
      { operation: 'readConfig', options: {}, outcome: 'ok' },
    ]);
    expect(JSON.stringify(store.calls)).not.toContain('hunter2');
    expect(inspect(store, { depth: 10 })).not.toContain('hunter2');
    store.clearCalls();
    expect(store.calls).toEqual([]);

    const recording = new FaultInjector(new MemoryKeyValueStore(), { recordValues: true });
    await recording.write('k', { password: 'hunter2' });
    expect(recording.calls[0]?.options).toEqual({ data: { password: 'hunter2' } });
  });

  it('refuses malformed rules with a typed error and adds nothing', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    const bad: unknown[] = [
      { operation: 'reed', error: faultErrors.unavailable },
      { times: 0, error: faultErrors.unavailable },
      { times: 1.5, error: faultErrors.unavailable },
      { after: -1, error: faultErrors.unavailable },
      { latencyMs: -5 },
      { latencyMs: Number.NaN },
      {},
      { error: new Error('not a kv2 error') },
      { path: 42, error: faultErrors.unavailable },
    ];
    for (const rule of bad) {
      expect(() => store.inject(rule as never)).toThrow(InvalidRequestError);
    }
    await store.write('k', { v: 1 });
    await expect(store.read('k')).resolves.toMatchObject({ data: { v: 1 } });
  });

  it('wraps a FileKeyValueStore: a faulted write leaves the file store unchanged', async () => {
    const dir = await makeTempDir();
    try {
      const store = new FaultInjector(new FileKeyValueStore({ file: join(dir, 'store.json') }));
      await store.write('k', { v: 1 });
      store.inject({ operation: 'write', error: faultErrors.unavailable });
      await expect(store.write('k', { v: 2 })).rejects.toThrow(StoreUnavailableError);
      store.clear();
      await store.close();
      const reopened = new FileKeyValueStore({ file: join(dir, 'store.json') });
      expect((await reopened.read('k')).data).toEqual({ v: 1 });
      await reopened.close();
    } finally {
      await removeTempDir(dir);
    }
  });
});

// An application-style example: the kind of code an application has, tested against faults.

/** Reads a secret, retrying what a retry can fix (unavailable, timeouts, 5xx) with a fixed pause. */
async function readSecretWithRetry(store: BaseKeyValueStore, path: string, attempts = 3, pauseMs = 10): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await store.read(path)).data;
    } catch (error) {
      const retryable = StoreUnavailableError.is(error) || TransportError.is(error) || (ServerError.is(error) && error.status >= 500);
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

describe('readSecretWithRetry (an application tested against injected faults)', () => {
  it('succeeds after two transient failures', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    await store.inner.write('app/db', { password: 'p' });
    store.inject({ operation: 'read', path: 'app/db', times: 2, error: faultErrors.unavailable });
    expect(await readSecretWithRetry(store, 'app/db')).toEqual({ password: 'p' });
    expect(store.calls.map((call) => call.outcome)).toEqual(['fault', 'fault', 'ok']);
  });

  it('gives up after the last attempt with the last error', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    await store.inner.write('app/db', { password: 'p' });
    store.inject({ operation: 'read', error: faultErrors.sealed });
    await expect(readSecretWithRetry(store, 'app/db')).rejects.toMatchObject({ status: 503, errors: ['Vault is sealed'] });
    expect(store.calls).toHaveLength(3);
  });

  it('does not retry a refused token', async () => {
    const store = new FaultInjector(new MemoryKeyValueStore());
    store.inject({ operation: 'read', error: faultErrors.permissionDenied });
    await expect(readSecretWithRetry(store, 'app/db')).rejects.toThrow(PermissionDeniedError);
    expect(store.calls).toHaveLength(1);
  });
});
