import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The token a request presents, as OpenBao reads it: `X-Vault-Token`, else the first
 * `Authorization: Bearer …` header; other Authorization schemes are ignored.
 */
export function requestToken(headers: IncomingHttpHeaders): string | undefined {
  const vaultToken = headers['x-vault-token'];
  if (typeof vaultToken === 'string' && vaultToken !== '') return vaultToken;
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
    const token = authorization.slice(7).trim();
    return token === '' ? undefined : token;
  }
  return undefined;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** What one connection presented last, and whether it was accepted. */
interface Verdict {
  readonly token: string;
  readonly accepted: boolean;
}

/**
 * Checks presented tokens against the configured one in constant time: both sides are hashed
 * first, so neither the length nor the content of the real token leaks through timing. The
 * token itself is held in a private field and never appears in logs or inspection.
 *
 * Hashing costs several microseconds, so the verdict is remembered per connection: a keep-alive
 * client that presents the same token again is answered by comparing with what *that
 * connection* sent before. That comparison is not constant-time, but it only ever compares the
 * client's strings with its own earlier strings, so it reveals nothing about the real token.
 */
export class TokenCheck {
  readonly #expected: Buffer;
  readonly #verdicts = new WeakMap<object, Verdict>();

  /** @param token - the one token that grants access (non-empty). */
  constructor(token: string) {
    this.#expected = digest(token);
  }

  /**
   * True when `presented` is the configured token. `connection` (the request's socket) keys
   * the per-connection memo; without it every call hashes.
   */
  accepts(presented: string | undefined, connection?: object): boolean {
    if (presented === undefined) return false;
    if (connection !== undefined) {
      const previous = this.#verdicts.get(connection);
      if (previous !== undefined && previous.token === presented) return previous.accepted;
    }
    const accepted = timingSafeEqual(digest(presented), this.#expected);
    if (connection !== undefined) this.#verdicts.set(connection, { token: presented, accepted });
    return accepted;
  }

  /** Never shows the token. */
  toString(): string {
    return 'TokenCheck([redacted])';
  }

  /** Never shows the token. */
  toJSON(): string {
    return '[redacted]';
  }
}
