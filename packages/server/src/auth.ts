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
