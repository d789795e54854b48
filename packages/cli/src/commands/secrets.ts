import { displayAddress, env } from '../backend.js';
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { FlagGroup, FlagSpec, ParsedFlags } from '../flags.js';
import { goValue, table } from '../output/table.js';
import { toJson } from '../output/wire.js';
import { sanitizePath } from '../paths.js';
import { SERVER_GROUP } from './auth-client.js';

// `kv2 secrets enable|disable|list|tune|move`, bao-style: the same flags, requests
// (`sys/mounts/<path>`, `sys/mounts/<path>/tune`, `sys/remount`) and messages as
// `bao secrets …`, against any OpenBao, Vault or kv2 server.

// The same -address and -namespace as the policy, token and fault commands.
const SERVER_FLAGS: readonly FlagSpec[] = SERVER_GROUP.flags;

const TUNE_FLAGS: readonly FlagSpec[] = [
  { name: 'description', kind: 'string', placeholder: 'TEXT', description: 'A human-friendly description of the mount.' },
  {
    name: 'default-lease-ttl',
    kind: 'string',
    placeholder: 'DURATION',
    description: 'The default lease TTL (kv2 issues no leases; recorded and shown).',
  },
  { name: 'max-lease-ttl', kind: 'string', placeholder: 'DURATION', description: 'The maximum lease TTL (recorded and shown).' },
  { name: 'listing-visibility', kind: 'string', placeholder: 'unauth|hidden', description: 'Whether the UI lists the mount.' },
  { name: 'audit-non-hmac-request-keys', kind: 'list', placeholder: 'KEY', description: 'Request keys audit devices would not HMAC (repeatable).' },
  { name: 'audit-non-hmac-response-keys', kind: 'list', placeholder: 'KEY', description: 'Response keys audit devices would not HMAC (repeatable).' },
  { name: 'passthrough-request-headers', kind: 'list', placeholder: 'HEADER', description: 'Request headers passed to the engine (repeatable).' },
  { name: 'allowed-response-headers', kind: 'list', placeholder: 'HEADER', description: 'Response headers the engine may set (repeatable).' },
  { name: 'options', kind: 'map', placeholder: 'K=V', description: 'Mount options (repeatable), e.g. -options=version=2.' },
  { name: 'version', kind: 'int', placeholder: 'N', description: 'The KV version (a shortcut for -options=version=N); kv2 serves version 2.' },
];

const ENABLE_FLAGS: readonly FlagSpec[] = [
  { name: 'path', kind: 'string', placeholder: 'PATH', description: 'Where to mount the engine (default: the type, e.g. kv-v2/).' },
  ...TUNE_FLAGS,
  { name: 'force-no-cache', kind: 'bool', description: 'Force the engine not to cache (recorded and shown).' },
  { name: 'local', kind: 'bool', description: 'Mark the mount local (not replicated; recorded and shown).' },
  { name: 'seal-wrap', kind: 'bool', description: 'Mark the mount seal-wrapped (recorded and shown).' },
  { name: 'external-entropy-access', kind: 'bool', description: 'Recorded and shown.' },
];

function groups(own: readonly FlagSpec[], output = false): FlagGroup[] {
  const list: FlagGroup[] = [{ title: 'Command options', flags: own }];
  if (output)
    list.push({
      title: 'Output',
      flags: [{ name: 'format', kind: 'string', placeholder: 'table|json', defaultText: 'table', description: 'Output format.' }],
    });
  list.push({ title: 'Server', flags: SERVER_FLAGS });
  return list;
}

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown> | undefined;
}

/** Sends one request to the server the flags and environment name, with the token. */
async function request(ctx: CommandContext, flags: ParsedFlags, method: string, path: string, body?: unknown): Promise<Answer> {
  const address = flags.string('address') ?? env(ctx, 'BAO_ADDR', 'VAULT_ADDR');
  if (address === undefined)
    throw new CliError('kv2 secrets talks to a server: set BAO_ADDR (or VAULT_ADDR, or -address) and BAO_TOKEN; start one with kv2 server');
  const token = env(ctx, 'BAO_TOKEN', 'VAULT_TOKEN');
  if (token === undefined) throw new CliError('no token: set BAO_TOKEN (or VAULT_TOKEN) to talk to a server');
  const namespace = flags.string('namespace') ?? env(ctx, 'BAO_NAMESPACE', 'VAULT_NAMESPACE');
  let url: URL;
  try {
    url = new URL(`v1/${path.split('/').map(encodeURIComponent).join('/')}`, address.replace(/\/*$/, '/'));
  } catch {
    throw new CliError(`invalid server address ${JSON.stringify(displayAddress(address))}`);
  }
  const headers: Record<string, string> = { 'X-Vault-Token': token };
  if (namespace !== undefined) headers['X-Vault-Namespace'] = namespace;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    throw new CliError(`cannot reach ${displayAddress(address)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = undefined;
  }
  if (response.status >= 400) {
    const errors = Array.isArray(json?.errors) ? (json.errors as unknown[]).map((e) => (typeof e === 'string' ? e : JSON.stringify(e))) : [];
    const shown = `${method} ${displayAddress(address)}/v1/${path}`;
    throw new ServerRefusal(
      `Error making API request.\n\nURL: ${shown}\nCode: ${response.status}. Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}`,
    );
  }
  return { status: response.status, json };
}

/** A server's error answer, worded as bao's API client does. */
class ServerRefusal extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

async function failing<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ServerRefusal) throw new CliError(`${action}: ${error.message}`, EXIT.usage);
    throw error;
  }
}

function onePath(flags: ParsedFlags, command: string): string {
  const args = flags.positionals;
  if (args.length < 1) throw new UsageError(`Not enough arguments (expected 1, got ${args.length})`, command);
  if (args.length > 1) throw new UsageError(`Too many arguments (expected 1, got ${args.length})`, command);
  return `${sanitizePath(args[0] as string)}/`;
}

/** The tune fields the flags give (only those given, as bao sends them). */
function tuneInput(flags: ParsedFlags): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [flag, field] of [
    ['default-lease-ttl', 'default_lease_ttl'],
    ['max-lease-ttl', 'max_lease_ttl'],
    ['listing-visibility', 'listing_visibility'],
  ] as const) {
    const value = flags.string(flag);
    if (value !== undefined) input[field] = value;
  }
  for (const [flag, field] of [
    ['audit-non-hmac-request-keys', 'audit_non_hmac_request_keys'],
    ['audit-non-hmac-response-keys', 'audit_non_hmac_response_keys'],
    ['passthrough-request-headers', 'passthrough_request_headers'],
    ['allowed-response-headers', 'allowed_response_headers'],
  ] as const) {
    if (flags.has(flag)) input[field] = flags.list(flag).flatMap((v) => v.split(','));
  }
  const options = flags.map('options');
  const version = flags.int('version');
  if (version !== undefined && version > 0) options.version = String(version);
  if (Object.keys(options).length > 0) input.options = options;
  return input;
}

const enable: CommandSpec = {
  name: 'secrets enable',
  usage: '[flags] TYPE',
  summary: 'Enable a KV v2 secrets engine at a path',
  description: `Enables a secrets engine, as bao secrets enable does (POST /v1/sys/mounts/<path>). kv2 serves
KV version 2: use the type kv-v2, or kv with -version=2. Other servers accept their own types.`,
  examples: ['kv2 secrets enable -path=team kv-v2', 'kv2 secrets enable -version=2 -path=app -description="app secrets" kv'],
  flags: groups(ENABLE_FLAGS),
  async run(ctx, flags) {
    const [type, ...rest] = flags.positionals;
    if (type === undefined) throw new UsageError('Not enough arguments (expected 1, got 0)', this.name);
    if (rest.length > 0) throw new UsageError(`Too many arguments (expected 1, got ${flags.positionals.length})`, this.name);
    const path = `${sanitizePath(flags.string('path') ?? type)}/`;
    const tune = tuneInput(flags);
    const { options, ...config } = tune;
    const body: Record<string, unknown> = {
      type,
      description: flags.string('description') ?? '',
      local: flags.bool('local') === true,
      seal_wrap: flags.bool('seal-wrap') === true,
      external_entropy_access: flags.bool('external-entropy-access') === true,
      config: { ...config, force_no_cache: flags.bool('force-no-cache') === true },
    };
    if (options !== undefined) body.options = options;
    await failing('Error enabling', () => request(ctx, flags, 'POST', `sys/mounts/${path}`.replace(/\/$/, ''), body));
    ctx.stdout.line(`Success! Enabled the ${type} secrets engine at: ${path}`);
    return EXIT.ok;
  },
};

const disable: CommandSpec = {
  name: 'secrets disable',
  usage: '[flags] PATH',
  summary: 'Disable a secrets engine and delete its data',
  description: `Disables the secrets engine at PATH, as bao secrets disable does (DELETE /v1/sys/mounts/<path>).
All its secrets are deleted for good. Succeeds also when nothing is mounted there.`,
  examples: ['kv2 secrets disable team/'],
  flags: groups([]),
  async run(ctx, flags) {
    const path = onePath(flags, this.name);
    await failing(`Error disabling secrets engine at ${path}`, () => request(ctx, flags, 'DELETE', `sys/mounts/${path.slice(0, -1)}`));
    ctx.stdout.line(`Success! Disabled the secrets engine (if it existed) at: ${path}`);
    return EXIT.ok;
  },
};

const tune: CommandSpec = {
  name: 'secrets tune',
  usage: '[flags] PATH',
  summary: "Change a secrets engine's description, TTLs or options",
  description: 'Tunes the mount at PATH, as bao secrets tune does (POST /v1/sys/mounts/<path>/tune).',
  examples: ['kv2 secrets tune -description="team secrets" team/', 'kv2 secrets tune -max-lease-ttl=1h team/'],
  flags: groups(TUNE_FLAGS),
  async run(ctx, flags) {
    const path = onePath(flags, this.name);
    const body = tuneInput(flags);
    const description = flags.string('description');
    if (description !== undefined) body.description = description;
    await failing(`Error tuning secrets engine ${path}`, () => request(ctx, flags, 'POST', `sys/mounts/${path}tune`, body));
    ctx.stdout.line(`Success! Tuned the secrets engine at: ${path}`);
    return EXIT.ok;
  },
};

const move: CommandSpec = {
  name: 'secrets move',
  usage: '[flags] SOURCE DESTINATION',
  summary: 'Move a secrets engine, with its data, to another path',
  description: 'Moves the mount at SOURCE to DESTINATION, as bao secrets move does (POST /v1/sys/remount).',
  examples: ['kv2 secrets move team/ platform/team/'],
  flags: groups([]),
  async run(ctx, flags) {
    const args = flags.positionals;
    if (args.length !== 2)
      throw new UsageError(`${args.length < 2 ? 'Not enough' : 'Too many'} arguments (expected 2, got ${args.length})`, this.name);
    const from = `${sanitizePath(args[0] as string)}/`;
    const to = `${sanitizePath(args[1] as string)}/`;
    const answer = await failing('Error moving secrets engine', () => request(ctx, flags, 'POST', 'sys/remount', { from, to }));
    const id = (answer.json?.data as { migration_id?: unknown } | undefined)?.migration_id;
    let status = 'success';
    if (typeof id === 'string') {
      // kv2 finishes before answering; another server may still be moving, so ask as bao does.
      for (let attempt = 0; attempt < 60; attempt++) {
        const state = await failing('Error checking migration status', () => request(ctx, flags, 'GET', `sys/remount/status/${id}`));
        const reported = (state.json?.data as { migration_info?: { status?: unknown } } | undefined)?.migration_info?.status;
        status = typeof reported === 'string' ? reported : 'success';
        if (status !== 'in-progress') break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    if (status === 'failure')
      throw new CliError(`Failure! Error encountered moving secrets engine ${from} to ${to}, with migration ID ${String(id)}`);
    ctx.stdout.line(`Success! Finished moving secrets engine ${from} to ${to}${typeof id === 'string' ? `, with migration ID ${id}` : ''}`);
    return EXIT.ok;
  },
};

const list: CommandSpec = {
  name: 'secrets list',
  usage: '[flags]',
  summary: 'List the enabled secrets engines',
  description: 'Lists the mounts, as bao secrets list does (GET /v1/sys/mounts).',
  examples: ['kv2 secrets list', 'kv2 secrets list -detailed', 'kv2 secrets list -format=json'],
  flags: groups([{ name: 'detailed', kind: 'bool', description: 'Show accessor, options, TTLs, local, seal wrap and UUID too.' }], true),
  async run(ctx, flags) {
    if (flags.positionals.length > 0) throw new UsageError(`Too many arguments (expected 0, got ${flags.positionals.length})`, this.name);
    const format = (flags.string('format') ?? 'table').toLowerCase();
    if (format !== 'table' && format !== 'json') throw new UsageError(`invalid -format ${JSON.stringify(format)}: use table or json`, this.name);
    const answer = await failing('Error listing secrets engines', () => request(ctx, flags, 'GET', 'sys/mounts'));
    const mounts = (answer.json?.data ?? {}) as Record<string, Record<string, unknown>>;
    if (format === 'json') {
      ctx.stdout.line(toJson(mounts));
      return EXIT.ok;
    }
    const paths = Object.keys(mounts).sort();
    if (flags.bool('detailed') === true) {
      const ttl = (value: unknown): string => (value === 0 || value === undefined ? 'system' : goValue(value));
      ctx.stdout.line(
        table(
          [
            'Path',
            'Plugin',
            'Accessor',
            'Default TTL',
            'Max TTL',
            'Force No Cache',
            'Replication',
            'Seal Wrap',
            'External Entropy Access',
            'Options',
            'Description',
            'UUID',
          ],
          paths.map((path) => {
            const m = mounts[path] as Record<string, unknown>;
            const config = (m.config ?? {}) as Record<string, unknown>;
            const options = m.options === null || m.options === undefined ? '' : goValue(m.options);
            return [
              path,
              goValue(m.type),
              goValue(m.accessor),
              ttl(config.default_lease_ttl),
              ttl(config.max_lease_ttl),
              goValue(config.force_no_cache ?? false),
              m.local === true ? 'local' : 'replicated',
              goValue(m.seal_wrap ?? false),
              goValue(m.external_entropy_access ?? false),
              options,
              goValue(m.description ?? ''),
              goValue(m.uuid ?? ''),
            ];
          }),
        ),
      );
      return EXIT.ok;
    }
    ctx.stdout.line(
      table(
        ['Path', 'Type', 'Accessor', 'Description'],
        paths.map((path) => {
          const m = mounts[path] as Record<string, unknown>;
          return [path, goValue(m.type), goValue(m.accessor), goValue(m.description ?? '')];
        }),
      ),
    );
    return EXIT.ok;
  },
};

/** `kv2 secrets …`. */
export const secretsCommands: readonly CommandSpec[] = [enable, disable, list, tune, move];
