/**
 * The suite's assertions: small, framework-free (only node:assert and node:util), with messages
 * that say what was checked. A failed assertion throws {@link ConformanceAssertionError}.
 */
import { AssertionError, deepStrictEqual } from 'node:assert';
import { inspect } from 'node:util';
import type { KvError } from '@kv2/core';

/** Thrown by every helper here when an expectation does not hold. */
export class ConformanceAssertionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConformanceAssertionError';
  }
}

/** A kv2 error class, e.g. `SecretNotFoundError`; matched with its static `is()`. */
export type ErrorClass<T extends KvError> = (abstract new (...args: never[]) => T) & { is(value: unknown): boolean };

/** What a rejection must look like besides its class. */
export interface ExpectedError {
  code?: string;
  status?: number;
  /** The exact message. */
  message?: string;
  /** Substrings the message must contain. */
  messageIncludes?: string | readonly string[];
}

/** Throws with `message`. */
export function fail(message: string): never {
  throw new ConformanceAssertionError(message);
}

/** Asserts that `value` is truthy. */
export function ok(value: unknown, what: string): void {
  if (!value) fail(`${what}: expected a truthy value, got ${show(value)}`);
}

/** Asserts deep strict equality (Dates by instant, own enumerable keys incl. `__proto__`). */
export function equal(actual: unknown, expected: unknown, what: string): void {
  try {
    deepStrictEqual(actual, expected);
  } catch (error) {
    if (error instanceof AssertionError) fail(`${what}: ${error.message}`);
    throw error;
  }
}

/** Asserts that `value` is a valid Date. */
export function isDate(value: unknown, what: string): void {
  validDate(value, what);
}

function validDate(value: unknown, what: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail(`${what}: expected a valid Date, got ${show(value)}`);
}

/** Asserts that a nullable timestamp is the given instant (or null). */
export function sameInstant(actual: Date | null | undefined, expected: Date | null, what: string): void {
  if (expected === null) {
    if (actual !== null) fail(`${what}: expected null, got ${show(actual)}`);
    return;
  }
  validDate(actual, what);
  if (actual.getTime() !== expected.getTime()) {
    fail(`${what}: expected ${expected.toISOString()}, got ${actual.toISOString()}`);
  }
}

/** Asserts that `list` contains `item` (deep equality). */
export function includes(list: readonly unknown[], item: unknown, what: string): void {
  const found = list.some((entry) => {
    try {
      deepStrictEqual(entry, item);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) fail(`${what}: expected ${show(list)} to include ${show(item)}`);
}

/**
 * Asserts that `action` rejects with an error of `errorClass` (checked with its `is()`, so it
 * works across duplicated installs) and the expected code, status and message. Returns the error.
 */
export async function rejects<T extends KvError>(
  action: Promise<unknown> | (() => Promise<unknown>),
  errorClass: ErrorClass<T>,
  expected: ExpectedError,
  what: string,
): Promise<T> {
  let outcome: unknown;
  try {
    outcome = await (typeof action === 'function' ? action() : action);
  } catch (error) {
    checkError(error, errorClass, expected, what);
    return error as T;
  }
  return fail(`${what}: expected a ${errorClass.name}${describeExpected(expected)}, but the call succeeded with ${show(outcome)}`);
}

function checkError(error: unknown, errorClass: ErrorClass<KvError>, expected: ExpectedError, what: string): void {
  if (!errorClass.is(error)) {
    fail(`${what}: expected a ${errorClass.name}${describeExpected(expected)}, got ${describeError(error)}`);
  }
  const e = error as KvError;
  if (expected.code !== undefined && e.code !== expected.code) {
    fail(`${what}: expected code ${show(expected.code)}, got ${describeError(e)}`);
  }
  if (expected.status !== undefined && e.status !== expected.status) {
    fail(`${what}: expected status ${expected.status}, got ${describeError(e)}`);
  }
  if (expected.message !== undefined && e.message !== expected.message) {
    fail(`${what}: expected message ${show(expected.message)}, got ${show(e.message)}`);
  }
  const parts =
    expected.messageIncludes === undefined
      ? []
      : typeof expected.messageIncludes === 'string'
        ? [expected.messageIncludes]
        : expected.messageIncludes;
  for (const part of parts) {
    if (!e.message.includes(part)) fail(`${what}: expected the message to contain ${show(part)}, got ${show(e.message)}`);
  }
}

function describeExpected(expected: ExpectedError): string {
  const parts: string[] = [];
  if (expected.code !== undefined) parts.push(`code ${expected.code}`);
  if (expected.status !== undefined) parts.push(`status ${expected.status}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** `Name(code, status): message`, for failure messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const { code, status } = error as Partial<KvError>;
    const tags = [code, status].filter((t) => t !== undefined).join(', ');
    return `${error.name}${tags === '' ? '' : `(${tags})`}: ${JSON.stringify(error.message)}`;
  }
  return `a thrown ${show(error)}`;
}

function show(value: unknown): string {
  return inspect(value, { depth: 6, breakLength: Infinity, maxStringLength: 200 });
}
