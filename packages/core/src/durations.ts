import { InvalidRequestError } from './errors.js';

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * The largest duration, in whole seconds, that any kv2 door accepts: Go's `time.Duration` is an
 * int64 count of nanoseconds, so OpenBao's parser refuses anything above 2562047h47m16s with a
 * 400. kv2 refuses the same values (both signs) so that a setting can never be stored that
 * OpenBao would not accept — and so that "now + duration" always stays a valid date.
 */
export const MAX_DURATION_SECONDS = 9_223_372_036;

// 2^63 nanoseconds: the first duration Go's int64 cannot hold.
const NANOS_OVERFLOW = 2 ** 63;

/**
 * Checks a duration given as whole seconds: a safe integer within ±{@link MAX_DURATION_SECONDS}.
 * Throws {@link InvalidRequestError} (`invalid_parameter`) naming `field`, never the value's
 * surroundings.
 */
export function durationSeconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidRequestError(
      `${field} must be whole seconds, got ${typeof value === 'number' ? String(value) : typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value}`,
      'invalid_parameter',
    );
  }
  if (Math.abs(value) > MAX_DURATION_SECONDS) throw tooLong(field, String(value));
  return value;
}

/**
 * Parses a duration as OpenBao accepts it and returns whole seconds (truncated toward zero):
 * a number of seconds (`3600`, `"3600"`), a Go duration (`"1h30m"`, `"-1h"`, `"500ms"`,
 * `"1.5h"`), or whole days (`"2d"`). Throws {@link InvalidRequestError} (`invalid_parameter`),
 * also for anything longer than {@link MAX_DURATION_SECONDS} either way.
 */
export function parseDuration(input: string | number, field = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw badDuration(field, String(input));
    return bounded(Math.trunc(input), field, String(input));
  }
  const text = input.trim();
  if (text === '') return 0;
  if (/^[-+]?\d+$/.test(text)) return bounded(Number.parseInt(text, 10), field, input);
  const days = /^([-+]?\d+)d$/.exec(text);
  if (days) return bounded(Number.parseInt(days[1] as string, 10) * 86_400, field, input);
  const match = /^([-+]?)((?:\d*\.?\d+(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) throw badDuration(field, input);
  let nanos = 0;
  for (const part of (match[2] as string).matchAll(/(\d*\.?\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    nanos += Number.parseFloat(part[1] as string) * (UNIT_NANOS[part[2] as string] as number);
  }
  if (!(nanos < NANOS_OVERFLOW)) throw tooLong(field, input);
  const seconds = Math.trunc(nanos / 1e9);
  return match[1] === '-' ? -seconds : seconds;
}

function bounded(seconds: number, field: string, input: string): number {
  if (!(Math.abs(seconds) <= MAX_DURATION_SECONDS)) throw tooLong(field, input);
  return seconds === 0 ? 0 : seconds;
}

function tooLong(field: string, input: string): InvalidRequestError {
  return new InvalidRequestError(
    `${field}: invalid duration ${JSON.stringify(input)}: longer than 2562047h47m16s, the largest duration OpenBao accepts`,
    'invalid_parameter',
  );
}

/** Formats whole seconds as Go's `time.Duration.String()` does: `0s`, `5m0s`, `72h0m0s`, `-1s`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(Math.trunc(seconds));
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

function badDuration(field: string, input: string): InvalidRequestError {
  return new InvalidRequestError(`${field}: invalid duration ${JSON.stringify(input)}`, 'invalid_parameter');
}
