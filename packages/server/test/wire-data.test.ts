import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, isRecent, start, type Running } from './helpers.js';

const ENVELOPE_KEYS = ['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth'];
const VERSION_KEYS = ['created_time', 'custom_metadata', 'deletion_time', 'destroyed', 'version'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/;

let s: Running;
beforeEach(async () => {
  s = await start();
});
afterEach(async () => {
  await s.server.close();
});

describe('the response envelope', () => {
  it("has OpenBao's fields in struct order, a fresh request id, no lease, and a trailing newline", async () => {
    const first = await s.call('POST', '/v1/secret/data/foo', { body: { data: { bar: 'baz' } } });
    const second = await s.call('GET', '/v1/secret/data/foo');
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.json ?? {})).toEqual(ENVELOPE_KEYS);
      expect(answer.json).toMatchObject({ lease_id: '', renewable: false, lease_duration: 0, wrap_info: null, warnings: null, auth: null });
      expect(answer.json?.request_id).toMatch(UUID);
      expect(answer.text.endsWith('}\n')).toBe(true);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect(first.json?.request_id).not.toBe(second.json?.request_id);
  });

  it('escapes <, > and & as Go does', async () => {
    await s.call('POST', '/v1/secret/data/html', { body: { data: { v: '<a&b>' } } });
    const answer = await s.call('GET', '/v1/secret/data/html');
    expect(answer.text).toContain('"v":"\\u003ca\\u0026b\\u003e"');
    expect(dataOf(answer).data).toEqual({ v: '<a&b>' });
  });
});

describe('data/ (scenarios 1–5, 8–13, 39)', () => {
  it('1: write returns exactly the five version fields; custom metadata is echoed; cas 1 makes version 2', async () => {
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { custom_metadata: { foo: 'abc', bar: 'def' } } })).status).toBe(204);
    const written = await s.call('POST', '/v1/secret/data/foo', { body: { data: { bar: 'baz' } } });
    expect(written.status).toBe(200);
    const meta = dataOf(written);
    expect(Object.keys(meta)).toEqual(VERSION_KEYS);
    expect(meta).toMatchObject({ version: 1, deletion_time: '', destroyed: false, custom_metadata: { bar: 'def', foo: 'abc' } });
    expect(written.text).toContain('"custom_metadata":{"bar":"def","foo":"abc"}');
    expect(meta.created_time).toMatch(RFC3339);
    const again = await s.call('PUT', '/v1/secret/data/foo', { body: { data: { bar: 'baz2' }, options: { cas: 1 } } });
    expect(dataOf(again).version).toBe(2);
  });

  it('2: cas 0 twice: the second is refused', async () => {
    expect((await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 }, options: { cas: 0 } } })).status).toBe(200);
    const second = await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 }, options: { cas: 0 } } });
    expect(second.status).toBe(400);
    expect(second.text).toBe('{"errors":["check-and-set parameter did not match the current version"]}\n');
  });

  it('accepts cas weakly typed ("1", true) and refuses what cannot be an int', async () => {
    await s.call('POST', '/v1/secret/data/w', { body: { data: { a: 1 } } });
    expect((await s.call('POST', '/v1/secret/data/w', { body: { data: { a: 2 }, options: { cas: '1' } } })).status).toBe(200);
    expect((await s.call('POST', '/v1/secret/data/w', { body: { data: { a: 3 }, options: { cas: 2 } } })).status).toBe(200);
    const bad = await s.call('POST', '/v1/secret/data/w', { body: { data: { a: 4 }, options: { cas: 'abc' } } });
    expect(bad.json).toEqual({ errors: ['error parsing check-and-set parameter'] });
    const negative = await s.call('POST', '/v1/secret/data/w', { body: { data: { a: 4 }, options: { cas: -1 } } });
    expect(negative.json).toEqual({ errors: ['check-and-set parameter did not match the current version'] });
    await s.call('POST', '/v1/secret/data/t', { body: { data: { a: 1 } } });
    expect((await s.call('POST', '/v1/secret/data/t', { body: { data: { a: 2 }, options: { cas: true } } })).status).toBe(200);
  });

  it('3: a missing secret is 404 {"errors":[]}; a written one reads back with its metadata', async () => {
    const missing = await s.call('GET', '/v1/secret/data/foo');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('{"errors":[]}\n');
    await s.call('POST', '/v1/secret/metadata/foo', { body: { custom_metadata: { owner: 'x' } } });
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { bar: 'baz', n: 1.5, list: [1, 'two'], nested: { deep: null } } } });
    const read = await s.call('GET', '/v1/secret/data/foo');
    expect(read.status).toBe(200);
    expect(Object.keys(dataOf(read))).toEqual(['data', 'metadata']);
    expect(dataOf(read).data).toEqual({ bar: 'baz', n: 1.5, list: [1, 'two'], nested: { deep: null } });
    const meta = dataOf(read).metadata as Record<string, unknown>;
    expect(Object.keys(meta)).toEqual(VERSION_KEYS);
    expect(meta).toMatchObject({ version: 1, deletion_time: '', destroyed: false, custom_metadata: { owner: 'x' } });
    expect(isRecent(meta.created_time)).toBe(true);
  });

  it('reads a version by number (weakly typed); version <= 0 is the latest; a missing version is 404', async () => {
    await s.call('POST', '/v1/secret/data/v', { body: { data: { n: 1 } } });
    await s.call('POST', '/v1/secret/data/v', { body: { data: { n: 2 } } });
    expect(dataOf(await s.call('GET', '/v1/secret/data/v?version=1')).data).toEqual({ n: 1 });
    expect(dataOf(await s.call('GET', '/v1/secret/data/v?version=0')).data).toEqual({ n: 2 });
    expect(dataOf(await s.call('GET', '/v1/secret/data/v?version=-3')).data).toEqual({ n: 2 });
    expect((await s.call('GET', '/v1/secret/data/v?version=9')).text).toBe('{"errors":[]}\n');
    const bad = await s.call('GET', '/v1/secret/data/v?version=abc');
    expect(bad.status).toBe(400);
    expect((bad.json?.errors as string[])[0]).toMatch(/^Field validation failed: error converting input for field "version": /);
  });

  it('4: DELETE soft-deletes the latest: 204 with Content-Type and no body; then a raw 404 with metadata', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    const deleted = await s.call('DELETE', '/v1/secret/data/foo');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(deleted.headers.get('content-type')).toBe('application/json');
    expect(deleted.headers.get('cache-control')).toBe('no-store');
    const read = await s.call('GET', '/v1/secret/data/foo');
    expect(read.status).toBe(404);
    expect(Object.keys(read.json ?? {})).toEqual(ENVELOPE_KEYS);
    expect(read.text.endsWith('}')).toBe(true); // json.Marshal: no trailing newline
    const meta = dataOf(read).metadata as Record<string, unknown>;
    expect(dataOf(read).data).toBeNull();
    expect(meta.version).toBe(1);
    expect(isRecent(meta.deletion_time)).toBe(true);
    expect((await s.call('DELETE', '/v1/secret/data/never-there')).status).toBe(204);
  });

  it('5: writing after lowering max_versions prunes the oldest versions', async () => {
    for (let i = 1; i <= 10; i++) await s.call('POST', '/v1/secret/data/foo', { body: { data: { i } } });
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 2 } })).status).toBe(204);
    expect(dataOf(await s.call('POST', '/v1/secret/data/foo', { body: { data: { i: 11 } } })).version).toBe(11);
    expect((await s.call('GET', '/v1/secret/data/foo?version=9')).text).toBe('{"errors":[]}\n');
    expect(dataOf(await s.call('GET', '/v1/secret/data/foo?version=10')).data).toEqual({ i: 10 });
    const versions = dataOf(await s.call('GET', '/v1/secret/metadata/foo')).versions as Record<string, unknown>;
    expect(Object.keys(versions)).toEqual(['10', '11']);
  });

  it('8: PATCH of a missing key and of a metadata-only key: 404 with an empty body', async () => {
    const missing = await s.call('PATCH', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('');
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect((await s.call('POST', '/v1/secret/metadata/foo', { body: { max_versions: 5 } })).status).toBe(204);
    const metadataOnly = await s.call('PATCH', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    expect(metadataOnly.status).toBe(404);
    expect(metadataOnly.text).toBe('');
  });

  it('9: PATCH and CAS under a mount-wide cas_required', async () => {
    expect((await s.call('POST', '/v1/secret/config', { body: { cas_required: true } })).status).toBe(204);
    expect(dataOf(await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 }, options: { cas: 0 } } })).version).toBe(1);
    const without = await s.call('PATCH', '/v1/secret/data/foo', { body: { data: { b: 2 } } });
    expect(without.json).toEqual({ errors: ['check-and-set parameter required for this call'] });
    const wrong = await s.call('PATCH', '/v1/secret/data/foo', { body: { data: { b: 2 }, options: { cas: 2 } } });
    expect(wrong.json).toEqual({ errors: ['check-and-set parameter did not match the current version'] });
  });

  it('10: PATCH without data (or with an empty body) is 400 no data provided', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    const empty = await s.call('PATCH', '/v1/secret/data/foo', { headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({ errors: ['no data provided'] });
    expect((await s.call('POST', '/v1/secret/data/foo', { body: {} })).json).toEqual({ errors: ['no data provided'] });
  });

  it('11: PATCH merges as RFC 7386 into a new version', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { bar: 'baz', quux: { quuz: ['1', '2', '3'] } } } });
    const patched = await s.call('PATCH', '/v1/secret/data/foo', {
      body: { data: { abc: 123, quux: { def: 456, quuz: ['1', '2', '3', '4'] } }, options: { cas: 1 } },
    });
    expect(patched.status).toBe(200);
    expect(Object.keys(dataOf(patched))).toEqual(VERSION_KEYS);
    expect(dataOf(patched).version).toBe(2);
    expect(dataOf(await s.call('GET', '/v1/secret/data/foo')).data).toEqual({
      bar: 'baz',
      abc: 123,
      quux: { def: 456, quuz: ['1', '2', '3', '4'] },
    });
  });

  it('12: PATCH of a deleted latest version: raw 404 with the flat version metadata', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    await s.call('DELETE', '/v1/secret/data/foo');
    const patched = await s.call('PATCH', '/v1/secret/data/foo', { body: { data: { a: 2 } } });
    expect(patched.status).toBe(404);
    expect(Object.keys(dataOf(patched))).toEqual(VERSION_KEYS);
    expect(dataOf(patched).version).toBe(1);
    expect(isRecent(dataOf(patched).deletion_time)).toBe(true);
  });

  it('13: PATCH of a destroyed latest version: raw 404 with destroyed: true', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    expect((await s.call('POST', '/v1/secret/destroy/foo', { body: { versions: [1] } })).status).toBe(204);
    const read = await s.call('GET', '/v1/secret/data/foo');
    expect(read.status).toBe(404);
    expect((dataOf(read).metadata as Record<string, unknown>).destroyed).toBe(true);
    const patched = await s.call('PATCH', '/v1/secret/data/foo', { body: { data: { a: 2 } } });
    expect(patched.status).toBe(404);
    expect(dataOf(patched)).toMatchObject({ version: 1, destroyed: true });
  });

  it('39: PATCH needs the merge-patch content type (415 / 400); null removes a key', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { bar: 'baz', foo: 'qux' } } });
    const wrongType = await s.call('PATCH', '/v1/secret/data/foo', { body: { data: { a: 1 } }, headers: { 'Content-Type': 'application/json' } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json).toEqual({ errors: ['PATCH requires Content-Type of application/merge-patch+json, provided application/json'] });
    const noType = await fetch(`${s.url}/v1/secret/data/foo`, { method: 'PATCH', headers: { 'X-Vault-Token': 'root-test-token' } });
    expect(noType.status).toBe(400);
    expect(await noType.json()).toEqual({ errors: ['mime: no media type'] });
    const withCharset = await s.call('PATCH', '/v1/secret/data/foo', {
      body: { data: { bar: 'quux', foo: null } },
      headers: { 'Content-Type': 'application/merge-patch+json; charset=utf-8' },
    });
    expect(withCharset.status).toBe(200);
    expect(dataOf(await s.call('GET', '/v1/secret/data/foo')).data).toEqual({ bar: 'quux' });
  });

  it('treats data: null as an empty object and refuses data that is not a map', async () => {
    expect((await s.call('POST', '/v1/secret/data/n', { body: { data: null } })).status).toBe(200);
    expect(dataOf(await s.call('GET', '/v1/secret/data/n')).data).toEqual({});
    const bad = await s.call('POST', '/v1/secret/data/n', { body: { data: 'str' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ errors: [`Field validation failed: error converting input for field "data": '' expected a map, got 'string'`] });
  });

  it('warns about unknown parameters on responses with a body, sorted', async () => {
    const written = await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 }, zeta: 1, alpha: 2 } });
    expect(written.json?.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [alpha zeta]']);
    const read = await s.call('GET', '/v1/secret/data/foo?foo=1&bar=2');
    expect(read.json?.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [bar foo]']);
    // A 204 has no body, so no warning either.
    const deleted = await s.call('DELETE', '/v1/secret/data/foo?x=1');
    expect(deleted.status).toBe(204);
  });
});
