import type { FetchLike } from '../src/index.js';

/** One request as the adapter sent it. */
export interface SentRequest {
  method: string;
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body parsed as JSON, or undefined when there was none. */
  body: unknown;
  signal: AbortSignal | undefined;
  redirect: RequestInit['redirect'];
}

/** What a fake server answers for one request. */
export type Responder = (request: SentRequest) => Response | Promise<Response>;

/** A fetch that records every request and answers through `responder`. */
export function fakeFetch(responder: Responder = () => noContent()): { fetch: FetchLike; requests: SentRequest[] } {
  const requests: SentRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of new Headers(init.headers).entries()) headers[name] = value;
    const request: SentRequest = {
      method: init.method ?? 'GET',
      url,
      headers,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      signal: init.signal ?? undefined,
      redirect: init.redirect,
    };
    requests.push(request);
    return responder(request);
  };
  return { fetch, requests };
}

/** A JSON answer. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** OpenBao's success envelope around `data`. */
export function ok(data: unknown, warnings: string[] | null = null): Response {
  return json(200, { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings, auth: null });
}

/** An error answer `{"errors":[...]}`. */
export function errors(status: number, ...messages: string[]): Response {
  return json(status, { errors: messages });
}

/** 204 with no body. */
export function noContent(): Response {
  return new Response(null, { status: 204, headers: { 'Content-Type': 'application/json' } });
}

/** The five-key version metadata OpenBao returns, with overrides. */
export function versionWire(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    created_time: '2024-05-01T10:11:12.123456789Z',
    deletion_time: '',
    destroyed: false,
    custom_metadata: null,
    ...overrides,
  };
}
