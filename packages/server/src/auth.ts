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

/**
 * Checks presented tokens against the configured one in constant time: both sides are hashed
 * first, so neither the length nor the content of the real token leaks through timing. The
 * token itself is held in a private field and never appears in logs or inspection.
 */
export class TokenCheck {
  readonly #expected: Buffer;

  /** @param token - the one token that grants access (non-empty). */
  constructor(token: string) {
    this.#expected = digest(token);
  }

  /** True when `presented` is the configured token. */
  accepts(presented: string | undefined): boolean {
    if (presented === undefined) return false;
    return timingSafeEqual(digest(presented), this.#expected);
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
