import type { StoreCapabilities } from './capabilities.js';
import {
  CheckAndSetError,
  InvalidRequestError,
  KvError,
  PermissionDeniedError,
  ServerError,
  StoreUnavailableError,
  TransportError,
} from './errors.js';
import { isStoreOperation, type OperationArgs, type OperationResults, type StoreOperation } from './operations.js';
import { BaseKeyValueStore } from './store.js';

// Faults on demand for tests: a store that wraps any other store and fails chosen calls the way a
// real backend fails. The wrapper sits behind the public methods' argument checks (it implements
// the protected hooks), so bad input is refused exactly as by any store, and a faulted call never
// reaches the wrapped store: nothing changes, as with a refused call.

/** Which paths a rule matches: a glob (`*` within one segment, `**` across segments, `?` one character) or a RegExp. */
export type FaultPathPattern = string | RegExp;

/** One call as the fault rules and the call log see it. */
export interface FaultCall {
  /** The operation (method name). */
  readonly operation: StoreOperation;
  /** The normalised path; absent for `readConfig`/`writeConfig`, `''` for the top-level list. */
  readonly path?: string;
}

/** What a rule does to the calls it matches. */
export interface FaultRule {
  /** The operations the rule applies to; absent: every operation. */
  operation?: StoreOperation | readonly StoreOperation[];
  /** The paths the rule applies to; absent: every path (and the calls without one). */
  path?: FaultPathPattern;
  /** Matching calls to let through before the rule starts acting (default 0). */
  after?: number;
  /** How many matching calls the rule acts on: a positive count or `'always'` (default `'always'`). */
  times?: number | 'always';
  /** Milliseconds to wait before answering (then the error, if any, or the real call). */
  latencyMs?: number;
  /**
   * The error to throw (the call then changes nothing). A function gets the call and builds a
   * fresh error each time, so stacks point at the failing call. See {@link faultErrors}.
   * Without `error` the rule only adds latency.
   */
  error?: KvError | ((call: FaultCall) => KvError);
}

/** A rule in place: how often it acted, and a way to take it away. */
export interface FaultHandle {
  /** How many calls the rule has acted on (latency or error). */
  readonly hits: number;
  /** Calls it may still act on; `Infinity` for `'always'`. */
  readonly remaining: number;
  /** Removes the rule; calls already waiting on its latency are not affected. */
  remove(): void;
}

/** One entry of {@link FaultInjector.calls}. */
export interface FaultCallRecord extends FaultCall {
  /**
   * The call's other arguments: versions, `cas`, `depth`, metadata and config updates. Secret
   * data (`data` of `write` and `patch`) only with `recordValues: true`.
   */
  readonly options: Readonly<Record<string, unknown>>;
  /** `fault`: an injected error; `error`: the wrapped store threw; `ok`: it answered. */
  readonly outcome: 'ok' | 'fault' | 'error';
  /** The kv2 error code when `outcome` is not `ok` and the error is a kv2 error. */
  readonly errorCode?: string;
}

/** Options for {@link FaultInjector}. */
export interface FaultInjectorOptions {
  /** Record secret data in the call log (default false: tests that assert on calls never see secrets by accident). */
  recordValues?: boolean;
}

interface ActiveRule {
  readonly operations: ReadonlySet<StoreOperation> | null;
  readonly path: RegExp | null;
  readonly latencyMs: number;
  readonly error: ((call: FaultCall) => KvError) | null;
  skip: number;
  remaining: number;
  hits: number;
}

/**
 * Ready-made errors for {@link FaultRule.error}, each the error a real backend gives in that
 * situation. Each is a factory taking no argument (pass it as is: `error: faultErrors.timeout`),
 * so every failing call gets a fresh error. For another status or message, pass your own
 * factory: `error: () => new ServerError(429, ['rate limited'])`.
 */
export const faultErrors = Object.freeze({
  /** 503 `store_inaccessible`: the store cannot be reached or used right now. */
  unavailable: (): KvError => new StoreUnavailableError('store unavailable (injected fault)', 'store_inaccessible'),
  /** 504 `timeout`: the request never got an answer in time. */
  timeout: (): KvError => new TransportError('request timed out (injected fault)', 'timeout'),
  /** 502 `network_error`: the connection failed or was dropped. */
  networkError: (): KvError => new TransportError('connection reset (injected fault)', 'network_error'),
  /** 403: the token is refused (OpenBao's `permission denied`). */
  permissionDenied: (): KvError => new PermissionDeniedError(),
  /** 400 `cas_mismatch`: as if another writer had won the check-and-set race. */
  casConflict: (): KvError => new CheckAndSetError('cas_mismatch'),
  /** 500 `internal error`, as OpenBao answers an unexpected failure. */
  internalError: (): KvError => new ServerError(500, ['internal error']),
  /** 503 with no message, as a proxy or load balancer in front of OpenBao may answer. */
  serviceUnavailable: (): KvError => new ServerError(503, []),
  /** 503 `Vault is sealed`, as a sealed OpenBao answers (and the OpenBao adapter throws). */
  sealed: (): KvError => new ServerError(503, ['Vault is sealed']),
});

/**
 * A store that forwards every call to another store, except the calls a test has chosen to fail
 * or slow down. Works over any {@link BaseKeyValueStore} (memory, file, OpenBao adapter) and has
 * the same capabilities as the store it wraps.
 *
 * @example
 * ```ts
 * const store = new FaultInjector(new MemoryKeyValueStore());
 * store.inject({ operation: 'read', path: 'app/*', times: 2, error: faultErrors.unavailable });
 * await expect(store.read('app/db')).rejects.toThrow(StoreUnavailableError);
 * ```
 */
export class FaultInjector<S extends BaseKeyValueStore = BaseKeyValueStore> extends BaseKeyValueStore {
  /** The wrapped store: use it to set up or check data without faults or log entries. */
  readonly inner: S;
  readonly #rules: ActiveRule[] = [];
  readonly #calls: FaultCallRecord[] = [];
  readonly #recordValues: boolean;

  constructor(inner: S, options?: FaultInjectorOptions) {
    super();
    this.inner = inner;
    this.#recordValues = options?.recordValues === true;
  }

  override get capabilities(): StoreCapabilities {
    return this.inner.capabilities;
  }

  /**
   * Adds a rule. Rules are tried in the order they were added; the first one that matches a call
   * and still has turns left acts on it. Throws {@link InvalidRequestError} for a malformed rule.
   */
  inject(rule: FaultRule): FaultHandle {
    const active = checkedRule(rule);
    this.#rules.push(active);
    const rules = this.#rules;
    return {
      get hits() {
        return active.hits;
      },
      get remaining() {
        return active.remaining;
      },
      remove() {
        const index = rules.indexOf(active);
        if (index >= 0) rules.splice(index, 1);
      },
    };
  }

  /** Removes every rule (the call log stays; see {@link clearCalls}). */
  clear(): void {
    this.#rules.length = 0;
  }

  /** The calls that passed argument checks, in order (a copy). */
  get calls(): readonly FaultCallRecord[] {
    return [...this.#calls];
  }

  /** Empties the call log. */
  clearCalls(): void {
    this.#calls.length = 0;
  }

  override close(): Promise<void> {
    return this.inner.close();
  }

  protected override _read(args: OperationArgs['read']): Promise<OperationResults['read']> {
    return this.#run('read', args, () => this.inner.read(args.path, { version: args.version }));
  }

  protected override _write(args: OperationArgs['write']): Promise<OperationResults['write']> {
    return this.#run('write', args, () => this.inner.write(args.path, args.data, { cas: args.cas }));
  }

  protected override _patch(args: OperationArgs['patch']): Promise<OperationResults['patch']> {
    return this.#run('patch', args, () => this.inner.patch(args.path, args.data, { cas: args.cas }));
  }

  protected override _delete(args: OperationArgs['delete']): Promise<OperationResults['delete']> {
    return this.#run('delete', args, () => this.inner.delete(args.path, { versions: args.versions }));
  }

  protected override _undelete(args: OperationArgs['undelete']): Promise<OperationResults['undelete']> {
    return this.#run('undelete', args, () => this.inner.undelete(args.path, { versions: args.versions }));
  }

  protected override _destroy(args: OperationArgs['destroy']): Promise<OperationResults['destroy']> {
    return this.#run('destroy', args, () => this.inner.destroy(args.path, { versions: args.versions }));
  }

  protected override _list(args: OperationArgs['list']): Promise<OperationResults['list']> {
    return this.#run('list', args, () => this.inner.list(args.path));
  }

  protected override _readMetadata(args: OperationArgs['readMetadata']): Promise<OperationResults['readMetadata']> {
    return this.#run('readMetadata', args, () => this.inner.readMetadata(args.path));
  }

  protected override _writeMetadata(args: OperationArgs['writeMetadata']): Promise<OperationResults['writeMetadata']> {
    return this.#run('writeMetadata', args, () => this.inner.writeMetadata(args.path, args.update));
  }

  protected override _patchMetadata(args: OperationArgs['patchMetadata']): Promise<OperationResults['patchMetadata']> {
    return this.#run('patchMetadata', args, () => this.inner.patchMetadata(args.path, args.patch));
  }

  protected override _deleteMetadata(args: OperationArgs['deleteMetadata']): Promise<OperationResults['deleteMetadata']> {
    return this.#run('deleteMetadata', args, () => this.inner.deleteMetadata(args.path));
  }

  protected override _deleteLatest(args: OperationArgs['deleteLatest']): Promise<OperationResults['deleteLatest']> {
    return this.#run('deleteLatest', args, () => this.inner.deleteLatest(args.path));
  }

  protected override _subkeys(args: OperationArgs['subkeys']): Promise<OperationResults['subkeys']> {
    return this.#run('subkeys', args, () => this.inner.subkeys(args.path, { version: args.version, depth: args.depth }));
  }

  protected override _readConfig(args: OperationArgs['readConfig']): Promise<OperationResults['readConfig']> {
    return this.#run('readConfig', args, () => this.inner.readConfig());
  }

  protected override _writeConfig(args: OperationArgs['writeConfig']): Promise<OperationResults['writeConfig']> {
    return this.#run('writeConfig', args, () => this.inner.writeConfig(args.update));
  }

  async #run<K extends StoreOperation>(
    operation: K,
    args: OperationArgs[K],
    forward: () => Promise<OperationResults[K]>,
  ): Promise<OperationResults[K]> {
    const { path } = args as { path?: string };
    const call: FaultCall = path === undefined ? { operation } : { operation, path };
    // The rule is chosen (and its turn used) when the call arrives, so concurrent calls each
    // take their own turn, whatever the latency.
    const rule = this.#take(call);
    const record = (outcome: FaultCallRecord['outcome'], error?: unknown): void => {
      const entry: FaultCallRecord = { ...call, options: this.#options(args), outcome };
      this.#calls.push(KvError.is(error) ? { ...entry, errorCode: error.code } : entry);
    };
    if (rule !== null) {
      if (rule.latencyMs > 0) await delay(rule.latencyMs);
      if (rule.error !== null) {
        const error = rule.error(call);
        record('fault', error);
        throw error;
      }
    }
    try {
      const result = await forward();
      record('ok');
      return result;
    } catch (error) {
      record('error', error);
      throw error;
    }
  }

  #take(call: FaultCall): ActiveRule | null {
    for (const rule of this.#rules) {
      if (rule.remaining <= 0 || !matches(rule, call)) continue;
      if (rule.skip > 0) {
        rule.skip -= 1;
        continue;
      }
      rule.remaining -= 1;
      rule.hits += 1;
      return rule;
    }
    return null;
  }

  #options(args: object): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(args)) {
      if (name === 'path' || value === undefined) continue;
      if (name === 'data' && !this.#recordValues) continue;
      options[name] = structuredClone(value);
    }
    return options;
  }
}

function matches(rule: ActiveRule, call: FaultCall): boolean {
  if (rule.operations !== null && !rule.operations.has(call.operation)) return false;
  if (rule.path === null) return true;
  return call.path !== undefined && rule.path.test(call.path);
}

function checkedRule(rule: FaultRule): ActiveRule {
  if (typeof rule !== 'object' || rule === null) throw new InvalidRequestError('fault rule: must be an object', 'invalid_parameter');
  const names = rule.operation === undefined ? null : typeof rule.operation === 'string' ? [rule.operation] : [...rule.operation];
  for (const name of names ?? []) {
    if (!isStoreOperation(name)) throw new InvalidRequestError(`fault rule: unknown operation ${JSON.stringify(name)}`, 'invalid_parameter');
  }
  const times = rule.times ?? 'always';
  if (times !== 'always' && !(Number.isSafeInteger(times) && times > 0)) {
    throw new InvalidRequestError('fault rule: times must be a positive integer or "always"', 'invalid_parameter');
  }
  const after = rule.after ?? 0;
  if (!(Number.isSafeInteger(after) && after >= 0))
    throw new InvalidRequestError('fault rule: after must be a non-negative integer', 'invalid_parameter');
  const latencyMs = rule.latencyMs ?? 0;
  if (!(Number.isFinite(latencyMs) && latencyMs >= 0))
    throw new InvalidRequestError('fault rule: latencyMs must be a non-negative number', 'invalid_parameter');
  const error = rule.error;
  if (error === undefined && latencyMs === 0) throw new InvalidRequestError('fault rule: give an error, a latency, or both', 'invalid_parameter');
  if (error !== undefined && typeof error !== 'function' && !KvError.is(error)) {
    throw new InvalidRequestError('fault rule: error must be a kv2 error or a function returning one', 'invalid_parameter');
  }
  return {
    operations: names === null ? null : new Set(names),
    path: rule.path === undefined ? null : faultPathPattern(rule.path),
    latencyMs,
    error: error === undefined ? null : typeof error === 'function' ? error : () => error,
    skip: after,
    remaining: times === 'always' ? Infinity : times,
    hits: 0,
  };
}

/**
 * The RegExp for a fault path pattern: a RegExp as given (without the `g`/`y` flags, whose
 * `lastIndex` would make matching depend on earlier calls), a glob anchored at both ends
 * (`*` within one segment, `**` across segments, `?` one character, everything else literal).
 * Throws {@link InvalidRequestError} for anything else. The kv2 server's fault rules use it too.
 */
export function faultPathPattern(pattern: FaultPathPattern): RegExp {
  if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  if (typeof pattern !== 'string') throw new InvalidRequestError('fault rule: path must be a glob string or a RegExp', 'invalid_parameter');
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
