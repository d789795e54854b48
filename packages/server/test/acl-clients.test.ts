import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionDeniedError, SecretNotFoundError, type BaseKeyValueStore } from '@kv2/core';
import { OpenBaoKeyValueStore } from '@kv2/openbao';
import vault from 'node-vault';
import { afterEach, describe, expect, it } from 'vitest';
import { fileAuthStorage } from '../src/index.js';
import { start, TOKEN, type Running } from './helpers.js';

const LIMITED = `path "secret/data/ro/*" {
  capabilities = ["read"]
}
path "secret/data/rw/*" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}
path "secret/metadata/rw/*" {
  capabilities = ["list", "read", "delete"]
}
path "secret/subkeys/rw/*" {
  capabilities = ["read"]
}
path "secret/undelete/rw/*" {
  capabilities = ["update"]
}
`;

let running: Running | undefined;
const folders: string[] = [];
afterEach(async () => {
  await running?.server.close();
  running = undefined;
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function limitedToken(s: Running, policy: string): Promise<string> {
  expect((await s.call('PUT', '/v1/sys/policies/acl/limited', { body: { policy } })).status).toBe(204);
  const created = await s.call('POST', '/v1/auth/token/create', { body: { policies: ['limited'] } });
  return (created.json?.auth as { client_token: string }).client_token;
}

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    if (PermissionDeniedError.is(error)) return 'denied';
    if (SecretNotFoundError.is(error)) return 'missing';
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

describe('OpenBaoKeyValueStore with a limited token', () => {
  it('gets PermissionDeniedError exactly where the policy denies', async () => {
    running = await start();
    const s = running;
    const token = await limitedToken(s, LIMITED);
    const root = new OpenBaoKeyValueStore({ baseUrl: s.url, token: TOKEN, env: {} });
    await root.write('ro/k', { a: 1 });
    await root.write('rw/k', { a: 1 });
    const store = new OpenBaoKeyValueStore({ baseUrl: s.url, token, env: {} });
    const calls: Array<[string, (st: BaseKeyValueStore) => Promise<unknown>, string]> = [
      ['read ro/k', (st) => st.read('ro/k'), 'ok'],
      ['read ro/missing', (st) => st.read('ro/missing'), 'missing'],
      ['write ro/k', (st) => st.write('ro/k', { a: 2 }), 'denied'],
      ['write rw/new (create)', (st) => st.write('rw/new', { a: 1 }), 'ok'],
      ['write rw/k (update)', (st) => st.write('rw/k', { a: 2 }), 'ok'],
      ['patch rw/k', (st) => st.patch('rw/k', { b: 1 }), 'ok'],
      ['patch ro/k', (st) => st.patch('ro/k', { b: 1 }), 'denied'],
      ['read other', (st) => st.read('other'), 'denied'],
      ['list rw/', (st) => st.list('rw/'), 'ok'],
      ['list root', (st) => st.list(''), 'denied'],
      ['list ro/', (st) => st.list('ro/'), 'denied'],
      ['readMetadata rw/k', (st) => st.readMetadata('rw/k'), 'ok'],
      ['readMetadata ro/k', (st) => st.readMetadata('ro/k'), 'denied'],
      ['writeMetadata rw/k', (st) => st.writeMetadata('rw/k', { maxVersions: 3 }), 'denied'],
      ['subkeys rw/k', (st) => st.subkeys('rw/k'), 'ok'],
      ['delete versions rw/k', (st) => st.delete('rw/k', { versions: [1] }), 'denied'],
      ['undelete rw/k', (st) => st.undelete('rw/k', { versions: [1] }), 'ok'],
      ['destroy rw/k', (st) => st.destroy('rw/k', { versions: [1] }), 'denied'],
      ['deleteLatest rw/k', (st) => st.deleteLatest('rw/k'), 'ok'],
      ['readConfig', (st) => st.readConfig(), 'denied'],
      ['writeConfig', (st) => st.writeConfig({ maxVersions: 5 }), 'denied'],
      ['deleteMetadata rw/k', (st) => st.deleteMetadata('rw/k'), 'ok'],
    ];
    const got: Record<string, string> = {};
    for (const [name, call] of calls) got[name] = await outcome(() => call(store));
    expect(got).toEqual(Object.fromEntries(calls.map(([name, , expected]) => [name, expected])));
    await store.close();
    await root.close();
  });
});

describe('node-vault with a non-root token', () => {
  it('reads and writes where allowed and gets 403 elsewhere', async () => {
    running = await start();
    const s = running;
    const token = await limitedToken(s, LIMITED);
    const client = vault({ apiVersion: 'v1', endpoint: s.url, token });
    await client.write('secret/data/rw/db', { data: { user: 'u' } });
    expect(((await client.read('secret/data/rw/db')) as { data: { data: unknown } }).data.data).toEqual({ user: 'u' });
    await expect(client.write('secret/data/ro/db', { data: { user: 'u' } })).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(client.read('secret/data/elsewhere')).rejects.toThrow('permission denied');
    const self = (await client.tokenLookupSelf()) as { data: { policies: string[] } };
    expect(self.data.policies).toEqual(['default', 'limited']);
  });
});

describe('persistence of policies and tokens', () => {
  async function folder(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'kv2-auth-'));
    folders.push(dir);
    return dir;
  }

  it('survives a restart; tokens are stored hashed', async () => {
    const file = join(await folder(), 'auth.json');
    running = await start({ authStorage: fileAuthStorage({ file }), closeStores: false });
    const token = await limitedToken(running, LIMITED);
    await running.call('POST', '/v1/secret/data/rw/k', { body: { data: { a: 1 } } });
    const store = running.store;
    await running.server.close();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain('secret/data/rw/*');

    running = await start({ authStorage: fileAuthStorage({ file }), closeStores: false }, store);
    expect((await running.call('GET', '/v1/secret/data/rw/k', { token })).status).toBe(200);
    expect((await running.call('GET', '/v1/secret/data/ro/k', { token })).status).toBe(404);
    expect((await running.call('POST', '/v1/secret/data/ro/k', { body: { data: { a: 1 } }, token })).status).toBe(403);
    expect((await running.call('GET', '/v1/sys/policies/acl/limited')).json?.data).toMatchObject({ name: 'limited', version: 1 });
    // Revocation is persisted too.
    expect((await running.call('PUT', '/v1/auth/token/revoke', { body: { token } })).status).toBe(204);
    await running.server.close();
    running = await start({ authStorage: fileAuthStorage({ file }) });
    expect((await running.call('GET', '/v1/auth/token/lookup-self', { token })).status).toBe(403);
  });

  it('is encrypted when a key or passphrase is given; a wrong one is refused at start', async () => {
    const file = join(await folder(), 'auth.json');
    const encryption = { passphrase: 'correct horse' };
    running = await start({ authStorage: fileAuthStorage({ file, encryption }) });
    const token = await limitedToken(running, LIMITED);
    await running.server.close();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('secret/data/rw');
    expect(text).not.toContain(token);

    running = await start({ authStorage: fileAuthStorage({ file, encryption }) });
    expect((await running.call('GET', '/v1/auth/token/lookup-self', { token })).status).toBe(200);
    await running.server.close();
    running = undefined;
    await expect(start({ authStorage: fileAuthStorage({ file, encryption: { passphrase: 'wrong' } }) })).rejects.toThrow(
      /cannot decrypt the auth file/,
    );
    await expect(start({ authStorage: fileAuthStorage({ file }) })).rejects.toThrow(/is encrypted/);

    const keyed = join(await folder(), 'auth.json');
    const key = new Uint8Array(32).fill(7);
    running = await start({ authStorage: fileAuthStorage({ file: keyed, encryption: { key } }) });
    await limitedToken(running, LIMITED);
    await running.server.close();
    running = await start({ authStorage: fileAuthStorage({ file: keyed, encryption: { key } }) });
    expect((await running.call('GET', '/v1/sys/policies/acl/limited')).status).toBe(200);
  });
});
