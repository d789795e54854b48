import type { CommandSpec } from '../command.js';
import { CliError, EXIT } from '../errors.js';
import type { FlagGroup, FlagSpec, ParsedFlags } from '../flags.js';
import { goValue, table } from '../output/table.js';
import { toJson } from '../output/wire.js';
import { sanitizePath } from '../paths.js';
import { ApiClient, OUTPUT_GROUP, SERVER_GROUP } from './api-client.js';
import { outputFormat, positionals } from './kv-shared.js';

// `kv2 secrets enable|disable|list|tune|move`, bao-style: the same flags, requests
// (`sys/mounts/<path>`, `sys/mounts/<path>/tune`, `sys/remount`) and messages as
// `bao secrets …`, against any OpenBao, Vault or kv2 server.

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
  return [{ title: 'Command options', flags: own }, ...(output ? [OUTPUT_GROUP] : []), SERVER_GROUP];
}

function onePath(flags: ParsedFlags, command: string): string {
  const [path] = positionals(flags, command, 1, 1) as [string];
  return `${sanitizePath(path)}/`;
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
    const [type] = positionals(flags, this.name, 1, 1) as [string];
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
    await new ApiClient(ctx, flags).must('enabling', 'POST', `sys/mounts/${path.slice(0, -1)}`, body);
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
    await new ApiClient(ctx, flags).must(`disabling secrets engine at ${path}`, 'DELETE', `sys/mounts/${path.slice(0, -1)}`);
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
    await new ApiClient(ctx, flags).must(`tuning secrets engine ${path}`, 'POST', `sys/mounts/${path}tune`, body);
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
    const [source, destination] = positionals(flags, this.name, 2, 2) as [string, string];
    const from = `${sanitizePath(source)}/`;
    const to = `${sanitizePath(destination)}/`;
    const client = new ApiClient(ctx, flags);
    const answer = await client.must(`moving secrets engine ${from} to ${to}`, 'POST', 'sys/remount', { from, to });
    const id = (answer.body?.data as { migration_id?: unknown } | undefined)?.migration_id;
    let status = 'success';
    if (typeof id === 'string') {
      // kv2 finishes before answering; another server may still be moving, so ask as bao does.
      for (let attempt = 0; attempt < 60; attempt++) {
        const state = await client.must('checking migration status', 'GET', `sys/remount/status/${id}`);
        const reported = (state.body?.data as { migration_info?: { status?: unknown } } | undefined)?.migration_info?.status;
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
    positionals(flags, this.name, 0, 0);
    const format = outputFormat(flags, this.name);
    const answer = await new ApiClient(ctx, flags).must('listing secrets engines', 'GET', 'sys/mounts');
    const mounts = (answer.body?.data ?? {}) as Record<string, Record<string, unknown>>;
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
