import { applyMergePatch, type KeyMetadata, type Secret, type SecretData } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { folderOf, secretPath, smallSecret } from '../fixtures.js';
import { num, range, times } from '../harness/format.js';
import { get, measure } from '../harness/measure.js';
import { ratioTarget, type SectionReport } from '../harness/report.js';

const SECRETS = 1000;
const VERSIONS = 3;
const TARGET = 3;

/**
 * The memory store's operations on small secrets against a `Map` that does only what any
 * store must: copy the value in or out with `structuredClone` (so callers and the store cannot
 * change each other's objects). The floor is `async` like the store's API, so both pay for one
 * promise per call.
 */
export async function memorySection(quick: boolean): Promise<SectionReport> {
  const store = new MemoryKeyValueStore();
  const data = new Map<string, Secret>();
  const metadata = new Map<string, KeyMetadata>();
  const listings = new Map<string, string[]>();
  for (let v = 0; v < VERSIONS; v++) {
    for (let i = 0; i < SECRETS; i++) await store.write(secretPath(i), smallSecret(i + v));
  }
  for (let i = 0; i < SECRETS; i++) {
    data.set(secretPath(i), await store.read(secretPath(i)));
    metadata.set(secretPath(i), await store.readMetadata(secretPath(i)));
  }
  for (let f = 0; f < 10; f++) listings.set(folderOf(f), await store.list(folderOf(f)));

  const key = (i: number): string => secretPath(i % SECRETS);
  const floor = {
    read: async (i: number): Promise<Secret> => structuredClone(data.get(key(i)) as Secret),
    write: async (i: number): Promise<void> => {
      data.set(key(i), { data: structuredClone(smallSecret(i)), metadata: (data.get(key(i)) as Secret).metadata });
    },
    patch: async (i: number): Promise<void> => {
      const current = data.get(key(i)) as Secret;
      const next = applyMergePatch(structuredClone(current.data), structuredClone({ password: `rotated-${i}` }));
      data.set(key(i), { data: next, metadata: current.metadata });
    },
    list: async (i: number): Promise<string[]> => structuredClone(listings.get(folderOf(i)) as string[]),
    readMetadata: async (i: number): Promise<KeyMetadata> => structuredClone(metadata.get(key(i)) as KeyMetadata),
  };
  const kv2 = {
    read: (i: number): Promise<Secret<SecretData>> => store.read(key(i)),
    write: (i: number) => store.write(key(i), smallSecret(i)),
    patch: (i: number) => store.patch(key(i), { password: `rotated-${i}` }),
    list: (i: number) => store.list(folderOf(i)),
    readMetadata: (i: number) => store.readMetadata(key(i)),
  };
  const operations = Object.keys(kv2) as Array<keyof typeof kv2>;
  const rows: string[][] = [];
  const targets = [];
  for (const op of operations) {
    const results = await measure(
      [
        { name: 'floor', run: floor[op] },
        { name: 'kv2', run: kv2[op] },
      ],
      { batch: op === 'list' ? 20 : 100, rounds: quick ? 2 : 4, timeMs: quick ? 150 : 300 },
    );
    const subject = get(results, 'kv2');
    const base = get(results, 'floor');
    const ratio = subject.median / base.median;
    rows.push([op, num(subject.median), range(subject.p25, subject.p75), num(subject.p99), num(base.median), times(ratio)]);
    targets.push(ratioTarget(`Memory store ${op} within ${TARGET}× of its floor`, ratio, TARGET));
  }
  return {
    title: 'Memory store',
    intro:
      `\`MemoryKeyValueStore\` holding ${SECRETS.toLocaleString('en-US')} small secrets (five string fields, ${VERSIONS} versions each, ` +
      'ten folders). Each call rotates over the keys; `list` lists one folder (100 names). Floor: a `Map` of the same values ' +
      'behind an `async` function that copies what crosses the API with `structuredClone` (read: the whole secret with its ' +
      "metadata; write: the data; patch: get, copy, merge, set; list: the folder's name array; readMetadata: the key's metadata). " +
      'Microseconds per call; each sample is the mean of a batch of calls (100, or 20 for list).',
    headers: ['operation', 'median µs', 'p25–p75 µs', 'p99 µs', 'floor median µs', 'ratio'],
    rows,
    notes: [],
    targets,
  };
}
