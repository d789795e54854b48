import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, isRecent, start, type Running } from './helpers.js';

let s: Running;
beforeEach(async () => {
  s = await start();
});
afterEach(async () => {
  await s.server.close();
});

const versionsOf = async (path = 'foo'): Promise<Record<string, Record<string, unknown>>> =>
  dataOf(await s.call('GET', `/v1/secret/metadata/${path}`)).versions as Record<string, Record<string, unknown>>;

describe('config (scenarios 29–30)', () => {
  it('reads defaults on a fresh mount, in sorted key order', async () => {
    const answer = await s.call('GET', '/v1/secret/config');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"data":{"cas_required":false,"delete_version_after":"0s","max_versions":0,"metadata_cas_required":false}');
  });

  it('29: round trip', async () => {
    const written = await s.call('POST', '/v1/secret/config', {
      body: { max_versions: 4, cas_required: true, metadata_cas_required: true, delete_version_after: '5m0s' },
    });
    expect(written.status).toBe(204);
    expect(written.text).toBe('');
    expect(dataOf(await s.call('GET', '/v1/secret/config'))).toEqual({
      max_versions: 4,
      cas_required: true,
      metadata_cas_required: true,
      delete_version_after: '5m0s',
    });
  });

  it('30: delete_version_after sequences', async () => {
    const cases: Array<[string, string, string]> = [
      ['10s', '0s', '0s'],
      ['10s', '20s', '20s'],
      ['10s', '-1h', '-1s'],
      ['-1h', '3h', '3h0m0s'],
      ['-1h', '0h', '0s'],
    ];
    for (const [first, second, expected] of cases) {
      await s.call('PUT', '/v1/secret/config', { body: { delete_version_after: first } });
      await s.call('PUT', '/v1/secret/config', { body: { delete_version_after: second } });
      expect(dataOf(await s.call('GET', '/v1/secret/config')).delete_version_after).toBe(expected);
    }
  });

  it('has no DELETE or PATCH (405), and a body with only unknown fields is a 204 no-op', async () => {
    expect((await s.call('DELETE', '/v1/secret/config')).json).toEqual({ errors: ['1 error occurred:\n\t* unsupported operation\n\n'] });
    expect((await s.call('PATCH', '/v1/secret/config', { body: { max_versions: 1 } })).status).toBe(405);
    expect((await s.call('POST', '/v1/secret/config', { body: { nothing: 1 } })).status).toBe(204);
    expect((await s.call('POST', '/v1/secret/config', { body: { max_versions: -1 } })).status).toBe(204);
    expect(dataOf(await s.call('GET', '/v1/secret/config')).max_versions).toBe(4_294_967_295);
  });
});

describe('delete / undelete / destroy (scenarios 33–35)', () => {
  beforeEach(async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { v: 1 } } });
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { v: 2 } } });
  });

  it('33: deletes several versions given as "1,2"', async () => {
    expect((await s.call('POST', '/v1/secret/delete/foo', { body: { versions: '1,2' } })).status).toBe(204);
    const versions = await versionsOf();
    expect(isRecent(versions['1']?.deletion_time)).toBe(true);
    expect(isRecent(versions['2']?.deletion_time)).toBe(true);
  });

  it('34: undeletes several versions', async () => {
    await s.call('POST', '/v1/secret/delete/foo', { body: { versions: '1,2' } });
    expect((await s.call('POST', '/v1/secret/undelete/foo', { body: { versions: '1,2' } })).status).toBe(204);
    const versions = await versionsOf();
    expect([versions['1']?.deletion_time, versions['2']?.deletion_time]).toEqual(['', '']);
  });

  it('35: destroys several versions', async () => {
    expect((await s.call('PUT', '/v1/secret/destroy/foo', { body: { versions: [1, 2] } })).status).toBe(204);
    const versions = await versionsOf();
    expect([versions['1']?.destroyed, versions['2']?.destroyed]).toEqual([true, true]);
  });

  it('accepts every spelling of the version list: [n], "n", n', async () => {
    await s.call('POST', '/v1/secret/delete/foo', { body: { versions: 1 } });
    await s.call('POST', '/v1/secret/delete/foo', { body: { versions: ['2'] } });
    const versions = await versionsOf();
    expect(isRecent(versions['1']?.deletion_time) && isRecent(versions['2']?.deletion_time)).toBe(true);
    await s.call('POST', '/v1/secret/undelete/foo', { body: { versions: '2' } });
    expect((await versionsOf())['2']?.deletion_time).toBe('');
  });

  it('ignores negative versions (no-ops in OpenBao) and still applies the others', async () => {
    expect((await s.call('POST', '/v1/secret/delete/foo', { body: { versions: [-1, -5] } })).status).toBe(204);
    expect((await versionsOf())['1']?.deletion_time).toBe('');
    expect((await s.call('POST', '/v1/secret/destroy/foo', { body: { versions: '-1,2' } })).status).toBe(204);
    const versions = await versionsOf();
    expect([versions['1']?.destroyed, versions['2']?.destroyed]).toEqual([false, true]);
  });

  it("refuses an empty list with OpenBao's two spellings, even for an unknown key", async () => {
    for (const endpoint of ['delete', 'undelete']) {
      expect((await s.call('POST', `/v1/secret/${endpoint}/unknown`, { body: { versions: [] } })).json).toEqual({
        errors: ['No version number provided'],
      });
    }
    expect((await s.call('POST', '/v1/secret/destroy/unknown', { body: {} })).json).toEqual({ errors: ['no version number provided'] });
    expect((await s.call('POST', '/v1/secret/delete/foo', { body: { versions: 'x' } })).status).toBe(400);
  });

  it('answers 204 for unknown keys and 405 for other methods', async () => {
    expect((await s.call('POST', '/v1/secret/destroy/unknown', { body: { versions: [1] } })).status).toBe(204);
    expect((await s.call('GET', '/v1/secret/delete/foo')).status).toBe(405);
    expect((await s.call('PATCH', '/v1/secret/destroy/foo', { body: { versions: [1] } })).status).toBe(405);
  });

  it('accepts a form body (comma-joined repeated fields)', async () => {
    const answer = await fetch(`${s.url}/v1/secret/delete/foo`, {
      method: 'POST',
      headers: { 'X-Vault-Token': 'root-test-token', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'versions=1&versions=2',
    });
    expect(answer.status).toBe(204);
    const versions = await versionsOf();
    expect(isRecent(versions['1']?.deletion_time) && isRecent(versions['2']?.deletion_time)).toBe(true);
  });
});

describe('subkeys (scenarios 36–38)', () => {
  it('36: replaces leaves with null; empty objects and arrays are leaves', async () => {
    await s.call('POST', '/v1/secret/data/foo', {
      body: { data: { foo: 'x', bar: { a: { c: { d: 'y' } }, b: {} }, baz: { e: 3.14 }, quux: 123, quuz: ['z'] } },
    });
    const answer = await s.call('GET', '/v1/secret/subkeys/foo');
    expect(answer.status).toBe(200);
    expect(Object.keys(dataOf(answer))).toEqual(['metadata', 'subkeys']);
    expect(dataOf(answer).subkeys).toEqual({ foo: null, bar: { a: { c: { d: null } }, b: null }, baz: { e: null }, quux: null, quuz: null });
    expect((dataOf(answer).metadata as Record<string, unknown>).version).toBe(1);
  });

  it('37: version, depth, missing', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { foo: { bar: { baz: 123 } } } } });
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { other: 1 } } });
    expect(dataOf(await s.call('GET', '/v1/secret/subkeys/foo?version=1')).subkeys).toEqual({ foo: { bar: { baz: null } } });
    expect(dataOf(await s.call('GET', '/v1/secret/subkeys/foo?version=1&depth=2')).subkeys).toEqual({ foo: { bar: null } });
    expect(dataOf(await s.call('GET', '/v1/secret/subkeys/foo?version=1&depth=0')).subkeys).toEqual({ foo: { bar: { baz: null } } });
    expect((await s.call('GET', '/v1/secret/subkeys/foo?version=10')).text).toBe('{"errors":[]}\n');
    expect((await s.call('GET', '/v1/secret/subkeys/foo?depth=not-an-integer')).status).toBe(400);
    expect((await s.call('GET', '/v1/secret/subkeys/unknown')).text).toBe('{"errors":[]}\n');
    await s.call('POST', '/v1/secret/data/empty', { body: { data: {} } });
    expect(dataOf(await s.call('GET', '/v1/secret/subkeys/empty')).subkeys).toEqual({});
  });

  it('38: deleted or destroyed: raw 404 with subkeys null and the metadata', async () => {
    await s.call('POST', '/v1/secret/data/foo', { body: { data: { a: 1 } } });
    await s.call('DELETE', '/v1/secret/data/foo');
    const deleted = await s.call('GET', '/v1/secret/subkeys/foo');
    expect(deleted.status).toBe(404);
    expect(dataOf(deleted).subkeys).toBeNull();
    expect(isRecent((dataOf(deleted).metadata as Record<string, unknown>).deletion_time)).toBe(true);
    await s.call('POST', '/v1/secret/data/gone', { body: { data: { a: 1 } } });
    await s.call('POST', '/v1/secret/destroy/gone', { body: { versions: [1] } });
    const destroyed = await s.call('GET', '/v1/secret/subkeys/gone');
    expect(destroyed.status).toBe(404);
    expect((dataOf(destroyed).metadata as Record<string, unknown>).destroyed).toBe(true);
  });
});
