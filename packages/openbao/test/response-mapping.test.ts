import {
  CheckAndSetError,
  InvalidRequestError,
  KvError,
  PermissionDeniedError,
  RequestTooLargeError,
  SecretNotFoundError,
  ServerError,
  UnsupportedOperationError,
  type CheckAndSetCode,
} from '@kv2/core';
import { describe, expect, it } from 'vitest';
import { OpenBaoKeyValueStore } from '../src/index.js';
import { errors, fakeFetch, json, ok, versionWire, type Responder } from './fake-fetch.js';

function storeAnswering(responder: Responder) {
  const fake = fakeFetch(responder);
  const store = new OpenBaoKeyValueStore({ baseUrl: 'http://bao.test:8200', token: 'root', env: {}, fetch: fake.fetch });
  return { store, requests: fake.requests };
}

/** The error `promise` rejects with (fails the test if it resolves or throws a non-kv2 error). */
async function failure(promise: Promise<unknown>): Promise<KvError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!KvError.is(outcome)) throw new Error(`expected a kv2 error, got ${String(outcome)}`);
  return outcome;
}

const RAW_404 = { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, wrap_info: null, warnings: null, auth: null };

describe('404 → SecretNotFoundError', () => {
  it('{"errors":[]} is a missing secret, with the normalised path', async () => {
    const { store } = storeAnswering(() => errors(404));
    const error = await failure(store.read('/a/b/'));
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error).toMatchObject({ code: 'secret_not_found', status: 404, path: 'a/b', reason: 'missing', metadata: null });
  });

  it('an empty body (PATCH of something missing) is a missing secret', async () => {
    const { store } = storeAnswering(() => new Response('', { status: 404 }));
    const error = await failure(store.patch('x', { a: 1 }));
    expect(error).toMatchObject({ code: 'secret_not_found', reason: 'missing', metadata: null });
  });

  it('a raw envelope with data.metadata of a deleted version carries that metadata (reason deleted)', async () => {
    const metadata = versionWire({ version: 2, deletion_time: '2024-05-02T00:00:00.000000001Z' });
    const { store } = storeAnswering(() => json(404, { ...RAW_404, data: { data: null, metadata } }));
    const error = await failure(store.read('x', { version: 2 }));
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error).toMatchObject({
      reason: 'deleted',
      metadata: { version: 2, deletionTime: new Date('2024-05-02T00:00:00Z'), destroyed: false, customMetadata: null },
    });
  });

  it('a raw envelope of a destroyed version gives reason destroyed', async () => {
    const { store } = storeAnswering(() => json(404, { ...RAW_404, data: { data: null, metadata: versionWire({ destroyed: true }) } }));
    expect(await failure(store.read('x'))).toMatchObject({ reason: 'destroyed', metadata: { version: 1, destroyed: true } });
  });

  it('the flat PATCH shape (metadata directly in data) is understood', async () => {
    const flat = versionWire({ version: 5, deletion_time: '2024-05-02T00:00:00Z', custom_metadata: { k: 'v' } });
    const { store } = storeAnswering(() => json(404, { ...RAW_404, data: flat }));
    expect(await failure(store.patch('x', { a: 1 }))).toMatchObject({
      reason: 'deleted',
      metadata: { version: 5, customMetadata: { k: 'v' } },
    });
  });

  it('the subkeys shape (subkeys: null plus metadata) is understood', async () => {
    const { store } = storeAnswering(() => json(404, { ...RAW_404, data: { subkeys: null, metadata: versionWire({ destroyed: true }) } }));
    expect(await failure(store.subkeys('x'))).toMatchObject({ code: 'secret_not_found', reason: 'destroyed' });
  });

  it('readMetadata of an unknown key is a missing secret', async () => {
    const { store } = storeAnswering(() => errors(404));
    expect(await failure(store.readMetadata('nope'))).toMatchObject({ code: 'secret_not_found', path: 'nope', reason: 'missing' });
  });

  it('a 404 with a message (no mount, no namespace) is a ServerError, not a missing secret', async () => {
    const { store } = storeAnswering(() => errors(404, 'no handler for route "nomount/data/x". route entry not found.'));
    const error = await failure(store.read('x'));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 404, message: 'no handler for route "nomount/data/x". route entry not found.' });
  });

  it('a 404 envelope with only warnings (not a KV v2 path) is a ServerError carrying them', async () => {
    const warning = 'Invalid path for a versioned K/V secrets engine.';
    const { store } = storeAnswering(() => json(404, { ...RAW_404, data: null, warnings: [warning] }));
    const error = await failure(store.read('x'));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).errors).toEqual([warning]);
  });
});

describe('listing', () => {
  it('a 404 {"errors":[]} is an empty list', async () => {
    const { store } = storeAnswering(() => errors(404));
    expect(await store.list('nothing/here')).toEqual([]);
  });

  it('a 200 without keys (a 404-bound list carrying warnings) is an empty list', async () => {
    const { store } = storeAnswering(() => ok({}, ['Endpoint ignored these unrecognized parameters: [x]']));
    expect(await store.list('')).toEqual([]);
  });

  it('a 404 with a message still throws', async () => {
    const { store } = storeAnswering(() => errors(404, 'namespace not found'));
    expect(await failure(store.list(''))).toMatchObject({ code: 'server_error', status: 404, message: 'namespace not found' });
  });

  it('a 403 throws PermissionDeniedError', async () => {
    const { store } = storeAnswering(() => errors(403, 'permission denied'));
    expect(await failure(store.list(''))).toBeInstanceOf(PermissionDeniedError);
  });
});

describe('400 → CheckAndSetError', () => {
  const cases: Array<[string, CheckAndSetCode]> = [
    ['check-and-set parameter did not match the current version', 'cas_mismatch'],
    ['check-and-set parameter required for this call', 'cas_required'],
    ['metadata check-and-set parameter does not match the current version', 'metadata_cas_mismatch'],
    ['metadata check-and-set parameter required for this call', 'metadata_cas_required'],
    ['metadata_cas must be 0 when creating new metadata', 'metadata_cas_not_zero'],
  ];
  it.each(cases)('%j → %s', async (message, code) => {
    const { store } = storeAnswering(() => errors(400, message));
    const error = await failure(store.write('x', { a: 1 }, { cas: 3 }));
    expect(error).toBeInstanceOf(CheckAndSetError);
    expect(error).toMatchObject({ code, status: 400, message });
  });

  it('also finds a CAS message wrapped in go-multierror format', async () => {
    const { store } = storeAnswering(() => errors(400, '1 error occurred:\n\t* check-and-set parameter did not match the current version\n\n'));
    expect(await failure(store.write('x', {}))).toMatchObject({ code: 'cas_mismatch' });
  });
});

describe('400 → InvalidRequestError', () => {
  it('custom metadata problems → invalid_custom_metadata, each problem parsed from the multierror text', async () => {
    const text =
      '2 errors occurred:\n' +
      '\t* custom_metadata validation failed: length of key "" is 0 but must be 0 < len(key) <= 128\n' +
      '\t* custom_metadata validation failed: value for key "k" contains unprintable characters\n\n';
    const { store } = storeAnswering(() => errors(400, text));
    const error = await failure(store.writeMetadata('x', { customMetadata: { k: 'v' } }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      code: 'invalid_custom_metadata',
      message: text,
      problems: [
        'custom_metadata validation failed: length of key "" is 0 but must be 0 < len(key) <= 128',
        'custom_metadata validation failed: value for key "k" contains unprintable characters',
      ],
    });
  });

  it('a single custom metadata message outside the multierror format is one problem', async () => {
    const text = "custom_metadata validation failed: '' expected type 'string', got unconvertible type 'map[string]interface {}'";
    const { store } = storeAnswering(() => errors(400, text));
    expect(await failure(store.patchMetadata('x', { customMetadata: { k: 'v' } }))).toMatchObject({
      code: 'invalid_custom_metadata',
      problems: [text],
    });
  });

  const cases: Array<[string, string]> = [
    ['No version number provided', 'invalid_versions'],
    ['no version number provided', 'invalid_versions'],
    ['no data provided', 'no_data'],
    ['error parsing check-and-set parameter', 'invalid_cas'],
    ["cannot write to a path ending in '/'", 'invalid_path'],
    ['relative paths not supported', 'invalid_path'],
    ['Field validation failed: error converting input for field "max_versions": bad', 'invalid_parameter'],
    ['refused JSON input due to high complexity: exceeded maximum number of strings', 'invalid_data'],
    ['failed to decode JSON input: unexpected EOF', 'invalid_request'],
  ];
  it.each(cases)('%j → %s', async (message, code) => {
    const { store } = storeAnswering(() => errors(400, message));
    const error = await failure(store.destroy('x', { versions: [1] }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code, status: 400, message, problems: [message] });
  });
});

describe('other statuses', () => {
  it('403 → PermissionDeniedError with the message unwrapped from go-multierror', async () => {
    const { store } = storeAnswering(() => errors(403, '1 error occurred:\n\t* permission denied\n\n'));
    const error = await failure(store.read('x'));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ code: 'permission_denied', status: 403, message: 'permission denied' });
  });

  it('405 → UnsupportedOperationError', async () => {
    const { store } = storeAnswering(() => errors(405, '1 error occurred:\n\t* unsupported operation\n\n'));
    const error = await failure(store.readConfig());
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect(error).toMatchObject({ code: 'unsupported_operation', status: 405, message: 'unsupported operation' });
  });

  it('413 → RequestTooLargeError', async () => {
    const { store } = storeAnswering(() => errors(413, 'http: request body too large'));
    const error = await failure(store.write('x', { big: 'x' }));
    expect(error).toBeInstanceOf(RequestTooLargeError);
    expect(error).toMatchObject({ code: 'request_too_large', status: 413 });
  });

  it('500 → ServerError with the server messages', async () => {
    const { store } = storeAnswering(() => errors(500, '1 error occurred:\n\t* could not find version data\n\n'));
    const error = await failure(store.read('x'));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'server_error', status: 500, errors: ['could not find version data'] });
  });

  it('503 (sealed) → ServerError 503', async () => {
    const { store } = storeAnswering(() => errors(503, 'Vault is sealed'));
    expect(await failure(store.read('x'))).toMatchObject({ code: 'server_error', status: 503, message: 'Vault is sealed' });
  });

  it('a redirect is not followed (the token would go along) → ServerError naming the target', async () => {
    const { store, requests } = storeAnswering(() => new Response(null, { status: 307, headers: { Location: '/v1/secret/data/x?a=1' } }));
    const error = await failure(store.read('x'));
    expect(error).toMatchObject({ code: 'server_error', status: 307 });
    expect(error.message).toContain('redirected to http://bao.test:8200/v1/secret/data/x;');
    expect(requests).toHaveLength(1);
  });

  it('a non-JSON error page (a proxy) → ServerError with the status', async () => {
    const { store } = storeAnswering(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    expect(await failure(store.read('x'))).toMatchObject({ code: 'server_error', status: 502, message: 'server answered 502' });
  });

  it('a 200 that is not the documented shape → ServerError 502 naming the field', async () => {
    const { store } = storeAnswering(() => ok({ data: { a: 1 }, metadata: versionWire({ version: 'one' }) }));
    const error = await failure(store.read('x'));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('data.metadata.version');
  });

  it('a 200 whose body is not JSON → ServerError 502', async () => {
    const { store } = storeAnswering(() => new Response('not json', { status: 200 }));
    expect(await failure(store.readConfig())).toMatchObject({ code: 'server_error', status: 502 });
  });
});

describe('a freshly mounted engine that is still upgrading', () => {
  const UPGRADING =
    'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.';

  it('is retried until it answers', async () => {
    let calls = 0;
    const { store, requests } = storeAnswering(() => (++calls <= 2 ? errors(400, UPGRADING) : ok(versionWire({ version: 1 }))));
    expect((await store.write('x', { a: 1 })).version).toBe(1);
    expect(requests).toHaveLength(3);
    expect(requests[2]?.body).toEqual({ data: { a: 1 } });
  });
});
