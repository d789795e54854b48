import { connect } from 'node:net';
import type { BaseKeyValueStore } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { createServer, type KvServer, type ServerOptions } from '../src/index.js';

export const TOKEN = 'root-test-token';

/** A running server over a fresh store, for one test. */
export interface Running {
  server: KvServer;
  url: string;
  store: BaseKeyValueStore;
  /** An HTTP request with the token (unless `token: null`), returning status, headers and body. */
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
}

/** Options of {@link Running.call}. */
interface CallOptions {
  /** A JSON-serialised body, or a raw string body. */
  body?: unknown;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
  /** The token to send; null sends none. Default {@link TOKEN}. */
  token?: string | null;
}

/** What came back. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when empty). */
  json: Record<string, unknown> | undefined;
}

/** Starts a server on a free loopback port over `store` (a fresh memory store by default). */
export async function start(options: Partial<ServerOptions> = {}, store: BaseKeyValueStore = new MemoryKeyValueStore()): Promise<Running> {
  const config: ServerOptions =
    options.mounts !== undefined || options.stores !== undefined ? { token: TOKEN, ...options } : { token: TOKEN, store, ...options };
  const server = createServer(config);
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    server,
    url,
    store,
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = {};
      const token = callOptions.token === undefined ? TOKEN : callOptions.token;
      if (token !== null) headers['X-Vault-Token'] = token;
      let body: string | undefined;
      if (callOptions.body !== undefined) {
        body = typeof callOptions.body === 'string' ? callOptions.body : JSON.stringify(callOptions.body);
        headers['Content-Type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      }
      Object.assign(headers, callOptions.headers);
      const response = await fetch(url + path, body === undefined ? { method, headers } : { method, headers, body });
      const text = await response.text();
      let json: Record<string, unknown> | undefined;
      if (text !== '') {
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
      }
      return { status: response.status, headers: response.headers, text, json };
    },
  };
}

/** The `data` member of an envelope. */
export function dataOf(answer: Answer): Record<string, unknown> {
  return answer.json?.data as Record<string, unknown>;
}

/** Sends raw bytes on one connection and collects everything until the server closes it (or `idleMs` of silence). */
export function rawExchange(url: string, payload: string | Buffer | Array<string | Buffer>, idleMs = 300): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    };
    socket.on('connect', () => {
      const parts = Array.isArray(payload) ? payload : [payload];
      let index = 0;
      // Each part in its own write, a little apart, so split heads and bodies are exercised.
      const next = (): void => {
        const part = parts[index++];
        if (part === undefined) return;
        socket.write(part);
        setTimeout(next, 10);
      };
      next();
      arm();
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      arm();
    });
    socket.on('end', finish);
    socket.on('error', reject);
  });
}

/** Splits raw HTTP/1.1 responses (with Content-Length or no body) into status and body. */
export function parseResponses(raw: string): Array<{ status: number; headers: Record<string, string>; body: string }> {
  const out: Array<{ status: number; headers: Record<string, string>; body: string }> = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, headEnd).split('\r\n');
    const status = Number((head[0] as string).split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    out.push({ status, headers, body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return out;
}

/** ISO timestamp no older than `ms` and not in the future (with 1 s slack). */
export function isRecent(value: unknown, ms = 60_000): boolean {
  if (typeof value !== 'string' || value === '') return false;
  const t = Date.parse(value);
  return Number.isFinite(t) && t <= Date.now() + 1000 && t >= Date.now() - ms;
}
