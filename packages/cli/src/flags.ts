import { KvError, parseDuration, setOwn } from '@kv2/core';
import { UsageError } from './errors.js';

/**
 * The kinds of value a flag takes. `bool` flags take no separate value (`-x`, `-x=false`);
 * `list` and `map` flags may be repeated (`-versions 1 -versions 2`, `-custom-metadata a=1`).
 */
export type FlagKind = 'string' | 'int' | 'bool' | 'list' | 'map' | 'duration';

/** One flag a command accepts. */
export interface FlagSpec {
  /** The long name without dashes, e.g. `max-versions`. */
  readonly name: string;
  readonly kind: FlagKind;
  /** One line for `--help`. */
  readonly description: string;
  /** Shown in `--help` after the name, e.g. `N` or `ADDR`. */
  readonly placeholder?: string;
  /** Other names for the same flag (without dashes). */
  readonly aliases?: readonly string[];
  /** Shown in `--help` as the default. */
  readonly defaultText?: string;
}

/** A named group of flags, shown as one section in `--help`. */
export interface FlagGroup {
  readonly title: string;
  readonly flags: readonly FlagSpec[];
}

type FlagValue = string | number | boolean | string[] | Record<string, string>;

/**
 * The result of {@link parseFlags}: typed getters for each kind, the positional arguments, and
 * whether help was asked for. Getters return `undefined` for flags not given.
 */
export class ParsedFlags {
  readonly #values: Map<string, FlagValue>;
  /** The arguments that are not flags, in order. */
  readonly positionals: readonly string[];
  /** True when `-h`, `-help` or `--help` appeared anywhere before `--`. */
  readonly help: boolean;

  constructor(values: Map<string, FlagValue>, positionals: string[], help: boolean) {
    this.#values = values;
    this.positionals = positionals;
    this.help = help;
  }

  /** True when the flag was given (in any form). */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The value of a `string` flag (the last one given). */
  string(name: string): string | undefined {
    const value = this.#values.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  /** The value of an `int` flag (the last one given). */
  int(name: string): number | undefined {
    const value = this.#values.get(name);
    return typeof value === 'number' ? value : undefined;
  }

  /** Seconds, for `duration` flags. */
  duration(name: string): number | undefined {
    return this.int(name);
  }

  /** The value of a `bool` flag: true for `-x`, false for `-x=false`, undefined when absent. */
  bool(name: string): boolean | undefined {
    const value = this.#values.get(name);
    return typeof value === 'boolean' ? value : undefined;
  }

  /** Every value given for a repeatable flag, in order (`[]` when absent). */
  list(name: string): string[] {
    const value = this.#values.get(name);
    return Array.isArray(value) ? [...value] : [];
  }

  /** The `k=v` pairs given for a `map` flag (`{}` when absent); later pairs win. */
  map(name: string): Record<string, string> {
    const value = this.#values.get(name);
    return typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
  }
}

const HELP_NAMES = new Set(['h', 'help']);

/**
 * Parses arguments the way bao and vault do (Go's `flag` package), which `node:util` parseArgs
 * cannot: single-dash long flags. Accepted forms: `-name value`, `-name=value`, `--name value`,
 * `--name=value`; bool flags are `-name` or `-name=true|false` and never consume the next
 * argument. Unlike Go, flags may also follow positional arguments; `--` ends the flags, and a
 * lone `-` is a positional (stdin). Throws {@link UsageError} for unknown flags or bad values.
 *
 * @param command - how to name the command in error messages, e.g. `kv get`.
 */
export function parseFlags(args: readonly string[], groups: readonly FlagGroup[], command: string): ParsedFlags {
  const byName = new Map<string, FlagSpec>();
  for (const group of groups) {
    for (const spec of group.flags) {
      byName.set(spec.name, spec);
      for (const alias of spec.aliases ?? []) byName.set(alias, spec);
    }
  }
  const values = new Map<string, FlagValue>();
  const positionals: string[] = [];
  let help = false;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const inline = eq === -1 ? undefined : body.slice(eq + 1);
    if (HELP_NAMES.has(name) && !byName.has(name)) {
      help = true;
      continue;
    }
    const spec = byName.get(name);
    if (spec === undefined || name === '') {
      throw new UsageError(`unknown flag ${JSON.stringify(arg.split('=')[0])} for "kv2 ${command}"`, command);
    }
    let raw: string;
    if (spec.kind === 'bool') {
      raw = inline ?? 'true';
    } else if (inline !== undefined) {
      raw = inline;
    } else {
      const next = args[i + 1];
      if (next === undefined) throw new UsageError(`flag -${name} needs a value`, command);
      raw = next;
      i++;
    }
    store(values, spec, raw, command);
  }
  return new ParsedFlags(values, positionals, help);
}

function store(values: Map<string, FlagValue>, spec: FlagSpec, raw: string, command: string): void {
  const flag = `-${spec.name}`;
  switch (spec.kind) {
    case 'string':
      values.set(spec.name, raw);
      return;
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) {
        throw new UsageError(`invalid value ${JSON.stringify(raw)} for flag ${flag}: must be an integer`, command);
      }
      values.set(spec.name, Number(raw));
      return;
    }
    case 'bool': {
      const parsed = parseBool(raw);
      if (parsed === undefined) throw new UsageError(`invalid value ${JSON.stringify(raw)} for flag ${flag}: must be true or false`, command);
      values.set(spec.name, parsed);
      return;
    }
    case 'duration': {
      let seconds: number;
      try {
        seconds = parseDuration(raw, spec.name);
      } catch (error) {
        if (!KvError.is(error)) throw error;
        throw new UsageError(`invalid value ${JSON.stringify(raw)} for flag ${flag}: must be a duration such as 30s, 1h30m or 3600`, command);
      }
      values.set(spec.name, seconds);
      return;
    }
    case 'list': {
      const previous = values.get(spec.name);
      values.set(spec.name, [...(Array.isArray(previous) ? previous : []), raw]);
      return;
    }
    case 'map': {
      const eq = raw.indexOf('=');
      if (eq <= 0) throw new UsageError(`invalid value for flag ${flag}: expected key=value`, command);
      const previous = values.get(spec.name);
      const map: Record<string, string> = typeof previous === 'object' && !Array.isArray(previous) ? previous : {};
      setOwn(map, raw.slice(0, eq), raw.slice(eq + 1));
      values.set(spec.name, map);
      return;
    }
  }
}

// Go's strconv.ParseBool, which bao's bool flags use.
function parseBool(raw: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  return undefined;
}

/**
 * Splits `-versions` values the way bao does: each may be a comma list (`1,2` `-versions 3`),
 * and every item must be a non-negative integer. Throws {@link UsageError}.
 */
export function versionNumbers(values: readonly string[], flag: string, command: string): number[] {
  const out: number[] = [];
  for (const value of values) {
    for (const item of value.split(',')) {
      const text = item.trim();
      if (text === '') continue;
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
        throw new UsageError(`invalid version ${JSON.stringify(text)} in -${flag}: versions are positive integers such as 1,2,3`, command);
      }
      out.push(Number(text));
    }
  }
  return out;
}
