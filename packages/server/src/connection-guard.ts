import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { lingeringClose } from './framed-socket.js';

/** OpenBao's `http_read_header_timeout` default: a request head must arrive within 10 s. */
export const DEFAULT_HEADER_TIMEOUT_MS = 10_000;

const TLS_HANDSHAKE = 0x16;

/** The answer to a client that speaks TLS to this plain-HTTP server (it used `https://`). */
export const TLS_TO_HTTP_MESSAGE = 'client sent a TLS handshake to an HTTP server: this is an HTTP server, use http:// instead of https://';

/**
 * Answers what never becomes a request for a handler — input that is not HTTP, a head that does
 * not arrive in time, `CONNECT` — promptly and in OpenBao's error shape (`{"errors":[…]}`),
 * instead of Node's plain-text 400, a silent close, or a wait for the connection checker.
 *
 * It also knows which connections have a response in progress: an answer written straight to
 * the socket must never land in the middle of one.
 */
export class ConnectionGuard {
  readonly #busy = new WeakMap<object, number>();
  readonly #answered = new WeakSet<object>();

  /** Counts `req`'s response as in progress on its connection until it finishes or fails. */
  track(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket as object;
    this.#busy.set(socket, (this.#busy.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (this.#busy.get(socket) ?? 1) - 1;
      if (left > 0) this.#busy.set(socket, left);
      else this.#busy.delete(socket);
    });
  }

  /** `http.Server`'s 'clientError': Node's parser refused the bytes, or its timeout fired. */
  readonly onClientError = (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      socket.destroy();
      return;
    }
    if (error.rawPacket?.[0] === TLS_HANDSHAKE) {
      this.#answer(socket, 400, TLS_TO_HTTP_MESSAGE);
    } else if (error.code === 'HPE_HEADER_OVERFLOW') {
      this.#answer(socket, 431, 'request header fields too large');
    } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_HEADER_TIMEOUT') {
      this.#answer(socket, 408, 'timed out reading the request');
    } else {
      this.#answer(socket, 400, 'malformed HTTP request');
    }
  };

  /** `http.Server`'s 'connect': kv2 is not a proxy. 405 as for any method OpenBao does not route. */
  readonly onConnect = (_req: IncomingMessage, socket: Duplex): void => {
    this.#answer(socket, 405, undefined);
  };

  /**
   * A request head did not arrive in time (see `installListMethodSupport`). Returns false, and
   * answers nothing, while a response is in progress on the connection: the caller then waits
   * another period (the client is not late while it waits for an answer of its own).
   */
  readonly onHeadTimeout = (socket: Duplex): boolean => {
    if ((this.#busy.get(socket) ?? 0) > 0) return false;
    this.#answer(socket, 408, 'timed out reading the request');
    return true;
  };

  /**
   * Writes a complete response and closes the connection, reading and discarding what the client
   * still sends for a moment so that it sees the answer rather than a reset. With a response in
   * progress on the connection (Node's parser failed on what followed a request, e.g. the client
   * ended the connection in the middle of a body), an answer would interleave with it and the
   * request may wait for bytes the dead parser will never deliver: the connection is destroyed,
   * as Node itself does, which aborts that request.
   */
  #answer(socket: Duplex, status: number, message: string | undefined): void {
    if (this.#answered.has(socket) || socket.destroyed) return;
    this.#answered.add(socket);
    if ((this.#busy.get(socket) ?? 0) > 0 || !socket.writable) {
      socket.destroy();
      return;
    }
    const body = `${JSON.stringify({ errors: message === undefined ? [] : [message] })}\n`;
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        'Cache-Control: no-store\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    if (socket instanceof Socket) {
      lingeringClose(socket);
    } else {
      socket.end();
      socket.once('finish', () => socket.destroy());
    }
  }
}
