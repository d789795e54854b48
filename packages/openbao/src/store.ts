import { inspect } from 'node:util';
import {
  checkedConfigUpdate,
  checkedMetadataPatch,
  checkedMetadataUpdate,
  BaseKeyValueStore,
  casOption,
  normalizeSecretPath,
  objectParameter,
  optionalCount,
  optionalInteger,
  secretData,
  versionList,
  type KeyMetadata,
  type KvV2Extensions,
  type MetadataPatch,
  type MetadataUpdate,
  type MetadataWriteResult,
  type MountConfig,
  type MountConfigUpdate,
  type ReadOptions,
  type Secret,
  type SecretData,
  type StoreCapabilities,
  type Subkeys,
  type SubkeysOptions,
  type VersionMetadata,
  type VersionsOptions,
  type WriteOptions,
} from '@kv2/core';
import { successData, successEnvelope } from './envelope.js';
import { resolveConnection, type Connection, type OpenBaoStoreOptions } from './options.js';
import { errorFromResponse } from './response-errors.js';
import { displayUrl, maskToken } from './secrecy.js';
import { send, type ApiRequest, type RawResponse } from './transport.js';
import { configBody, dataBody, decodeJsonObject, decodeKeyMetadata, decodeKeys, decodeMountConfig, decodeVersionMetadata, metadataBody } from '@kv2/core/wire';

const MERGE_PATCH = 'application/merge-patch+json';

/**
 * The kv2 contract and the KV v2 extensions over a real OpenBao (or HashiCorp Vault) KV v2 mount,
 * through its HTTP API and the platform `fetch`.
 *
 * Arguments are checked with the same @kv2/core rules as the local stores before anything is
 * sent, and answers are mapped onto the same typed errors, so code written against
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
export class OpenBaoKeyValueStore extends BaseKeyValueStore implements KvV2Extensions {
  readonly #connection: Connection;
  readonly #capabilities: StoreCapabilities;

  /** Throws {@link InvalidRequestError} (`invalid_parameter`) for missing or malformed options. */
  constructor(options: OpenBaoStoreOptions = {}) {
    super();
    this.#connection = resolveConnection(options);
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

  override async read<T = SecretData>(path: string, options?: ReadOptions): Promise<Secret<T>> {
    const key = normalizeSecretPath(path, 'read');
    const version = optionalCount(options?.version, 'version');
    const response = await this.#call(key, { method: 'GET', path: apiPath('data', key), query: versionQuery(version) });
    const data = successData(response);
    return { data: decodeJsonObject(data.data, 'data.data') as T, metadata: decodeVersionMetadata(data.metadata, 'data.metadata') };
  }

  override async write(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    const key = normalizeSecretPath(path, 'write');
    const body = dataBody(secretData(data), casOption(options?.cas));
    const response = await this.#call(key, { method: 'POST', path: apiPath('data', key), body });
    return decodeVersionMetadata(successData(response), 'data');
  }

  /** A native `PATCH` (JSON merge patch on the server), with OpenBao's order of checks. */
  override async patch(path: string, data: object, options?: WriteOptions): Promise<VersionMetadata> {
    const key = normalizeSecretPath(path, 'write');
    const body = dataBody(secretData(data), casOption(options?.cas));
    const response = await this.#call(key, { method: 'PATCH', path: apiPath('data', key), body, contentType: MERGE_PATCH });
    return decodeVersionMetadata(successData(response), 'data');
  }

  override async delete(path: string, options: VersionsOptions): Promise<void> {
    await this.#versionsCall('delete', path, options, 'No version number provided');
  }

  override async undelete(path: string, options: VersionsOptions): Promise<void> {
    await this.#versionsCall('undelete', path, options, 'No version number provided');
  }

  override async destroy(path: string, options: VersionsOptions): Promise<void> {
    await this.#versionsCall('destroy', path, options, 'no version number provided');
  }

  /** `GET metadata/:prefix/?list=true` (not the LIST verb, which some proxies block); 404 is `[]`. */
  override async list(path: string): Promise<string[]> {
    const prefix = normalizeSecretPath(path, 'list');
    const request: ApiRequest = { method: 'GET', path: `${apiPath('metadata', prefix)}/`, query: { list: 'true' } };
    const response = await send(this.#connection, request);
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

  async readMetadata(path: string): Promise<KeyMetadata> {
    const key = normalizeSecretPath(path, 'read');
    return decodeKeyMetadata(successData(await this.#call(key, { method: 'GET', path: apiPath('metadata', key) })));
  }

  async writeMetadata(path: string, update: MetadataUpdate): Promise<MetadataWriteResult> {
    const key = normalizeSecretPath(path, 'write');
    const body = metadataBody(checkedMetadataUpdate(update));
    return warningsOf(await this.#call(key, { method: 'POST', path: apiPath('metadata', key), body }));
  }

  /** A native `PATCH metadata/:path`; a patch without any patchable field is a no-op, as in OpenBao. */
  async patchMetadata(path: string, patch: MetadataPatch): Promise<MetadataWriteResult> {
    const key = normalizeSecretPath(path, 'write');
    objectParameter(patch, 'metadata patch');
    const { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter, customMetadata } = patch;
    const patchable = [maxVersions, casRequired, metadataCasRequired, deleteVersionAfter, customMetadata].some((v) => v !== undefined);
    // Like the engine, nothing else is checked when nothing patchable is given.
    const body = !patchable
      ? {}
      : metadataBody(checkedMetadataPatch(patch));
    const request: ApiRequest = { method: 'PATCH', path: apiPath('metadata', key), body, contentType: MERGE_PATCH };
    return warningsOf(await this.#call(key, request));
  }

  async deleteMetadata(path: string): Promise<void> {
    const key = normalizeSecretPath(path, 'read');
    await this.#call(key, { method: 'DELETE', path: apiPath('metadata', key) });
  }

  async deleteLatest(path: string): Promise<void> {
    const key = normalizeSecretPath(path, 'read');
    await this.#call(key, { method: 'DELETE', path: apiPath('data', key) });
  }

  async subkeys(path: string, options?: SubkeysOptions): Promise<Subkeys> {
    const key = normalizeSecretPath(path, 'read');
    const depth = optionalInteger(options?.depth, 'depth');
    const query = versionQuery(optionalCount(options?.version, 'version'));
    if (depth !== undefined && depth !== 0) query.depth = String(depth);
    const data = successData(await this.#call(key, { method: 'GET', path: apiPath('subkeys', key), query }));
    return { subkeys: decodeJsonObject(data.subkeys, 'data.subkeys'), metadata: decodeVersionMetadata(data.metadata, 'data.metadata') };
  }

  async readConfig(): Promise<MountConfig> {
    return decodeMountConfig(successData(await this.#call(undefined, { method: 'GET', path: 'config' })));
  }

  async writeConfig(update: MountConfigUpdate): Promise<void> {
    const body = configBody(checkedConfigUpdate(update));
    await this.#call(undefined, { method: 'POST', path: 'config', body });
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

  async #versionsCall(operation: 'delete' | 'undelete' | 'destroy', path: string, options: VersionsOptions, emptyMessage: string) {
    const key = normalizeSecretPath(path, 'write');
    const versions = versionList(options?.versions, emptyMessage);
    await this.#call(key, { method: 'POST', path: apiPath(operation, key), body: { versions } });
  }

  /** Sends a request; a non-2xx answer becomes the matching typed error (`key` names the secret in a 404). */
  async #call(key: string | undefined, request: ApiRequest): Promise<RawResponse> {
    return throwUnlessOk(await send(this.#connection, request), key);
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
