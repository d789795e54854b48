import type { HttpFaultRule } from '@kv2/server';
import type { CommandSpec } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { toJson } from '../output/wire.js';
import { ApiClient, OUTPUT_GROUP, SERVER_GROUP } from './api-client.js';
import { outputFormat, positionals } from './kv-shared.js';

// kv2-only commands for the fault endpoint of `kv2 server` (sys/kv2/faults; not part of OpenBao).

const OPERATIONS = ['read', 'list', 'update', 'patch', 'delete', 'head'] as const;
type FaultOperation = (typeof OPERATIONS)[number];

const FAULT_SPEC_HELP = `A fault SPEC is comma-separated key=value pairs: path=GLOB (request path after /v1/, * within a
segment, ** across), op=read+list+update+patch+delete+head, status=400..599, error=MESSAGE
(repeatable; no commas), latency=MS (or 2s, 250ms), drop (close the connection without answering),
times=N (default: always). E.g. path=secret/data/app/*,op=read,status=503,times=2.`;

function integer(text: string, what: string, command: string): number {
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`fault: ${what} must be a whole number, got ${JSON.stringify(text)}`, command);
  return Number(text);
}

function milliseconds(text: string, command: string): number {
  const match = /^([0-9]+)(ms|s)?$/.exec(text);
  if (match === null) throw new UsageError(`fault: latency must be milliseconds (250, 250ms) or seconds (2s), got ${JSON.stringify(text)}`, command);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

function operations(text: string, command: string): FaultOperation[] {
  const names = text.split('+').map((name) => name.trim());
  for (const name of names) {
    if (!(OPERATIONS as readonly string[]).includes(name))
      throw new UsageError(`fault: unknown op ${JSON.stringify(name)} (${OPERATIONS.join(', ')})`, command);
  }
  return names as FaultOperation[];
}

/**
 * Parses a fault SPEC (`path=secret/data/*,op=read,status=503,times=2`) into a rule for
 * `sys/kv2/faults` / `createServer({ faults })`. The server checks the rule's values again.
 */
export function parseFaultSpec(spec: string, command: string): HttpFaultRule {
  const rule: { -readonly [K in keyof HttpFaultRule]: HttpFaultRule[K] } = {};
  const errors: string[] = [];
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    if (key === 'drop' && (value === undefined || value === 'true')) {
      rule.drop = true;
      continue;
    }
    if (value === undefined) throw new UsageError(`fault: expected key=value, got ${JSON.stringify(item)}`, command);
    switch (key) {
      case 'path':
        rule.path = value;
        break;
      case 'op':
        rule.operations = operations(value, command);
        break;
      case 'status':
        rule.status = integer(value, 'status', command);
        break;
      case 'error':
        errors.push(value);
        break;
      case 'latency':
        rule.latencyMs = milliseconds(value, command);
        break;
      case 'times':
        rule.times = integer(value, 'times', command);
        break;
      default:
        throw new UsageError(`fault: unknown key ${JSON.stringify(key)} (path, op, status, error, latency, drop, times)`, command);
    }
  }
  if (errors.length > 0) rule.errors = errors;
  return rule;
}

/** The rule in the snake_case form `POST sys/kv2/faults` takes. */
function wireRule(rule: HttpFaultRule): Record<string, unknown> {
  const { latencyMs, ...rest } = rule;
  return latencyMs === undefined ? rest : { ...rest, latency_ms: latencyMs };
}

const add: CommandSpec = {
  name: 'fault add',
  usage: '[flags] SPEC',
  summary: 'Add a fault rule to a running kv2 server',
  description: `Adds a fault rule to a running kv2 server (POST sys/kv2/faults, root token only), so that tests can
exercise a client's error paths: matching requests get the status and errors, wait, or lose the
connection; faulted requests never change stored data. kv2-only: OpenBao has no such endpoint.
Prints the rule's id (for kv2 fault clear ID).

${FAULT_SPEC_HELP}`,
  examples: [
    'kv2 fault add path=secret/data/app/*,op=read,status=503,times=2',
    'kv2 fault add path=secret/**,latency=2s',
    'kv2 fault add path=secret/data/db,drop,times=1',
  ],
  flags: [SERVER_GROUP],
  async run(ctx, flags) {
    const [spec] = positionals(flags, this.name, 1, 1) as [string];
    const rule = parseFaultSpec(spec, this.name);
    const answer = await new ApiClient(ctx, flags).must('adding fault rule', 'POST', 'sys/kv2/faults', wireRule(rule));
    ctx.stdout.line((answer.body?.data as { id?: string } | undefined)?.id ?? '');
    return EXIT.ok;
  },
};

const list: CommandSpec = {
  name: 'fault list',
  usage: '[flags]',
  summary: 'List the fault rules of a running kv2 server, and whether it is sealed',
  description: 'Lists the fault rules (GET sys/kv2/faults, root token only) with their hits and remaining turns, and the seal state.',
  examples: ['kv2 fault list', 'kv2 fault list -format=json'],
  flags: [SERVER_GROUP, OUTPUT_GROUP],
  async run(ctx, flags) {
    positionals(flags, this.name, 0, 0);
    const format = outputFormat(flags, this.name);
    const answer = await new ApiClient(ctx, flags).must('listing fault rules', 'GET', 'sys/kv2/faults');
    const data = (answer.body?.data ?? {}) as { sealed?: boolean; rules?: Array<{ id: string; hits: number; remaining: number | null }> };
    if (format === 'json') {
      ctx.stdout.line(toJson(data));
      return EXIT.ok;
    }
    ctx.stdout.line(`Sealed: ${data.sealed === true ? 'yes' : 'no'}`);
    const rules = data.rules ?? [];
    if (rules.length === 0) ctx.stdout.line('No fault rules');
    for (const { id, hits, remaining, ...rule } of rules) {
      ctx.stdout.line(`${id}  ${JSON.stringify(rule)}  hits=${hits} remaining=${remaining === null ? 'always' : remaining}`);
    }
    return EXIT.ok;
  },
};

const clear: CommandSpec = {
  name: 'fault clear',
  usage: '[flags] [ID]',
  summary: 'Remove one fault rule, or all of them',
  description: 'Removes the rule ID (DELETE sys/kv2/faults/ID), or every rule (DELETE sys/kv2/faults). The seal state is left as it is.',
  examples: ['kv2 fault clear', 'kv2 fault clear 3f1c…'],
  flags: [SERVER_GROUP],
  async run(ctx, flags) {
    const [id] = positionals(flags, this.name, 0, 1);
    const path = id === undefined ? 'sys/kv2/faults' : `sys/kv2/faults/${id}`;
    await new ApiClient(ctx, flags).must('clearing fault rules', 'DELETE', path);
    ctx.stdout.line(id === undefined ? 'Success! Cleared every fault rule' : `Success! Removed fault rule ${id}`);
    return EXIT.ok;
  },
};

/** `kv2 fault add|list|clear`. */
export const faultCommands: readonly CommandSpec[] = [add, list, clear];
