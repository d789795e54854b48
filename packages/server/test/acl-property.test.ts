import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Running } from './helpers.js';

// Property: the capabilities the server reports for a token on a random path equal an
// independent evaluation of its policies, written here straight from the reference (2.2–2.4)
// with regular expressions and a sort key instead of the server's maps and comparator.

const CAPS = ['create', 'read', 'update', 'patch', 'delete', 'list', 'scan', 'sudo', 'deny'] as const;
const SEGMENTS = ['a', 'b', 'ab', '+'];

interface Rule {
  pattern: string;
  caps: string[];
}

const segment = fc.constantFrom(...SEGMENTS);
const patternArb = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '*', '/', '/*'))
  .map(([parts, tail]) => `${parts.join('/')}${tail}`)
  .filter((p) => !p.includes('+*'));
const ruleArb = fc.record({ pattern: patternArb, caps: fc.subarray([...CAPS], { minLength: 0, maxLength: 4 }) });
const policyArb = fc.array(ruleArb, { minLength: 1, maxLength: 5 });
const pathArb = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', 'ab', 'abc', 'x'), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([parts, slash]) => `${parts.join('/')}${slash ? '/' : ''}`);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Compiled {
  key: string;
  caps: Set<string>;
  kind: 'exact' | 'glob' | 'segment';
  regex: RegExp;
  // Sort key: (first wildcard, not glob, -plus count, length, pattern): larger wins.
  rank: [number, number, number, number, string];
}

function compile(pattern: string): Omit<Compiled, 'caps'> {
  const isSegment = pattern === '+' || pattern.startsWith('+/') || pattern.includes('/+');
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  if (!isSegment) {
    const regex = glob ? new RegExp(`^${escape(body)}`) : new RegExp(`^${escape(body)}$`);
    return { key: `${glob ? 'g' : 'e'}:${body}`, kind: glob ? 'glob' : 'exact', regex, rank: [body.length, glob ? 0 : 1, 0, body.length, pattern] };
  }
  const parts = body.split('/');
  const source = parts
    .map((p, i) => {
      if (p === '+') return '[^/]*';
      if (glob && i === parts.length - 1) return `${escape(p)}[^/]*`;
      return escape(p);
    })
    .join('/');
  const regex = new RegExp(`^${source}${glob ? '(/.*)?' : ''}$`);
  const first = Math.min(...[pattern.indexOf('+'), glob ? pattern.length - 1 : -1].filter((i) => i >= 0));
  return { key: `s:${pattern}`, kind: 'segment', regex, rank: [first, glob ? 0 : 1, -parts.filter((p) => p === '+').length, body.length, pattern] };
}

function compareRank(a: Compiled['rank'], b: Compiled['rank']): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a[4] < b[4] ? -1 : a[4] > b[4] ? 1 : 0;
}

function expected(policies: Rule[][], path: string): string[] {
  const merged = new Map<string, Compiled>();
  for (const rules of policies) {
    for (const rule of rules) {
      const pattern = rule.pattern.startsWith('/') ? rule.pattern.slice(1) : rule.pattern;
      const c = compile(pattern);
      const entry = merged.get(c.key) ?? { ...c, caps: new Set<string>() };
      if (rule.caps.includes('deny') || entry.caps.has('deny')) entry.caps = new Set(['deny']);
      else for (const cap of rule.caps) entry.caps.add(cap);
      merged.set(c.key, entry);
    }
  }
  const all = [...merged.values()];
  const nonExact = (p: string): Compiled | undefined => {
    const globs = all.filter((c) => c.kind === 'glob' && c.regex.test(p)).sort((x, y) => y.rank[0] - x.rank[0]);
    const candidates = [...globs.slice(0, 1), ...all.filter((c) => c.kind === 'segment' && c.regex.test(p))];
    return candidates.sort((x, y) => compareRank(y.rank, x.rank))[0];
  };
  const exact = (p: string): Compiled | undefined => all.find((c) => c.kind === 'exact' && c.regex.test(p));
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : undefined;
  const rule =
    exact(path) ?? (trimmed === undefined ? undefined : exact(trimmed)) ?? nonExact(path) ?? (trimmed === undefined ? undefined : nonExact(trimmed));
  if (rule === undefined || rule.caps.size === 0 || rule.caps.has('deny')) return ['deny'];
  return [...rule.caps].sort();
}

function hcl(rules: Rule[]): string {
  return rules.map((r) => `path "${r.pattern}" {\n  capabilities = ${JSON.stringify(r.caps)}\n}\n`).join('');
}

let s: Running;
beforeAll(async () => {
  s = await start();
});
afterAll(async () => {
  await s.server.close();
});

describe('effective capabilities (property)', () => {
  it("equal an independent evaluation of the token's policies", async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, policyArb, fc.array(pathArb, { minLength: 1, maxLength: 6 }), async (p1, p2, paths) => {
        for (const [name, rules] of [
          ['p1', p1],
          ['p2', p2],
        ] as const) {
          const put = await s.call('PUT', `/v1/sys/policies/acl/${name}`, { body: { policy: hcl(rules) } });
          expect(put.status, put.text).toBe(204);
        }
        const created = await s.call('POST', '/v1/auth/token/create', { body: { policies: ['p1', 'p2'], no_default_policy: true } });
        const token = (created.json?.auth as { client_token: string }).client_token;
        const answer = await s.call('POST', '/v1/sys/capabilities', { body: { paths, token } });
        expect(answer.status).toBe(200);
        const data = answer.json?.data as Record<string, string[]>;
        for (const path of paths) expect(data[path], `${path}\n${hcl(p1)}---\n${hcl(p2)}`).toEqual(expected([p1, p2], path));
      }),
      { numRuns: 150 },
    );
  });
});
