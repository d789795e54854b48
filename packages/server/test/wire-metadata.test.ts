import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, isRecent, start, type Running } from './helpers.js';

const METADATA_KEYS = [
  'cas_required',
  'created_time',
  'current_metadata_version',
  'current_version',
  'custom_metadata',
  'delete_version_after',
  'max_versions',
  'metadata_cas_required',
  'oldest_version',
  'updated_time',
  'versions',
];

let s: Running;
beforeEach(async () => {
  s = await start();
});
afterEach(async () => {
  await s.server.close();
});

const metadata = async (path = 'foo'): Promise<Record<string, unknown>> => dataOf(await s.call('GET', `/v1/secret/metadata/${path}`));

describe('metadata/ (scenarios 14–16, 18–19, 21–25, 27)', () => {
  it('14: the full metadata and CAS lifecycle', async () => {
    const created = await s.call('POST', '/v1/secret/metadata/foo', {
      body: {
        max_versions: 2,
        cas_required: true,
        metadata_cas_required: true,
        delete_version_after: '5m0s',
        custom_metadata: { foo: 'abc', bar: '123' },
      },
    });
    expect(created.status).toBe(204);
    let meta = await metadata();
    expect(Object.keys(meta)).toEqual(METADATA_KEYS);
    expect(meta).toMatchObject({
      max_versions: 2,
      cas_required: true,
      metadata_cas_required: true,
      delete_version_after: '5m0s',
      custom_metadata: { bar: '123', foo: 'abc' },
      current_metadata_version: 1,
      current_version: 0,
      oldest_version: 0,
      versions: {},
    });
    expect(isRecent(meta.created_time)).toBe(true);
    expect((await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } } })).json).toEqual({
      errors: ['check-and-set parameter required for this call'],
    });
    for (const cas of [0, 1, 2]) {
      const written = await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: cas }, options: { cas } } });
      expect(dataOf(written).version).toBe(cas + 1);
      const { created_time: created, deletion_time: deletion } = dataOf(written) as { created_time: string; deletion_time: string };
      expect(Date.parse(deletion) - Date.parse(created)).toBe(300_000);
    }
    meta = await metadata();
    expect(meta).toMatchObject({ current_version: 3, oldest_version: 2, current_metadata_version: 1 });
    expect(Object.keys(meta.versions as object)).toEqual(['2', '3']);
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 1, cas_required: false } })).json).toEqual({
      errors: ['metadata check-and-set parameter required for this call'],
    });
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 1, cas_required: false, metadata_cas: 1 } })).status).toBe(204);
    expect(dataOf(await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 4 } } })).version).toBe(4);
    meta = await metadata();
    expect(meta).toMatchObject({ current_version: 4, oldest_version: 4, current_metadata_version: 2 });
    expect(Object.keys(meta.versions as object)).toEqual(['4']);
    const detailed = await s.call('LIST', '/v1/secret/detailed-metadata/');
    expect(dataOf(detailed).keys).toEqual(['foo']);
    expect((dataOf(detailed).key_info as Record<string, unknown>).foo).toEqual(meta);
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { metadata_cas_required: false, metadata_cas: 1 } })).json).toEqual({
      errors: ['metadata check-and-set parameter does not match the current version'],
    });
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { metadata_cas_required: false, metadata_cas: 2 } })).status).toBe(204);
    expect(await metadata()).toMatchObject({ metadata_cas_required: false, current_metadata_version: 3 });
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { metadata_cas_required: true } })).status).toBe(204);
  });

  it('15: DELETE metadata removes every version; the key starts over', async () => {
    for (let i = 0; i < 6; i++) await s.call('POST', '/v1/secret/data/foo', { body: { data: { i } } });
    expect((await s.call('DELETE', '/v1/secret/metadata/foo')).status).toBe(204);
    expect((await s.call('GET', '/v1/secret/data/foo')).text).toBe('{"errors":[]}\n');
    expect((await s.call('GET', '/v1/secret/metadata/foo')).text).toBe('{"errors":[]}\n');
    expect(dataOf(await s.call('POST', '/v1/secret/data/foo', { body: { data: {} } })).version).toBe(1);
  });

  it('16: bad custom metadata is reported all at once and nothing is stored', async () => {
    const body = {
      custom_metadata: {
        ['k'.repeat(129)]: 'v',
        long: 'v'.repeat(513),
        '': 'empty-key',
        'empty-value': '',
        'unprint\u200bable': 'v',
        value: 'unprint\u200bable',
      },
    };
    const answer = await s.call('POST', '/v1/secret/metadata/foo', { body });
    expect(answer.status).toBe(400);
    const message = (answer.json?.errors as string[])[0] as string;
    expect(message.startsWith('6 errors occurred:\n\t* ')).toBe(true);
    expect(message).toContain(`custom_metadata validation failed: length of key "${'k'.repeat(129)}" is 129 but must be 0 < len(key) <= 128`);
    expect(message).toContain('custom_metadata validation failed: length of value for key "long" is 513 but must be 0 < len(value) <= 512');
    expect(message).toContain('custom_metadata validation failed: key "unprint\\u200bable" (unprint\u200bable) contains unprintable characters');
    expect((await s.call('GET', '/v1/secret/metadata/foo')).status).toBe(404);
    const nested = await s.call('POST', '/v1/secret/metadata/foo', { body: { custom_metadata: { a: { b: 'c' } } } });
    expect(nested.status).toBe(400);
    expect(nested.text).toContain('got unconvertible type');
  });

  it('converts custom metadata values weakly (numbers, booleans)', async () => {
    await s.call('POST', '/v1/secret/metadata/foo', { body: { custom_metadata: { n: 5, t: true, f: false } } });
    expect((await metadata()).custom_metadata).toEqual({ f: '0', n: '5', t: '1' });
  });

  it('18: custom_metadata {} reads back as null', async () => {
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { custom_metadata: {} } })).status).toBe(204);
    expect((await metadata()).custom_metadata).toBeNull();
  });

  it('19: POST metadata changes only the fields present', async () => {
    await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 5, cas_required: true } });
    expect(await metadata()).toMatchObject({ max_versions: 5, cas_required: true, custom_metadata: null });
    await s.call('POST', '/v1/secret/metadata/foo', { body: { cas_required: false, custom_metadata: { foo: 'a', bar: 'b' } } });
    expect(await metadata()).toMatchObject({ max_versions: 5, cas_required: false, custom_metadata: { bar: 'b', foo: 'a' } });
    await s.call('POST', '/v1/secret/metadata/foo', { body: { custom_metadata: { baz: 'abc123' } } });
    expect(await metadata()).toMatchObject({ cas_required: false, custom_metadata: { baz: 'abc123' } });
    await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 20 } });
    expect(await metadata()).toMatchObject({ max_versions: 20, custom_metadata: { baz: 'abc123' } });
  });

  it('stores max_versions as uint32 (negative wraps) and weakly typed values', async () => {
    await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: '-1', cas_required: 'true', delete_version_after: 3600 } });
    expect(await metadata()).toMatchObject({ max_versions: 4_294_967_295, cas_required: true, delete_version_after: '1h0m0s' });
    const negative = await s.call('POST', '/v1/secret/metadata/foo', { body: { delete_version_after: '-1h' } });
    expect(negative.json).toEqual({
      errors: [`Field validation failed: error converting input for field "delete_version_after": cannot provide negative value '-3600'`],
    });
    const array = await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: [1, 2] } });
    expect((array.json?.errors as string[])[0]).toMatch(/^Field validation failed: error converting input for field "max_versions"/);
  });

  it('21: PATCH metadata of a missing key is 404 with an empty body', async () => {
    const answer = await s.call('PATCH', '/v1/secret/metadata/foo', { body: { cas_required: true } });
    expect(answer.status).toBe(404);
    expect(answer.text).toBe('');
  });

  it('22: a key cannot switch off a mount-wide cas_required (warning, 200)', async () => {
    await s.call('POST', '/v1/secret/config', { body: { cas_required: true } });
    await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 5 } });
    const answer = await s.call('PATCH', '/v1/secret/metadata/foo', { body: { cas_required: false, unknown: 1 } });
    expect(answer.status).toBe(200);
    expect(answer.json?.data).toBeNull();
    expect(answer.json?.warnings).toEqual([
      '"cas_required" set to false, but is mandated by backend config. This value will be ignored.',
      'Endpoint ignored these unrecognized parameters: [unknown]',
    ]);
    expect((await metadata()).cas_required).toBe(false);
  });

  it('23: mount-wide metadata CAS', async () => {
    await s.call('POST', '/v1/secret/config', { body: { metadata_cas_required: true } });
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 5 } })).json).toEqual({
      errors: ['metadata check-and-set parameter required for this call'],
    });
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 5, metadata_cas: 0 } })).status).toBe(204);
    const answer = await s.call('PATCH', '/v1/secret/metadata/foo', { body: { metadata_cas_required: false, metadata_cas: 1 } });
    expect(answer.status).toBe(200);
    expect(answer.json?.warnings).toEqual(['"metadata_cas_required" set to false, but is mandated by backend config. This value will be ignored.']);
  });

  it('24: creating metadata with a non-zero metadata_cas is refused', async () => {
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 5, metadata_cas: 1 } })).json).toEqual({
      errors: ['metadata_cas must be 0 when creating new metadata'],
    });
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 5, metadata_cas: 0 } })).status).toBe(204);
  });

  it('25: custom_metadata merge patch', async () => {
    await s.call('POST', '/v1/secret/metadata/foo', { body: { custom_metadata: { foo: 'abc', bar: 'def' } } });
    const patch = async (custom: unknown): Promise<unknown> => {
      expect((await s.call('PATCH', '/v1/secret/metadata/foo', { body: { custom_metadata: custom } })).status).toBe(204);
      return (await metadata()).custom_metadata;
    };
    expect(await patch({})).toEqual({ bar: 'def', foo: 'abc' });
    expect(await patch({ baz: 'ghi' })).toEqual({ bar: 'def', baz: 'ghi', foo: 'abc' });
    expect(await patch({ foo: null })).toEqual({ bar: 'def', baz: 'ghi' });
    expect(await patch({ foo: 'ghi' })).toEqual({ bar: 'def', baz: 'ghi', foo: 'ghi' });
    expect(await patch({ foo: 'def', bar: null, baz: 'ghi' })).toEqual({ baz: 'ghi', foo: 'def' });
    expect(await patch(null)).toBeNull();
  });

  it('26: a PATCH with only unknown or read-only fields changes nothing (not even updated_time)', async () => {
    await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 3 } });
    const before = await metadata();
    const answer = await s.call('PATCH', '/v1/secret/metadata/foo', { body: { current_version: 7, created_time: 'x' } });
    expect(answer.status).toBe(204);
    expect(await metadata()).toEqual(before);
  });

  it('treats a null delete_version_after as absent (a lone one changes nothing), other nulls as zero values', async () => {
    await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 3, delete_version_after: '1h' } });
    const before = await metadata();
    expect((await s.call('PATCH', '/v1/secret/metadata/foo', { body: { delete_version_after: null } })).status).toBe(204);
    expect(await metadata()).toEqual(before);
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { delete_version_after: null } })).status).toBe(204);
    expect(await metadata()).toEqual(before);
    await s.call('POST', '/v1/secret/metadata/foo', { body: { cas_required: null, delete_version_after: null } });
    expect(await metadata()).toMatchObject({ cas_required: false, delete_version_after: '1h0m0s', current_metadata_version: 2 });
  });

  it('27: PATCH max_versions: null resets it to 0', async () => {
    await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 10 } });
    expect((await s.call('PATCH', '/v1/secret/metadata/foo', { body: { max_versions: null } })).status).toBe(204);
    expect((await metadata()).max_versions).toBe(0);
  });
});

describe('listing (LIST, ?list=true, detailed-metadata, SCAN; scenario 28)', () => {
  beforeEach(async () => {
    for (const path of ['b', 'a', 'a/x', 'a/y/z', 'A', 'c/d']) await s.call('POST', `/v1/secret/data/${path}`, { body: { data: { v: 1 } } });
  });

  it('lists the immediate children, sorted byte-wise, folders with a slash', async () => {
    const answer = await s.call('LIST', '/v1/secret/metadata/');
    expect(answer.status).toBe(200);
    expect(dataOf(answer)).toEqual({ keys: ['A', 'a', 'a/', 'b', 'c/'] });
    expect(dataOf(await s.call('GET', '/v1/secret/metadata?list=true'))).toEqual({ keys: ['A', 'a', 'a/', 'b', 'c/'] });
    expect(dataOf(await s.call('GET', '/v1/secret/metadata/a?list=1'))).toEqual({ keys: ['x', 'y/'] });
    expect(dataOf(await s.call('LIST', '/v1/secret/metadata/a'))).toEqual({ keys: ['x', 'y/'] });
  });

  it('paginates with after and limit', async () => {
    expect(dataOf(await s.call('LIST', '/v1/secret/metadata/?after=a&limit=2')).keys).toEqual(['a/', 'b']);
    expect(dataOf(await s.call('LIST', '/v1/secret/metadata/?after=aa')).keys).toEqual(['b', 'c/']);
    expect(dataOf(await s.call('LIST', '/v1/secret/metadata/?limit=-1')).keys).toEqual(['A', 'a', 'a/', 'b', 'c/']);
  });

  it('is 404 {"errors":[]} when empty, or 200 data {} when there is a warning', async () => {
    expect((await s.call('LIST', '/v1/secret/metadata/nothing/')).text).toBe('{"errors":[]}\n');
    expect((await s.call('LIST', '/v1/secret/metadata/b')).status).toBe(404);
    const warned = await s.call('LIST', '/v1/secret/metadata/nothing/?bogus=1');
    expect(warned.status).toBe(200);
    expect(warned.json?.data).toEqual({});
    expect(warned.json?.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [bogus]']);
  });

  it('refuses bad list switches and LIST where it is not supported', async () => {
    expect((await s.call('GET', '/v1/secret/metadata/?list=maybe')).text).toBe('{"errors":[]}\n');
    expect((await s.call('GET', '/v1/secret/metadata/?list=true&scan=true')).status).toBe(400);
    const onData = await s.call('LIST', '/v1/secret/data/');
    expect(onData.status).toBe(405);
    expect(onData.json).toEqual({ errors: ['1 error occurred:\n\t* unsupported operation\n\n'] });
    const onMount = await s.call('LIST', '/v1/secret/');
    expect(onMount.status).toBe(404);
    expect(onMount.json?.warnings).toEqual([
      "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the OpenBao CLI, use 'bao kv list' for this operation.",
    ]);
  });

  it('28: detailed-metadata gives each leaf its metadata and each folder {}', async () => {
    const answer = await s.call('LIST', '/v1/secret/detailed-metadata/a/');
    expect(answer.status).toBe(200);
    expect(Object.keys(dataOf(answer))).toEqual(['key_info', 'keys']);
    expect(dataOf(answer).keys).toEqual(['x', 'y/']);
    const info = dataOf(answer).key_info as Record<string, Record<string, unknown>>;
    expect(info['y/']).toEqual({});
    expect(info.x).toEqual(await metadata('a/x'));
    expect((await s.call('GET', '/v1/secret/detailed-metadata/a/')).status).toBe(405);
  });

  it("SCAN returns every leaf below the prefix in OpenBao's stack order; empty is 200 {}", async () => {
    const scanned = await s.call('SCAN', '/v1/secret/metadata/');
    expect(scanned.status).toBe(200);
    expect(dataOf(scanned).keys).toEqual(['A', 'a', 'b', 'c/d', 'a/x', 'a/y/z']);
    expect(dataOf(await s.call('GET', '/v1/secret/metadata/a?scan=true')).keys).toEqual(['x', 'y/z']);
    const empty = await s.call('SCAN', '/v1/secret/metadata/none/');
    expect(empty.status).toBe(200);
    expect(empty.json?.data).toEqual({});
    const detailed = await s.call('SCAN', '/v1/secret/detailed-metadata/a/');
    expect(Object.keys(dataOf(detailed).key_info as object)).toEqual(['x', 'y/z']);
  });
});
