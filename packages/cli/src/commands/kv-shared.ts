import { KvError, type BaseKeyValueStore } from '@kv2/core';
import { BACKEND_GROUP, chooseBackend, forMount, openStore, resolveTarget } from '../backend.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { FlagGroup, FlagSpec, ParsedFlags } from '../flags.js';
import type { KvTarget } from '../paths.js';
import { goValue } from '../output/table.js';
import { toJson } from '../output/wire.js';

/** `-mount`, as in bao: with it, the path argument is the key inside the mount. */
export const MOUNT_FLAG: FlagSpec = {
  name: 'mount',
  kind: 'string',
  placeholder: 'MOUNT',
  description: 'Where the KV v2 engine is mounted. With it, PATH is the key inside the mount; without it, PATH starts with the mount (secret/app/db).',
};

/** `-format table|json`. */
export const FORMAT_FLAG: FlagSpec = {
  name: 'format',
  kind: 'string',
  placeholder: 'table|json',
  defaultText: 'table',
  description: 'Output format: a table like bao\'s, or JSON shaped like bao -format=json (the API envelope).',
};

/** `-field NAME`: print one field's raw value. */
export const FIELD_FLAG: FlagSpec = {
  name: 'field',
  kind: 'string',
  placeholder: 'NAME',
  description: 'Print only this field, raw (no trailing newline when stdout is not a terminal).',
};

/** The flag groups every kv command shows after its own. */
export function kvFlagGroups(own: readonly FlagSpec[], output: readonly FlagSpec[] = [FORMAT_FLAG]): FlagGroup[] {
  return [
    { title: 'Command options', flags: [...own, MOUNT_FLAG] },
    { title: 'Output', flags: output },
    BACKEND_GROUP,
  ];
}

/** The output format asked for; throws {@link UsageError} for anything but table or json. */
export function outputFormat(flags: ParsedFlags, command: string): 'table' | 'json' {
  const format = (flags.string('format') ?? 'table').toLowerCase();
  if (format !== 'table' && format !== 'json') throw new UsageError(`invalid -format ${JSON.stringify(format)}: use table or json`, command);
  return format;
}

/** The positional arguments, checked against a count range; bao's messages. */
export function positionals(flags: ParsedFlags, command: string, min: number, max: number): readonly string[] {
  const args = flags.positionals;
  if (args.length < min) throw new UsageError(`not enough arguments (expected ${min === max ? min : `at least ${min}`}, got ${args.length})`, command);
  if (args.length > max) throw new UsageError(`too many arguments (expected ${max}, got ${args.length})`, command);
  return args;
}

/**
 * Opens the store the flags and environment choose, resolves PATH into mount and key, runs `fn`,
 * and always closes the store (releasing a file lock).
 */
export async function withKvStore<T>(
  ctx: CommandContext,
  flags: ParsedFlags,
  command: string,
  arg: string,
  fn: (store: BaseKeyValueStore, target: KvTarget) => Promise<T>,
): Promise<T> {
  const choice = chooseBackend(ctx, flags, command);
  const target = await resolveTarget(ctx, choice, arg, flags.string('mount'), command);
  const opened = await openStore(ctx, forMount(choice, target.mount), flags, { mount: target.mount });
  try {
    return await fn(opened.store, target);
  } finally {
    await opened.close();
  }
}

/**
 * Runs a store call and turns a store error into bao's wording, printed as
 * `Error: writing data to secret/data/app: check-and-set parameter did not match the current version`.
 */
export async function attempt<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return failed(action, error);
  }
}

/** Rethrows a store error as a {@link CliError} saying what failed (`<action>: <message>`); anything else as is. */
export function failed(action: string, error: unknown): never {
  if (KvError.is(error)) throw new CliError(`${action}: ${error.message}`);
  throw error;
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
 * Prints one field of a response as bao's `-field` does: strings as they are, other values as
 * Go's `%v` (table) or JSON (`-format json`); a trailing newline only on a terminal.
 */
export function printField(ctx: CommandContext, data: Readonly<Record<string, unknown>>, field: string, format: 'table' | 'json'): number {
  if (!Object.hasOwn(data, field) || data[field] === null || data[field] === undefined) {
    ctx.stderr.line(`Field ${JSON.stringify(field)} not present in secret`);
    return EXIT.failure;
  }
  const value = data[field];
  const text = format === 'json' ? toJson(value) : goValue(value);
  ctx.stdout.write(ctx.stdout.isTTY ? `${text}\n` : text);
  return EXIT.ok;
}
