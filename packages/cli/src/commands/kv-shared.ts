import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { KvError, ServerError, TransportError, type BaseKeyValueStore } from '@kv2/core';
import {
  BACKEND_GROUP,
  chooseBackend,
  describeBackend,
  displayAddress,
  env,
  forMount,
  openStore,
  resolveTarget,
  type BackendChoice,
} from '../backend.js';
import type { CommandContext } from '../context.js';
import { EXIT, NotFoundError, StoreCallError, UsageError } from '../errors.js';
import type { FlagGroup, FlagSpec, ParsedFlags } from '../flags.js';
import type { KvTarget } from '../paths.js';
import { goValue } from '../output/table.js';
import { toJson, toYaml } from '../output/wire.js';

/** `-mount`, as in bao: with it, the path argument is the key inside the mount. */
const MOUNT_FLAG: FlagSpec = {
  name: 'mount',
  kind: 'string',
  placeholder: 'MOUNT',
  description:
    'Where the KV v2 engine is mounted. With it, PATH is the key inside the mount; without it, PATH starts with the mount (secret/app/db).',
};

/** `-format`: bao's formats. */
export const FORMAT_FLAG: FlagSpec = {
  name: 'format',
  kind: 'string',
  placeholder: 'table|json|yaml',
  defaultText: 'table, or BAO_FORMAT / VAULT_FORMAT',
  description:
    "Output format: a table like bao's, or JSON / YAML shaped like bao -format=json|yaml (the API envelope). " +
    'pretty and raw are accepted as bao accepts them, and fail for kv commands as they do in bao.',
};

/** `-field NAME`: print one field's raw value. */
export const FIELD_FLAG: FlagSpec = {
  name: 'field',
  kind: 'string',
  placeholder: 'NAME',
  description: 'Print only this field, raw (no trailing newline unless stdout is a colour terminal, as bao).',
};

/** The flag groups every kv command shows after its own. */
export function kvFlagGroups(own: readonly FlagSpec[], output: readonly FlagSpec[] = [FORMAT_FLAG]): FlagGroup[] {
  return [{ title: 'Command options', flags: [...own, MOUNT_FLAG] }, { title: 'Output', flags: output }, BACKEND_GROUP];
}

/** The output format asked for (`check`): table or json; throws {@link UsageError} for anything else. */
export function outputFormat(flags: ParsedFlags, command: string): 'table' | 'json' {
  const format = (flags.string('format') ?? 'table').toLowerCase();
  if (format !== 'table' && format !== 'json') throw new UsageError(`invalid -format ${JSON.stringify(format)}: use table or json`, command);
  return format;
}

/** The formats of bao's kv commands. */
export type KvFormat = 'table' | 'json' | 'yaml' | 'pretty' | 'raw';

const KV_FORMATS: Readonly<Record<string, KvFormat>> = { table: 'table', json: 'json', yaml: 'yaml', yml: 'yaml', pretty: 'pretty', raw: 'raw' };

/**
 * The output format of a kv command: `-format`, else `BAO_FORMAT`, else `VAULT_FORMAT`, else
 * table (as bao). `yml` is `yaml`. Throws {@link UsageError} for a format bao does not know.
 */
export function kvFormat(ctx: CommandContext, flags: ParsedFlags, command: string): KvFormat {
  const given = flags.string('format') ?? env(ctx, 'BAO_FORMAT', 'VAULT_FORMAT') ?? 'table';
  const format = KV_FORMATS[given.toLowerCase()];
  if (format === undefined) throw new UsageError(`invalid -format ${JSON.stringify(given)}: use table, json or yaml (or pretty, raw)`, command);
  return format;
}

/**
 * Prints a whole response in a non-table format as bao's formatters do: the envelope as JSON
 * or YAML. `pretty` and `raw` fail with bao's reason (exit 1), as in bao.
 */
export function printFormatted(ctx: CommandContext, value: unknown, format: Exclude<KvFormat, 'table'>, struct = true): number {
  switch (format) {
    case 'json':
      ctx.stdout.line(toJson(value, { struct }));
      return EXIT.ok;
    case 'yaml':
      ctx.stdout.line(toYaml(value));
      return EXIT.ok;
    case 'pretty':
      ctx.stderr.line('Could not parse output: cannot use the pretty formatter for this type');
      return EXIT.failure;
    case 'raw':
      ctx.stderr.line('Could not parse output: this command does not support the -format=raw option');
      return EXIT.failure;
  }
}

/** The positional arguments, checked against a count range; bao's messages. */
export function positionals(flags: ParsedFlags, command: string, min: number, max: number): readonly string[] {
  const args = flags.positionals;
  if (args.length < min)
    throw new UsageError(`not enough arguments (expected ${min === max ? min : `at least ${min}`}, got ${args.length})`, command);
  if (args.length > max) throw new UsageError(`too many arguments (expected ${max}, got ${args.length})`, command);
  return args;
}

/** Options for {@link withKvStore}. */
export interface KvStoreOptions {
  /**
   * The command only reads: a file store that does not exist yet is read as an empty store
   * and not created (`kv2 kv get` in an empty folder leaves no `.kv2/`).
   */
  readOnly?: boolean;
}

/**
 * Opens the store the flags and environment choose, resolves PATH into mount and key, runs `fn`,
 * and always closes the store (releasing a file lock). Store failures and "not found" errors
 * leave here naming where the call went (a server URL, or the local store that was read).
 */
export async function withKvStore<T>(
  ctx: CommandContext,
  flags: ParsedFlags,
  command: string,
  arg: string,
  fn: (store: BaseKeyValueStore, target: KvTarget) => Promise<T>,
  options: KvStoreOptions = {},
): Promise<T> {
  const choice = chooseBackend(ctx, flags, command);
  const target = await resolveTarget(ctx, choice, arg, flags.string('mount'), command);
  const mountChoice = forMount(choice, target.mount);
  const opened =
    options.readOnly === true && mountChoice.kind === 'file' && !existsSync(mountChoice.file)
      ? await openStore(ctx, { kind: 'memory' }, flags)
      : await openStore(ctx, mountChoice, flags, { mount: target.mount });
  try {
    return await fn(opened.store, target);
  } catch (error) {
    if (error instanceof StoreCallError) {
      error.where =
        mountChoice.kind === 'remote'
          ? `URL: ${error.method} ${displayAddress(mountChoice.address)}/v1/${error.path}`
          : `Store: ${describeLocal(ctx, mountChoice)}`;
    }
    if (error instanceof NotFoundError && mountChoice.kind !== 'remote') {
      const defaulted = mountChoice.kind === 'file' && !flags.has('file') && env(ctx, 'KV2_FILE') === undefined;
      error.note = `(read the ${describeLocal(ctx, mountChoice)}${defaulted ? ': no server address is set; set BAO_ADDR or use -address=URL to use a server' : ''})`;
    }
    throw error;
  } finally {
    await opened.close();
  }
}

/** The local store for messages, with a path relative to the working directory when inside it. */
export function describeLocal(ctx: CommandContext, choice: BackendChoice): string {
  if (choice.kind !== 'file') return describeBackend(choice);
  const rel = relative(ctx.cwd, choice.file);
  return `local file store ${rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : choice.file}`;
}

/**
 * Runs a store call; a store error leaves as a {@link StoreCallError} in bao's shape
 * (`Error writing data to secret/data/app: Error making API request. … Code: 400 …`).
 *
 * @param action - bao's words: `writing data to <path>`, `reading <path>`, `deleting <path>`, `listing <path>`.
 * @param method - the HTTP method bao uses; by default derived from `action`.
 */
export async function attempt<T>(action: string, call: () => Promise<T>, method?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return failed(action, error, method);
  }
}

/** Rethrows a store error as a {@link StoreCallError} (see {@link attempt}); anything else as is. */
export function failed(action: string, error: unknown, method?: string): never {
  if (!KvError.is(error)) throw error;
  const path = action.slice(action.lastIndexOf(' ') + 1);
  const errors = error instanceof ServerError && error.errors.length > 0 ? error.errors : [error.message];
  throw new StoreCallError({
    action,
    method: method ?? methodFor(action),
    path,
    status: error.status,
    errors,
    answered: !(error instanceof TransportError),
  });
}

function methodFor(action: string): string {
  if (action.startsWith('reading') || action.startsWith('doing pre-read')) return 'GET';
  if (action.startsWith('listing')) return 'LIST';
  if (action.startsWith('deleting')) return 'DELETE';
  return 'PUT';
}

/** Prints the warnings a write returned, on stderr, as bao does. */
export function printWarnings(ctx: CommandContext, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  ctx.stderr.line(ctx.stderr.style.yellow('WARNING! The following warnings were returned:'));
  ctx.stderr.line();
  for (const warning of warnings) {
    ctx.stderr.line(`  * ${warning}`);
    ctx.stderr.line();
  }
}

/**
 * Prints one field as bao's `-field` does: table and raw print strings as they are and other
 * values as Go's `%v`; json and yaml print the value in that format. A trailing newline only
 * when stdout is a colour terminal (bao: unless `color.NoColor`). A missing or null field is
 * bao's `Field "x" not present in <map|secret>`, exit 1.
 *
 * @param kind - `map` when printing from the secret's data (kv get), `secret` from a response.
 */
export function printField(
  ctx: CommandContext,
  data: Readonly<Record<string, unknown>>,
  field: string,
  format: KvFormat,
  kind: 'map' | 'secret' = 'secret',
): number {
  if (!Object.hasOwn(data, field) || data[field] === null || data[field] === undefined) {
    ctx.stderr.line(`Field ${JSON.stringify(field)} not present in ${kind}`);
    return EXIT.failure;
  }
  return printRaw(ctx, data[field], format);
}

/** Prints a value as bao's `PrintRaw` (see {@link printField}). */
export function printRaw(ctx: CommandContext, value: unknown, format: KvFormat): number {
  const text = format === 'json' ? toJson(value) : format === 'yaml' ? toYaml(value) : format === 'pretty' ? '' : goValue(value);
  ctx.stdout.write(ctx.stdout.isTTY && ctx.stdout.style.enabled ? `${text}\n` : text);
  return EXIT.ok;
}
