import { randomUUID } from 'node:crypto';
import { faultPathPattern, InvalidRequestError, isPlainObject, KvError } from '@kv2/core';
import type { Params } from './request-fields.js';
import type { Operation } from './target.js';

// Faults on demand over HTTP (`sys/kv2/faults`, and `sys/seal`/`sys/unseal`): kv2-specific, not
// part of OpenBao. A faulted request is answered before it reaches a store, so stored data never
// changes because of a fault.

/** The request operations a fault rule can be limited to. */
export type HttpFaultOperation = Extract<Operation, 'read' | 'list' | 'update' | 'patch' | 'delete' | 'head'>;

const OPERATIONS: ReadonlySet<string> = new Set<HttpFaultOperation>(['read', 'list', 'update', 'patch', 'delete', 'head']);

/** One fault rule of the server (`POST sys/kv2/faults` takes the same fields in snake_case). */
export interface HttpFaultRule {
  /** A glob over the request path after `/v1/` (`secret/data/app/*`); absent: every path except `sys/kv2/`. */
  readonly path?: string | undefined;
  /** The operations it applies to (`read`, `list`, `update`, `patch`, `delete`, `head`); absent: all. */
  readonly operations?: readonly HttpFaultOperation[] | undefined;
  /** Answer with this status (400–599) and `{"errors": errors}`. */
  readonly status?: number | undefined;
  /** The `errors` array of the answer (default `[]`, as OpenBao's bare error answers). */
  readonly errors?: readonly string[] | undefined;
  /** Wait this long before answering (or dropping, or going on normally). */
  readonly latencyMs?: number | undefined;
  /** Close the connection without an answer. */
  readonly drop?: boolean | undefined;
  /** How many matching requests it acts on; absent: always. */
  readonly times?: number | undefined;
}

/** Faults present from the start (`createServer({ faults })`, `kv2 server -fault`/`-sealed`). */
export interface ServerFaultOptions {
  /** Start sealed: KV requests answer 503 `Vault is sealed` until `sys/unseal`. */
  readonly sealed?: boolean | undefined;
  /** Rules in place from the start. */
  readonly rules?: readonly HttpFaultRule[] | undefined;
}

interface ActiveRule {
  readonly id: string;
  readonly rule: HttpFaultRule;
  readonly pattern: RegExp | null;
  remaining: number;
  hits: number;
}

/** What a request matched: how long to wait, then answer, drop, or go on. */
interface FaultAction {
  readonly latencyMs: number;
  readonly drop: boolean;
  /** null: go on with the request after the latency. */
  readonly reply: { readonly status: number; readonly errors: readonly string[] } | null;
}

/** The server's fault rules and seal state. */
export class ServerFaults {
  /** OpenBao's seal state, as `sys/seal`/`sys/unseal` set it. */
  sealed: boolean;
  readonly #rules: ActiveRule[] = [];

  constructor(options: ServerFaultOptions | undefined) {
    this.sealed = options?.sealed === true;
    for (const rule of options?.rules ?? []) this.add(rule);
  }

  /** Adds a checked rule; throws {@link InvalidRequestError} for a malformed one. */
  add(rule: HttpFaultRule): string {
    const checked = checkedRule(rule);
    const id = randomUUID();
    this.#rules.push({
      id,
      rule: checked,
      pattern: checked.path === undefined ? null : faultPathPattern(checked.path),
      remaining: checked.times ?? Infinity,
      hits: 0,
    });
    return id;
  }

  /** Removes one rule; false when there is none with that id. */
  remove(id: string): boolean {
    const index = this.#rules.findIndex((rule) => rule.id === id);
    if (index < 0) return false;
    this.#rules.splice(index, 1);
    return true;
  }

  /** Removes every rule (the seal state stays). */
  clear(): void {
    this.#rules.length = 0;
  }

  /** The rules in wire form (snake_case), with their ids, hits and remaining turns (null: always). */
  list(): Array<Record<string, unknown>> {
    return this.#rules.map(({ id, rule, hits, remaining }) => ({
      id,
      ...wireRule(rule),
      hits,
      remaining: remaining === Infinity ? null : remaining,
    }));
  }

  /** The first rule with turns left that matches, its turn used; null when none does. */
  take(path: string, op: Operation): FaultAction | null {
    if (isFaultsEndpoint(path)) return null;
    for (const active of this.#rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.operations !== undefined && !rule.operations.includes(op as HttpFaultOperation)) continue;
      if (active.pattern !== null && !active.pattern.test(path)) continue;
      active.remaining -= 1;
      active.hits += 1;
      return {
        latencyMs: rule.latencyMs ?? 0,
        drop: rule.drop === true,
        reply: rule.status === undefined ? null : { status: rule.status, errors: rule.errors ?? [] },
      };
    }
    return null;
  }
}

/** True for `sys/kv2/faults` and below: never faulted, never sealed, so a test can always clear. */
export function isFaultsEndpoint(path: string): boolean {
  return path === 'sys/kv2/faults' || path.startsWith('sys/kv2/faults/');
}

/** A rule from a request body (snake_case: `latency_ms`). */
export function ruleFromParams(params: Params | null): HttpFaultRule {
  if (params === null) throw new InvalidRequestError('fault rule: give the rule as a JSON body', 'invalid_request');
  const known = new Set(['path', 'operations', 'status', 'errors', 'latency_ms', 'drop', 'times']);
  for (const name of Object.keys(params)) {
    if (!known.has(name)) throw new InvalidRequestError(`fault rule: unknown field ${JSON.stringify(name)}`, 'invalid_parameter');
  }
  return checkedRule({
    path: params['path'] as string | undefined,
    operations: params['operations'] as HttpFaultOperation[] | undefined,
    status: params['status'] as number | undefined,
    errors: params['errors'] as string[] | undefined,
    latencyMs: params['latency_ms'] as number | undefined,
    drop: params['drop'] as boolean | undefined,
    times: params['times'] as number | undefined,
  });
}

function wireRule(rule: HttpFaultRule): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  if (rule.path !== undefined) wire['path'] = rule.path;
  if (rule.operations !== undefined) wire['operations'] = [...rule.operations];
  if (rule.status !== undefined) wire['status'] = rule.status;
  if (rule.errors !== undefined) wire['errors'] = [...rule.errors];
  if (rule.latencyMs !== undefined) wire['latency_ms'] = rule.latencyMs;
  if (rule.drop !== undefined) wire['drop'] = rule.drop;
  if (rule.times !== undefined) wire['times'] = rule.times;
  return wire;
}

function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError(`fault rule: ${message}`, 'invalid_parameter');
}

function checkedRule(rule: HttpFaultRule): HttpFaultRule {
  const input: unknown = rule;
  if (!isPlainObject(input)) throw invalid('must be an object');
  const { path, operations, status, errors, latencyMs, drop, times } = rule;
  if (path !== undefined) {
    if (typeof path !== 'string' || path === '') throw invalid('path must be a non-empty glob');
    try {
      faultPathPattern(path);
    } catch (error) {
      if (KvError.is(error)) throw invalid('path must be a non-empty glob');
      throw error;
    }
  }
  // Checked as unknown: the rule may come from a request body.
  const ops: unknown = operations;
  if (ops !== undefined && (!Array.isArray(ops) || ops.length === 0 || !ops.every((op: unknown) => typeof op === 'string' && OPERATIONS.has(op)))) {
    throw invalid(`operations must be a non-empty list of ${[...OPERATIONS].join(', ')}`);
  }
  if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599))
    throw invalid('status must be an integer from 400 to 599');
  const messages: unknown = errors;
  if (messages !== undefined && (!Array.isArray(messages) || !messages.every((e: unknown) => typeof e === 'string')))
    throw invalid('errors must be a list of strings');
  if (errors !== undefined && status === undefined) throw invalid('errors needs a status');
  if (latencyMs !== undefined && !(Number.isSafeInteger(latencyMs) && latencyMs >= 0 && latencyMs <= 600_000)) {
    throw invalid('latency_ms must be an integer from 0 to 600000');
  }
  if (drop !== undefined && typeof drop !== 'boolean') throw invalid('drop must be a boolean');
  if (drop === true && status !== undefined) throw invalid('give either status or drop, not both');
  if (times !== undefined && !(Number.isSafeInteger(times) && times > 0)) throw invalid('times must be a positive integer');
  if (status === undefined && drop !== true && (latencyMs ?? 0) === 0) throw invalid('give a status, drop, or latency_ms');
  const checked: { -readonly [K in keyof HttpFaultRule]: HttpFaultRule[K] } = {};
  if (path !== undefined) checked.path = path;
  if (operations !== undefined) checked.operations = [...operations];
  if (status !== undefined) checked.status = status;
  if (errors !== undefined) checked.errors = [...errors];
  if (latencyMs !== undefined) checked.latencyMs = latencyMs;
  if (drop !== undefined) checked.drop = drop;
  if (times !== undefined) checked.times = times;
  return checked;
}
