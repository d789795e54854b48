import type { CommandContext } from '../context.js';
import { env, displayAddress } from '../backend.js';
import { CliError } from '../errors.js';
import type { FlagGroup, ParsedFlags } from '../flags.js';
import { FORMAT_FLAG } from './kv-shared.js';

/** Server flags of the policy and token commands (they always talk to a server). */
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

/** The output group (`-format`). */
export const OUTPUT_GROUP: FlagGroup = { title: 'Output', flags: [FORMAT_FLAG] };

/** What came back from one request. */
export interface ApiAnswer {
  readonly status: number;
  /** The parsed JSON body, or undefined when empty. */
  readonly body: Record<string, unknown> | undefined;
}

/** A minimal client for the sys/ and auth/token/ endpoints: address and token as bao reads them. */
export class ApiClient {
  readonly #address: string;
  readonly #token: string;
  readonly #namespace: string | undefined;

  constructor(ctx: CommandContext, flags: ParsedFlags) {
    const address = flags.string('address') ?? env(ctx, 'BAO_ADDR', 'VAULT_ADDR');
    if (address === undefined)
      throw new CliError('no server: set BAO_ADDR (or VAULT_ADDR, or -address); policies and tokens live on a server (kv2 server)');
    const token = env(ctx, 'BAO_TOKEN', 'VAULT_TOKEN');
    if (token === undefined) throw new CliError('no token: set BAO_TOKEN (or VAULT_TOKEN)');
    this.#address = address.replace(/\/+$/, '');
    this.#token = token;
    this.#namespace = flags.string('namespace') ?? env(ctx, 'BAO_NAMESPACE', 'VAULT_NAMESPACE');
  }

  /** The token this client sends (compared by `token capabilities`, never printed). */
  isOwnToken(token: string): boolean {
    return token === this.#token;
  }

  /** Sends one request; a transport failure becomes a CliError naming the address only. */
  async request(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'X-Vault-Token': this.#token, 'X-Vault-Request': 'true' };
    if (this.#namespace !== undefined) headers['X-Vault-Namespace'] = this.#namespace;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.#address}/v1/${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
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

  /** Like {@link request}, but a non-2xx answer becomes bao's `Error <action>: Code: N. Errors: …` failure. */
  async must(action: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const answer = await this.request(method, path, body);
    if (answer.status >= 200 && answer.status < 300) return answer;
    const errors = Array.isArray(answer.body?.errors) ? (answer.body.errors as unknown[]).map(String) : [];
    throw new CliError(
      `Error ${action}: Error making API request.\n\nURL: ${method} ${displayAddress(this.#address)}/v1/${path}\nCode: ${answer.status}. Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}`,
    );
  }
}
