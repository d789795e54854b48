import { InvalidRequestError, type StoreCapabilities } from '@kv2/core';
import { displayUrl } from './secrecy.js';

/** The subset of the platform `fetch` the adapter calls; `globalThis.fetch` and undici's fetch fit. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Options for {@link OpenBaoKeyValueStore}. */
export interface OpenBaoStoreOptions {
  /** The server, e.g. `http://127.0.0.1:8200` (no `/v1`). Default: `BAO_ADDR`, then `VAULT_ADDR`. */
  baseUrl?: string | undefined;
  /** Sent as `X-Vault-Token`. Default: `BAO_TOKEN`, then `VAULT_TOKEN`. */
  token?: string | undefined;
  /** Where the KV v2 engine is mounted. Default `secret`. */
  mountPoint?: string | undefined;
  /** Sent as `X-Vault-Namespace`. Default: `BAO_NAMESPACE`, then `VAULT_NAMESPACE`; none if unset. */
  namespace?: string | undefined;
  /** Milliseconds for one request, body included. Default 30 000. */
  timeout?: number | undefined;
  /** The fetch to call (for proxies, custom agents, tests). Default: the platform `fetch`. */
  fetch?: FetchLike | undefined;
  /**
   * Whether the store declares the `mountConfig` capability, i.e. whether the conformance suite
   * may change the mount's configuration. Default true; set false against a shared server.
   * `readConfig`/`writeConfig` work either way.
   */
  allowMountConfig?: boolean | undefined;
  /**
   * For tests only: overrides the declared capabilities, e.g. `controllableClock: true` when the
   * server behind the adapter runs on the test's clock. It changes no behaviour of the adapter.
   */
  capabilities?: Partial<StoreCapabilities> | undefined;
  /** Where the defaults are read from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** Options for {@link OpenBaoClient}: the server part of {@link OpenBaoStoreOptions}. */
export type OpenBaoClientOptions = Pick<OpenBaoStoreOptions, 'baseUrl' | 'token' | 'namespace' | 'timeout' | 'fetch' | 'env'>;

/** Everything a request to the server needs, resolved and checked once. */
export interface ServerConnection {
  /** Without a trailing slash. */
  readonly baseUrl: string;
  readonly token: string;
  readonly namespace: string | undefined;
  readonly timeout: number;
  readonly fetch: FetchLike;
}

/** A {@link ServerConnection} and the KV v2 mount the store talks to. */
export interface Connection extends ServerConnection {
  /** Without leading or trailing slashes. */
  readonly mountPoint: string;
}

// setTimeout's upper limit; longer delays fire immediately.
const MAX_TIMEOUT = 2_147_483_647;
// Header values must be visible ASCII: anything else is refused by fetch with a message that
// quotes the value, which would put the token in an error.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Resolves options and environment into a {@link Connection}; throws {@link InvalidRequestError} (`invalid_parameter`). */
export function resolveConnection(options: OpenBaoStoreOptions): Connection {
  return { ...resolveServer(options, 'OpenBaoKeyValueStore'), mountPoint: checkMountPoint(options.mountPoint ?? 'secret') };
}

/**
 * Resolves the server options (address, token, namespace, timeout, fetch) and their environment
 * defaults; throws {@link InvalidRequestError} (`invalid_parameter`) naming `who` needs what.
 */
export function resolveServer(options: OpenBaoClientOptions, who: string): ServerConnection {
  const env = options.env ?? process.env;
  const baseUrl = options.baseUrl ?? fromEnv(env, 'BAO_ADDR', 'VAULT_ADDR');
  if (baseUrl === undefined) {
    throw invalid(`${who} needs a server address: pass { baseUrl } or set BAO_ADDR (or VAULT_ADDR)`);
  }
  const token = options.token ?? fromEnv(env, 'BAO_TOKEN', 'VAULT_TOKEN');
  if (token === undefined) {
    throw invalid(`${who} needs a token: pass { token } or set BAO_TOKEN (or VAULT_TOKEN)`);
  }
  if (typeof token !== 'string' || !HEADER_SAFE.test(token)) {
    throw invalid('token must be a non-empty string of visible ASCII characters');
  }
  const namespace = options.namespace ?? fromEnv(env, 'BAO_NAMESPACE', 'VAULT_NAMESPACE');
  if (namespace !== undefined && (typeof namespace !== 'string' || !HEADER_SAFE.test(namespace))) {
    throw invalid('namespace must be a non-empty string of visible ASCII characters');
  }
  return {
    baseUrl: checkBaseUrl(baseUrl),
    token,
    namespace,
    timeout: checkTimeout(options.timeout ?? 30_000),
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
  };
}

/** The first of `names` that is set to a non-empty value. */
function fromEnv(env: Readonly<Record<string, string | undefined>>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function checkBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string') throw invalid('the server address (baseUrl, BAO_ADDR) must be a string');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalid('the server address (baseUrl, BAO_ADDR) must be an absolute http(s) URL such as http://127.0.0.1:8200');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`the server address (baseUrl, BAO_ADDR) must use http or https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '')
    throw invalid('the server address (baseUrl, BAO_ADDR) must not contain credentials; the token goes in { token } or BAO_TOKEN');
  if (url.search !== '' || url.hash !== '')
    throw invalid(`the server address (baseUrl, BAO_ADDR) must not have a query or fragment: ${displayUrl(baseUrl)}`);
  return url.href.replace(/\/+$/, '');
}

function checkMountPoint(mountPoint: unknown): string {
  if (typeof mountPoint !== 'string') throw invalid('mountPoint must be a string');
  const segments = mountPoint.split('/').filter((segment) => segment !== '');
  if (segments.length === 0 || segments.some((segment) => segment === '.' || segment === '..')) {
    throw invalid(`mountPoint must name a mount such as "secret", got ${JSON.stringify(mountPoint)}`);
  }
  return segments.join('/');
}

function checkTimeout(timeout: unknown): number {
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT) {
    throw invalid(`timeout must be a number of milliseconds from 1 to ${MAX_TIMEOUT}`);
  }
  return timeout;
}

function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError(message, 'invalid_parameter');
}
