// sys/mounts/<path> (enable, read, disable), sys/mounts/<path>/tune, sys/remount and the mount
// table's effect on routing, against OpenBao's shapes, statuses and messages
// (vault/logical_system.go, vault/mount.go).
import type { BaseKeyValueStore } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { afterEach, describe, expect, it } from 'vitest';
import type { MountRecord, MountTableChange, MountTableHandler } from '../src/index.js';
import { dataOf, start, type Running } from './helpers.js';

interface Recorder extends MountTableHandler {
  saved: Array<{ paths: string[]; change: MountTableChange['kind'] }>;
  opened: string[];
  destroyed: string[];
  /** `closed <path>` and `destroyed <path>`, in order. */
  events: string[];
  stores: Map<string, BaseKeyValueStore>;
}

function recorder(options: { failOpen?: boolean; failSave?: boolean } = {}): Recorder {
  const handler: Recorder = {
    saved: [],
    opened: [],
    destroyed: [],
    events: [],
    stores: new Map(),
    open(record: MountRecord) {
      if (options.failOpen === true) throw new Error('disk full');
      handler.opened.push(record.path);
      const store = new MemoryKeyValueStore();
      const close = store.close.bind(store);
      store.close = () => {
        handler.events.push(`closed ${record.path}`);
        return close();
      };
      handler.stores.set(record.path, store);
      return store;
    },
    async save(table, change) {
      if (options.failSave === true) throw new Error('disk full');
      handler.saved.push({ paths: table.map((r) => r.path), change: change.kind });
    },
    async destroy(record) {
      handler.destroyed.push(record.path);
      handler.events.push(`destroyed ${record.path}`);
    },
  };
  return handler;
}

let running: Running | undefined;
afterEach(async () => {
  await running?.server.close();
  running = undefined;
});

async function server(handler: MountTableHandler | null = recorder()): Promise<Running> {
  running = await start({ mounts: { secret: new MemoryKeyValueStore() }, ...(handler === null ? {} : { mountTable: handler }) });
  return running;
}

const KV2 = { type: 'kv-v2' };

describe('POST sys/mounts/<path> enables a KV v2 mount', () => {
  it('accepts type kv-v2, and type kv with options version 2, answering 204; the mount then serves KV v2', async () => {
    const handler = recorder();
    const s = await server(handler);
    const first = await s.call('POST', '/v1/sys/mounts/kvv2', { body: { type: 'kv-v2', description: 'for tests' } });
    expect(first.status).toBe(204);
    expect(first.text).toBe('');
    expect((await s.call('POST', '/v1/sys/mounts/team/kv', { body: { type: 'kv', options: { version: '2' } } })).status).toBe(204);
    // hvac's enable_secrets_engine (numbers and nulls as a Python client sends them).
    const hvac = { type: 'kv', description: null, config: null, options: { version: 2 }, plugin_name: null, local: false, seal_wrap: false };
    expect((await s.call('POST', '/v1/sys/mounts/numeric', { body: hvac })).status).toBe(204);
    expect(handler.opened).toEqual(['kvv2', 'team/kv', 'numeric']);
    expect(handler.saved.map((s) => s.change)).toEqual(['enable', 'enable', 'enable']);
    expect(handler.saved[1]?.paths).toEqual(['kvv2', 'secret', 'team/kv']);

    expect((await s.call('POST', '/v1/team/kv/data/app', { body: { data: { a: 1 } } })).status).toBe(200);
    expect(dataOf(await s.call('GET', '/v1/team/kv/data/app')).data).toEqual({ a: 1 });
    expect((await s.call('GET', '/v1/kvv2/config')).status).toBe(200);
    // The other mounts are untouched.
    expect((await s.call('GET', '/v1/secret/data/app')).status).toBe(404);
  });

  it("shows the new mount in sys/mounts, sys/mounts/<path> and the bao CLI preflight, in OpenBao's shapes", async () => {
    const s = await server();
    await s.call('POST', '/v1/sys/mounts/kvv2', {
      body: {
        type: 'kv-v2',
        description: 'for tests',
        local: true,
        seal_wrap: true,
        config: { default_lease_ttl: '1h', max_lease_ttl: 7200, listing_visibility: 'unauth', passthrough_request_headers: 'X-A,X-B' },
      },
    });
    const listed = await s.call('GET', '/v1/sys/mounts');
    const info = dataOf(listed)['kvv2/'] as Record<string, unknown>;
    expect(listed.json?.['kvv2/']).toEqual(info);
    expect(Object.keys(info)).toEqual([
      'accessor',
      'config',
      'deprecation_status',
      'description',
      'external_entropy_access',
      'local',
      'options',
      'plugin_version',
      'running_plugin_version',
      'running_sha256',
      'seal_wrap',
      'type',
      'uuid',
    ]);
    expect(info).toMatchObject({
      config: {
        default_lease_ttl: 3600,
        force_no_cache: false,
        listing_visibility: 'unauth',
        max_lease_ttl: 7200,
        passthrough_request_headers: ['X-A', 'X-B'],
      },
      description: 'for tests',
      local: true,
      seal_wrap: true,
      options: { version: '2' },
      type: 'kv',
    });
    expect(info.accessor).toMatch(/^kv_[0-9a-f]{8}$/);
    expect(info.uuid).toMatch(/^[0-9a-f-]{36}$/);

    const one = await s.call('GET', '/v1/sys/mounts/kvv2');
    expect(one.status).toBe(200);
    expect(dataOf(one)).toEqual(info);
    // OpenBao's HTTP layer also puts the data at the top level of everything under sys/mounts/.
    expect(one.json).toMatchObject(info);
    // A path inside the mount reads the mount (OpenBao's MatchingMountEntry).
    expect(dataOf(await s.call('GET', '/v1/sys/mounts/kvv2/some/key'))).toEqual(info);
    expect((await s.call('GET', '/v1/sys/mounts/')).status).toBe(404);
    expect((await s.call('GET', '/v1/sys/mounts/nothing')).json).toEqual({ errors: ['No secret engine mount at nothing/'] });

    const preflight = dataOf(await s.call('GET', '/v1/sys/internal/ui/mounts/kvv2/app'));
    expect(preflight).toMatchObject({ path: 'kvv2/', type: 'kv', options: { version: '2' }, accessor: info.accessor });
    expect(Object.keys(dataOf(await s.call('GET', '/v1/sys/internal/ui/mounts')).secret as object)).toEqual(['kvv2/', 'secret/']);
  });

  it('refuses a taken path, a path inside or around another mount (409)', async () => {
    const s = await server();
    await s.call('POST', '/v1/sys/mounts/team/kv', { body: KV2 });
    expect((await s.call('POST', '/v1/sys/mounts/secret', { body: KV2 })).json).toEqual({ errors: ['path is already in use at secret/'] });
    const inside = await s.call('POST', '/v1/sys/mounts/secret/inner', { body: KV2 });
    expect(inside.status).toBe(409);
    expect(inside.json).toEqual({ errors: ['path is already in use at secret/'] });
    expect((await s.call('POST', '/v1/sys/mounts/team', { body: KV2 })).json).toEqual({ errors: ['path is already in use at team/kv/'] });
    // Nothing changed.
    expect(Object.keys(dataOf(await s.call('GET', '/v1/sys/mounts')))).toEqual(['secret/', 'sys/', 'team/kv/']);
  });

  it("refuses reserved paths with OpenBao's 403", async () => {
    const s = await server();
    for (const path of ['sys', 'sys/other', 'auth', 'auth/kv', 'cubbyhole', 'identity', 'audit']) {
      const answer = await s.call('POST', `/v1/sys/mounts/${path}`, { body: KV2 });
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ errors: [`cannot mount ${JSON.stringify(`${path}/`)}`] });
    }
  });

  it('refuses KV version 1 and every other engine type with a clear 400', async () => {
    const s = await server();
    for (const body of [{ type: 'kv' }, { type: 'kv', options: { version: '1' } }, { type: 'kv-v1' }]) {
      const answer = await s.call('POST', '/v1/sys/mounts/v1', { body });
      expect(answer.status).toBe(400);
      expect((answer.json?.errors as string[])[0]).toMatch(/^kv2 serves KV version 2 only: KV version 1 mounts are not supported/);
    }
    const pki = await s.call('POST', '/v1/sys/mounts/pki', { body: { type: 'pki' } });
    expect(pki.status).toBe(400);
    expect((pki.json?.errors as string[])[0]).toMatch(/^kv2 serves KV version 2 mounts only: secrets engine type "pki" is not available/);
    expect((await s.call('POST', '/v1/sys/mounts/pki', { body: { type: 'pki', options: { version: '2' } } })).json).toEqual({
      errors: ['secrets engine "pki" does not allow setting a version'],
    });
    expect((await s.call('POST', '/v1/sys/mounts/x', { body: {} })).json).toEqual({ errors: ['backend type must be specified as a string'] });
    expect((await s.call('POST', '/v1/sys/mounts/x', { body: { type: 'plugin' } })).json).toEqual({
      errors: ['plugin_name must be provided for plugin backend'],
    });
    const cubbyhole = await s.call('POST', '/v1/sys/mounts/c2', { body: { type: 'cubbyhole' } });
    expect(cubbyhole.status).toBe(403);
    expect(cubbyhole.json).toEqual({ errors: ['mount type of "cubbyhole" is not mountable'] });
    expect((await s.call('POST', '/v1/sys/mounts/x', { body: { type: 'kv-v2', options: { version: '3' } } })).status).toBe(204);
    expect((await s.call('POST', '/v1/sys/mounts/y', { body: { type: 'kv', options: { version: '3' } } })).json).toEqual({
      errors: ['invalid KV version "3": kv2 serves KV version 2'],
    });
    expect(Object.keys(dataOf(await s.call('GET', '/v1/sys/mounts')))).toEqual(['secret/', 'sys/', 'x/']);
  });

  it('refuses bad TTLs in config as OpenBao does', async () => {
    const s = await server();
    expect(
      (await s.call('POST', '/v1/sys/mounts/x', { body: { type: 'kv-v2', config: { default_lease_ttl: '2h', max_lease_ttl: '1h' } } })).json,
    ).toEqual({
      errors: ['given default lease TTL greater than given max lease TTL'],
    });
    expect((await s.call('POST', '/v1/sys/mounts/x', { body: { type: 'kv-v2', config: { default_lease_ttl: '9999h' } } })).json).toEqual({
      errors: ['given default lease TTL greater than system max lease TTL of 2764800'],
    });
    const bad = await s.call('POST', '/v1/sys/mounts/x', { body: { type: 'kv-v2', config: { default_lease_ttl: 'soon' } } });
    expect(bad.status).toBe(400);
    expect((bad.json?.errors as string[])[0]).toMatch(/^unable to parse default TTL of soon: /);
    expect((await s.call('GET', '/v1/sys/mounts/x')).status).toBe(400);
  });

  it('needs the token (403 before anything changes)', async () => {
    const handler = recorder();
    const s = await server(handler);
    expect((await s.call('POST', '/v1/sys/mounts/x', { body: KV2, token: null })).status).toBe(403);
    expect((await s.call('POST', '/v1/sys/mounts/x', { body: KV2, token: 'wrong' })).status).toBe(403);
    expect((await s.call('DELETE', '/v1/sys/mounts/secret', { token: 'wrong' })).status).toBe(403);
    expect((await s.call('POST', '/v1/sys/mounts/secret/tune', { body: { description: 'x' }, token: 'wrong' })).status).toBe(403);
    expect(handler.saved).toEqual([]);
  });

  it('changes nothing when the handler fails to record or to open the mount', async () => {
    const failingSave = await server(recorder({ failSave: true }));
    expect((await failingSave.call('POST', '/v1/sys/mounts/x', { body: KV2 })).status).toBe(500);
    expect((await failingSave.call('GET', '/v1/sys/mounts/x')).status).toBe(400);
    await failingSave.server.close();

    const handler = recorder({ failOpen: true });
    const failingOpen = await server(handler);
    expect((await failingOpen.call('POST', '/v1/sys/mounts/x', { body: KV2 })).status).toBe(500);
    expect((await failingOpen.call('GET', '/v1/sys/mounts/x')).status).toBe(400);
    // Recorded, then recorded back.
    expect(handler.saved.map((s) => [s.change, s.paths])).toEqual([
      ['enable', ['secret', 'x']],
      ['rollback', ['secret']],
    ]);
  });

  it('answers 400 when the server was started without run-time mounts', async () => {
    const s = await server(null);
    const answer = await s.call('POST', '/v1/sys/mounts/x', { body: KV2 });
    expect(answer.status).toBe(400);
    expect((answer.json?.errors as string[])[0]).toMatch(/mount table is fixed/);
    expect((await s.call('DELETE', '/v1/sys/mounts/secret')).status).toBe(400);
    expect((await s.call('GET', '/v1/secret/config')).status).toBe(200);
  });

  it('refuses changes in a namespace other than the root', async () => {
    const s = await server();
    const answer = await s.call('POST', '/v1/sys/mounts/x', { body: KV2, headers: { 'X-Vault-Namespace': 'team' } });
    expect(answer.json).toEqual({ errors: ['kv2 changes the mount table of the root namespace only'] });
  });
});

describe('DELETE sys/mounts/<path> disables a mount and removes its data', () => {
  it('answers 204, stops routing, and a mount enabled again at the same path is empty', async () => {
    const handler = recorder();
    const s = await server(handler);
    expect((await s.call('POST', '/v1/sys/mounts/kvv2', { body: KV2 })).status).toBe(204);
    expect((await s.call('POST', '/v1/kvv2/data/app', { body: { data: { secret: 'v1' } } })).status).toBe(200);

    const gone = await s.call('DELETE', '/v1/sys/mounts/kvv2');
    expect(gone.status).toBe(204);
    expect(handler.destroyed).toEqual(['kvv2']);
    expect(handler.saved.at(-1)).toEqual({ paths: ['secret'], change: 'disable' });
    // Its store was closed before the data was removed.
    expect(handler.events).toEqual(['closed kvv2', 'destroyed kvv2']);
    expect((await s.call('GET', '/v1/kvv2/data/app')).json).toEqual({ errors: ['no handler for route "kvv2/data/app". route entry not found.'] });
    expect((await s.call('GET', '/v1/sys/internal/ui/mounts/kvv2/app')).status).toBe(403);
    expect(Object.keys(dataOf(await s.call('GET', '/v1/sys/mounts')))).toEqual(['secret/', 'sys/']);

    expect((await s.call('POST', '/v1/sys/mounts/kvv2', { body: KV2 })).status).toBe(204);
    expect((await s.call('GET', '/v1/kvv2/data/app')).status).toBe(404);
    expect(dataOf(await s.call('LIST', '/v1/kvv2/metadata/'))).toBeUndefined();
  });

  it('answers 204 for a path with no mount (so mounts cannot be probed), 400 for built-in mounts', async () => {
    const handler = recorder();
    const s = await server(handler);
    expect((await s.call('DELETE', '/v1/sys/mounts/nothing')).status).toBe(204);
    expect((await s.call('DELETE', '/v1/sys/mounts/secret/inner')).status).toBe(204);
    for (const path of ['sys', 'cubbyhole', 'identity', 'auth/token']) {
      expect((await s.call('DELETE', `/v1/sys/mounts/${path}`)).json).toEqual({ errors: [`cannot unmount ${JSON.stringify(`${path}/`)}`] });
    }
    expect(handler.saved).toEqual([]);
    // The start-up mount can be disabled too.
    expect((await s.call('DELETE', '/v1/sys/mounts/secret')).status).toBe(204);
    expect(handler.destroyed).toEqual(['secret']);
  });

  it('waits for requests already running on the mount before closing its store', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new MemoryKeyValueStore();
    const write = slow.write.bind(slow);
    slow.write = async (...args: Parameters<BaseKeyValueStore['write']>) => {
      await gate;
      return write(...args);
    };
    const handler: MountTableHandler = { open: () => slow };
    const s = await server(handler);
    await s.call('POST', '/v1/sys/mounts/slow', { body: KV2 });
    const writing = s.call('POST', '/v1/slow/data/a', { body: { data: { a: 1 } } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const disabling = s.call('DELETE', '/v1/sys/mounts/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect((await writing).status).toBe(200);
    expect((await disabling).status).toBe(204);
  });
});

describe('sys/mounts/<path>/tune', () => {
  it('reads the tunable settings with effective TTLs, and writes them (204), persisted through the handler', async () => {
    const handler = recorder();
    const s = await server(handler);
    const before = await s.call('GET', '/v1/sys/mounts/secret/tune');
    expect(dataOf(before)).toEqual({
      default_lease_ttl: 2764800,
      description: 'key/value secret storage',
      force_no_cache: false,
      max_lease_ttl: 2764800,
      options: { version: '2' },
    });

    const tuned = await s.call('POST', '/v1/sys/mounts/secret/tune', {
      body: {
        description: 'tuned',
        default_lease_ttl: '30m',
        max_lease_ttl: '1h',
        listing_visibility: 'hidden',
        audit_non_hmac_request_keys: 'a, b',
        options: { version: '2', extra: 'x' },
      },
    });
    expect(tuned.status).toBe(204);
    expect(handler.saved.at(-1)?.change).toBe('tune');
    expect(dataOf(await s.call('GET', '/v1/sys/mounts/secret/tune'))).toEqual({
      audit_non_hmac_request_keys: ['a', 'b'],
      default_lease_ttl: 1800,
      description: 'tuned',
      force_no_cache: false,
      listing_visibility: 'hidden',
      max_lease_ttl: 3600,
      options: { extra: 'x', version: '2' },
    });
    expect(dataOf(await s.call('GET', '/v1/sys/mounts/secret'))).toMatchObject({
      description: 'tuned',
      config: { default_lease_ttl: 1800, max_lease_ttl: 3600, listing_visibility: 'hidden', audit_non_hmac_request_keys: ['a', 'b'] },
    });
    // `system` resets a TTL; an empty option value removes that option.
    await s.call('POST', '/v1/sys/mounts/secret/tune', { body: { default_lease_ttl: 'system', options: { extra: '' } } });
    expect(dataOf(await s.call('GET', '/v1/sys/mounts/secret/tune'))).toMatchObject({ default_lease_ttl: 2764800, options: { version: '2' } });
  });

  it('refuses what OpenBao refuses', async () => {
    const s = await server();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ default_lease_ttl: '2h', max_lease_ttl: '1h' }, 'backend max lease TTL of 3600 would be less than backend default lease TTL of 7200'],
      [{ options: { version: '1' } }, 'cannot downgrade mount from version 2'],
      [{ options: { version: '3' } }, 'invalid version provided: 3'],
      [{ token_type: 'batch' }, "'token_type' can only be modified on auth mounts"],
      [{ listing_visibility: 'loud' }, 'invalid listing_visibility loud'],
      [{ user_lockout_config: { lockout_threshold: '3' } }, 'tuning of user lockout configuration for auth type "kv" not allowed'],
    ];
    for (const [body, message] of cases) {
      const answer = await s.call('POST', '/v1/sys/mounts/secret/tune', { body });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errors: [message] });
    }
    expect((await s.call('POST', '/v1/sys/mounts/nothing/tune', { body: { description: 'x' } })).json).toEqual({
      errors: ['tune of path "nothing/" failed: no mount entry found'],
    });
    expect((await s.call('GET', '/v1/sys/mounts/nothing/tune')).json).toEqual({ errors: ['cannot fetch sysview for path "nothing/"'] });
    expect((await s.call('POST', '/v1/sys/mounts/sys/tune', { body: { description: 'x' } })).json).toEqual({
      errors: ['cannot tune parameter description of sys/'],
    });
    // Upgrading to version 2 (bao kv enable-versioning) is a no-op on a KV v2 mount.
    expect((await s.call('POST', '/v1/sys/mounts/secret/tune', { body: { options: { version: '2' } } })).status).toBe(204);
    expect(dataOf(await s.call('GET', '/v1/sys/mounts/secret/tune')).description).toBe('key/value secret storage');
  });
});

describe('POST sys/remount moves a mount with its data', () => {
  it('moves the data, routing and identifiers; refuses a taken or reserved destination', async () => {
    const handler = recorder();
    const s = await server(handler);
    await s.call('POST', '/v1/sys/mounts/old', { body: KV2 });
    await s.call('POST', '/v1/old/data/app', { body: { data: { kept: true } } });
    const accessor = dataOf(await s.call('GET', '/v1/sys/mounts/old')).accessor;

    expect((await s.call('POST', '/v1/sys/remount', { body: { from: 'old', to: 'secret' } })).json).toEqual({
      errors: ['path already in use at "secret/"'],
    });
    expect((await s.call('POST', '/v1/sys/remount', { body: { from: 'old', to: 'sys/x' } })).json).toEqual({
      errors: ['cannot remount to destination sys/x/'],
    });
    expect((await s.call('POST', '/v1/sys/remount', { body: { from: 'none', to: 'new' } })).json).toEqual({
      errors: ['no matching mount at "none/"'],
    });
    expect((await s.call('POST', '/v1/sys/remount', { body: { from: 'old' } })).json).toEqual({
      errors: ["both 'from' and 'to' path must be specified as a string"],
    });

    const moved = await s.call('POST', '/v1/sys/remount', { body: { from: 'old', to: 'new/place' } });
    expect(moved.status).toBe(200);
    const id = dataOf(moved).migration_id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(moved.json?.warnings).toHaveLength(1);
    expect(dataOf(await s.call('GET', `/v1/sys/remount/status/${id}`))).toEqual({
      migration_id: id,
      migration_info: { source_mount: 'old/', status: 'success', target_mount: 'new/place/' },
    });
    expect((await s.call('GET', '/v1/sys/remount/status/unknown')).status).toBe(404);
    expect(handler.saved.at(-1)).toEqual({ paths: ['new/place', 'secret'], change: 'remount' });
    expect(dataOf(await s.call('GET', '/v1/new/place/data/app')).data).toEqual({ kept: true });
    expect((await s.call('GET', '/v1/old/data/app')).status).toBe(404);
    expect(dataOf(await s.call('GET', '/v1/sys/mounts/new/place')).accessor).toBe(accessor);
  });
});
