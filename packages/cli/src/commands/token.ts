import { formatDuration } from '@kv2/core';
import type { CommandSpec } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import type { FlagGroup } from '../flags.js';
import { columns, keyValueTable } from '../output/table.js';
import { toJson } from '../output/wire.js';
import { ApiClient, OUTPUT_GROUP, SERVER_GROUP } from './api-client.js';
import { outputFormat, positionals } from './kv-shared.js';

/** Go's duration text with zero units trimmed (`768h`, `1h30m`), as bao prints token durations. */
function human(seconds: number): string {
  return formatDuration(seconds)
    .replace(/(\d)h0m0s$/, '$1h')
    .replace(/(\d)m0s$/, '$1m');
}

function quotedList(values: unknown): string {
  return `[${(Array.isArray(values) ? values : []).map((v) => JSON.stringify(String(v))).join(' ')}]`;
}

const CREATE_FLAGS: FlagGroup = {
  title: 'Command options',
  flags: [
    { name: 'policy', kind: 'list', placeholder: 'NAME', description: "A policy for the token (repeatable). Default: the caller's policies." },
    { name: 'ttl', kind: 'duration', placeholder: 'DURATION', description: 'Initial TTL (e.g. 30m, 1h). Default: 768h.' },
    { name: 'explicit-max-ttl', kind: 'duration', placeholder: 'DURATION', description: 'A hard cap the token can never be renewed past.' },
    { name: 'use-limit', kind: 'int', placeholder: 'N', description: 'Number of requests the token may make (0 = unlimited).' },
    { name: 'display-name', kind: 'string', placeholder: 'NAME', description: 'Shown as token-NAME.' },
    { name: 'metadata', kind: 'map', placeholder: 'K=V', description: 'Metadata (repeatable).' },
    { name: 'orphan', kind: 'bool', description: 'No parent: the token outlives its creator (needs root or sudo).' },
    { name: 'no-default-policy', kind: 'bool', description: 'Do not attach the default policy.' },
    { name: 'renewable', kind: 'bool', description: 'Allow renewal (default true; -renewable=false to forbid).' },
    { name: 'id', kind: 'string', placeholder: 'ID', description: 'A custom token ID (needs root or sudo).' },
    { name: 'field', kind: 'string', placeholder: 'NAME', description: 'Print only this field (e.g. token).' },
  ],
};

const create: CommandSpec = {
  name: 'token create',
  usage: '[flags]',
  positionals: false,
  summary: 'Create a token with policies (bao token create)',
  description: `Creates a token, like bao token create: POST auth/token/create. A token created by a
non-root token gets a subset of its creator's policies and is revoked with it.`,
  examples: [
    'kv2 token create -policy=app',
    'kv2 token create -policy=app -ttl=1h -use-limit=10',
    'BAO_TOKEN=$(kv2 token create -policy=app -field=token)',
  ],
  flags: [CREATE_FLAGS, SERVER_GROUP, OUTPUT_GROUP],
  async run(ctx, flags) {
    const format = outputFormat(flags, this.name);
    const body: Record<string, unknown> = {
      policies: flags.list('policy'),
      ttl: `${flags.duration('ttl') ?? 0}s`,
      explicit_max_ttl: `${flags.duration('explicit-max-ttl') ?? 0}s`,
      display_name: flags.string('display-name') ?? '',
      num_uses: flags.int('use-limit') ?? 0,
      renewable: flags.bool('renewable') ?? true,
      type: 'service',
    };
    const meta = flags.map('metadata');
    if (Object.keys(meta).length > 0) body.meta = meta;
    if (flags.bool('orphan') === true) body.no_parent = true;
    if (flags.bool('no-default-policy') === true) body.no_default_policy = true;
    const id = flags.string('id');
    if (id !== undefined) body.id = id;
    const answer = await new ApiClient(ctx, flags).must('creating token', 'POST', 'auth/token/create', body);
    const auth = (answer.body?.auth ?? {}) as Record<string, unknown>;
    for (const warning of (answer.body?.warnings as string[] | null) ?? []) ctx.stderr.line(`WARNING! ${warning}`);
    const rows: Array<[string, string]> = [
      ['token', String(auth.client_token)],
      ['token_accessor', String(auth.accessor)],
      ['token_duration', Number(auth.lease_duration) === 0 ? '∞' : human(Number(auth.lease_duration))],
      ['token_renewable', String(auth.renewable)],
      ['token_policies', quotedList(auth.token_policies)],
      ['identity_policies', '[]'],
      ['policies', quotedList(auth.policies)],
    ];
    const field = flags.string('field');
    if (field !== undefined) {
      const row = rows.find(([key]) => key === field);
      if (row === undefined) throw new UsageError(`field ${JSON.stringify(field)} not present in the token`, this.name);
      ctx.stdout.write(ctx.stdout.isTTY ? `${row[1]}\n` : row[1]);
      return EXIT.ok;
    }
    if (format === 'json') ctx.stdout.line(toJson(answer.body));
    else ctx.stdout.line(columns([['Key', 'Value'], ['---', '-----'], ...rows]));
    return EXIT.ok;
  },
};

const lookup: CommandSpec = {
  name: 'token lookup',
  usage: '[flags] [TOKEN]',
  summary: "Show a token's properties (yours without TOKEN)",
  description: 'Shows the properties of TOKEN, of the token behind -accessor, or of your own token, like bao token lookup.',
  examples: ['kv2 token lookup', 'kv2 token lookup -accessor ACCESSOR'],
  flags: [
    { title: 'Command options', flags: [{ name: 'accessor', kind: 'bool', description: 'TOKEN is an accessor.' }] },
    SERVER_GROUP,
    OUTPUT_GROUP,
  ],
  async run(ctx, flags) {
    const args = positionals(flags, this.name, 0, 1);
    const format = outputFormat(flags, this.name);
    const client = new ApiClient(ctx, flags);
    let answer;
    if (flags.bool('accessor') === true) {
      if (args[0] === undefined) throw new UsageError('-accessor needs the accessor as argument', this.name);
      answer = await client.must('looking up token', 'POST', 'auth/token/lookup-accessor', { accessor: args[0] });
    } else if (args[0] === undefined) {
      answer = await client.must('looking up token', 'GET', 'auth/token/lookup-self');
    } else {
      answer = await client.must('looking up token', 'POST', 'auth/token/lookup', { token: args[0] });
    }
    const data = (answer.body?.data ?? {}) as Record<string, unknown>;
    if (format === 'json') ctx.stdout.line(toJson(answer.body));
    else ctx.stdout.line(keyValueTable(data));
    return EXIT.ok;
  },
};

const revoke: CommandSpec = {
  name: 'token revoke',
  usage: '[flags] [TOKEN]',
  summary: 'Revoke a token and the tokens it created',
  description: `Revokes TOKEN (or the token behind -accessor, or your own with -self) and all its children,
like bao token revoke. -mode=orphan revokes only the token and keeps its children (needs sudo).`,
  examples: ['kv2 token revoke TOKEN', 'kv2 token revoke -self', 'kv2 token revoke -accessor ACCESSOR'],
  flags: [
    {
      title: 'Command options',
      flags: [
        { name: 'self', kind: 'bool', description: 'Revoke your own token.' },
        { name: 'accessor', kind: 'bool', description: 'TOKEN is an accessor.' },
        { name: 'mode', kind: 'string', placeholder: 'orphan', description: 'orphan: keep the children (as orphans).' },
      ],
    },
    SERVER_GROUP,
  ],
  async run(ctx, flags) {
    const args = positionals(flags, this.name, 0, 1);
    const client = new ApiClient(ctx, flags);
    const mode = flags.string('mode') ?? '';
    if (mode !== '' && mode !== 'orphan' && mode !== 'path') throw new UsageError(`invalid -mode ${JSON.stringify(mode)}`, this.name);
    if (flags.bool('self') === true) {
      if (args.length > 0) throw new UsageError('-self takes no token argument', this.name);
      await client.must('revoking token', 'PUT', 'auth/token/revoke-self');
    } else {
      if (args[0] === undefined) throw new UsageError('not enough arguments (expected 1, got 0)', this.name);
      if (flags.bool('accessor') === true) await client.must('revoking token', 'POST', 'auth/token/revoke-accessor', { accessor: args[0] });
      else if (mode === 'orphan') await client.must('revoking token', 'PUT', 'auth/token/revoke-orphan', { token: args[0] });
      else await client.must('revoking token', 'PUT', 'auth/token/revoke', { token: args[0] });
    }
    ctx.stdout.line('Success! Revoked token (if it existed)');
    return EXIT.ok;
  },
};

const capabilities: CommandSpec = {
  name: 'token capabilities',
  usage: '[flags] [TOKEN] PATH',
  summary: 'Show what a token may do on a path',
  description: `Prints the capabilities of TOKEN (your own without it) on PATH, sorted and comma-separated,
like bao token capabilities (sys/capabilities-self or sys/capabilities). PATH is the API path,
e.g. secret/data/app/db.`,
  examples: ['kv2 token capabilities secret/data/app/db', 'kv2 token capabilities TOKEN secret/metadata/app/'],
  flags: [SERVER_GROUP, OUTPUT_GROUP],
  async run(ctx, flags) {
    const args = positionals(flags, this.name, 1, 2);
    const format = outputFormat(flags, this.name);
    const client = new ApiClient(ctx, flags);
    const [token, path] = args.length === 2 ? [args[0] as string, args[1] as string] : [undefined, args[0] as string];
    const answer =
      token === undefined || client.isOwnToken(token)
        ? await client.must('listing capabilities', 'POST', 'sys/capabilities-self', { path })
        : await client.must('listing capabilities', 'POST', 'sys/capabilities', { token, path });
    const data = (answer.body?.data ?? {}) as Record<string, unknown>;
    const caps = ((data[path] ?? data.capabilities ?? []) as unknown[]).map(String).sort();
    if (format === 'json') ctx.stdout.line(toJson(caps));
    else ctx.stdout.line(caps.join(', '));
    return EXIT.ok;
  },
};

/** `kv2 token create|lookup|revoke|capabilities`. */
export const tokenCommands: readonly CommandSpec[] = [create, lookup, revoke, capabilities];
