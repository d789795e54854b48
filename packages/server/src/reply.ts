import type { ServerResponse } from 'node:http';
import { envelopeJson, errorsJson } from './envelope.js';

/**
 * What a handler answers: a status, a finished body (or none), and whether the response says
 * `Content-Type: application/json` (OpenBao sets it even on 204s and on empty 404s).
 */
export interface Reply {
  readonly status: number;
  readonly body: string | null;
  readonly json: boolean;
}

const NO_CONTENT: Reply = Object.freeze({ status: 204, body: null, json: true });

/** 200 with the standard envelope around `dataJson` (already-serialised JSON, or null). */
export function ok(dataJson: string | null, warnings: readonly string[] | null = null): Reply {
  return { status: 200, body: envelopeJson(dataJson, warnings, true), json: true };
}

/**
 * A handler result that may have nothing to say: 204 when there is neither data nor a warning,
 * else 200 with the envelope (OpenBao's `respondOk`).
 */
export function okOrNoContent(dataJson: string | null, warnings: readonly string[]): Reply {
  return dataJson === null && warnings.length === 0 ? NO_CONTENT : ok(dataJson, warnings);
}

/** 204, no body, `Content-Type: application/json`. */
export function noContent(): Reply {
  return NO_CONTENT;
}

/** A raw 404: a full success-style envelope (no trailing newline), for deleted/destroyed versions and invalid paths. */
export function rawNotFound(dataJson: string | null, warnings: readonly string[] | null = null): Reply {
  return { status: 404, body: envelopeJson(dataJson, warnings, false), json: true };
}

/** `{"errors":[…]}` with the given status. */
export function errors(status: number, messages: readonly string[]): Reply {
  return { status, body: errorsJson(messages), json: true };
}

/** A status with an empty body; `json` says whether to send `Content-Type: application/json`. */
export function empty(status: number, json: boolean): Reply {
  return { status, body: null, json };
}

/** A plain JSON document (no envelope), as `sys/health` answers. */
export function document(status: number, value: unknown): Reply {
  return { status, body: `${JSON.stringify(value)}\n`, json: true };
}

/** Headers every response carries, beyond those of the reply itself. */
export interface ResponseExtras {
  /** The request's `X-Vault-Namespace`, echoed as OpenBao does. */
  namespace: string | undefined;
  /** Ask the client to close the connection (the server is shutting down). */
  close: boolean;
}

/** Writes a reply in one go: `Cache-Control: no-store` always, `Content-Length` for bodies. */
export function send(res: ServerResponse, reply: Reply, extras: ResponseExtras): void {
  if (res.headersSent || res.destroyed) return;
  const headers: string[] = ['Cache-Control', 'no-store'];
  if (reply.json) headers.push('Content-Type', 'application/json');
  if (extras.namespace !== undefined) headers.push('X-Vault-Namespace', extras.namespace);
  if (extras.close) headers.push('Connection', 'close');
  if (reply.body === null) {
    if (reply.status !== 204 && reply.status !== 304) headers.push('Content-Length', '0');
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  headers.push('Content-Length', String(Buffer.byteLength(reply.body)));
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
