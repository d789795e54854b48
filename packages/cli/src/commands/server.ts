import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { BaseKeyValueStore } from '@kv2/core';
import type { InitialToken, MountRecord, MountTableHandler } from '@kv2/server';
import { chooseLocalBackend, ENCRYPTION_FLAGS, env, loadEncryption, LOCAL_MOUNT } from '../backend.js';
import { FileMountTable, mountTablePath, readMountTable } from '../mount-table.js';
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { parseFaultSpec } from './fault.js';
import type { ParsedFlags } from '../flags.js';
import { sanitizePath } from '../paths.js';
import { lockServerFolder, type ServerLock } from '../server-lock.js';

/** Where `kv2 server` listens by default: loopback only, bao's dev port. */
const DEFAULT_ADDRESS = '127.0.0.1:8200';
/** Where policies and tokens persist, next to the data file. */
const AUTH_FILE = 'auth.json';
/** The generated token's file, next to the data file. */
const TOKEN_FILE = 'token';
// Header-safe, as clients send it in X-Vault-Token.
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/** A fresh root token: `kv2.` and 32 random bytes in base64url (like bao's `hvs.` tokens). */
export function generateToken(): string {
  return `kv2.${randomBytes(32).toString('base64url')}`;
}

/** Parses `host:port`, `[::1]:port` or `http://host:port`; port 0 picks a free port. */
export function parseListenAddress(text: string, command: string): { host: string; port: number } {
  const bare = text
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(bare);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port > 65_535)
    throw new UsageError(`invalid -address ${JSON.stringify(text)}: use host:port, e.g. 127.0.0.1:8200 (port 0 picks a free one)`, command);
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

/** The stores `kv2 server` can serve: in memory or in a file. */
type LocalChoice = ReturnType<typeof chooseLocalBackend>;

interface TokenSource {
  token: string;
  origin: string;
}

// -token, then KV2_TOKEN, then the token file next to the data, else a new one saved there.
async function rootToken(ctx: CommandContext, flags: ParsedFlags, dataFile: string | undefined): Promise<TokenSource> {
  const given = flags.string('token') ?? env(ctx, 'KV2_TOKEN');
  if (given !== undefined) {
    if (!TOKEN_PATTERN.test(given)) throw new UsageError('the token must be visible ASCII characters without spaces', 'server');
    return { token: given, origin: flags.has('token') ? 'from the command line' : 'from KV2_TOKEN' };
  }
  if (dataFile === undefined) return { token: generateToken(), origin: 'generated; -memory keeps nothing, so it changes on every start' };
  const file = join(dirname(dataFile), TOKEN_FILE);
  const shown = displayPath(ctx, file);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (!TOKEN_PATTERN.test(saved)) throw new CliError(`the token file ${shown} is not a valid token; remove it to generate a new one`);
    return { token: saved, origin: `from ${shown}` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = generateToken();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // 'wx': never overwrite a token another server start wrote in the meantime.
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(`${token}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { token, origin: `generated, saved in ${shown} (mode 0600) so restarts keep it` };
}

function displayPath(ctx: CommandContext, file: string): string {
  const rel = relative(ctx.cwd, file);
  return rel !== '' && !rel.startsWith('..') ? rel : file;
}

interface AuthConfig {
  policies?: Record<string, string>;
  tokens?: InitialToken[];
}

function camelToken(raw: Record<string, unknown>, command: string): InitialToken {
  const policies = raw.policies;
  if (typeof raw.id !== 'string' || !Array.isArray(policies) || !policies.every((p) => typeof p === 'string')) {
    throw new UsageError('-auth-config: each token needs "id" (a string) and "policies" (a list of names)', command);
  }
  return {
    id: raw.id,
    policies: policies,
    noDefaultPolicy: raw.no_default_policy === true,
    ttl: typeof raw.ttl === 'string' || typeof raw.ttl === 'number' ? raw.ttl : undefined,
    numUses: typeof raw.num_uses === 'number' ? raw.num_uses : undefined,
    displayName: typeof raw.display_name === 'string' ? raw.display_name : undefined,
    meta: typeof raw.meta === 'object' && raw.meta !== null ? (raw.meta as Record<string, string>) : undefined,
  };
}

// The -auth-config file: policies (text, or a file relative to the config) and tokens.
async function loadAuthConfig(ctx: CommandContext, path: string | undefined, command: string): Promise<AuthConfig> {
  if (path === undefined) return {};
  const file = resolve(ctx.cwd, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read -auth-config ${displayPath(ctx, file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new UsageError('-auth-config must hold a JSON object', command);
  const { policies = {}, tokens = [] } = parsed as { policies?: Record<string, unknown>; tokens?: unknown[] };
  const out: Required<AuthConfig> = { policies: {}, tokens: [] };
  for (const [name, value] of Object.entries(policies)) {
    if (typeof value === 'string') out.policies[name] = value;
    else if (typeof value === 'object' && value !== null && typeof (value as { file?: unknown }).file === 'string') {
      out.policies[name] = await readFile(resolve(dirname(file), (value as { file: string }).file), 'utf8');
    } else throw new UsageError(`-auth-config: policy ${JSON.stringify(name)} must be its text or {"file": PATH}`, command);
  }
  if (!Array.isArray(tokens)) throw new UsageError('-auth-config: "tokens" must be a list', command);
  for (const token of tokens) {
    if (typeof token !== 'object' || token === null) throw new UsageError('-auth-config: each token must be an object', command);
    out.tokens.push(camelToken(token as Record<string, unknown>, command));
  }
  return out;
}

/** The `-mount` flags; with none, `secret` unless a mount table already says what is mounted. */
function mountsFrom(flags: ParsedFlags, hasTable: boolean): string[] {
  const given = flags
    .list('mount')
    .flatMap((m) => m.split(','))
    .map(sanitizePath)
    .filter((m) => m !== '');
  if (given.length > 0) return [...new Set(given)];
  return hasTable ? [] : [LOCAL_MOUNT];
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const server: CommandSpec = {
  name: 'server',
  usage: '[flags]',
  positionals: false,
  summary: 'Start an OpenBao-compatible KV v2 server',
  description: `Starts an HTTP server that speaks OpenBao's KV v2 API, so curl, the bao and vault CLIs, hvac,
node-vault and kv2's own adapter can use it. Like bao server -dev, but the data persists: by default
in the file store .kv2/data.json in the working directory (-memory keeps nothing).

The root token is -token, else KV2_TOKEN, else the one saved next to the data file (.kv2/token),
else a new random one that is saved there (mode 0600), so a restart keeps the same token. The banner
prints the address, the token and the export lines to paste; the token is printed nowhere else.

Each -mount is a KV v2 mount (default: secret, on the first start). Clients can also enable,
tune, move and disable KV v2 mounts at run time (kv2 secrets enable|disable|list|tune|move,
bao secrets …, POST /v1/sys/mounts/<path>). With the file store the mount table is kept in
.kv2/data.mounts.json, so mounts and their data survive a restart, and -mount adds to it. Mount
secret keeps its data in the data file; another mount M in a sibling file (.kv2/data-M.json),
which local kv commands then also find. Disabling a mount deletes its data for good.

Tokens with ACL policies work as in bao server -dev (kv2 policy write, kv2 token create, or the
same bao commands). With the file store, policies and tokens persist in .kv2/auth.json next to
the data (tokens only as hashes, encrypted when the data is). -auth-config creates policies and
tokens at start, e.g. {"policies": {"app": {"file": "app.hcl"}}, "tokens": [{"id": "app-dev-token",
"policies": ["app"]}]}.

SIGINT or SIGTERM stops it gracefully: no new connections, in-flight requests finish (every
acknowledged write is on disk), then the store is closed. A second signal exits at once.`,
  examples: [
    'kv2 server',
    'kv2 server -address=127.0.0.1:0',
    'kv2 server -memory -token=dev-only-token',
    'kv2 server -dev -dev-root-token-id=root -dev-listen-address=127.0.0.1:8200',
    'kv2 server -mount=secret -mount=team -file=/var/lib/kv2/data.json',
    'KV2_ENCRYPTION_PASSPHRASE=… kv2 server',
    'kv2 server -auth-config=dev-auth.json',
    'kv2 server -memory -fault=path=secret/data/app/*,op=read,status=503,times=2',
  ],
  flags: [
    {
      title: 'Server options',
      flags: [
        {
          name: 'address',
          kind: 'string',
          aliases: ['dev-listen-address'],
          placeholder: 'HOST:PORT',
          defaultText: DEFAULT_ADDRESS,
          description: 'Where to listen. Port 0 picks a free port (the banner shows it).',
        },
        {
          name: 'token',
          kind: 'string',
          aliases: ['dev-root-token-id'],
          placeholder: 'TOKEN',
          description: 'The root token (default: KV2_TOKEN, else .kv2/token, else generated). Prefer KV2_TOKEN: flags show up in ps.',
        },
        {
          name: 'mount',
          kind: 'list',
          placeholder: 'PATH',
          defaultText: 'secret',
          description: 'A KV v2 mount to serve (repeatable or comma-separated).',
        },
        { name: 'memory', kind: 'bool', description: 'Keep the data in memory only (lost on stop).' },
        { name: 'dev', kind: 'bool', description: "bao's dev mode: the same as -memory (scripts that run bao server -dev work unchanged)." },
        {
          name: 'dev-no-store-token',
          kind: 'bool',
          description: 'Accepted for bao scripts; kv2 never writes a token helper file (~/.vault-token) anyway.',
        },
        { name: 'file', kind: 'string', placeholder: 'PATH', description: 'The data file (default: KV2_FILE, else .kv2/data.json).' },
        { name: 'quiet', kind: 'bool', description: 'Do not log server events on stderr.' },
        {
          name: 'fault',
          kind: 'list',
          placeholder: 'SPEC',
          description:
            'A fault rule from the start, for testing clients (repeatable; see kv2 fault add --help), e.g. path=secret/**,status=503,times=2.',
        },
        {
          name: 'sealed',
          kind: 'bool',
          description: 'Start sealed: KV requests answer 503 "Vault is sealed" until PUT sys/unseal (any hex or base64 key).',
        },
        {
          name: 'auth-config',
          kind: 'string',
          placeholder: 'PATH',
          description:
            'Policies and tokens to create at start (JSON: {"policies": {NAME: TEXT or {"file": PATH}}, "tokens": [{"id", "policies", "ttl", …}]}).',
        },
      ],
    },
    { title: 'Encryption at rest (file store)', flags: ENCRYPTION_FLAGS },
  ],
  async run(ctx, flags) {
    if (flags.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(flags.positionals[0])}`, this.name);
    const { host, port } = parseListenAddress(flags.string('address') ?? DEFAULT_ADDRESS, this.name);
    const faultRules = flags.list('fault').map((spec) => parseFaultSpec(spec, this.name));
    // bao's -dev: an in-memory server (kv2's -address and -token aliases cover -dev-listen-address
    // and -dev-root-token-id).
    const dev = flags.bool('dev') === true;
    if (dev && flags.has('file'))
      throw new UsageError('-dev keeps the data in memory; it cannot be combined with -file (drop -dev to keep the data in a file)', this.name);
    const choice = dev ? ({ kind: 'memory' } as const) : chooseLocalBackend(ctx, flags, this.name);
    // Aborted if the folder lock is lost: another server may have started on the folder.
    const lockLost = new AbortController();
    const lock = choice.kind === 'file' ? await takeServerLock(ctx, choice.file, lockLost) : null;
    try {
      const code = await serve(ctx, flags, choice, { host, port, faultRules, stop: lockLost.signal });
      if (lockLost.signal.aborted && choice.kind === 'file') {
        throw new CliError(
          `the server stopped: it lost its lock on ${displayPath(ctx, dirname(choice.file))} (another server may have taken it over)`,
        );
      }
      return code;
    } finally {
      await lock?.release().catch((error: unknown) => logLine(ctx, 'warn', `could not remove the server lock: ${String(error)}`));
    }
  },
};

/**
 * Takes the server lock of the folder holding `file`, logging why when the folder cannot be
 * locked (it is then served without one); `lost` is aborted if the lock is lost later.
 */
async function takeServerLock(ctx: CommandContext, file: string, lost: AbortController): Promise<ServerLock | null> {
  const folder = displayPath(ctx, dirname(file));
  const lock = await lockServerFolder(
    file,
    folder,
    (line) => logLine(ctx, 'warn', line),
    (error) => {
      logLine(ctx, 'error', `the server lock was lost (${error.message}): stopping, so that two servers never change one folder`);
      lost.abort(error);
    },
  );
  if (lock === null) logLine(ctx, 'warn', `${folder} cannot be written: serving without the one-server-per-folder lock`);
  return lock;
}

/** One line of the server's log on stderr: time, level, message. */
function logLine(ctx: CommandContext, level: 'info' | 'warn' | 'error', message: string): void {
  const style = ctx.stderr.style;
  const tag = `[${level.toUpperCase()}]`;
  ctx.stderr.line(
    `${new Date().toISOString()} ${level === 'error' ? style.red(tag) : level === 'warn' ? style.yellow(tag) : style.dim(tag)} ${message}`,
  );
}

/** Everything after the store choice: opens the stores, serves until stopped, closes them. */
async function serve(
  ctx: CommandContext,
  flags: ParsedFlags,
  choice: LocalChoice,
  listen: { host: string; port: number; faultRules: ReturnType<typeof parseFaultSpec>[]; stop: AbortSignal },
): Promise<number> {
  const { host, port, faultRules, stop } = listen;
  const encryption = choice.kind === 'file' ? await loadEncryption(ctx, flags) : undefined;
  const { token, origin } = await rootToken(ctx, flags, choice.kind === 'file' ? choice.file : undefined);

  const { FileKeyValueStore, MemoryKeyValueStore } = await import('@kv2/local');
  const { newMountRecord } = await import('@kv2/server');
  const stores: Record<string, BaseKeyValueStore> = {};
  const records: Record<string, MountRecord> = {};
  let mountTable: MountTableHandler;
  let table: FileMountTable | undefined;
  if (choice.kind === 'memory') {
    for (const mount of mountsFrom(flags, false)) stores[mount] = new MemoryKeyValueStore();
    mountTable = { open: () => new MemoryKeyValueStore() };
  } else {
    table = await FileMountTable.load({
      file: choice.file,
      mounts: mountsFrom(flags, readMountTable(choice.file) !== undefined),
      localMount: LOCAL_MOUNT,
      encryption,
      newRecord: (path) => newMountRecord(path),
    });
    for (const entry of table.mounts) {
      stores[entry.path] = new FileKeyValueStore({ file: table.fileOf(entry.path), ...(encryption === undefined ? {} : { encryption }) });
      const { file: _file, ...record } = entry;
      records[entry.path] = record;
    }
    mountTable = table;
  }
  const mounts = Object.keys(stores).sort();
  // Opening now turns a wrong key or a corrupt file into an error before anything listens.
  try {
    for (const store of Object.values(stores)) await store.list('');
  } catch (error) {
    await Promise.allSettled(Object.values(stores).map((store) => store.close()));
    throw error;
  }

  const { createServer, fileAuthStorage } = await import('@kv2/server');
  const authConfig = await loadAuthConfig(ctx, flags.string('auth-config'), 'server');
  const quiet = flags.bool('quiet') === true;
  const kvServer = createServer({
    token,
    mounts: stores,
    mountRecords: records,
    mountTable,
    ...authConfig,
    // Policies and tokens persist next to the data (tokens hashed, encrypted like the data).
    ...(choice.kind === 'file' ? { authStorage: fileAuthStorage({ file: join(dirname(choice.file), AUTH_FILE), encryption }) } : {}),
    host,
    ...(faultRules.length > 0 || flags.bool('sealed') === true ? { faults: { rules: faultRules, sealed: flags.bool('sealed') === true } } : {}),
    installSignalHandlers: true,
    logger: (entry) => {
      if (quiet && entry.level === 'info') return;
      logLine(ctx, entry.level, entry.message);
    },
  });
  let url: string;
  try {
    ({ url } = await kvServer.listen({ port, host }));
  } catch (error) {
    await kvServer.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot listen on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the address is in use (another server? try -address=127.0.0.1:0)' : error instanceof Error ? error.message : String(error)}`,
    );
  }

  if (!(await fetchCanReach(url))) {
    logLine(
      ctx,
      'warn',
      `Node's fetch refuses port ${port === 0 ? new URL(url).port : port} (one of the ports browsers block): kv2's own commands and other fetch-based clients cannot reach this server; curl, bao, hvac and node-vault can. Pick another -address.`,
    );
  }
  const style = ctx.stdout.style;
  const storage =
    choice.kind === 'memory'
      ? 'memory (nothing is kept)'
      : `file ${mounts.map((m) => displayPath(ctx, (table as FileMountTable).fileOf(m))).join(', ') || '(none yet)'} (encrypted: ${encryption === undefined ? 'no' : 'key' in encryption ? 'yes, key' : 'yes, passphrase'})`;
  const lines = [
    style.bold(`==> kv2 server started: an OpenBao-compatible KV v2 API`),
    '',
    `        Address: ${url}`,
    `         Mounts: ${mounts.length === 0 ? 'none yet (kv2 secrets enable -path=secret kv-v2)' : `${mounts.map((m) => `${m}/`).join(', ')} (KV v2)`}`,
    `        Storage: ${storage}`,
    ...(choice.kind === 'file'
      ? [`    Mount table: ${displayPath(ctx, mountTablePath(choice.file))} (enable more: kv2 secrets enable -path=NAME kv-v2)`]
      : []),
    `     Root Token: ${token}`,
    `                 (${origin})`,
    '',
    'Paste these into your shell to use bao, vault, curl or kv2 with it:',
    '',
    `    export BAO_ADDR=${shellQuote(url)} BAO_TOKEN=${shellQuote(token)}`,
    `    export VAULT_ADDR=${shellQuote(url)} VAULT_TOKEN=${shellQuote(token)}`,
    '',
    `Then: kv2 kv put ${mounts[0] ?? LOCAL_MOUNT}/hello who=world   (or bao kv put -mount=${mounts[0] ?? LOCAL_MOUNT} hello who=world)`,
    'Stop with Ctrl+C (SIGINT) or SIGTERM: in-flight requests finish first.',
    '',
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  // Also stops when the folder lock is lost (see run).
  const onStop = (): void => void kvServer.close();
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  await kvServer.closed;
  ctx.stderr.line(style.bold('==> kv2 server stopped'));
  return EXIT.ok;
}

/** `kv2 server`. */
export const serverCommands: readonly CommandSpec[] = [server];

/**
 * False when Node's fetch refuses the server's port: the fetch standard blocks some ports
 * (6000, 6665–6669, 10080, …), and undici applies the list. Asked of fetch itself rather than
 * from a copy of the list, so a Node version that changes it is followed.
 */
async function fetchCanReach(url: string): Promise<boolean> {
  try {
    // Outside /v1/: answered 404 before faults, the seal or the ACL, so the probe consumes no
    // fault rule and waits for no injected latency.
    await (await fetch(`${url}/`, { signal: AbortSignal.timeout(5000) })).arrayBuffer();
    return true;
  } catch (error) {
    return !(error instanceof Error && error.cause instanceof Error && error.cause.message === 'bad port');
  }
}
