import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { BaseKeyValueStore } from '@kv2/core';
import type { CommandContext } from './context.js';
import { CliError, UsageError } from './errors.js';
import type { FlagGroup, FlagSpec, ParsedFlags } from './flags.js';
import { legacyMountFile, mountTablePath, readMountTable, tableMountFile, type MountTableContent } from './mount-table.js';
import { cleanKey, sanitizePath, type KvTarget } from './paths.js';

/** The file a local command uses when neither `-file` nor `KV2_FILE` says otherwise. */
const DEFAULT_FILE = '.kv2/data.json';

/**
 * The mount name a local store (file or memory) answers to. A local store is one KV v2 mount;
 * kv commands address it as `secret/<key>` (or `-mount=secret <key>`), exactly as they would
 * address the `secret/` mount of a server, so the same command line works on both.
 */
export const LOCAL_MOUNT = 'secret';

/** Flags that choose the store: file, memory or server. */
const BACKEND_FLAGS: readonly FlagSpec[] = [
  {
    name: 'file',
    kind: 'string',
    placeholder: 'PATH',
    description: `Use the file store at PATH. Default: KV2_FILE, else ${DEFAULT_FILE} in the working directory.`,
  },
  { name: 'memory', kind: 'bool', description: 'Use a fresh in-memory store (nothing is kept; mostly for tests).' },
  {
    name: 'address',
    kind: 'string',
    placeholder: 'URL',
    description:
      'Talk to the OpenBao, Vault or kv2 server at URL. Default: BAO_ADDR, else VAULT_ADDR. The token comes from BAO_TOKEN (or VAULT_TOKEN).',
  },
  {
    name: 'namespace',
    kind: 'string',
    aliases: ['ns'],
    placeholder: 'NS',
    description: 'Server namespace (X-Vault-Namespace). Default: BAO_NAMESPACE, else VAULT_NAMESPACE.',
  },
];

/** Flags for an encrypted file store. Keys and passphrases are never accepted as flag values. */
export const ENCRYPTION_FLAGS: readonly FlagSpec[] = [
  {
    name: 'encryption-key-file',
    kind: 'string',
    placeholder: 'PATH',
    description: 'Read the 32-byte store key from PATH (raw bytes, hex or base64). Or set KV2_ENCRYPTION_KEY (hex or base64).',
  },
  {
    name: 'encryption-passphrase-file',
    kind: 'string',
    placeholder: 'PATH',
    description: 'Read the store passphrase from PATH (first line). Or set KV2_ENCRYPTION_PASSPHRASE.',
  },
];

/** The backend flag group (store choice and encryption) as shown in `--help`. */
export const BACKEND_GROUP: FlagGroup = { title: 'Store', flags: [...BACKEND_FLAGS, ...ENCRYPTION_FLAGS] };

/** Which store a command uses, decided from flags and environment. */
export type BackendChoice =
  | { readonly kind: 'memory' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'remote'; readonly address: string; readonly namespace: string | undefined };

/**
 * Decides the store: `-memory`, `-file` and `-address` first (at most one), then `KV2_FILE`,
 * then `BAO_ADDR`/`VAULT_ADDR`, then the default file. Throws {@link UsageError} for conflicts.
 */
export function chooseBackend(ctx: CommandContext, flags: ParsedFlags, command: string): BackendChoice {
  const given = ['memory', 'file', 'address'].filter((name) => flags.has(name) && flags.bool(name) !== false);
  if (given.length > 1) throw new UsageError(`choose one store: ${given.map((n) => `-${n}`).join(' and ')} cannot be combined`, command);
  const namespace = namespaceOf(ctx, flags);
  if (flags.bool('memory') === true) return { kind: 'memory' };
  const file = flags.string('file');
  if (file !== undefined) return { kind: 'file', file: absolute(ctx, file, command) };
  const address = flags.string('address');
  if (address !== undefined) return { kind: 'remote', address, namespace };
  const envFile = env(ctx, 'KV2_FILE');
  if (envFile !== undefined) return { kind: 'file', file: absolute(ctx, envFile, command) };
  const envAddress = env(ctx, 'BAO_ADDR', 'VAULT_ADDR');
  if (envAddress !== undefined) return { kind: 'remote', address: envAddress, namespace };
  // A token without an address is most often a forgotten BAO_ADDR: say which store is used.
  const tokenName = ['BAO_TOKEN', 'VAULT_TOKEN'].find((name) => env(ctx, name) !== undefined);
  if (tokenName !== undefined) {
    ctx.stderr.line(`Note: ${tokenName} is set but BAO_ADDR is not: using the local file store ${DEFAULT_FILE} (set BAO_ADDR to use a server)`);
  }
  return { kind: 'file', file: resolve(ctx.cwd, DEFAULT_FILE) };
}

/**
 * The server namespace: `-namespace`, else `BAO_NAMESPACE`, else `VAULT_NAMESPACE`. An empty
 * `-namespace=` means the root namespace, overriding the environment, as in bao.
 */
export function namespaceOf(ctx: CommandContext, flags: ParsedFlags): string | undefined {
  const given = flags.string('namespace');
  if (given !== undefined) return given === '' ? undefined : given;
  return env(ctx, 'BAO_NAMESPACE', 'VAULT_NAMESPACE');
}

/** A store opened for one command; `close` releases its file lock or connections. */
export interface OpenedStore {
  readonly store: BaseKeyValueStore;
  readonly choice: BackendChoice;
  close(): Promise<void>;
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** The server mount to talk to (remote stores only). */
  mount?: string | undefined;
  /** Declare `mountConfig` (remote stores; `kv2 check -allow-mount-config`). Default false. */
  allowMountConfig?: boolean | undefined;
  /** Overrides the token from the environment (remote stores; `kv2 check -token`). */
  token?: string | undefined;
}

/** Opens the chosen store. Local stores load lazily so a command never pays for what it does not use. */
export async function openStore(
  ctx: CommandContext,
  choice: BackendChoice,
  flags: ParsedFlags,
  options: OpenStoreOptions = {},
): Promise<OpenedStore> {
  switch (choice.kind) {
    case 'memory': {
      const { MemoryKeyValueStore } = await import('@kv2/local');
      const store = new MemoryKeyValueStore();
      return { store, choice, close: () => store.close() };
    }
    case 'file': {
      const encryption = await loadEncryption(ctx, flags);
      const { FileKeyValueStore } = await import('@kv2/local');
      const store = new FileKeyValueStore({ file: choice.file, ...(encryption === undefined ? {} : { encryption }) });
      return { store, choice, close: () => store.close() };
    }
    case 'remote': {
      const { OpenBaoKeyValueStore } = await import('@kv2/openbao');
      const token = options.token ?? env(ctx, 'BAO_TOKEN', 'VAULT_TOKEN');
      if (token === undefined) throw new CliError('no token: set BAO_TOKEN (or VAULT_TOKEN) to talk to a server');
      const store = new OpenBaoKeyValueStore({
        baseUrl: choice.address,
        token,
        mountPoint: options.mount ?? LOCAL_MOUNT,
        namespace: choice.namespace,
        allowMountConfig: options.allowMountConfig ?? false,
        env: {},
      });
      return { store, choice, close: () => store.close() };
    }
  }
}

/**
 * Resolves a kv command's path argument into mount and key, bao's way. With `-mount`, the
 * argument is the key. Without it, the argument starts with the mount: a server is asked where
 * its mounts are (`sys/internal/ui/mounts`, as bao does, so nested mounts such as `team/kv`
 * work); locally the mount is the first segment, and must be {@link LOCAL_MOUNT} or a mount
 * `kv2 server -mount` created a file for (see {@link mountFile}).
 */
export async function resolveTarget(
  ctx: CommandContext,
  choice: BackendChoice,
  arg: string,
  mountFlag: string | undefined,
  command: string,
): Promise<KvTarget> {
  // bao trims spaces and leading and trailing slashes from the path first (`kv put secret/app/`
  // writes secret/app), so kv2 does too: what is printed and what is done stay the same path.
  const path = sanitizePath(arg);
  // Read once: the mount lookup and the existence check below both need it.
  const table = choice.kind === 'file' ? readMountTable(choice.file) : undefined;
  let target: KvTarget;
  if (mountFlag !== undefined && mountFlag !== '') {
    target = { mount: sanitizePath(mountFlag), key: path };
  } else if (choice.kind === 'remote') {
    const mount = (await detectMount(ctx, choice, path)) ?? firstSegment(path);
    target = { mount, key: path.slice(mount.length).replace(/^\/+/, '') };
  } else {
    // A mount table knows nested mounts (team/kv), as a server's preflight does.
    const mount = tableMountFor(table, path) ?? firstSegment(path);
    target = { mount, key: path.slice(mount.length).replace(/^\/+/, '') };
  }
  target = { mount: target.mount, key: cleanKey(target.key) };
  if (target.mount === '')
    throw new UsageError(`missing mount in ${JSON.stringify(arg)}: write <mount>/<path>, e.g. secret/app/db, or use -mount`, command);
  if (choice.kind === 'file' && !localMountExists(choice.file, table, target.mount)) {
    throw new CliError(
      table !== undefined
        ? `no KV v2 mount ${JSON.stringify(`${target.mount}/`)} in the local store's mount table ${mountTablePath(choice.file)} (mounts: ${table.mounts.map((m) => `${m.path}/`).join(', ') || 'none'})`
        : `no KV v2 mount ${JSON.stringify(`${target.mount}/`)} in the local store (no file ${mountFile(choice.file, target.mount)}); ` +
            `the default mount is "${LOCAL_MOUNT}/" (did you mean ${LOCAL_MOUNT}/${[target.mount, target.key].filter(Boolean).join('/')}?)`,
    );
  }
  return target;
}

/**
 * The file that holds a mount's data in a local store. `kv2 server` records every mount's file
 * in the mount table next to the data file (`.kv2/data.mounts.json`, see mount-table.ts); without
 * a table (or for a mount it lacks) it is the store file itself for {@link LOCAL_MOUNT}, and a
 * sibling `<name>-<mount>.json` for any other mount (`/` in the mount becomes `_`), e.g.
 * `.kv2/data-team.json`.
 */
function mountFile(file: string, mount: string): string {
  return tableMountFile(file, mount, LOCAL_MOUNT) ?? legacyMountFile(file, mount, LOCAL_MOUNT);
}

/** The longest mount in the local store's mount table that `path` falls in, if there is a table and such a mount. */
function tableMountFor(table: MountTableContent | undefined, path: string): string | undefined {
  const mounts = table?.mounts.map((m) => m.path) ?? [];
  return mounts.filter((m) => path === m || path.startsWith(`${m}/`)).sort((a, b) => b.length - a.length)[0];
}

/** True when the local store at `file` has `mount`: in its mount table, or (without one) `secret` or a mount whose file exists. */
function localMountExists(file: string, table: MountTableContent | undefined, mount: string): boolean {
  if (table !== undefined) return table.mounts.some((m) => m.path === mount);
  return mount === LOCAL_MOUNT || existsSync(legacyMountFile(file, mount, LOCAL_MOUNT));
}

/** The store for one mount of a local choice (file choices point at the mount's file). */
export function forMount(choice: BackendChoice, mount: string): BackendChoice {
  return choice.kind === 'file' ? { kind: 'file', file: mountFile(choice.file, mount) } : choice;
}

/** A local store choice (`kv2 server`): -memory, -file, KV2_FILE or the default file; never a server. */
export function chooseLocalBackend(ctx: CommandContext, flags: ParsedFlags, command: string): Exclude<BackendChoice, { kind: 'remote' }> {
  if (flags.bool('memory') === true && flags.has('file')) throw new UsageError('choose one store: -memory and -file cannot be combined', command);
  if (flags.bool('memory') === true) return { kind: 'memory' };
  const file = flags.string('file') ?? env(ctx, 'KV2_FILE');
  return { kind: 'file', file: file === undefined ? resolve(ctx.cwd, DEFAULT_FILE) : absolute(ctx, file, command) };
}

function firstSegment(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash);
}

// bao's preflight (`kvPreflightVersionRequest`): the server names the mount that holds a path
// and its KV version. Any failure leaves the decision to the first path segment.
async function detectMount(ctx: CommandContext, choice: Extract<BackendChoice, { kind: 'remote' }>, path: string): Promise<string | undefined> {
  const token = env(ctx, 'BAO_TOKEN', 'VAULT_TOKEN');
  let body: Record<string, unknown> | undefined;
  try {
    const { OpenBaoClient } = await import('@kv2/openbao');
    const client = new OpenBaoClient({ baseUrl: choice.address, token, namespace: choice.namespace, env: {}, timeout: 10_000 });
    const answer = await client.request('GET', `sys/internal/ui/mounts/${path}`);
    if (answer.status !== 200) return undefined;
    body = answer.body;
  } catch {
    // No answer, or an address or token the store itself will refuse with its own message.
    return undefined;
  }
  const data = (body as { data?: { path?: unknown; options?: { version?: unknown } | null } } | undefined)?.data;
  if (typeof data?.path !== 'string') return undefined;
  const version = data.options?.version;
  if (version !== '2') throw new CliError(`${JSON.stringify(data.path)} is not a KV version 2 mount; kv2 speaks KV v2 only`);
  const mount = sanitizePath(data.path);
  // A namespaced answer prefixes the namespace; the path the user typed does not have it.
  return path === mount || path.startsWith(`${mount}/`) ? mount : undefined;
}

/**
 * The encryption of the file store, from `KV2_ENCRYPTION_KEY` / `KV2_ENCRYPTION_PASSPHRASE` or
 * the `-encryption-*-file` flags; at most one source. Never from a flag value, so a key does not
 * end up in shell history or `ps` output.
 */
export async function loadEncryption(ctx: CommandContext, flags: ParsedFlags): Promise<{ key: Uint8Array } | { passphrase: string } | undefined> {
  const sources = [
    ['KV2_ENCRYPTION_KEY', env(ctx, 'KV2_ENCRYPTION_KEY')],
    ['KV2_ENCRYPTION_PASSPHRASE', env(ctx, 'KV2_ENCRYPTION_PASSPHRASE')],
    ['-encryption-key-file', flags.string('encryption-key-file')],
    ['-encryption-passphrase-file', flags.string('encryption-passphrase-file')],
  ].filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (sources.length === 0) return undefined;
  if (sources.length > 1) throw new CliError(`give one encryption secret, not several: ${sources.map(([name]) => name).join(', ')}`);
  const [source, value] = sources[0] as [string, string];
  switch (source) {
    case 'KV2_ENCRYPTION_KEY':
      return { key: decodeKey(Buffer.from(value.trim(), 'utf8'), source) };
    case 'KV2_ENCRYPTION_PASSPHRASE':
      return { passphrase: value };
    case '-encryption-key-file':
      return { key: decodeKey(await readSecretFile(ctx, value, source), source) };
    default: {
      const text = (await readSecretFile(ctx, value, source)).toString('utf8');
      const passphrase = text.split(/\r?\n/)[0] ?? '';
      if (passphrase === '') throw new CliError(`${source}: the file's first line is empty`);
      return { passphrase };
    }
  }
}

// 32 raw bytes, or 64 hex digits, or base64/base64url of 32 bytes. Messages never echo the input.
function decodeKey(bytes: Buffer, source: string): Uint8Array {
  const text = bytes.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const decoded = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (decoded.length === 32) return Uint8Array.from(decoded);
  }
  if (bytes.length === 32) return Uint8Array.from(bytes);
  throw new CliError(`${source}: the key must be 32 bytes: 64 hex digits, base64 of 32 bytes, or a 32-byte binary file`);
}

async function readSecretFile(ctx: CommandContext, path: string, source: string): Promise<Buffer> {
  try {
    return await readFile(resolve(ctx.cwd, path));
  } catch (error) {
    throw new CliError(`${source}: cannot read ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function absolute(ctx: CommandContext, file: string, command: string): string {
  if (file.trim() === '') throw new UsageError('-file needs a path', command);
  return isAbsolute(file) ? file : resolve(ctx.cwd, file);
}

/** The first of `names` set to a non-empty value in the command's environment. */
export function env(ctx: CommandContext, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = ctx.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** A short description of the store for messages (never includes a token). */
export function describeBackend(choice: BackendChoice): string {
  switch (choice.kind) {
    case 'memory':
      return 'memory store';
    case 'file':
      return `file store ${choice.file}`;
    case 'remote':
      return `server ${displayAddress(choice.address)}`;
  }
}

/** A server address for messages: origin and path only, never credentials or a query. */
export function displayAddress(address: string): string {
  try {
    const url = new URL(address);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return '(invalid address)';
  }
}
