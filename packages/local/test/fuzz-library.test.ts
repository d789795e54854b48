import fc from 'fast-check';
import { KvError } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../src/index.js';

// The library half of kv2's fuzzing suite (issue 12): every public method of
// MemoryKeyValueStore is called with hostile arguments — wrong types, out-of-range numbers and
// durations, deep and circular data, class instances, odd paths. After every call: whatever
// was thrown is a KvError (a stable code and status), and a refused call changed nothing.
// The seed is printed; replay a failure with FC_SEED=<seed>.

const SEED = envInteger('FC_SEED') ?? Math.floor(Math.random() * 0x7fffffff);
const RUNS = envInteger('FC_RUNS') ?? 1500;

function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? undefined : Number.parseInt(raw, 10);
}

function nested(depth: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as Record<string, unknown>;
}

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

const numbers = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(2 ** 32, 2 ** 53, 9_223_372_036, 9_223_372_037, -9_223_372_037, 8.64e12, 9e15, 1e308, 0.5, -0, Number.NaN, Infinity, -Infinity),
  fc.double(),
);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  numbers,
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constantFrom(null, undefined, 10n, Symbol('s'), () => 1, new Date(0), new Map(), [], ['a'], {}, { length: 2 }, Buffer.from('x')),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor', ''), scalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 5000 }).map((depth) => ({ deep: nested(depth) })) },
  { weight: 1, arbitrary: fc.constant(null).map(() => ({ loop: circular() })) },
);
const path: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('k', 'k/a', 'k/', 'dir/k', 'k//a', ' k') },
  { weight: 2, arbitrary: fc.constantFrom('', '/', '.', '..', 'k/../x', 'k/./a', '\u0000', 'k\u0007', 'a'.repeat(5000), 'é/ü', '%2e%2e') },
  { weight: 1, arbitrary: scalar },
);
const options: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      cas: scalar,
      version: scalar,
      versions: fc.oneof(fc.array(numbers, { maxLength: 3 }), scalar),
      depth: scalar,
      maxVersions: numbers,
      casRequired: scalar,
      metadataCasRequired: scalar,
      deleteVersionAfter: fc.oneof(numbers, scalar),
      customMetadata: fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), scalar), { maxKeys: 3 }), scalar),
      metadataCas: scalar,
      mode: fc.constantFrom('merge', 'replace', 'other'),
      limit: numbers,
      after: scalar,
    },
    { requiredKeys: [] },
  ),
  scalar,
);

type Call = { method: string; args: unknown[] };

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.tuple(path, options).map(([p, o]) => ({ method: 'read', args: [p, o] })),
  fc.tuple(path, value, options).map(([p, d, o]) => ({ method: 'write', args: [p, d, o] })),
  fc.tuple(path, value, options).map(([p, d, o]) => ({ method: 'patch', args: [p, d, o] })),
  fc.tuple(path, options).map(([p, o]) => ({ method: 'delete', args: [p, o] })),
  fc.tuple(path, options).map(([p, o]) => ({ method: 'undelete', args: [p, o] })),
  fc.tuple(path, options).map(([p, o]) => ({ method: 'destroy', args: [p, o] })),
  fc.tuple(path, options).map(([p, o]) => ({ method: 'list', args: [p, o] })),
  path.map((p) => ({ method: 'readMetadata', args: [p] })),
  fc.tuple(path, options).map(([p, o]) => ({ method: 'writeMetadata', args: [p, o] })),
  fc.tuple(path, options).map(([p, o]) => ({ method: 'patchMetadata', args: [p, o] })),
  path.map((p) => ({ method: 'deleteMetadata', args: [p] })),
  path.map((p) => ({ method: 'deleteLatest', args: [p] })),
  fc.tuple(path, options).map(([p, o]) => ({ method: 'subkeys', args: [p, o] })),
  fc.constant<Call>({ method: 'readConfig', args: [] }),
  options.map((o) => ({ method: 'writeConfig', args: [o] })),
  fc.constant<Call>({ method: 'exportDocument', args: [] }),
  fc.tuple(fc.oneof(value, fc.constant('export')), options).map(([d, o]) => ({ method: 'importDocument', args: [d, o] })),
);

function describeCall(c: Call): string {
  return `${c.method}(${c.args.map((a) => (typeof a === 'object' && a !== null ? '{…}' : String(a as string))).join(', ')})`;
}

describe('fuzzing the library API with hostile arguments', () => {
  it('throws only KvErrors, and a refused call changes nothing', async () => {
    console.log(`fuzz-library: seed ${SEED}, ${RUNS} runs (replay: FC_SEED=${SEED} npx vitest run packages/local/test/fuzz-library.test.ts)`);
    let calls = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 25 }), async (calls_) => {
        const store = new MemoryKeyValueStore();
        await store.write('k', { seed: 1 });
        await store.writeMetadata('dir/k', { customMetadata: { owner: 'me' } });
        try {
          for (const c of calls_) {
            calls++;
            const args = c.args.map((a) => (a === 'export' ? store.exportDocument() : a));
            const resolved = await Promise.all(args);
            const before = await store.exportDocument();
            let thrown: unknown;
            try {
              await (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[c.method]!(...resolved);
            } catch (error) {
              thrown = error;
            }
            if (thrown === undefined) continue;
            refused++;
            expect(
              thrown instanceof KvError,
              `${describeCall(c)} threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : typeof thrown}`,
            ).toBe(true);
            expect(typeof (thrown as KvError).code).toBe('string');
            expect(Number.isInteger((thrown as KvError).status)).toBe(true);
            expect(await store.exportDocument(), `${describeCall(c)} was refused but changed the store`).toEqual(before);
          }
        } finally {
          await store.close();
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.log(`fuzz-library: ${calls} calls, ${refused} refused with a KvError`);
    expect(refused).toBeGreaterThan(0);
  });
});
