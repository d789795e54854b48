import { MemoryKeyValueStore } from '@kv2/local';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_TEXT } from '../src/acl/policy.js';
import { dataOf, start, TOKEN, type Running } from './helpers.js';

// The acceptance scenarios of acl-semantics.md §6.2, over HTTP.

const PD = { errors: ['permission denied'] };
const PDM = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };
const APP = `path "secret/data/app/*" {
  capabilities = ["create", "read", "update"]
}
path "secret/metadata/app/*" {
  capabilities = ["list", "read"]
}
`;
const TOK = 'path "auth/token/create" {\n  capabilities = ["update"]\n}\n';

let running: Running | undefined;
let clock = new Date('2026-01-01T00:00:00Z');
afterEach(async () => {
  await running?.server.close();
  running = undefined;
});

async function server(): Promise<Running> {
  clock = new Date('2026-01-01T00:00:00Z');
  const now = (): Date => clock;
  running = await start({ now }, new MemoryKeyValueStore({ now }));
  return running;
}

function advance(seconds: number): void {
  clock = new Date(clock.getTime() + seconds * 1000);
}

async function writePolicy(s: Running, name: string, text: string): Promise<void> {
  const answer = await s.call('PUT', `/v1/sys/policies/acl/${name}`, { body: { policy: text } });
  expect(answer.status).toBe(204);
}

async function createToken(
  s: Running,
  body: Record<string, unknown>,
  token: string = TOKEN,
): Promise<{ token: string; auth: Record<string, unknown> }> {
  const answer = await s.call('POST', '/v1/auth/token/create', { body, token });
  expect(answer.status, answer.text).toBe(200);
  const auth = answer.json?.auth as Record<string, unknown>;
  return { token: auth.client_token as string, auth };
}

async function withApp(s: Running, extra: Record<string, unknown> = {}): Promise<string> {
  await writePolicy(s, 'app', APP);
  return (await createToken(s, { policies: ['app'], ...extra })).token;
}

describe('§6.2 acceptance scenarios', () => {
  it('1. no token or an unknown token: 403 permission denied', async () => {
    const s = await server();
    expect((await s.call('GET', '/v1/secret/data/x', { token: null })).json).toEqual(PD);
    const bad = await s.call('GET', '/v1/secret/data/x', { token: 's.AAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(bad.status).toBe(403);
    expect(bad.json).toEqual(PD);
  });

  it('2. the init root token looks itself up', async () => {
    const s = await server();
    const answer = await s.call('GET', '/v1/auth/token/lookup-self');
    expect(answer.status).toBe(200);
    const data = dataOf(answer);
    expect(Object.keys(data).sort()).toEqual(
      [
        'accessor',
        'creation_time',
        'creation_ttl',
        'display_name',
        'entity_id',
        'expire_time',
        'explicit_max_ttl',
        'id',
        'meta',
        'num_uses',
        'orphan',
        'path',
        'policies',
        'ttl',
        'type',
      ].sort(),
    );
    expect(data).toMatchObject({ id: TOKEN, policies: ['root'], ttl: 0, expire_time: null, orphan: true, path: 'auth/token/root' });
  });

  it('3–5. policy write/read/list, versions, legacy endpoint, name normalisation', async () => {
    const s = await server();
    await writePolicy(s, 'app', APP);
    const read = await s.call('GET', '/v1/sys/policies/acl/app');
    expect(dataOf(read)).toMatchObject({ name: 'app', policy: APP, version: 1, cas_required: false });
    expect(dataOf(read).modified).toEqual(expect.any(String));
    expect(dataOf(await s.call('GET', '/v1/sys/policies/acl?list=true')).keys).toEqual(['app', 'default', 'root']);
    expect(dataOf(await s.call('LIST', '/v1/sys/policies/acl')).keys).toEqual(['app', 'default', 'root']);
    await writePolicy(s, 'app', APP);
    expect(dataOf(await s.call('GET', '/v1/sys/policies/acl/app')).version).toBe(2);

    const legacy = await s.call('GET', '/v1/sys/policy');
    expect(dataOf(legacy)).toEqual({ keys: ['app', 'default', 'root'], policies: ['app', 'default', 'root'] });
    expect(legacy.json?.keys).toEqual(['app', 'default', 'root']);
    expect(legacy.json?.policies).toEqual(['app', 'default', 'root']);
    const legacyRead = await s.call('GET', '/v1/sys/policy/app');
    expect(dataOf(legacyRead)).toEqual({ name: 'app', rules: APP });
    expect(legacyRead.json?.rules).toBe(APP);

    const upper = await s.call('PUT', '/v1/sys/policies/acl/App', { body: { policy: APP } });
    expect(upper.status).toBe(200);
    expect(upper.json?.warnings).toEqual(['policy name was converted to app']);
    expect(dataOf(await s.call('GET', '/v1/sys/policies/acl/APP')).name).toBe('app');
    expect(dataOf(await s.call('GET', '/v1/sys/policies/acl/default')).policy).toBe(DEFAULT_POLICY_TEXT);
    expect(dataOf(await s.call('GET', '/v1/sys/policies/acl/root'))).toMatchObject({ name: 'root', policy: '', version: 0 });
  });

  it('6–7. bad policy text and protected policies', async () => {
    const s = await server();
    const banana = await s.call('PUT', '/v1/sys/policies/acl/bad', { body: { policy: 'path "x" { capabilities = ["read","banana"] }' } });
    expect(banana.status).toBe(400);
    expect(banana.json).toEqual({ errors: ['failed to parse policy: path "x": invalid capability "banana"'] });
    const wild = await s.call('PUT', '/v1/sys/policies/acl/bad', { body: { policy: 'path "foo/+*" {}' } });
    expect(wild.status).toBe(400);
    expect((wild.json?.errors as string[])[0]).toContain("invalid use of wildcards ('+*' is forbidden)");
    expect((await s.call('PUT', '/v1/sys/policies/acl/bad', { body: { policy: '' } })).json).toEqual({
      errors: ["'policy' parameter not supplied or empty"],
    });
    expect((await s.call('GET', '/v1/sys/policies/acl/bad')).status).toBe(404);

    expect((await s.call('PUT', '/v1/sys/policies/acl/root', { body: { policy: APP } })).json).toEqual({ errors: ['cannot update "root" policy'] });
    expect((await s.call('PUT', '/v1/sys/policies/acl/response-wrapping', { body: { policy: APP } })).json).toEqual({
      errors: ['cannot update "response-wrapping" policy'],
    });
    expect((await s.call('DELETE', '/v1/sys/policies/acl/default')).json).toEqual({ errors: ['cannot delete default policy'] });
    expect((await s.call('DELETE', '/v1/sys/policies/acl/root')).json).toEqual({ errors: ['cannot delete "root" policy'] });
    expect((await s.call('DELETE', '/v1/sys/policies/acl/nope')).status).toBe(204);
    const missing = await s.call('GET', '/v1/sys/policies/acl/nope');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('{"errors":[]}\n');
  });

  it('policy CAS and base64 text', async () => {
    const s = await server();
    expect((await s.call('PUT', '/v1/sys/policies/acl/c', { body: { policy: APP, cas: 1 } })).json).toEqual({
      errors: ['check-and-set parameter did not match the current version'],
    });
    expect((await s.call('PUT', '/v1/sys/policies/acl/c', { body: { policy: APP, cas: -1 } })).status).toBe(204);
    expect((await s.call('PUT', '/v1/sys/policies/acl/c', { body: { policy: APP, cas: -1 } })).json).toEqual({
      errors: ['check-and-set parameter set to -1 on existing entry'],
    });
    expect((await s.call('PUT', '/v1/sys/policies/acl/b', { body: { policy: Buffer.from(APP).toString('base64') } })).status).toBe(204);
    expect(dataOf(await s.call('GET', '/v1/sys/policies/acl/b')).policy).toBe(APP);
  });

  it('8–9. a child token and its lookup-self', async () => {
    const s = await server();
    await writePolicy(s, 'app', APP);
    const created = await s.call('POST', '/v1/auth/token/create', {
      body: {
        policies: ['app'],
        ttl: '1h0m0s',
        explicit_max_ttl: '0s',
        period: '0s',
        num_uses: 0,
        renewable: true,
        type: 'service',
        display_name: '',
      },
    });
    expect(created.status).toBe(200);
    expect(created.json?.data).toBeNull();
    const auth = created.json?.auth as Record<string, unknown>;
    expect(auth.client_token).toMatch(/^s\.[A-Za-z0-9]{24}$/);
    expect(auth.accessor).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(auth).toMatchObject({
      policies: ['app', 'default'],
      token_policies: ['app', 'default'],
      lease_duration: 3600,
      renewable: true,
      orphan: false,
      token_type: 'service',
      entity_id: '',
      metadata: null,
      num_uses: 0,
      mfa_requirement: null,
    });
    expect((await createToken(s, { policies: ['app'] })).auth.lease_duration).toBe(2764800);

    const child = auth.client_token as string;
    const self = await s.call('GET', '/v1/auth/token/lookup-self', { token: child });
    expect(self.status).toBe(200);
    expect(dataOf(self)).toMatchObject({
      policies: ['app', 'default'],
      path: 'auth/token/create',
      display_name: 'token',
      creation_ttl: 3600,
      ttl: 3600,
      renewable: true,
      orphan: false,
      num_uses: 0,
      type: 'service',
      id: child,
    });
    expect(dataOf(self).issue_time).toEqual(expect.any(String));
    expect(dataOf(self).expire_time).toBe('2026-01-01T01:00:00.000Z');
    expect((await s.call('POST', '/v1/auth/token/lookup-self', { token: child })).json).toEqual(PDM);
  });

  it("10. create vs update is decided by the key's existence", async () => {
    const s = await server();
    const child = await withApp(s);
    expect((await s.call('POST', '/v1/secret/data/app/one', { body: { data: { a: '1' } }, token: child })).status).toBe(200);
    expect((await s.call('POST', '/v1/secret/data/app/one', { body: { data: { a: '2' } }, token: child })).status).toBe(200);

    await writePolicy(s, 'c-only', 'path "secret/data/c/*" {\n  capabilities = ["create"]\n}');
    await writePolicy(s, 'u-only', 'path "secret/data/u/*" {\n  capabilities = ["update"]\n}');
    const c = (await createToken(s, { policies: ['c-only'] })).token;
    const u = (await createToken(s, { policies: ['u-only'] })).token;
    expect((await s.call('POST', '/v1/secret/data/c/k', { body: { data: { a: 1 } }, token: c })).status).toBe(200);
    expect((await s.call('POST', '/v1/secret/data/c/k', { body: { data: { a: 1 } }, token: c })).json).toEqual(PDM);
    expect((await s.call('POST', '/v1/secret/data/u/k', { body: { data: { a: 1 } }, token: u })).json).toEqual(PDM);
    expect((await s.call('POST', '/v1/secret/data/u/k', { body: { data: { a: 1 } } })).status).toBe(200);
    expect((await s.call('POST', '/v1/secret/data/u/k', { body: { data: { a: 2 } }, token: u })).status).toBe(200);
    // Soft-deleted and destroyed keys keep their metadata: still update. A full delete makes it create again.
    expect((await s.call('DELETE', '/v1/secret/data/u/k')).status).toBe(204);
    expect((await s.call('POST', '/v1/secret/data/u/k', { body: { data: { a: 3 } }, token: u })).status).toBe(200);
    expect((await s.call('DELETE', '/v1/secret/metadata/u/k')).status).toBe(204);
    expect((await s.call('POST', '/v1/secret/data/u/k', { body: { data: { a: 4 } }, token: u })).json).toEqual(PDM);
  });

  it('11. patch needs the patch capability', async () => {
    const s = await server();
    const child = await withApp(s);
    await s.call('POST', '/v1/secret/data/app/one', { body: { data: { a: '1' } }, token: child });
    expect((await s.call('PATCH', '/v1/secret/data/app/one', { body: { data: { b: '2' } }, token: child })).json).toEqual(PDM);
    await writePolicy(s, 'app', APP.replace('["create", "read", "update"]', '["create", "read", "update", "patch"]'));
    expect((await s.call('PATCH', '/v1/secret/data/app/one', { body: { data: { b: '2' } }, token: child })).status).toBe(200);
  });

  it('12. list rules', async () => {
    const s = await server();
    const child = await withApp(s);
    await s.call('POST', '/v1/secret/data/app/one', { body: { data: { a: '1' } } });
    const list = await s.call('LIST', '/v1/secret/metadata/app', { token: child });
    expect(list.status).toBe(200);
    expect(dataOf(list).keys).toEqual(['one']);
    expect((await s.call('LIST', '/v1/secret/metadata', { token: child })).json).toEqual(PDM);
    expect((await s.call('GET', '/v1/secret/data/app', { token: child })).json).toEqual(PDM);
    expect((await s.call('GET', '/v1/secret/data/other', { token: child })).json).toEqual(PDM);
    // Allowed but missing: the engine's 404, not a 403.
    expect((await s.call('GET', '/v1/secret/data/app/missing', { token: child })).status).toBe(404);
  });

  it('13–14. capabilities-self, capabilities, priority', async () => {
    const s = await server();
    const child = await withApp(s);
    const many = await s.call('POST', '/v1/sys/capabilities-self', { body: { paths: ['secret/data/app/x', 'secret/data/other'] }, token: child });
    expect(dataOf(many)).toEqual({ 'secret/data/app/x': ['create', 'read', 'update'], 'secret/data/other': ['deny'] });
    const one = await s.call('POST', '/v1/sys/capabilities-self', { body: { path: 'secret/data/app/x' }, token: child });
    expect(dataOf(one)).toEqual({ 'secret/data/app/x': ['create', 'read', 'update'], capabilities: ['create', 'read', 'update'] });
    expect(one.json?.capabilities).toEqual(['create', 'read', 'update']);
    expect(one.json?.['secret/data/app/x']).toEqual(['create', 'read', 'update']);
    expect(dataOf(await s.call('POST', '/v1/sys/capabilities-self', { body: { path: 'x' } })).capabilities).toEqual(['root']);
    expect((await s.call('POST', '/v1/sys/capabilities', { body: { token: child, path: 'x' }, token: child })).json).toEqual(PDM);
    expect(dataOf(await s.call('POST', '/v1/sys/capabilities', { body: { token: child, path: 'secret/data/app/x' } })).capabilities).toEqual([
      'create',
      'read',
      'update',
    ]);
    expect((await s.call('POST', '/v1/sys/capabilities', { body: { path: 'x' } })).status).toBe(500);
    expect((await s.call('POST', '/v1/sys/capabilities', { body: { token: 'nope', path: 'x' } })).json).toEqual({
      errors: ['1 error occurred:\n\t* invalid token\n\n'],
    });
    expect((await s.call('POST', '/v1/sys/capabilities-self', { body: {} })).json).toEqual({ errors: ['paths must be supplied'] });

    await writePolicy(s, 'prio', 'path "secret/data/+/x" {\n  capabilities = ["read"]\n}\npath "secret/data/*" {\n  capabilities = ["update"]\n}');
    const prio = (await createToken(s, { policies: ['prio'] })).token;
    const caps = await s.call('POST', '/v1/sys/capabilities-self', { body: { paths: ['secret/data/team/x', 'secret/data/team/y'] }, token: prio });
    expect(dataOf(caps)).toEqual({ 'secret/data/team/x': ['read'], 'secret/data/team/y': ['update'] });
  });

  it('15. deny merges per pattern only', async () => {
    const s = await server();
    await writePolicy(s, 'allow-all', 'path "secret/*" {\n  capabilities = ["read"]\n}');
    await writePolicy(s, 'deny-x', 'path "secret/data/x" {\n  capabilities = ["deny"]\n}');
    const t = (await createToken(s, { policies: ['allow-all', 'deny-x'] })).token;
    expect((await s.call('GET', '/v1/secret/data/x', { token: t })).json).toEqual(PDM);
    expect((await s.call('GET', '/v1/secret/data/y', { token: t })).status).toBe(404);
    await writePolicy(s, 'deny-x', 'path "secret/*" {\n  capabilities = ["deny"]\n}');
    expect((await s.call('GET', '/v1/secret/data/y', { token: t })).json).toEqual(PDM);
  });

  it('16–17. child policies must be a subset unless sudo', async () => {
    const s = await server();
    await writePolicy(s, 'app', APP);
    await writePolicy(s, 'tok', TOK);
    const t = await createToken(s, { policies: ['app', 'tok'] });
    expect(t.auth.policies).toEqual(['app', 'default', 'tok']);
    expect((await createToken(s, { policies: ['app'] }, t.token)).auth.policies).toEqual(['app', 'default']);
    expect((await createToken(s, {}, t.token)).auth.policies).toEqual(['app', 'default', 'tok']);
    const call = (body: Record<string, unknown>, token = t.token) => s.call('POST', '/v1/auth/token/create', { body, token });
    expect((await call({ policies: ['other'] })).json).toEqual({ errors: ['child policies must be subset of parent'] });
    expect((await call({ no_parent: true })).json).toEqual({ errors: ['root or sudo privileges required to create orphan token'] });
    expect((await call({ id: 'myid' })).json).toEqual({ errors: ['root or sudo privileges required to specify token id'] });
    const plain = (await createToken(s, { policies: ['app'] })).token;
    expect((await call({}, plain)).json).toEqual(PDM);

    await writePolicy(s, 'toks', 'path "auth/token/create" {\n  capabilities = ["update", "sudo"]\n}');
    const sudo = (await createToken(s, { policies: ['toks'] })).token;
    const anything = await call({ policies: ['anything'] }, sudo);
    expect((anything.json?.auth as Record<string, unknown>).policies).toEqual(['anything', 'default']);
    expect(anything.json?.warnings).toEqual(['Policy "anything" does not exist']);
    expect(((await call({ no_parent: true }, sudo)).json?.auth as Record<string, unknown>).orphan).toBe(true);
    expect((await call({ policies: ['root'] }, sudo)).json).toEqual({ errors: ['root tokens may not be created without parent token being root'] });
  });

  it('18–19. revoke takes the children; revoke-self', async () => {
    const s = await server();
    await writePolicy(s, 'tok', TOK);
    const a = (await createToken(s, { policies: ['tok'] })).token;
    const b = (await createToken(s, {}, a)).token;
    expect((await s.call('PUT', '/v1/auth/token/revoke', { body: { token: a } })).status).toBe(204);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: a })).json).toEqual(PD);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: b })).json).toEqual(PD);
    expect((await s.call('PUT', '/v1/auth/token/revoke', { body: { token: 'unknown' } })).status).toBe(204);
    expect((await s.call('PUT', '/v1/auth/token/revoke', { body: {} })).json).toEqual({ errors: ['missing token ID'] });

    const c = (await createToken(s, { policies: ['tok'] })).token;
    expect((await s.call('PUT', '/v1/auth/token/revoke-self', { token: c })).status).toBe(204);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: c })).json).toEqual(PD);
  });

  it('20. use limits: every request consumes a use, denied ones too', async () => {
    const s = await server();
    await withApp(s);
    await s.call('POST', '/v1/secret/data/app/one', { body: { data: { a: '1' } } });
    const limited = (await createToken(s, { policies: ['app'], num_uses: 3 })).token;
    expect(dataOf(await s.call('GET', '/v1/auth/token/lookup-self', { token: limited })).num_uses).toBe(2);
    expect((await s.call('GET', '/v1/secret/data/other', { token: limited })).json).toEqual(PDM);
    expect((await s.call('GET', '/v1/secret/data/app/one', { token: limited })).status).toBe(200);
    expect((await s.call('GET', '/v1/secret/data/app/one', { token: limited })).json).toEqual(PD);

    await writePolicy(s, 'tok', TOK);
    const restricted = (await createToken(s, { policies: ['app', 'tok'], num_uses: 3 })).token;
    expect((await s.call('POST', '/v1/auth/token/create', { body: {}, token: restricted })).json).toEqual({
      errors: ['restricted use token cannot generate child tokens'],
    });
    const once = (await createToken(s, { policies: ['app'], num_uses: 1 })).token;
    expect(dataOf(await s.call('GET', '/v1/auth/token/lookup-self', { token: once })).num_uses).toBe(-1);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: once })).json).toEqual(PD);
  });

  it("21. expiry on the store's clock revokes the token and its children", async () => {
    const s = await server();
    await withApp(s);
    await writePolicy(s, 'tok', TOK);
    const e = (await createToken(s, { policies: ['app', 'tok'], ttl: '2s' })).token;
    const c = (await createToken(s, {}, e)).token;
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: c })).status).toBe(200);
    advance(3);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: e })).json).toEqual(PD);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: c })).json).toEqual(PD);
  });

  it('22. renew-self', async () => {
    const s = await server();
    const child = await withApp(s, { ttl: '1h' });
    const renewed = await s.call('PUT', '/v1/auth/token/renew-self', { body: { increment: 7200 }, token: child });
    expect(renewed.status).toBe(200);
    expect(renewed.json?.auth).toMatchObject({ lease_duration: 7200, client_token: child });
    const self = dataOf(await s.call('GET', '/v1/auth/token/lookup-self', { token: child }));
    expect(self.last_renewal_time).toEqual(expect.any(Number));
    expect(self.ttl).toBe(7200);
    expect((await s.call('PUT', '/v1/auth/token/renew-self', { body: {} })).json).toEqual({ errors: ['invalid lease ID'] });
    const apiRoot = (await createToken(s, { policies: ['root'] })).token;
    expect((await s.call('PUT', '/v1/auth/token/renew-self', { body: {}, token: apiRoot })).json).toEqual({ errors: ['lease is not renewable'] });
    const apiRootSelf = dataOf(await s.call('GET', '/v1/auth/token/lookup-self', { token: apiRoot }));
    expect(apiRootSelf).toMatchObject({ renewable: false, expire_time: null, ttl: 0, policies: ['root'] });
  });

  it('TTL rules: 768h cap, explicit max TTL, renewal capping, no renewal past the max', async () => {
    const s = await server();
    const long = await s.call('POST', '/v1/auth/token/create', { body: { policies: ['default'], ttl: '1000h' } });
    expect((long.json?.auth as Record<string, unknown>).lease_duration).toBe(768 * 3600);
    expect(long.json?.warnings).toEqual(['TTL of "1000h" exceeded the effective max_ttl of "768h"; TTL value is capped accordingly']);
    const capped = await s.call('POST', '/v1/auth/token/create', { body: { policies: ['default'], ttl: '2h', explicit_max_ttl: '90m' } });
    expect((capped.json?.auth as Record<string, unknown>).lease_duration).toBe(5400);
    expect(capped.json?.warnings).toEqual(['TTL of "2h" exceeded the effective max_ttl of "1h30m"; TTL value is capped accordingly']);
    const token = (capped.json?.auth as { client_token: string }).client_token;
    advance(3600);
    const renewed = await s.call('PUT', '/v1/auth/token/renew-self', { body: { increment: '1h' }, token });
    expect((renewed.json?.auth as Record<string, unknown>).lease_duration).toBe(1800);
    advance(1800);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token })).json).toEqual(PD);
    const negative = await s.call('POST', '/v1/auth/token/create', { body: { ttl: '-1h' } });
    expect(negative.json).toEqual({ errors: ['ttl must be positive'] });
    expect((await s.call('POST', '/v1/auth/token/create', { body: { num_uses: -1 } })).json).toEqual({
      errors: ['number of uses cannot be negative'],
    });
    const rootChild = await s.call('POST', '/v1/auth/token/create', { body: {} });
    expect(rootChild.json?.auth).toMatchObject({ policies: ['root'], lease_duration: 0, renewable: false, orphan: false, metadata: null });
    const renewNope = await s.call('PUT', '/v1/auth/token/renew', { body: { token: 'nope' } });
    expect(renewNope.json).toEqual({ errors: ['token not found'] });
  });

  it('23–24. accessors and bad tokens', async () => {
    const s = await server();
    const { auth } = await createToken(s, { policies: ['default'], meta: { team: 'x' }, display_name: 'foo_bar.baz!' });
    const byAccessor = await s.call('POST', '/v1/auth/token/lookup-accessor', { body: { accessor: auth.accessor } });
    expect(dataOf(byAccessor)).toMatchObject({ id: '', accessor: auth.accessor, meta: { team: 'x' }, display_name: 'token-foo-bar-baz' });
    expect((await s.call('POST', '/v1/auth/token/lookup-accessor', { body: { accessor: 'nope' } })).json).toEqual({
      errors: ['1 error occurred:\n\t* invalid accessor\n\n'],
    });
    const revokeNope = await s.call('POST', '/v1/auth/token/revoke-accessor', { body: { accessor: 'nope' } });
    expect(revokeNope.status).toBe(200);
    expect(revokeNope.json?.warnings).toEqual(['No token found with this accessor']);
    expect((await s.call('POST', '/v1/auth/token/lookup', { body: { token: 's.nope' } })).json).toEqual({ errors: ['bad token'] });
    expect(dataOf(await s.call('POST', '/v1/auth/token/lookup', { body: { token: auth.client_token } })).id).toBe(auth.client_token);
    expect((await s.call('POST', '/v1/auth/token/revoke-accessor', { body: { accessor: auth.accessor } })).status).toBe(204);
    expect((await s.call('GET', '/v1/auth/token/lookup-self', { token: auth.client_token as string })).json).toEqual(PD);
  });

  it('25. the UI-mount preflight', async () => {
    const s = await server();
    const child = await withApp(s);
    const defaultOnly = (await createToken(s, { policies: ['default'] })).token;
    expect((await s.call('GET', '/v1/sys/internal/ui/mounts/secret/app/one', { token: null })).json).toEqual(PD);
    expect((await s.call('GET', '/v1/sys/internal/ui/mounts/secret/app/one', { token: defaultOnly })).json).toEqual({
      errors: ['preflight capability check returned 403, please ensure client\'s policies grant access to path "secret/app/one/"'],
    });
    const ok = await s.call('GET', '/v1/sys/internal/ui/mounts/secret/app/one', { token: child });
    expect(ok.status).toBe(200);
    expect(dataOf(ok)).toMatchObject({ path: 'secret/', type: 'kv', options: { version: '2' } });
    expect((await s.call('GET', '/v1/sys/internal/ui/mounts/nomount')).status).toBe(403);
    const list = await s.call('GET', '/v1/sys/internal/ui/mounts', { token: defaultOnly });
    expect(dataOf(list).secret).toEqual({});
    expect(Object.keys(dataOf(await s.call('GET', '/v1/sys/internal/ui/mounts', { token: child })).secret as object)).toEqual(['secret/']);

    await s.call('POST', '/v1/secret/data/app/one', { body: { data: { a: '1' } } });
    expect((await s.call('GET', '/v1/secret/data/app/one', { token: child })).status).toBe(200);
    expect((await s.call('DELETE', '/v1/sys/policies/acl/app')).status).toBe(204);
    expect((await s.call('GET', '/v1/secret/data/app/one', { token: child })).json).toEqual(PDM);
  });

  it('a bad initial policy makes listen() reject with InvalidRequestError', async () => {
    await expect(start({ policies: { ok: APP, bad: 'path "x" { capabilities = ["banana"] }' } })).rejects.toMatchObject({
      code: 'invalid_parameter',
      message: 'policy "bad": failed to parse policy: path "x": invalid capability "banana"',
    });
    await expect(start({ policies: { root: APP } })).rejects.toMatchObject({ code: 'invalid_parameter' });
    await expect(start({ tokens: [{ id: 's.bad', policies: [] }] })).rejects.toMatchObject({ code: 'invalid_parameter' });
  });

  it('initial policies and tokens from createServer', async () => {
    running = await start({ policies: { app: APP }, tokens: [{ id: 'app-token', policies: ['app'] }] });
    const s = running;
    await s.call('POST', '/v1/secret/data/app/one', { body: { data: { a: '1' } } });
    expect((await s.call('GET', '/v1/secret/data/app/one', { token: 'app-token' })).status).toBe(200);
    expect((await s.call('GET', '/v1/secret/data/other', { token: 'app-token' })).json).toEqual(PDM);
    expect(dataOf(await s.call('GET', '/v1/auth/token/lookup-self', { token: 'app-token' })).policies).toEqual(['app', 'default']);
  });
});
