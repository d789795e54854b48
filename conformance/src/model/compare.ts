import { KvError } from '@kv2/core';
import { describeError, equal, fail } from '../assert.js';
import type { Expected, ExpectedError } from './state.js';

/**
 * Replaces every Date with a placeholder when timestamps are not comparable (the store runs on
 * its own clock), so that only their presence (Date vs null) is compared.
 */
function comparable(value: unknown, timed: boolean): unknown {
  if (value instanceof Date) return timed ? value : '<date>';
  if (Array.isArray(value)) return value.map((item) => comparable(item, timed));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: comparable((value as Record<string, unknown>)[key], timed),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function errorMatches(error: unknown, expected: ExpectedError, timed: boolean): string | undefined {
  if (!KvError.is(error)) return `expected ${expected.name}(${expected.code}), got ${describeError(error)}`;
  if (error.name !== expected.name || error.code !== expected.code) return `expected ${expected.name}(${expected.code}), got ${describeError(error)}`;
  if (expected.message !== undefined && error.message !== expected.message) {
    return `expected message ${JSON.stringify(expected.message)}, got ${JSON.stringify(error.message)}`;
  }
  if (expected.metadata !== undefined) {
    const actual = (error as { metadata?: unknown }).metadata ?? null;
    try {
      equal(comparable(actual, timed), comparable(expected.metadata, timed), 'error metadata');
    } catch (mismatch) {
      return (mismatch as Error).message;
    }
  }
  return undefined;
}

/**
 * Runs `action` and asserts it does what the model `expected`. `project` turns a successful
 * result into the shape the model predicts (e.g. only the warning count).
 */
export async function expectOutcome(
  what: string,
  action: () => Promise<unknown>,
  expected: Expected,
  timed: boolean,
  project: (value: unknown) => unknown = (value) => value,
): Promise<void> {
  let value: unknown;
  try {
    value = await action();
  } catch (error) {
    if (expected.ok) fail(`${what}: expected success, got ${describeError(error)}`);
    const problem = errorMatches(error, expected.error, timed);
    if (problem === undefined) return;
    if (expected.or !== undefined && errorMatches(error, expected.or, timed) === undefined) return;
    fail(`${what}: ${problem}`);
  }
  if (!expected.ok) fail(`${what}: expected ${expected.error.name}(${expected.error.code}), but it succeeded`);
  equal(comparable(project(value), timed), comparable(expected.value, timed), what);
}
