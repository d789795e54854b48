import { KvError, type KvV2Store } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { describe, expect, it } from 'vitest';
import { OpenBaoKeyValueStore } from '../src/index.js';
import { fakeFetch } from './fake-fetch.js';

type Call = (store: KvV2Store) => Promise<unknown>;

/** The error of a call, as a comparable summary (or 'ok'). */
async function outcome(call: Call, store: KvV2Store): Promise<string> {
  try {
    await call(store);
    return 'ok';
  } catch (error) {
    if (!KvError.is(error)) throw error;
    return `${error.name}/${error.code}: ${error.message}`;
  }
}

// Bad arguments, loosely typed on purpose: these are what JavaScript callers can pass.
const BAD_CALLS: Array<[string, Call]> = [
  ['a relative path', (s) => s.read('a/../b')],
  ['a non-printable path', (s) => s.read('a\u200bb')],
  ['an empty path', (s) => s.readMetadata('')],
  ['a write to a folder', (s) => s.write('a/', { x: 1 })],
  ['a patch of a folder', (s) => s.patch('a/', { x: 1 })],
  ['a path that is not a string', (s) => s.read(42 as unknown as string)],
  ['no data', (s) => s.write('x', undefined as unknown as object)],
  ['data that is an array', (s) => s.write('x', [1, 2])],
  ['data with a function inside', (s) => s.write('x', { f: () => 1 })],
  ['data with a Date inside', (s) => s.patch('x', { when: new Date() })],
  ['a negative cas', (s) => s.write('x', { a: 1 }, { cas: -1 })],
  ['a fractional cas', (s) => s.patch('x', { a: 1 }, { cas: 1.5 })],
  ['an empty delete list', (s) => s.delete('x', { versions: [] })],
  ['an empty undelete list', (s) => s.undelete('x', { versions: [] })],
  ['an empty destroy list (lower-case message)', (s) => s.destroy('x', { versions: [] })],
  ['a negative version in a list', (s) => s.delete('x', { versions: [-1] })],
  ['versions that are not a list', (s) => s.destroy('x', { versions: 3 as unknown as number[] })],
  ['a fractional read version', (s) => s.read('x', { version: 1.5 })],
  ['a negative read version', (s) => s.read('x', { version: -2 })],
  ['a fractional subkeys depth', (s) => s.subkeys('x', { depth: 0.5 })],
  ['a negative maxVersions', (s) => s.writeMetadata('x', { maxVersions: -1 })],
  ['a string casRequired', (s) => s.writeMetadata('x', { casRequired: 'yes' as unknown as boolean })],
  ['a negative key deleteVersionAfter', (s) => s.writeMetadata('x', { deleteVersionAfter: -3600 })],
  ['a negative metadataCas', (s) => s.writeMetadata('x', { maxVersions: 1, metadataCas: -1 })],
  ['a non-string custom metadata value', (s) => s.writeMetadata('x', { customMetadata: { n: 1 as unknown as string } })],
  ['custom metadata with an empty key and a long value', (s) => s.writeMetadata('x', { customMetadata: { '': 'v', k: 'x'.repeat(513) } })],
  [
    '65 custom metadata keys',
    (s) => s.writeMetadata('x', { customMetadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }),
  ],
  ['a metadata update that is not an object', (s) => s.writeMetadata('x', null as unknown as object)],
  ['a metadata patch with a bad maxVersions', (s) => s.patchMetadata('x', { maxVersions: 2 ** 32 })],
  ['a metadata patch with an unprintable custom value', (s) => s.patchMetadata('x', { customMetadata: { k: 'a\nb' } })],
  ['a config update with a fractional duration', (s) => s.writeConfig({ deleteVersionAfter: 1.5 })],
  ['a config update that is not an object', (s) => s.writeConfig(undefined as unknown as object)],
];

describe('bad input is refused before anything is sent, exactly as the local stores refuse it', () => {
  it.each(BAD_CALLS)('%s', async (_name, call) => {
    const fake = fakeFetch();
    const adapter = new OpenBaoKeyValueStore({ baseUrl: 'http://bao.test', token: 't', env: {}, fetch: fake.fetch });
    const local = await outcome(call, new MemoryKeyValueStore());
    expect(local).not.toBe('ok');
    expect(await outcome(call, adapter)).toBe(local);
    expect(fake.requests).toEqual([]);
  });
});

// Calls that change nothing in OpenBao (its fast path answers 204 before checking anything else).
const NO_OP_CALLS: Array<[string, Call]> = [
  ['a metadata patch with a null duration and a bad metadataCas', (s) => s.patchMetadata('x', { deleteVersionAfter: null, metadataCas: -1 })],
  ['a metadata patch with only metadataCas, on an unknown key', (s) => s.patchMetadata('unknown', { metadataCas: 3 })],
  ['an empty metadata patch', (s) => s.patchMetadata('x', {})],
  ['a metadata update with only metadataCas', (s) => s.writeMetadata('x', { metadataCas: 0 })],
];

describe('calls that change nothing are no-ops in every store, and send nothing', () => {
  it.each(NO_OP_CALLS)('%s', async (_name, call) => {
    const fake = fakeFetch();
    const adapter = new OpenBaoKeyValueStore({ baseUrl: 'http://bao.test', token: 't', env: {}, fetch: fake.fetch });
    const local = new MemoryKeyValueStore();
    await local.write('x', { v: 1 });
    const before = await local.readMetadata('x');
    expect(await outcome(call, local)).toBe('ok');
    expect(await local.readMetadata('x')).toEqual(before);
    expect(await outcome(call, adapter)).toBe('ok');
    expect(fake.requests).toEqual([]);
  });
});
