import type { CommandContext } from '../context.js';
import { env, displayAddress } from '../backend.js';
import { CliError, PlainError } from '../errors.js';
import type { FlagGroup, FlagSpec, ParsedFlags } from '../flags.js';

// The one HTTP client of the commands that only make sense against a server (policy, token,
// fault, secrets): address, token and namespace read as bao reads them, bao's error wording.
// The kv commands go through OpenBaoKeyValueStore instead, which speaks the KV v2 API.

/** Server flags of the commands that always talk to a server. */
export const SERVER_GROUP: FlagGroup = {
  title: 'Server',
  flags: [
    {
      name: 'address',
      kind: 'string',
      placeholder: 'URL',
      description: 'The server. Default: BAO_ADDR, else VAULT_ADDR. The token comes from BAO_TOKEN (or VAULT_TOKEN).',
    },
    {
      name: 'namespace',
      kind: 'string',
      aliases: ['ns'],
      placeholder: 'NS',
      description: 'Server namespace (X-Vault-Namespace). Default: BAO_NAMESPACE, else VAULT_NAMESPACE.',
    },
  ],
};

const SERVER_FORMAT_FLAG: FlagSpec = {
  name: 'format',
  kind: 'string',
  placeholder: 'table|json',
  defaultText: 'table',
  description: 'Output format: a table (or plain lines) like bao, or the JSON the server answered.',
};

/** The output group (`-format table|json`) of the server commands. */
export const OUTPUT_GROUP: FlagGroup = { title: 'Output', flags: [SERVER_FORMAT_FLAG] };

/** A request gives up after this long (a server that accepts and never answers). */
const REQUEST_TIMEOUT_MS = 60_000;

/** What came back from one request. */
export interface ApiAnswer {
  readonly status: number;
  /** The parsed JSON body, or undefined when empty or not JSON. */
  readonly body: Record<string, unknown> | undefined;
}

/** The client of the sys/ and auth/token/ endpoints. */
export class ApiClient {
  readonly #address: string;
  readonly #token: string;
  readonly #namespace: string | undefined;

  /** Reads the address (`-address`, BAO_ADDR, VAULT_ADDR), token and namespace; fails without a server or token. */
  constructor(ctx: CommandContext, flags: ParsedFlags) {
    const address = flags.string('address') ?? env(ctx, 'BAO_ADDR', 'VAULT_ADDR');
    if (address === undefined) throw new CliError('no server: set BAO_ADDR (or VAULT_ADDR, or -address) and BAO_TOKEN; start one with kv2 server');
    const token = env(ctx, 'BAO_TOKEN', 'VAULT_TOKEN');
    if (token === undefined) throw new CliError('no token: set BAO_TOKEN (or VAULT_TOKEN) to talk to a server');
    try {
      new URL(address);
    } catch {
      throw new CliError(`invalid server address ${JSON.stringify(displayAddress(address))}`);
    }
    this.#address = address.replace(/\/+$/, '');
    this.#token = token;
    this.#namespace = flags.string('namespace') ?? env(ctx, 'BAO_NAMESPACE', 'VAULT_NAMESPACE');
  }

  /** The token this client sends (compared by `token capabilities`, never printed). */
  isOwnToken(token: string): boolean {
    return token === this.#token;
  }

  /**
   * Sends one request. `path` is the API path as text (`sys/mounts/team`): each segment is
   * percent-encoded here, so callers pass names as the user typed them. A transport failure
   * becomes a CliError naming the address only (never the token).
   */
  request(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return this.#exchange(method, path, '', body);
  }

  /**
   * Like {@link request}, but a non-2xx answer fails as bao words it:
   * `Error <action>: Error making API request.` with the URL, `Code: N` and the server's errors.
   * Exit code 1, kv2's code for a command that ran and failed (see the CLI README).
   */
  must(action: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return this.#checked(action, method, path, '', body);
  }

  /** A listing, sent as bao's client sends it for compatibility: `GET <path>?list=true`. */
  list(action: string, path: string): Promise<ApiAnswer> {
    return this.#checked(action, 'GET', path, '?list=true');
  }

  async #exchange(method: string, path: string, query: string, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'X-Vault-Token': this.#token, 'X-Vault-Request': 'true' };
    if (this.#namespace !== undefined) headers['X-Vault-Namespace'] = this.#namespace;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.#address}/v1/${path.split('/').map(encodeURIComponent).join('/')}${query}`, {
        method,
        headers,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new CliError(`cannot reach ${displayAddress(this.#address)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    let parsed: Record<string, unknown> | undefined;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
    }
    return { status: response.status, body: parsed };
  }

  async #checked(action: string, method: string, path: string, query: string, body?: unknown): Promise<ApiAnswer> {
    const answer = await this.#exchange(method, path, query, body);
    if (answer.status >= 200 && answer.status < 300) return answer;
    const errors = Array.isArray(answer.body?.errors)
      ? (answer.body.errors as unknown[]).map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
      : [];
    throw new PlainError(
      `Error ${action}: Error making API request.\n\nURL: ${method} ${displayAddress(this.#address)}/v1/${path}${query}\nCode: ${answer.status}. Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}`,
    );
  }
}
