import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isPlainObject, setOwn, type JsonObject, type JsonValue } from '@kv2/core';
import type { CommandContext } from './context.js';
import { CliError, UsageError } from './errors.js';

/**
 * Builds a secret's data from `kv put`/`kv patch` arguments, as bao's kvbuilder does:
 * - `key=value` sets a string; `key=@file` reads the value from a file; `key=-` from stdin;
 *   `key=\@text` is the literal `@text`; a repeated key collects its values into an array.
 * - `@file.json` and `-` (stdin) merge a JSON object into the data (keys given later win).
 * Stdin can be read once. Throws {@link UsageError} for malformed arguments.
 */
export async function buildKvData(ctx: CommandContext, args: readonly string[], command: string): Promise<JsonObject> {
  const result: JsonObject = {};
  let stdinUsed = false;
  const stdin = async (): Promise<string> => {
    if (stdinUsed) throw new UsageError('stdin already consumed: "-" can be used once', command);
    stdinUsed = true;
    return ctx.readStdin();
  };

  for (const raw of args) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    if (eq === -1) {
      if (raw === '-') {
        mergeJson(result, await stdin(), 'stdin', command);
      } else if (raw.startsWith('@')) {
        mergeJson(result, await readText(ctx, raw.slice(1)), raw.slice(1), command);
      } else {
        throw new UsageError(`failed to parse K=V data: ${JSON.stringify(raw)}: format must be key=value`, command);
      }
      continue;
    }
    const key = raw.slice(0, eq);
    let value = raw.slice(eq + 1);
    if (value.startsWith('@')) value = await readText(ctx, value.slice(1));
    else if (value.startsWith('\\@')) value = value.slice(1);
    else if (value === '-') value = await stdin();
    const existing = Object.hasOwn(result, key) ? result[key] : undefined;
    if (existing === undefined) setOwn(result, key, value);
    else setOwn(result, key, [...(Array.isArray(existing) ? existing : [existing]), value]);
  }
  return result;
}

function mergeJson(result: JsonObject, text: string, source: string, command: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`failed to parse JSON from ${source}: not valid JSON`, command);
  }
  if (!isPlainObject(parsed)) throw new UsageError(`failed to parse JSON from ${source}: expected a JSON object`, command);
  for (const [key, value] of Object.entries(parsed)) setOwn(result, key, value as JsonValue);
}

async function readText(ctx: CommandContext, path: string): Promise<string> {
  try {
    return await readFile(resolve(ctx.cwd, path), 'utf8');
  } catch (error) {
    throw new CliError(`error reading file ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}
