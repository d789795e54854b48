import { inspect } from 'node:util';
import { BaseKeyValueStore, type MetadataWriteResult, type OperationArgs, type OperationResults, type StoreCapabilities } from '@kv2/core';
import { successData, successEnvelope } from './envelope.js';
import { resolveConnection, type Connection, type OpenBaoStoreOptions } from './options.js';
import { errorFromResponse } from './response-errors.js';
import { displayUrl, maskToken } from './secrecy.js';
import { send, type ApiRequest, type RawResponse } from './transport.js';
import {
  configBody,
  dataBody,
  decodeJsonObject,
  decodeKeyMetadata,
  decodeKeys,
  decodeMountConfig,
  decodeVersionMetadata,
  metadataBody,
} from '@kv2/core/wire';

const MERGE_PATCH = 'application/merge-patch+json';

/**
 * The kv2 contract and the KV v2 extensions over a real OpenBao (or HashiCorp Vault) KV v2 mount,
 * through its HTTP API and the platform `fetch`.
 *
 * Arguments are checked by `BaseKeyValueStore`, as for the local stores, before anything is
 * sent (a call that changes nothing sends nothing), and answers are mapped onto the same typed errors, so code written against
 * `MemoryKeyValueStore` behaves the same here. The token is held privately: it is never shown by
 * `toString`, `util.inspect`, `JSON.stringify` or any error.
 *
 * @example
 * ```ts
 * const store = new OpenBaoKeyValueStore({ baseUrl: 'http://127.0.0.1:8200', token: process.env.BAO_TOKEN });
 * await store.write('app/db', { password: 's3cr3t' });
 * const { data } = await store.read('app/db');
 * ```
 */
export class OpenBaoKeyValueStore extends BaseKeyValueStore {
  readonly #connection: Connection;
  /** The mount's API path, percent-encoded: every request's path starts with it. */
  readonly #mountPath: string;
  readonly #capabilities: StoreCapabilities;

  /** Throws {@link InvalidRequestError} (`invalid_parameter`) for missing or malformed options. */
  constructor(options: OpenBaoStoreOptions = {}) {
    super();
    this.#connection = resolveConnection(options);
    this.#mountPath = this.#connection.mountPoint.split('/').map(encodeURIComponent).join('/');
    this.#capabilities = Object.freeze({
      extensions: true,
      mountConfig: options.allowMountConfig ?? true,
      controllableClock: false,
      ...options.capabilities,
    });
  }

  /** `extensions` always; `mountConfig` per `allowMountConfig`; no controllable clock (the server keeps time). */
  override get capabilities(): StoreCapabilities {
    return this.#capabilities;
  }

  protected override async _read({ path, version }: OperationArgs['read']): Promise<OperationResults['read']> {
    const response = await this.#call(path, { method: 'GET', path: apiPath('data', path), query: versionQuery(version) });
    const data = successData(response);
    return { data: decodeJsonObject(data.data, 'data.data'), metadata: decodeVersionMetadata(data.metadata, 'data.metadata') };
  }

  protected override async _write({ path, data, cas }: OperationArgs['write']): Promise<OperationResults['write']> {
    const response = await this.#call(path, { method: 'POST', path: apiPath('data', path), body: dataBody(data, cas) });
    return decodeVersionMetadata(successData(response), 'data');
  }

  /** A native `PATCH` (JSON merge patch on the server), with OpenBao's order of checks. */
  protected override async _patch({ path, data, cas }: OperationArgs['patch']): Promise<OperationResults['patch']> {
    const request: ApiRequest = { method: 'PATCH', path: apiPath('data', path), body: dataBody(data, cas), contentType: MERGE_PATCH };
    return decodeVersionMetadata(successData(await this.#call(path, request)), 'data');
  }

  protected override async _delete({ path, versions }: OperationArgs['delete']): Promise<void> {
    await this.#call(path, { method: 'POST', path: apiPath('delete', path), body: { versions } });
  }

  protected override async _undelete({ path, versions }: OperationArgs['undelete']): Promise<void> {
    await this.#call(path, { method: 'POST', path: apiPath('undelete', path), body: { versions } });
  }

  protected override async _destroy({ path, versions }: OperationArgs['destroy']): Promise<void> {
    await this.#call(path, { method: 'POST', path: apiPath('destroy', path), body: { versions } });
  }

  /** `GET metadata/:prefix/?list=true` (not the LIST verb, which some proxies block); 404 is `[]`. */
  protected override async _list({ path: prefix }: OperationArgs['list']): Promise<OperationResults['list']> {
    const request: ApiRequest = { method: 'GET', path: `${apiPath('metadata', prefix)}/`, query: { list: 'true' } };
    const response = await this.#send(request);
    if (response.status === 404) {
      // Only "nothing there" is an empty list; a missing mount or namespace is still an error.
      const error = errorFromResponse(response, prefix);
      if (error.code === 'secret_not_found') return [];
      throw error;
    }
    const { data } = successEnvelope(throwUnlessOk(response, prefix));
    // A 200 without keys happens when a 404-bound list carries warnings.
    return data === null || data.keys === undefined ? [] : decodeKeys(data.keys);
  }

  protected override async _readMetadata({ path }: OperationArgs['readMetadata']): Promise<OperationResults['readMetadata']> {
    return decodeKeyMetadata(successData(await this.#call(path, { method: 'GET', path: apiPath('metadata', path) })));
  }

  protected override async _writeMetadata({ path, update }: OperationArgs['writeMetadata']): Promise<OperationResults['writeMetadata']> {
    return warningsOf(await this.#call(path, { method: 'POST', path: apiPath('metadata', path), body: metadataBody(update) }));
  }

  /** A native `PATCH metadata/:path`. */
  protected override async _patchMetadata({ path, patch }: OperationArgs['patchMetadata']): Promise<OperationResults['patchMetadata']> {
    const request: ApiRequest = { method: 'PATCH', path: apiPath('metadata', path), body: metadataBody(patch), contentType: MERGE_PATCH };
    return warningsOf(await this.#call(path, request));
  }

  protected override async _deleteMetadata({ path }: OperationArgs['deleteMetadata']): Promise<void> {
    await this.#call(path, { method: 'DELETE', path: apiPath('metadata', path) });
  }

  protected override async _deleteLatest({ path }: OperationArgs['deleteLatest']): Promise<void> {
    await this.#call(path, { method: 'DELETE', path: apiPath('data', path) });
  }

  protected override async _subkeys({ path, version, depth }: OperationArgs['subkeys']): Promise<OperationResults['subkeys']> {
    const query = versionQuery(version);
    if (depth !== undefined && depth !== 0) query.depth = String(depth);
    const data = successData(await this.#call(path, { method: 'GET', path: apiPath('subkeys', path), query }));
    return { subkeys: decodeJsonObject(data.subkeys, 'data.subkeys'), metadata: decodeVersionMetadata(data.metadata, 'data.metadata') };
  }

  protected override async _readConfig(): Promise<OperationResults['readConfig']> {
    return decodeMountConfig(successData(await this.#call(undefined, { method: 'GET', path: 'config' })));
  }

  protected override async _writeConfig({ update }: OperationArgs['writeConfig']): Promise<void> {
    await this.#call(undefined, { method: 'POST', path: 'config', body: configBody(update) });
  }

  /** A summary without the token: `OpenBaoKeyValueStore(http://…, mount=secret, token=hvs.****)`. */
  override toString(): string {
    const { baseUrl, mountPoint, namespace, token } = this.toJSON();
    return `OpenBaoKeyValueStore(${baseUrl}, mount=${mountPoint}${namespace === undefined ? '' : `, namespace=${namespace}`}, token=${token})`;
  }

  /** What `JSON.stringify` shows: address, mount, namespace and the masked token. */
  toJSON(): { type: 'OpenBaoKeyValueStore'; baseUrl: string; mountPoint: string; namespace?: string; token: string } {
    const { baseUrl, mountPoint, namespace, token } = this.#connection;
    return {
      type: 'OpenBaoKeyValueStore',
      baseUrl: displayUrl(baseUrl).replace(/\/$/, ''),
      mountPoint,
      ...(namespace === undefined ? {} : { namespace }),
      token: maskToken(token),
    };
  }

  /** What `util.inspect` and `console.log` show: the same fields as {@link toJSON}. */
  [inspect.custom](depth: number, options: Parameters<typeof inspect>[1], nested: typeof inspect): string {
    const { type: _type, ...fields } = this.toJSON();
    return `OpenBaoKeyValueStore ${nested(fields, { ...options, depth })}`;
  }

  /** Sends a request; a non-2xx answer becomes the matching typed error (`key` names the secret in a 404). */
  async #call(key: string | undefined, request: ApiRequest): Promise<RawResponse> {
    return throwUnlessOk(await this.#send(request), key);
  }

  /** Sends a request whose path is inside the mount. */
  #send(request: ApiRequest): Promise<RawResponse> {
    return send(this.#connection, { ...request, path: `${this.#mountPath}/${request.path}` });
  }
}

function throwUnlessOk(response: RawResponse, key: string | undefined): RawResponse {
  if (response.status >= 200 && response.status < 300) return response;
  throw errorFromResponse(response, key);
}

/** `<endpoint>/<key>` with each segment percent-encoded (the `/` between segments kept). */
function apiPath(endpoint: string, key: string): string {
  return key === '' ? endpoint : `${endpoint}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function versionQuery(version: number | undefined): Record<string, string> {
  // 0 means "latest", which is also what no parameter means.
  return version === undefined || version === 0 ? {} : { version: String(version) };
}

function warningsOf(response: RawResponse): MetadataWriteResult {
  return { warnings: response.status === 204 ? [] : successEnvelope(response).warnings };
}
