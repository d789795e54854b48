import { readFileSync } from 'node:fs';
import { KvError } from '@kv2/core';
import type { CommandGroup, CommandSpec } from './command.js';
import { BROKEN_PIPE_EXIT, type CommandContext } from './context.js';
import { CliError, EXIT, PlainError, StoreCallError, UsageError } from './errors.js';
import { parseFlags } from './flags.js';
import { commandHelp, groupHelp } from './output/help.js';

// Commands load on demand, so `kv2 kv get` never loads the server or the conformance suite.
type Loader = () => Promise<readonly CommandSpec[]>;

interface Entry {
  readonly summary: string;
  readonly load: Loader;
}

const loadKv: Loader = async () => (await import('./commands/kv.js')).kvCommands;
const loadSecrets: Loader = async () => (await import('./commands/secrets.js')).secretsCommands;
const loadPolicy: Loader = async () => (await import('./commands/policy.js')).policyCommands;
const loadToken: Loader = async () => (await import('./commands/token.js')).tokenCommands;
const loadKvMetadata: Loader = async () => (await import('./commands/kv-metadata.js')).kvMetadataCommands;
const loadFault: Loader = async () => (await import('./commands/fault.js')).faultCommands;

const COMMANDS: Readonly<Record<string, Entry>> = {
  server: {
    summary: 'Start an OpenBao-compatible KV v2 server (like bao server -dev, but persistent)',
    load: async () => (await import('./commands/server.js')).serverCommands,
  },
  'kv get': { summary: 'Read a secret (the latest version, or -version N)', load: loadKv },
  'kv put': { summary: 'Write a secret as a new version', load: loadKv },
  'kv patch': { summary: 'Merge changes into the latest version, as a new version', load: loadKv },
  'kv delete': { summary: 'Soft-delete the latest version, or -versions', load: loadKv },
  'kv undelete': { summary: 'Restore soft-deleted versions', load: loadKv },
  'kv destroy': { summary: 'Permanently remove the data of versions', load: loadKv },
  'kv list': { summary: 'List the keys and folders under a path', load: loadKv },
  'kv rollback': { summary: "Write an earlier version's data as a new version", load: loadKv },
  'kv metadata get': { summary: "Show a key's metadata and the state of every version", load: loadKvMetadata },
  'kv metadata put': { summary: 'Create a key or change its settings', load: loadKvMetadata },
  'kv metadata patch': { summary: "Merge changes into an existing key's settings", load: loadKvMetadata },
  'kv metadata delete': { summary: 'Remove a key with all its versions and history', load: loadKvMetadata },
  'secrets enable': { summary: 'Enable a KV v2 secrets engine at a path', load: loadSecrets },
  'secrets disable': { summary: 'Disable a secrets engine and delete its data', load: loadSecrets },
  'secrets list': { summary: 'List the enabled secrets engines', load: loadSecrets },
  'secrets tune': { summary: "Change a secrets engine's description, TTLs or options", load: loadSecrets },
  'secrets move': { summary: 'Move a secrets engine, with its data, to another path', load: loadSecrets },
  'policy write': { summary: 'Upload an ACL policy (HCL or JSON) to a server', load: loadPolicy },
  'policy read': { summary: 'Print the text of an ACL policy', load: loadPolicy },
  'policy list': { summary: 'List the ACL policies', load: loadPolicy },
  'policy delete': { summary: 'Delete an ACL policy', load: loadPolicy },
  'token create': { summary: 'Create a token with policies', load: loadToken },
  'token lookup': { summary: "Show a token's properties", load: loadToken },
  'token revoke': { summary: 'Revoke a token and its children', load: loadToken },
  'token capabilities': { summary: 'Show what a token may do on a path', load: loadToken },
  'fault add': { summary: 'Make a running kv2 server fail chosen requests (kv2-only, for tests)', load: loadFault },
  'fault list': { summary: 'List the fault rules and the seal state of a kv2 server', load: loadFault },
  'fault clear': { summary: 'Remove one fault rule, or all of them', load: loadFault },
  check: { summary: 'Run the KV v2 conformance suite against a live server', load: async () => (await import('./commands/check.js')).checkCommands },
  export: {
    summary: 'Write a JSON snapshot of a store (all versions and metadata)',
    load: async () => (await import('./commands/transfer.js')).transferCommands,
  },
  import: { summary: 'Load a JSON snapshot into a store', load: async () => (await import('./commands/transfer.js')).transferCommands },
};

const GROUPS: Readonly<Record<string, string>> = {
  '': `kv2: versioned secrets with OpenBao/Vault KV v2 semantics.
The kv commands work on a local file store (${'.kv2/data.json'}) by default, or on a server when
BAO_ADDR (or VAULT_ADDR, or -address) points at one; kv2 server runs such a server.`,
  kv: `Read and write versioned secrets, like bao kv: the same subcommands, flags and output.
PATH starts with the mount (secret/app/db), or use -mount=secret app/db.`,
  'kv metadata': 'Read and change the metadata of keys, like bao kv metadata.',
  secrets: `Enable, list, tune, move and disable secrets engines on a server, like bao secrets.
kv2 server serves KV version 2 engines (type kv-v2, or kv with -version=2).`,
  policy: 'Manage the ACL policies of a server (kv2 server, OpenBao, Vault), like bao policy.',
  token: 'Create, inspect and revoke tokens on a server, like bao token.',
  fault: `Make a running kv2 server fail chosen requests, to test a client's error paths.
kv2-only (sys/kv2/faults, root token only; not part of OpenBao). kv2 server -fault and -sealed set faults at start.`,
};

/**
 * Runs the kv2 command line and resolves to the exit code: 0 success, 1 failure, 2 usage error.
 * Everything is written through `ctx`, so this also runs in-process.
 */
export async function main(argv: readonly string[], ctx: CommandContext): Promise<number> {
  let code: number;
  try {
    code = await dispatch(argv, ctx);
  } catch (error) {
    code = report(error, ctx);
  }
  // The reader of stdout went away (`| head -1`): the shell's code for bao, killed by SIGPIPE.
  return ctx.stdout.closed ? BROKEN_PIPE_EXIT : code;
}

async function dispatch(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    // As bao (hashicorp/cli): no command prints the usage on stderr and exits 127.
    ctx.stderr.write(groupHelp(group(''), ctx.stderr.style));
    return EXIT.noCommand;
  }
  if (first === 'help' || first === '-h' || first === '--help' || first === '-help') {
    const rest = first === 'help' ? argv.slice(1) : [];
    if (rest.length > 0) return dispatch([...rest, '-h'], ctx);
    ctx.stdout.write(groupHelp(group(''), ctx.stdout.style));
    return EXIT.ok;
  }
  if (first === 'version' || first === '-version' || first === '--version' || first === '-v') {
    ctx.stdout.line(`kv2 ${version()}`);
    return EXIT.ok;
  }

  // The longest run of leading words that names a command or a group.
  let words: string[] = [];
  for (const word of argv) {
    const candidate = [...words, word].join(' ');
    if (COMMANDS[candidate] === undefined && GROUPS[candidate] === undefined) break;
    words = [...words, word];
  }
  const name = words.join(' ');
  const args = argv.slice(words.length);
  const entry = COMMANDS[name];
  if (entry === undefined) {
    if (name === '' || GROUPS[name] === undefined) throw new UsageError(`unknown command ${JSON.stringify(argv[0])}`, '');
    const next = args[0];
    if (next === undefined) {
      // A group without its subcommand is a usage error: the list goes to stderr.
      ctx.stderr.write(groupHelp(group(name), ctx.stderr.style));
      return EXIT.usage;
    }
    if (['-h', '-help', '--help'].includes(next)) {
      ctx.stdout.write(groupHelp(group(name), ctx.stdout.style));
      return EXIT.ok;
    }
    if (next.startsWith('-') && next !== '-') throw new UsageError(`unknown flag ${JSON.stringify(next.split('=')[0])} for "kv2 ${name}"`, name);
    throw new UsageError(`unknown command "kv2 ${name} ${next}"`, name);
  }
  const spec = (await entry.load()).find((command) => command.name === name);
  if (spec === undefined) throw new Error(`command ${name} is registered but not implemented`);
  const flags = parseFlags(spec.positionals === false ? args.filter((arg) => arg !== '--') : args, spec.flags, name);
  if (flags.help) {
    ctx.stdout.write(commandHelp(spec, ctx.stdout.style));
    return EXIT.ok;
  }
  return spec.run(ctx, flags);
}

function group(name: string): CommandGroup {
  const prefix = name === '' ? '' : `${name} `;
  const entries: { name: string; summary: string }[] = [];
  const seen = new Set<string>();
  for (const [command, entry] of Object.entries(COMMANDS)) {
    if (!command.startsWith(prefix)) continue;
    const rest = command.slice(prefix.length).split(' ');
    const head = rest[0] as string;
    if (seen.has(head)) continue;
    seen.add(head);
    const sub = `${prefix}${head}`;
    entries.push({ name: head, summary: rest.length > 1 ? firstLine(GROUPS[sub] ?? '') : entry.summary });
  }
  return { name, summary: firstLine(GROUPS[name] ?? ''), description: GROUPS[name] ?? '', entries };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function report(error: unknown, ctx: CommandContext): number {
  const style = ctx.stderr.style;
  if (error instanceof UsageError) {
    ctx.stderr.line(`${style.red('Error:')} ${error.message}`);
    ctx.stderr.line(`Run "kv2${error.command === '' ? '' : ` ${error.command}`} -h" for usage.`);
    return EXIT.usage;
  }
  if (error instanceof StoreCallError) {
    ctx.stderr.line(error.text());
    return error.exitCode;
  }
  if (error instanceof PlainError) {
    ctx.stderr.line(error.message);
    if (error.note !== undefined) ctx.stderr.line(error.note);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    ctx.stderr.line(`${style.red('Error:')} ${error.message}`);
    return error.exitCode;
  }
  if (KvError.is(error)) {
    ctx.stderr.line(`${style.red('Error:')} ${error.message} (${error.code})`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr.line(`${style.red('Error:')} ${message}`);
  if (ctx.env.KV2_DEBUG !== undefined && error instanceof Error && error.stack !== undefined) ctx.stderr.line(error.stack);
  return EXIT.failure;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
