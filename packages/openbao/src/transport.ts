import { TransportError } from '@kv2/core';
import type { ServerConnection } from './options.js';
import { describeFailure, displayUrl, redact, safeCause } from './secrecy.js';

/** One HTTP request to the server's API. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path after `/v1/`, already percent-encoded, e.g. `secret/data/app/db` or `sys/mounts`. */
  path: string;
  query?: Readonly<Record<string, string>> | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** Defaults to `application/json` when there is a body. */
  contentType?: string | undefined;
}

/** What came back: the status and the body text (token redacted from error bodies). */
export interface RawResponse {
  status: number;
  text: string;
  /** The `Location` header of a redirect. */
  location?: string | undefined;
}

// A freshly enabled KV v2 mount answers this (400) for a moment while it initialises; OpenBao's
// own tests retry on it. Nothing has changed when it is returned, so a retry is always safe.
const UPGRADE_IN_PROGRESS = 'Upgrading from non-versioned to versioned data';
const UPGRADE_RETRY_DELAYS_MS = [100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000];

/** The full URL of a request (the token is never in it: it travels in a header). */
function requestUrl(connection: ServerConnection, request: ApiRequest): string {
  const query = request.query === undefined ? '' : new URLSearchParams(request.query).toString();
  return `${connection.baseUrl}/v1/${request.path}${query === '' ? '' : `?${query}`}`;
}

/**
 * Sends a request and reads the whole answer within the connection's timeout. Every HTTP status
 * is returned; only a request that got no answer throws, as {@link TransportError}. Retries while
 * the mount reports its initial upgrade (about 7 s at most).
 */
export async function send(connection: ServerConnection, request: ApiRequest): Promise<RawResponse> {
  for (let attempt = 0; ; attempt++) {
    const response = await exchange(connection, request);
    const delay = UPGRADE_RETRY_DELAYS_MS[attempt];
    if (response.status !== 400 || delay === undefined || !response.text.includes(UPGRADE_IN_PROGRESS)) return response;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function exchange(connection: ServerConnection, request: ApiRequest): Promise<RawResponse> {
  const url = requestUrl(connection, request);
  // X-Vault-Request as bao's client sends it: OpenBao's agent and proxy refuse requests without it
  // when `require_request_header` is set.
  const headers: Record<string, string> = { 'X-Vault-Token': connection.token, 'X-Vault-Request': 'true', Accept: 'application/json' };
  if (connection.namespace !== undefined) headers['X-Vault-Namespace'] = connection.namespace;
  // Redirects are not followed: fetch would resend X-Vault-Token to wherever the Location points.
  const init: RequestInit = { method: request.method, headers, redirect: 'manual' };
  if (request.body !== undefined) {
    headers['Content-Type'] = request.contentType ?? 'application/json';
    init.body = JSON.stringify(request.body);
  }
  // A controller rather than AbortSignal.timeout: the timer is cleared as soon as the answer is
  // read, and a fetch that ignores its signal still cannot hang the caller (the race below).
  const controller = new AbortController();
  init.signal = controller.signal;
  let timedOut = false;
  const gaveUp = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, connection.timeout);
  try {
    const response = await Promise.race([connection.fetch(url, init), gaveUp]);
    const text = await Promise.race([response.text(), gaveUp]);
    if (response.status < 300) return { status: response.status, text };
    const location = response.headers.get('location');
    return { status: response.status, text: redact(text, connection.token), location: location === null ? undefined : resolveUrl(location, url) };
  } catch (error) {
    const where = `${request.method} ${displayUrl(url)}`;
    if (timedOut) {
      throw new TransportError(`timeout: no answer within ${connection.timeout} ms from ${where}`, 'timeout');
    }
    throw new TransportError(`network error: ${where} failed: ${describeFailure(error, connection.token)}`, 'network_error', {
      cause: safeCause(error, connection.token),
    });
  } finally {
    clearTimeout(timer);
  }
}

function resolveUrl(location: string, base: string): string | undefined {
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}
