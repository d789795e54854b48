import { describe, expect, it } from 'vitest';
import { OpenBaoKeyValueStore, type OpenBaoStoreOptions } from '../src/index.js';
import { fakeFetch, noContent, ok, versionWire, type Responder } from './fake-fetch.js';

const BASE = 'http://bao.test:8200';

function storeWith(responder?: Responder, options: OpenBaoStoreOptions = {}) {
  const fake = fakeFetch(responder);
  const store = new OpenBaoKeyValueStore({ baseUrl: BASE, token: 'hvs.test-token', env: {}, fetch: fake.fetch, ...options });
  return { store, requests: fake.requests };
}

describe('request shapes', () => {
  it('reads with GET data/:path, the token header and no body', async () => {
    const { store, requests } = storeWith(() => ok({ data: { a: 1 }, metadata: versionWire() }));
    await store.read('app/db');
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`${BASE}/v1/secret/data/app/db`);
    expect(request?.headers['x-vault-token']).toBe('hvs.test-token');
    expect(request?.headers['x-vault-namespace']).toBeUndefined();
    expect(request?.headers['content-type']).toBeUndefined();
    expect(request?.body).toBeUndefined();
    expect(request?.signal).toBeInstanceOf(AbortSignal);
    expect(request?.redirect).toBe('manual');
  });

  it('sends X-Vault-Namespace when a namespace is set', async () => {
    const { store, requests } = storeWith(() => ok({ data: {}, metadata: versionWire() }), { namespace: 'team/a' });
    await store.read('x');
    expect(requests[0]?.headers['x-vault-namespace']).toBe('team/a');
  });

  it('asks for a version with ?version=N, and for the latest without a parameter', async () => {
    const { store, requests } = storeWith(() => ok({ data: {}, metadata: versionWire({ version: 3 }) }));
    await store.read('x', { version: 3 });
    await store.read('x', { version: 0 });
    expect(requests.map((r) => r.url)).toEqual([`${BASE}/v1/secret/data/x?version=3`, `${BASE}/v1/secret/data/x`]);
  });

  it('percent-encodes each path segment and keeps the slashes', async () => {
    const { store, requests } = storeWith(() => ok({ data: {}, metadata: versionWire() }));
    await store.read('a b/ü/100%/q?#&=+');
    expect(requests[0]?.url).toBe(`${BASE}/v1/secret/data/a%20b/%C3%BC/100%25/q%3F%23%26%3D%2B`);
  });

  it('sends the normalised path (no empty segments, no leading or trailing slash)', async () => {
    const { store, requests } = storeWith(() => ok({ data: {}, metadata: versionWire() }));
    await store.read('/a//b/');
    expect(requests[0]?.url).toBe(`${BASE}/v1/secret/data/a/b`);
  });

  it('puts a custom mount point and a base path in the URL', async () => {
    const { store, requests } = storeWith(() => ok({ data: {}, metadata: versionWire() }), {
      baseUrl: 'https://proxy.test/bao/',
      mountPoint: '/team/kv v2/',
    });
    await store.read('x');
    expect(requests[0]?.url).toBe('https://proxy.test/bao/v1/team/kv%20v2/data/x');
  });

  it('writes with POST data/:path and a JSON body { data }, plus options.cas when given', async () => {
    const { store, requests } = storeWith(() => ok(versionWire({ version: 2 })));
    await store.write('x', { user: 'u', n: [1, { deep: true }] });
    await store.write('x', { user: 'v' }, { cas: 1 });
    expect(requests.map((r) => [r.method, r.url, r.headers['content-type'], r.body])).toEqual([
      ['POST', `${BASE}/v1/secret/data/x`, 'application/json', { data: { user: 'u', n: [1, { deep: true }] } }],
      ['POST', `${BASE}/v1/secret/data/x`, 'application/json', { data: { user: 'v' }, options: { cas: 1 } }],
    ]);
  });

  it('patches with a native PATCH and Content-Type application/merge-patch+json', async () => {
    const { store, requests } = storeWith(() => ok(versionWire({ version: 4 })));
    const result = await store.patch('x', { gone: null, kept: 'v' }, { cas: 3 });
    expect(result.version).toBe(4);
    expect(requests[0]).toMatchObject({
      method: 'PATCH',
      url: `${BASE}/v1/secret/data/x`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { data: { gone: null, kept: 'v' }, options: { cas: 3 } },
    });
  });

  it('soft-deletes, undeletes and destroys with POST <op>/:path { versions }', async () => {
    const { store, requests } = storeWith(() => noContent());
    await store.delete('a/b', { versions: [1, 2] });
    await store.undelete('a/b', { versions: new Set([2]) });
    await store.destroy('a/b', { versions: [3] });
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `${BASE}/v1/secret/delete/a/b`, { versions: [1, 2] }],
      ['POST', `${BASE}/v1/secret/undelete/a/b`, { versions: [2] }],
      ['POST', `${BASE}/v1/secret/destroy/a/b`, { versions: [3] }],
    ]);
  });

  it('deletes the latest version and the metadata with DELETE', async () => {
    const { store, requests } = storeWith(() => noContent());
    await store.deleteLatest('x');
    await store.deleteMetadata('y');
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['DELETE', `${BASE}/v1/secret/data/x`, undefined],
      ['DELETE', `${BASE}/v1/secret/metadata/y`, undefined],
    ]);
  });

  it('lists with GET metadata/:prefix/?list=true (not the LIST verb)', async () => {
    const { store, requests } = storeWith(() => ok({ keys: ['a', 'b/'] }));
    expect(await store.list('team')).toEqual(['a', 'b/']);
    expect(await store.list('')).toEqual(['a', 'b/']);
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', `${BASE}/v1/secret/metadata/team/?list=true`],
      ['GET', `${BASE}/v1/secret/metadata/?list=true`],
    ]);
  });

  it('reads subkeys with ?version and ?depth', async () => {
    const { store, requests } = storeWith(() => ok({ subkeys: { a: null, b: { c: null } }, metadata: versionWire({ version: 2 }) }));
    const result = await store.subkeys('x', { version: 2, depth: 2 });
    await store.subkeys('x');
    expect(result.subkeys).toEqual({ a: null, b: { c: null } });
    expect(result.metadata.version).toBe(2);
    expect(requests.map((r) => r.url)).toEqual([`${BASE}/v1/secret/subkeys/x?version=2&depth=2`, `${BASE}/v1/secret/subkeys/x`]);
  });

  it('writes metadata with POST and snake_case fields, durations as Go strings, only the fields given', async () => {
    const { store, requests } = storeWith(() => noContent());
    const result = await store.writeMetadata('x', {
      maxVersions: 5,
      casRequired: true,
      metadataCasRequired: false,
      deleteVersionAfter: 5400,
      customMetadata: { owner: 'ops' },
      metadataCas: 2,
    });
    await store.writeMetadata('x', { customMetadata: null });
    expect(result).toEqual({ warnings: [] });
    expect(requests.map((r) => [r.method, r.url, r.headers['content-type'], r.body])).toEqual([
      [
        'POST',
        `${BASE}/v1/secret/metadata/x`,
        'application/json',
        {
          max_versions: 5,
          cas_required: true,
          metadata_cas_required: false,
          delete_version_after: '1h30m0s',
          custom_metadata: { owner: 'ops' },
          metadata_cas: 2,
        },
      ],
      ['POST', `${BASE}/v1/secret/metadata/x`, 'application/json', { custom_metadata: null }],
    ]);
  });

  it('patches metadata with PATCH merge-patch+json, keeping nulls', async () => {
    const { store, requests } = storeWith(() => noContent());
    await store.patchMetadata('x', { maxVersions: null, deleteVersionAfter: 60, customMetadata: { gone: null, kept: 'v' }, metadataCas: 1 });
    expect(requests[0]).toMatchObject({
      method: 'PATCH',
      url: `${BASE}/v1/secret/metadata/x`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { max_versions: null, delete_version_after: '1m0s', custom_metadata: { gone: null, kept: 'v' }, metadata_cas: 1 },
    });
  });

  it('sends nothing when nothing patchable is given (a no-op, as in OpenBao), and drops a null duration', async () => {
    const { store, requests } = storeWith(() => noContent());
    expect(await store.patchMetadata('x', { metadataCas: 3 })).toEqual({ warnings: [] });
    expect(requests).toEqual([]);
    await store.patchMetadata('x', { maxVersions: null, deleteVersionAfter: null, metadataCas: 3 });
    expect(requests.map((r) => r.body)).toEqual([{ max_versions: null, metadata_cas: 3 }]);
  });

  it('reads and writes the mount config at config', async () => {
    const { store, requests } = storeWith((request) =>
      request.method === 'GET' ? ok({ max_versions: 4, cas_required: true, metadata_cas_required: false, delete_version_after: '-1s' }) : noContent(),
    );
    expect(await store.readConfig()).toEqual({ maxVersions: 4, casRequired: true, metadataCasRequired: false, deleteVersionAfter: -1 });
    await store.writeConfig({ maxVersions: 3, deleteVersionAfter: -3600 });
    await store.writeConfig({ casRequired: false, metadataCasRequired: true, deleteVersionAfter: 90 });
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', `${BASE}/v1/secret/config`, undefined],
      ['POST', `${BASE}/v1/secret/config`, { max_versions: 3, delete_version_after: '-1s' }],
      ['POST', `${BASE}/v1/secret/config`, { cas_required: false, metadata_cas_required: true, delete_version_after: '1m30s' }],
    ]);
  });
});

describe('response decoding', () => {
  it('turns a read into camelCase with Dates; "" deletion time is null; nanoseconds are cut to milliseconds', async () => {
    const { store } = storeWith(() =>
      ok({ data: { a: 1, nested: { b: [true, null] } }, metadata: versionWire({ version: 7, custom_metadata: { owner: 'ops' } }) }),
    );
    const secret = await store.read('x');
    expect(secret).toEqual({
      data: { a: 1, nested: { b: [true, null] } },
      metadata: {
        version: 7,
        createdTime: new Date('2024-05-01T10:11:12.123Z'),
        deletionTime: null,
        destroyed: false,
        customMetadata: { owner: 'ops' },
      },
    });
  });

  it('decodes key metadata: numeric version keys, RFC 3339 times, Go durations, empty custom metadata as null', async () => {
    const { store } = storeWith(() =>
      ok({
        versions: {
          '2': { created_time: '2024-05-01T10:00:00Z', deletion_time: '2024-05-02T10:00:00.5Z', destroyed: false },
          '3': { created_time: '2024-05-01T11:00:00Z', deletion_time: '', destroyed: true },
        },
        current_version: 3,
        current_metadata_version: 2,
        oldest_version: 2,
        created_time: '2024-05-01T09:00:00Z',
        updated_time: '2024-05-01T11:00:00Z',
        max_versions: 2,
        cas_required: true,
        metadata_cas_required: false,
        delete_version_after: '72h0m0s',
        custom_metadata: {},
      }),
    );
    expect(await store.readMetadata('x')).toEqual({
      currentVersion: 3,
      oldestVersion: 2,
      currentMetadataVersion: 2,
      maxVersions: 2,
      casRequired: true,
      metadataCasRequired: false,
      deleteVersionAfter: 259_200,
      customMetadata: null,
      createdTime: new Date('2024-05-01T09:00:00Z'),
      updatedTime: new Date('2024-05-01T11:00:00Z'),
      versions: {
        2: { createdTime: new Date('2024-05-01T10:00:00Z'), deletionTime: new Date('2024-05-02T10:00:00.500Z'), destroyed: false },
        3: { createdTime: new Date('2024-05-01T11:00:00Z'), deletionTime: null, destroyed: true },
      },
    });
  });

  it('accepts HashiCorp Vault metadata without the metadata-CAS fields', async () => {
    const { store } = storeWith(() =>
      ok({
        versions: {},
        current_version: 0,
        oldest_version: 0,
        created_time: '2024-05-01T09:00:00Z',
        updated_time: '2024-05-01T09:00:00Z',
        max_versions: 0,
        cas_required: false,
        delete_version_after: '0s',
        custom_metadata: null,
      }),
    );
    const metadata = await store.readMetadata('x');
    expect([metadata.currentMetadataVersion, metadata.metadataCasRequired, metadata.deleteVersionAfter]).toEqual([0, false, 0]);
  });

  it('returns the warnings of a metadata write answered with 200', async () => {
    const warning = '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';
    const { store } = storeWith(() => ok(null, [warning]));
    expect(await store.writeMetadata('x', { casRequired: false })).toEqual({ warnings: [warning] });
    expect(await store.patchMetadata('x', { casRequired: false })).toEqual({ warnings: [warning] });
  });
});
