/**
 * How the adapter keeps its token out of everything a person or a log can see: masked displays,
 * URLs without credentials, and error causes copied with the token cut out.
 */

const MASK = '****';

/**
 * A token for display: its type prefix (`hvs.`, `s.`, `hvb.`…) kept, the rest masked, e.g.
 * `hvs.****`. Tokens without a short prefix show as `****`.
 */
export function maskToken(token: string): string {
  const dot = token.indexOf('.');
  return dot > 0 && dot <= 4 ? `${token.slice(0, dot + 1)}${MASK}` : MASK;
}

/** A URL for messages: origin and path only (no user-info, query or fragment). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Tokens shorter than this are not cut out of text: a dev token such as `root` is no secret, and
 * cutting it out of every word it appears in would garble the server's messages (`cannot
 * delete "****" policy`). Real tokens are long (`hvs.` + 24 or more characters).
 */
const MIN_REDACTED_LENGTH = 8;

/** `text` with every occurrence of `secret` replaced by `****` (secrets shorter than 8 characters are left). */
export function redact(text: string, secret: string): string {
  return secret.length < MIN_REDACTED_LENGTH ? text : text.split(secret).join(MASK);
}

/** One line describing an error and its causes, e.g. `fetch failed (connect ECONNREFUSED 127.0.0.1:1)`, redacted. */
export function describeFailure(error: unknown, secret: string): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    parts.push(current instanceof Error ? current.message : primitiveText(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  const [head, ...rest] = parts.filter((part) => part !== '');
  const line = rest.length > 0 ? `${head ?? ''} (${rest.join(': ')})` : (head ?? 'unknown error');
  return redact(line, secret);
}

/**
 * A copy of an error and its `cause` chain that is safe to attach as a cause: names, messages,
 * stacks and string `code`s, with the token redacted. The original objects are not kept, because
 * a caller's fetch may have put the request (headers included) on them.
 */
export function safeCause(error: unknown, secret: string, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(redact(primitiveText(error), secret));
  const copy = new Error(
    redact(error.message, secret),
    depth < 4 && error.cause !== undefined ? { cause: safeCause(error.cause, secret, depth + 1) } : undefined,
  );
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = redact(error.stack, secret);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.defineProperty(copy, 'code', { value: code, enumerable: true });
  return copy;
}

// Thrown non-errors: primitives are shown; objects are not (they may hold the request headers).
function primitiveText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    default:
      return value === null ? 'null' : `a thrown ${typeof value}`;
  }
}
