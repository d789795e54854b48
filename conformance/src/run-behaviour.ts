import { hasKvV2Extensions, STORE_OPERATIONS, type BaseKeyValueStore, type KvV2Store, type StoreCapabilities } from '@kv2/core';
import * as assert from './assert.js';
import { ConformanceAssertionError, describeError } from './assert.js';
import { createClock } from './clock.js';
import { releaseStore } from './model/property.js';
import type { Behaviour, BehaviourContext, Capability, ConformanceTarget } from './types.js';

/** The capabilities in `requires` that `capabilities` lacks. */
export function missingCapabilities(requires: readonly Capability[], capabilities: StoreCapabilities): Capability[] {
  return requires.filter((capability) => !capabilities[capability]);
}

/** Reads the capabilities manifest from one store made (and released) for that purpose. */
export async function probeCapabilities(target: ConformanceTarget): Promise<StoreCapabilities> {
  const clock = createClock();
  const store = await target.create({ now: () => clock.now() });
  try {
    const { extensions, mountConfig, controllableClock } = store.capabilities;
    return { extensions, mountConfig, controllableClock };
  } finally {
    await releaseStore(target, store);
  }
}

/** One store call a behaviour made: its number and how it reads (operation and path, never data). */
interface Step {
  readonly n: number;
  readonly call: string;
}

/** A view of `store` that numbers every operation call and remembers which call threw what. */
function recordSteps(store: BaseKeyValueStore): { store: BaseKeyValueStore; last(): Step | undefined; stepOf(error: unknown): Step | undefined } {
  let last: Step | undefined;
  const failures = new WeakMap<object, Step>();
  const remember = (error: unknown, step: Step): void => {
    if (typeof error === 'object' && error !== null && !failures.has(error)) failures.set(error, step);
  };
  const proxy = new Proxy(store, {
    get(target, property) {
      // The target as receiver: stores keep their state in private fields, which a proxy lacks.
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !Object.hasOwn(STORE_OPERATIONS, property)) {
        const bound: unknown = value.bind(target);
        return bound;
      }
      return (...args: unknown[]): unknown => {
        const step: Step = { n: (last?.n ?? 0) + 1, call: describeCall(property, args) };
        last = step;
        try {
          const result: unknown = Reflect.apply(value, target, args);
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                remember(error, step);
                throw error;
              })
            : result;
        } catch (error) {
          remember(error, step);
          throw error;
        }
      };
    },
  });
  return { store: proxy, last: () => last, stepOf: (error) => (typeof error === 'object' && error !== null ? failures.get(error) : undefined) };
}

/** `read("a/b", {"version":2})`: the path and the options, but no secret data (secrets never reach a report). */
function describeCall(operation: string, args: readonly unknown[]): string {
  const shown = args.map((arg, i) => {
    if (i === 0 && typeof arg === 'string') return JSON.stringify(arg);
    if ((operation === 'write' || operation === 'patch') && i === 1) return '<data>';
    try {
      return JSON.stringify(arg) ?? String(arg);
    } catch {
      return '<unprintable>';
    }
  });
  return `${operation}(${shown.join(', ')})`;
}

/**
 * Turns whatever escaped a behaviour into a failure that names the behaviour, the step and what
 * was expected: an assertion already says what it checked; a store error nobody asserted is a
 * call that was expected to succeed; anything else is the behaviour tripping over an answer of
 * an unexpected shape.
 */
function explainFailure(name: string, error: unknown, steps: ReturnType<typeof recordSteps>): ConformanceAssertionError {
  if (error instanceof ConformanceAssertionError) {
    const where = steps.last();
    return new ConformanceAssertionError(
      `${name}: ${error.message}${where === undefined ? '' : ` (last store call: step ${where.n}, ${where.call})`}`,
    );
  }
  const step = steps.stepOf(error);
  if (step !== undefined) {
    return new ConformanceAssertionError(
      `${name}: step ${step.n}, ${step.call}: expected the call to succeed, but it threw ${describeError(error)}`,
      { cause: error },
    );
  }
  const where = steps.last();
  return new ConformanceAssertionError(
    `${name}: the behaviour could not check the answer ${where === undefined ? 'before its first store call' : `of step ${where.n}, ${where.call}`} ` +
      `(the store returned something of an unexpected shape): ${describeError(error)}`,
    { cause: error },
  );
}

/**
 * Runs one behaviour against a fresh store from `target` and releases the store afterwards.
 * Throws a {@link ConformanceAssertionError} naming the behaviour, the step and what was
 * expected, whether an assertion failed, a store call threw, or the behaviour itself crashed.
 */
export async function executeBehaviour(behaviour: Behaviour, target: ConformanceTarget): Promise<void> {
  const clock = createClock();
  const created = await target.create({ now: () => clock.now() });
  const steps = recordSteps(created);
  const store = steps.store;
  try {
    const capabilities = store.capabilities;
    const missing = missingCapabilities(behaviour.requires, capabilities);
    if (missing.length > 0) assert.fail(`the store created for this behaviour lacks ${missing.join(', ')}, although the probe store had it`);
    const context: BehaviourContext = {
      store,
      get kv(): KvV2Store {
        if (!hasKvV2Extensions(store)) throw new Error(`behaviour "${behaviour.name}" uses the KV v2 extensions but does not require them`);
        return store;
      },
      capabilities,
      clock,
      assert,
    };
    try {
      await behaviour.run(context);
    } catch (error) {
      throw explainFailure(behaviour.name, error, steps);
    }
  } finally {
    await releaseStore(target, created);
  }
}
