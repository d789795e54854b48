import { inspect } from 'node:util';
import { resolveServer, type OpenBaoClientOptions, type ServerConnection } from './options.js';
import { displayUrl, maskToken } from './secrecy.js';
import { send } from './transport.js';

/** The HTTP methods {@link OpenBaoClient.request} sends. */
export type OpenBaoMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What {@link OpenBaoClient.request} hands back: every status is an answer, not an error. */
export interface OpenBaoResponse {
  readonly status: number;
  /** The JSON body, or undefined when it was empty or not a JSON object. The token is cut out of error bodies. */
  readonly body: Record<string, unknown> | undefined;
  /** Where a redirect (3xx) points; redirects are never followed (the token would go along). */
  readonly location: string | undefined;
}

/**
 * Requests to any OpenBao (or Vault) API path — `sys/`, `auth/token/`, … — with the connection
 * handling of {@link OpenBaoKeyValueStore}: address, token and namespace from the options or
 * `BAO_*` / `VAULT_*`, http(s) addresses without credentials only, a timeout covering the body,
 * no redirects followed, and the token kept out of errors, `toString`, `util.inspect` and
 * `JSON.stringify`. Network failures and timeouts throw {@link TransportError}; bad options throw
 * {@link InvalidRequestError} (`invalid_parameter`). The kv2 CLI's policy, token, fault and
 * secrets commands use it.
 *
 * @example
 * ```ts
 * const client = new OpenBaoClient({ baseUrl: 'http://127.0.0.1:8200', token: process.env.BAO_TOKEN });
 * const { status, body } = await client.request('GET', 'sys/mounts');
 * ```
 */
export class OpenBaoClient {
  readonly #server: ServerConnection;

  constructor(options: OpenBaoClientOptions = {}) {
    this.#server = resolveServer(options, 'OpenBaoClient');
  }

  /** The server address for messages: origin and path, never credentials. */
  get address(): string {
    return displayUrl(this.#server.baseUrl).replace(/\/$/, '');
  }

  /** True when `token` is the token this client sends (compared, never shown). */
  sendsToken(token: string): boolean {
    return token === this.#server.token;
  }

  /**
   * Sends one request. `path` is the API path after `/v1/` as text (`sys/policies/acl/app`; a
   * leading `/` is dropped): each segment is percent-encoded here. `body` is sent as JSON; `query` as URL parameters.
   */
  async request(
    method: OpenBaoMethod,
    path: string,
    options: { body?: unknown; query?: Readonly<Record<string, string>> } = {},
  ): Promise<OpenBaoResponse> {
    const encoded = path
      .replace(/^\/+/, '')
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/');
    const response = await send(this.#server, { method, path: encoded, body: options.body, query: options.query });
    return { status: response.status, body: jsonObject(response.text), location: response.location };
  }

  /** `OpenBaoClient(<address>, token=hvs.****)`. */
  toString(): string {
    const { baseUrl, namespace, token } = this.toJSON();
    return `OpenBaoClient(${baseUrl}${namespace === undefined ? '' : `, namespace=${namespace}`}, token=${token})`;
  }

  /** What `JSON.stringify` shows: address, namespace and the masked token. */
  toJSON(): { type: 'OpenBaoClient'; baseUrl: string; namespace?: string; token: string } {
    const { namespace, token } = this.#server;
    return { type: 'OpenBaoClient', baseUrl: this.address, ...(namespace === undefined ? {} : { namespace }), token: maskToken(token) };
  }

  /** What `util.inspect` and `console.log` show: the same fields as {@link toJSON}. */
  [inspect.custom](depth: number, options: Parameters<typeof inspect>[1], nested: typeof inspect): string {
    const { type: _type, ...fields } = this.toJSON();
    return `OpenBaoClient ${nested(fields, { ...options, depth })}`;
  }
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
