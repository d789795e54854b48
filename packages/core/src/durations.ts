import { InvalidRequestError } from './errors.js';

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Parses a duration as OpenBao accepts it and returns whole seconds (truncated toward zero):
 * a number of seconds (`3600`, `"3600"`), a Go duration (`"1h30m"`, `"-1h"`, `"500ms"`,
 * `"1.5h"`), or whole days (`"2d"`). Throws {@link InvalidRequestError} (`invalid_parameter`).
 */
export function parseDuration(input: string | number, field = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw badDuration(field, String(input));
    return Math.trunc(input);
  }
  const text = input.trim();
  if (text === '') return 0;
  if (/^[-+]?\d+$/.test(text)) return Number.parseInt(text, 10);
  const days = /^([-+]?\d+)d$/.exec(text);
  if (days) return Number.parseInt(days[1] as string, 10) * 86_400;
  const match = /^([-+]?)((?:\d*\.?\d+(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) throw badDuration(field, input);
  let nanos = 0;
  for (const part of (match[2] as string).matchAll(/(\d*\.?\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    nanos += Number.parseFloat(part[1] as string) * (UNIT_NANOS[part[2] as string] as number);
  }
  const seconds = Math.trunc(nanos / 1e9);
  return match[1] === '-' ? -seconds : seconds;
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
