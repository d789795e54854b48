// Go's time.RFC3339Nano, the one time format OpenBao's JSON uses. Formatting and parsing live
// here together so that what the server writes is what the adapter reads back.

/**
 * A timestamp as Go's `time.RFC3339Nano` prints it: UTC, the fraction without trailing zeros
 * and omitted when zero (`2024-01-02T03:04:05.12Z`); `""` for an unset time, as OpenBao writes
 * a zero `time.Time` in KV v2 responses.
 */
export function formatGoTime(date: Date | null): string {
  if (date === null) return '';
  const iso = date.toISOString();
  // toISOString always ends in ".mmmZ"; trimming by hand is measurably faster than a regex on
  // the server's hot path (every read and write formats two or more times).
  const dot = iso.length - 5;
  let end = iso.length - 1;
  while (end > dot + 1 && iso.charCodeAt(end - 1) === 0x30) end--;
  if (end === dot + 1) return `${iso.slice(0, dot)}Z`;
  return `${iso.slice(0, end)}Z`;
}

// Date.parse also reads loose formats ("2024-01-01", "Jan 1 2024"); insist on a full RFC 3339
// date-time, with any number of fraction digits (Go writes up to nine) and any offset.
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i;

/**
 * Reads an RFC 3339 date-time as OpenBao writes it (nanoseconds are cut to milliseconds, the
 * precision of a `Date`); undefined when the text is not one.
 */
export function parseGoTime(text: string): Date | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
