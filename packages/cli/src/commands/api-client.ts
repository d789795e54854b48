import type { CommandContext } from '../context.js';
import { OpenBaoClient, type OpenBaoMethod, type OpenBaoResponse } from '@kv2/openbao';
import { env, namespaceOf } from '../backend.js';
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

/** The client of the sys/ and auth/token/ endpoints: OpenBaoClient, with the CLI's flags and messages. */
export class ApiClient {
  readonly #client: OpenBaoClient;

  /** Reads the address (`-address`, BAO_ADDR, VAULT_ADDR), token and namespace; fails without a server or token. */
  constructor(ctx: CommandContext, flags: ParsedFlags) {
    const address = flags.string('address') ?? env(ctx, 'BAO_ADDR', 'VAULT_ADDR');
    if (address === undefined) throw new CliError('no server: set BAO_ADDR (or VAULT_ADDR, or -address) and BAO_TOKEN; start one with kv2 server');
    const token = env(ctx, 'BAO_TOKEN', 'VAULT_TOKEN');
    if (token === undefined) throw new CliError('no token: set BAO_TOKEN (or VAULT_TOKEN) to talk to a server');
    try {
      this.#client = new OpenBaoClient({ baseUrl: address, token, namespace: namespaceOf(ctx, flags), env: {}, timeout: REQUEST_TIMEOUT_MS });
    } catch (error) {
      // The options' own message (an address that is not http(s), a token with spaces, …).
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
  }

  /** The token this client sends (compared by `token capabilities`, never printed). */
  isOwnToken(token: string): boolean {
    return this.#client.sendsToken(token);
  }

  /**
   * Sends one request; every status is an answer. `path` is the API path as text
   * (`sys/mounts/team`): the client percent-encodes each segment. A request that gets no answer
   * throws TransportError (the address, never the token).
   */
  request(method: OpenBaoMethod, path: string, body?: unknown): Promise<OpenBaoResponse> {
    return this.#client.request(method, path, { body });
  }

  /**
   * Like {@link request}, but a non-2xx answer fails as bao words it:
   * `Error <action>: Error making API request.` with the URL, `Code: N` and the server's errors.
   * Exit code 1, kv2's code for a command that ran and failed (see the CLI README).
   */
  must(action: string, method: OpenBaoMethod, path: string, body?: unknown): Promise<OpenBaoResponse> {
    return this.#checked(action, method, path, undefined, body);
  }

  /** A listing, sent as bao's client sends it for compatibility: `GET <path>?list=true`. */
  list(action: string, path: string): Promise<OpenBaoResponse> {
    return this.#checked(action, 'GET', path, { list: 'true' });
  }

  async #checked(action: string, method: OpenBaoMethod, path: string, query?: Record<string, string>, body?: unknown): Promise<OpenBaoResponse> {
    const answer = await this.#client.request(method, path, { body, ...(query === undefined ? {} : { query }) });
    if (answer.status >= 200 && answer.status < 300) return answer;
    const url = `${method} ${this.#client.address}/v1/${path}${query === undefined ? '' : `?${new URLSearchParams(query).toString()}`}`;
    if (answer.status >= 300 && answer.status < 400) {
      throw new PlainError(
        `Error ${action}: ${url} was redirected to ${answer.location ?? '(no location)'}; kv2 does not follow redirects (the token would go along): use the address that answers`,
      );
    }
    const errors = Array.isArray(answer.body?.errors)
      ? (answer.body.errors as unknown[]).map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
      : [];
    throw new PlainError(
      `Error ${action}: Error making API request.\n\nURL: ${url}\nCode: ${answer.status}. Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}`,
    );
  }
}
