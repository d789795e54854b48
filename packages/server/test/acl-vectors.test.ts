import { describe, expect, it } from 'vitest';
import { Acl, type AclOperation } from '../src/acl/acl.js';
import { DEFAULT_POLICY_TEXT, parsePolicyText, PolicyParseError } from '../src/acl/policy.js';

// The test vectors of acl-semantics.md §2.7, as executable checks.

const P_DEV = `
path "dev/*" { policy = "sudo" }
path "stage/*" { policy = "write" }
path "stage/aws/*" {
  policy = "read"
  capabilities = ["update", "sudo"]
}
path "stage/aws/policy/*" { policy = "sudo" }
path "prod/*" { policy = "read" }
path "prod/aws/*" { policy = "deny" }
path "sys/*" { policy = "deny" }
path "foo/bar" { capabilities = ["read", "create", "sudo"] }
path "baz/quux" { capabilities = ["read", "create", "patch"] }
path "test/+/segment" { capabilities = ["read"] }
path "+/segment/at/front" { capabilities = ["read"] }
path "test/segment/at/end/+" { capabilities = ["read"] }
path "test/segment/at/end/v2/+/" { capabilities = ["read"] }
path "test/+/wildcard/+/*" { capabilities = ["read"] }
path "test/+/wildcardglob/+/end*" { capabilities = ["read"] }
path "1/2/*" { capabilities = ["create"] }
path "1/2/+" { capabilities = ["read"] }
path "1/2/+/+" { capabilities = ["update"] }
path "asdf/fdsa" { capabilities = ["scan"] }
`;

const P_OPS = `
path "dev/hide/*" { policy = "deny" }
path "stage/aws/policy/*" { policy = "deny" }
path "prod/*" { policy = "write" }
path "sys/seal" { policy = "sudo" }
path "foo/bar" { capabilities = ["deny"] }
path "baz/quux" { capabilities = ["deny"] }
`;

const P_CAP = `
path "foo/bar*" { capabilities = ["create", "sudo", "update"] }
path "sys/capabilities*" { capabilities = ["update"] }
path "bar/baz" { capabilities = ["read", "update"] }
path "bar/baz" { capabilities = ["delete"] }
`;

const P_LSD = `
path "foo/metadata/*" { capabilities = ["list", "scan"] }
path "foo/metadata/private/*" { capabilities = ["deny"] }
path "foo/metadata/private/granted/*" { capabilities = ["list", "scan"] }
`;

async function acl(...texts: string[]): Promise<Acl> {
  return new Acl(await Promise.all(texts.map((t) => parsePolicyText(t))));
}

type Vector = [number, string[], AclOperation, string, boolean, boolean];

const FIXTURES: Record<string, string> = { 'P-DEV': P_DEV, 'P-OPS': P_OPS, 'P-LSD': P_LSD, DEFAULT: DEFAULT_POLICY_TEXT, 'P-CAP': P_CAP };

const A: Vector[] = [
  [1, ['P-DEV'], 'read', 'root', false, false],
  [2, ['P-DEV'], 'help', 'root', true, false],
  [3, ['P-DEV'], 'read', 'dev/foo', true, true],
  [4, ['P-DEV'], 'update', 'dev/foo', true, true],
  [5, ['P-DEV'], 'delete', 'stage/foo', true, false],
  [6, ['P-DEV'], 'list', 'stage/aws/foo', true, true],
  [7, ['P-DEV'], 'update', 'stage/aws/policy/foo', true, true],
  [8, ['P-DEV'], 'delete', 'prod/foo', false, false],
  [9, ['P-DEV'], 'update', 'prod/foo', false, false],
  [10, ['P-DEV'], 'read', 'prod/foo', true, false],
  [11, ['P-DEV'], 'list', 'prod/foo', true, false],
  [12, ['P-DEV'], 'read', 'prod/aws/foo', false, false],
  [13, ['P-DEV'], 'read', 'foo/bar', true, true],
  [14, ['P-DEV'], 'list', 'foo/bar', false, true],
  [15, ['P-DEV'], 'update', 'foo/bar', false, true],
  [16, ['P-DEV'], 'create', 'foo/bar', true, true],
  [17, ['P-DEV'], 'patch', 'baz/quux', true, false],
  [18, ['P-DEV'], 'update', 'baz/quux', false, false],
  [19, ['P-DEV'], 'scan', 'baz/quux', false, false],
  [20, ['P-DEV'], 'scan', 'asdf/fdsa', true, false],
  [21, ['P-DEV'], 'list', 'asdf/fdsa', false, false],
  [22, ['P-DEV'], 'read', 'test/foo/bar/segment', false, false],
  [23, ['P-DEV'], 'read', 'test/foo/segment', true, false],
  [24, ['P-DEV'], 'read', 'test/segment/at/frond', false, false],
  [25, ['P-DEV'], 'read', 'test/segment/at/front', true, false],
  [26, ['P-DEV'], 'read', 'test/segment/at/end/foo', true, false],
  [27, ['P-DEV'], 'read', 'test/segment/at/end/foo/', false, false],
  [28, ['P-DEV'], 'read', 'test/segment/at/end/v2/foo/', true, false],
  [29, ['P-DEV'], 'read', 'test/segment/wildcard/at/foo/', true, false],
  [30, ['P-DEV'], 'read', 'test/segment/wildcard/at/end', true, false],
  [31, ['P-DEV'], 'read', '1/2/3/4', false, false],
  [32, ['P-DEV'], 'read', '1/2/3', true, false],
  [33, ['P-DEV'], 'update', '1/2/3', false, false],
  [34, ['P-DEV'], 'update', '1/2/3/4', true, false],
  [35, ['P-DEV'], 'create', '1/2/3/4/5', true, false],
  [36, ['P-DEV', 'P-OPS'], 'read', 'dev/hide/foo', false, false],
  [37, ['P-DEV', 'P-OPS'], 'update', 'stage/aws/policy/foo', false, false],
  [38, ['P-DEV', 'P-OPS'], 'delete', 'prod/foo', true, false],
  [39, ['P-DEV', 'P-OPS'], 'update', 'prod/foo', true, false],
  [40, ['P-DEV', 'P-OPS'], 'read', 'sys/status', false, false],
  [41, ['P-DEV', 'P-OPS'], 'update', 'sys/seal', true, true],
  [42, ['P-DEV', 'P-OPS'], 'read', 'foo/bar', false, false],
  [43, ['P-DEV', 'P-OPS'], 'create', 'foo/bar', false, false],
  [44, ['P-DEV', 'P-OPS'], 'patch', 'baz/quux', false, false],
  [52, ['DEFAULT'], 'read', 'auth/token/lookup-self', true, false],
  [53, ['DEFAULT'], 'update', 'auth/token/renew-self', true, false],
  [54, ['DEFAULT'], 'update', 'auth/token/revoke-self', true, false],
  [55, ['DEFAULT'], 'update', 'sys/capabilities-self', true, false],
  [56, ['DEFAULT'], 'read', 'foo/bar', false, false],
  [57, ['DEFAULT'], 'update', 'auth/foo', false, false],
];

const LSD: Array<[number, string, boolean]> = [
  [45, 'foo/', false],
  [46, 'foo/metadata/', true],
  [47, 'foo/metadata/test/', true],
  [48, 'foo/metadata/private/', false],
  [49, 'foo/metadata/private/internal/', false],
  [50, 'foo/metadata/private/granted/', true],
  [51, 'foo/metadata/private/granted/test/', true],
];

describe('ACL vectors A (allow/deny, sudo)', () => {
  it.each(A)('#%i %j %s %s', async (_n, policies, op, path, allowed, sudo) => {
    const decision = (await acl(...policies.map((p) => FIXTURES[p] as string))).allowOperation(path, op);
    expect(decision.allowed).toBe(allowed);
    if (allowed || op !== 'help') expect(decision.sudo).toBe(sudo);
  });

  it.each(LSD)('#%i P-LSD list/scan %s', async (_n, path, allowed) => {
    const a = await acl(P_LSD);
    expect(a.allowOperation(path, 'list').allowed).toBe(allowed);
    expect(a.allowOperation(path, 'scan').allowed).toBe(allowed);
  });
});

describe('ACL vectors B (segment-wildcard priority)', () => {
  const B: Array<[number, string, string, string]> = [
    [58, '+/*', '*', 'foo/bar/bar/baz'],
    [59, '+/*', 'foo/+/*', 'foo/bar/bar/baz'],
    [60, 'foo/+/+/*', 'foo/+/bar/baz', 'foo/bar/bar/baz'],
    [61, 'foo/+/+/baz', 'foo/+/bar/baz', 'foo/bar/bar/baz'],
    [62, 'foo/+/(ar/baz', 'foo/(ar/+/baz', 'foo/(ar/(ar/baz'],
    [63, 'foo/bar/+/baz*', 'foo/bar/+/baz', 'foo/bar/bar/baz'],
    [64, 'foo/bar/+/b*', 'foo/bar/+/ba*', 'foo/bar/bar/baz'],
  ];
  it.each(B)('#%i %s loses to %s on %s', async (_n, loser, winner, path) => {
    const a = await acl(`path "${loser}" { capabilities = ["read"] }\npath "${winner}" { capabilities = ["update"] }`);
    expect(a.allowOperation(path, 'update').allowed).toBe(true);
    expect(a.allowOperation(path, 'read').allowed).toBe(false);
  });
});

describe('ACL vectors C (capability lists)', () => {
  it('#65 root', () => {
    expect(new Acl([], true).capabilities('any/path')).toEqual(['root']);
  });
  it.each([
    [66, [P_DEV], 'dev', ['deny']],
    [67, [P_DEV], 'dev/', ['create', 'delete', 'list', 'read', 'sudo', 'update']],
    [68, [P_DEV], 'stage/aws/test', ['list', 'read', 'sudo', 'update']],
    [69, [P_DEV], 'foo/bar', ['create', 'read', 'sudo']],
    [70, [P_CAP, DEFAULT_POLICY_TEXT], 'foo/bar', ['create', 'sudo', 'update']],
    [71, [P_CAP, DEFAULT_POLICY_TEXT], 'foo/bar/sample', ['create', 'sudo', 'update']],
    [72, [P_CAP, DEFAULT_POLICY_TEXT], 'sys/capabilities', ['update']],
    [73, [P_CAP, DEFAULT_POLICY_TEXT], 'bar/baz', ['delete', 'read', 'update']],
    [
      74,
      [
        'path "secret/sample" { capabilities = ["update", "create", "sudo"] }',
        'path "secret/sample" { capabilities = ["read", "delete"] }',
        'path "secret/sample" { capabilities = ["list"] }',
      ],
      'secret/sample',
      ['create', 'delete', 'list', 'read', 'sudo', 'update'],
    ],
    [75, [P_DEV], '1/2/3', ['read']],
    [76, [P_DEV, P_OPS], 'foo/bar', ['deny']],
    [77, [DEFAULT_POLICY_TEXT], 'secret/data/x', ['deny']],
    [78, ['path "secret/metadata" { capabilities = ["list"] }'], 'secret/metadata/', ['list']],
  ] as Array<[number, string[], string, string[]]>)('#%i %s', async (_n, texts, path, expected) => {
    expect((await acl(...texts)).capabilities(path)).toEqual(expected);
  });
  it('a token without policies is denied everything', () => {
    expect(new Acl([]).capabilities('secret/data/x')).toEqual(['deny']);
  });
});

describe('ACL vectors D (mount visibility)', () => {
  it.each([
    ['+', 'foo/'],
    ['+/*', 'foo/'],
    ['foo/+/+/*', 'foo/'],
    ['foo/+/+/*', 'foo/bar/'],
    ['foo/+/+/*', 'foo/bar/bar/'],
    ['foo/+/+/*', 'foo/bar/bar/baz/'],
    ['foo/+/+/baz', 'foo/bar/bar/baz/'],
    ['foo/+/bar/baz', 'foo/bar/bar/baz/'],
    ['foo/bar/+/baz*', 'foo/bar/bar/baz/'],
    ['foo/bar/+/b*', 'foo/bar/bar/baz/'],
    ['foo/+', 'foo/'],
    ['kv-v1/+', 'kv-v1/'],
  ])('%s makes %s visible', async (pattern, mount) => {
    expect((await acl(`path "${pattern}" { capabilities = ["read"] }`)).hasMountAccess(mount)).toBe(true);
  });
  it('foo alone does not make kv-v1/ visible; the default policy shows sys/ and cubbyhole/ but not secret/', async () => {
    expect((await acl('path "foo" { capabilities = ["read"] }')).hasMountAccess('kv-v1/')).toBe(false);
    const d = await acl(DEFAULT_POLICY_TEXT);
    expect(d.hasMountAccess('secret/')).toBe(false);
    expect(d.hasMountAccess('sys/')).toBe(true);
    expect(d.hasMountAccess('cubbyhole/')).toBe(true);
  });
});

describe('policy parsing (reference 1.1–1.10)', () => {
  const failure = async (text: string): Promise<string> => {
    try {
      await parsePolicyText(text);
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyParseError);
      return (error as Error).message;
    }
    throw new Error('expected a parse failure');
  };

  it('follows HCL2 syntax: several attributes on one line are refused (HCL v1 accepted them)', async () => {
    expect(await failure('path "x" { policy = "read" capabilities = ["list"] }')).toMatch(/Invalid single-argument block definition/);
  });

  it("refuses bad capabilities, legacy words, +* and unknown keys with OpenBao's texts", async () => {
    expect(await failure('path "x" { capabilities = ["read","banana"] }')).toBe('path "x": invalid capability "banana"');
    expect(await failure('path "/" { policy = "banana" }')).toBe('path "/": invalid policy "banana"');
    expect(await failure('path "foo/+*" {}')).toBe(`path "foo/+*": invalid use of wildcards ('+*' is forbidden)`);
    expect(await failure('path "x" { capabilities = ["subscribe"] }')).toBe('path "x": invalid capability "subscribe"');
    expect(await failure('path "/" {\n  policy = "read"\n  capabilites = ["read"]\n}')).toBe(
      '1 error occurred:\n\t* path "/": invalid key "capabilites" on line 3\n\n',
    );
    expect(await failure('name = "x"\nbad = 1\nnope = 2')).toBe(
      '2 errors occurred:\n\t* invalid key "bad" on line 2\n\t* invalid key "nope" on line 3\n\n',
    );
    expect(await failure('path "x" {\n min_wrapping_ttl = "2h"\n max_wrapping_ttl = "1h"\n}')).toBe(
      'max_wrapping_ttl cannot be less than min_wrapping_ttl',
    );
    expect(await failure('path "x" {\n list_scan_response_keys_filter_path = "{{ .key }}"\n capabilities = ["read"]\n}')).toMatch(/.+/);
    expect(await failure('path "x" { capabilities = ["read" }')).toMatch(/^policy\.hcl:1/);
    expect(await failure('[1]')).toMatch(/.+/);
  });

  it('parses HCL and both JSON forms alike; legacy words expand; deny wipes the block', async () => {
    const hcl = await acl('path "a" { capabilities = ["read"] }\npath "b/*" { policy = "write" }');
    const json = await acl('{"path": {"a": {"capabilities": ["read"]}, "b/*": {"policy": "write"}}}');
    const list = await acl('{"path": [{"a": {"capabilities": ["read"]}}, {"b/*": {"policy": "write"}}]}');
    for (const a of [hcl, json, list]) {
      expect(a.capabilities('a')).toEqual(['read']);
      expect(a.capabilities('b/c')).toEqual(['create', 'delete', 'list', 'read', 'update']);
    }
    expect((await acl('path "a" { capabilities = ["read", "deny"] }')).capabilities('a')).toEqual(['deny']);
    expect((await acl('path "a" {\n  policy = "deny"\n  capabilities = ["read"]\n}')).capabilities('a')).toEqual(['deny']);
    expect((await acl('path "/lead" { capabilities = ["read"] }')).capabilities('lead')).toEqual(['read']);
  });

  it('skips templated blocks and blocks whose expiration has passed; denies rules with wrapping TTLs', async () => {
    const a = await acl(
      'path "identity/entity/id/{{identity.entity.id}}" { capabilities = ["read"] }\npath "old" {\n capabilities = ["read"]\n expiration = "2001-01-01T00:00:00Z"\n}\npath "w" {\n capabilities = ["read"]\n min_wrapping_ttl = "1m"\n}',
    );
    expect(a.capabilities('identity/entity/id/{{identity.entity.id}}')).toEqual(['deny']);
    expect(a.capabilities('old')).toEqual(['deny']);
    expect(a.capabilities('w')).toEqual(['read']);
    expect(a.allowOperation('w', 'read').allowed).toBe(false);
  });

  it('applies required, allowed and denied parameters to top-level keys', async () => {
    const a = await acl(`path "p" {
  capabilities = ["create", "update", "read"]
  required_parameters = ["data"]
  denied_parameters = { "options" = [] }
}
path "q" {
  capabilities = ["update"]
  allowed_parameters = {
    "name" = ["ok*", "*good"]
    "n" = []
  }
}`);
    expect(a.allowOperation('p', 'create', { data: {} }).allowed).toBe(true);
    expect(a.allowOperation('p', 'create', { other: 1 }).allowed).toBe(false);
    expect(a.allowOperation('p', 'create', { data: {}, options: {} }).allowed).toBe(false);
    expect(a.allowOperation('q', 'update', { name: 'okay' }).allowed).toBe(true);
    expect(a.allowOperation('q', 'update', { name: 'verygood', n: 5 }).allowed).toBe(true);
    expect(a.allowOperation('q', 'update', { name: 'bad' }).allowed).toBe(false);
    expect(a.allowOperation('q', 'update', { extra: 'x' }).allowed).toBe(false);
    expect(a.allowOperation('q', 'update', null).allowed).toBe(true);
  });

  it('requires sudo on root-protected paths and denies HEAD for non-root tokens', async () => {
    const a = await acl(
      'path "sys/audit" { capabilities = ["read"] }\npath "sys/auth/*" { capabilities = ["read", "sudo"] }\npath "x" { capabilities = ["read"] }',
    );
    expect(a.allowOperation('sys/audit', 'read').allowed).toBe(false);
    expect(a.allowOperation('sys/auth/foo', 'read').allowed).toBe(true);
    expect(a.allowOperation('x', 'head').allowed).toBe(false);
  });
});
