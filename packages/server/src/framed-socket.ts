import type { Server } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { RequestFramer } from './request-framer.js';

/** How long a closing connection keeps reading (and discarding) what the client still sends. */
const LINGER_MS = 2000;

/**
 * Closes a TCP connection without resetting it while the client is still sending (a refused
 * 32 MiB upload): the response is flushed and FIN sent, then whatever still arrives is read and
 * discarded until the client closes too, or for at most two seconds — as Go's HTTP server
 * does, so that the client sees the response rather than a reset.
 */
export function lingeringClose(socket: Socket): void {
  if (socket.destroyed) return;
  const linger = (): void => {
    if (socket.readableEnded || socket.destroyed) {
      socket.destroy();
      return;
    }
    socket.removeAllListeners('data');
    socket.on('data', () => {});
    socket.once('end', () => socket.destroy());
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
  if (socket.writable) socket.end();
  if (socket.writableFinished) linger();
  else socket.once('finish', linger);
}

type WriteCallback = (error?: Error | null) => void;

/** The header timeout of framed connections. */
export interface HeadTimeout {
  /** How long a request head may take to arrive, from the connection's start or its first byte. */
  readonly ms: number;
  /**
   * Called when it did not arrive in time; returns false to wait another period (the server has
   * a response in progress on the connection).
   */
  readonly onTimeout: (connection: Duplex) => boolean;
}

/**
 * Runs the header timeout of one connection. The framer holds an incomplete head back from
 * Node's parser (see {@link RequestFramer}), so Node's own `headersTimeout` cannot see it: the
 * deadline runs here, from the connection's start until its first head is complete, and from the
 * first byte of each later head until that head is complete. Call the returned function after
 * every chunk the framer has taken.
 */
function watchHeads(connection: Duplex, framer: RequestFramer, timeout: HeadTimeout | undefined): () => void {
  if (timeout === undefined) return () => {};
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  const arm = (): void => {
    timer ??= setTimeout(fire, timeout.ms).unref();
  };
  const fire = (): void => {
    timer = undefined;
    if (connection.destroyed || framer.passthrough || (started && !framer.holdingHead)) return;
    if (!timeout.onTimeout(connection)) arm();
  };
  arm();
  connection.once('close', () => clearTimeout(timer));
  return () => {
    started = true;
    if (framer.holdingHead && !framer.passthrough) {
      arm();
    } else if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

/**
 * A TCP connection as the HTTP server sees it: the bytes read pass through a
 * {@link RequestFramer} (so LIST and other unknown methods reach Node's parser), the bytes
 * written go straight to the socket.
 *
 * When the server closes a connection while the client is still sending (a refused 32 MiB
 * upload), the socket lingers for a moment, reading and discarding, so that the client sees
 * the response rather than a reset — as Go's HTTP server does.
 */
export class ListMethodSocket extends Duplex {
  readonly #socket: Socket;
  readonly #framer = new RequestFramer();
  #waitingForDrain: WriteCallback | null = null;
  readonly #emit = (bytes: Buffer): void => {
    if (!this.push(bytes)) this.#socket.pause();
  };

  /**
   * @param socket - the accepted TCP connection; this object owns it from now on.
   * @param headTimeout - the header timeout, if any.
   */
  constructor(socket: Socket, headTimeout?: HeadTimeout) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: socket.readableHighWaterMark,
      writableHighWaterMark: socket.writableHighWaterMark,
    });
    this.#socket = socket;
    const watch = watchHeads(this, this.#framer, headTimeout);
    socket.on('data', (chunk: Buffer) => {
      this.#framer.transform(chunk, this.#emit);
      watch();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => {
      this.#releaseWriter(new Error('socket closed'));
      if (!this.destroyed) this.destroy();
    });
    socket.on('drain', () => this.#releaseWriter(null));
    socket.on('timeout', () => this.emit('timeout'));
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: WriteCallback): void {
    if (this.#socket.write(chunk, encoding)) callback();
    else this.#waitingForDrain = callback;
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: WriteCallback): void {
    this.#socket.cork();
    let flowing = true;
    for (const { chunk, encoding } of chunks) flowing = this.#socket.write(chunk, encoding);
    this.#socket.uncork();
    if (flowing) callback();
    else this.#waitingForDrain = callback;
  }

  override _final(callback: WriteCallback): void {
    this.#socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const socket = this.#socket;
    this.#releaseWriter(error ?? new Error('socket destroyed'));
    if (error === null && socket.writableEnded && !socket.readableEnded) {
      // The client may still be sending a body we refused.
      lingeringClose(socket);
    } else {
      socket.destroy();
    }
    callback(error);
  }

  #releaseWriter(error: Error | null): void {
    const callback = this.#waitingForDrain;
    this.#waitingForDrain = null;
    callback?.(error);
  }

  /** Ends the connection once everything written has been flushed (used by the HTTP server). */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  /** See `net.Socket.setTimeout`; the 'timeout' event is re-emitted here. */
  setTimeout(ms: number, callback?: () => void): this {
    this.#socket.setTimeout(ms);
    if (callback !== undefined) this.once('timeout', callback);
    return this;
  }

  /** See `net.Socket.setNoDelay`. */
  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay);
    return this;
  }

  /** See `net.Socket.setKeepAlive`. */
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.#socket.setKeepAlive(enable, initialDelay);
    return this;
  }

  /** The client's address. */
  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  /** The client's port. */
  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  /** The client's address family. */
  get remoteFamily(): string | undefined {
    return this.#socket.remoteFamily;
  }

  /** The local address. */
  get localAddress(): string | undefined {
    return this.#socket.localAddress;
  }

  /** The local port. */
  get localPort(): number | undefined {
    return this.#socket.localPort;
  }
}

/** A TCP socket whose reads Node's HTTP server would otherwise hand straight to its parser. */
interface StreamSocket extends Socket {
  _handle: { isStreamBase?: boolean; _consumed?: boolean } | null;
}

/**
 * True when `socket` is a TCP socket whose handle Node's HTTP server would read natively — the one
 * place kv2 relies on Node's private socket internals (`_handle.isStreamBase`, `_handle._consumed`).
 * `test/node-internals.test.ts` fails loudly on a Node version where this stops holding.
 */
export function isStreamSocket(socket: unknown): socket is StreamSocket {
  if (!(socket instanceof Socket)) return false;
  const handle = (socket as StreamSocket)._handle;
  return typeof handle === 'object' && handle !== null && handle.isStreamBase === true && handle._consumed !== true;
}

/**
 * The fast path: the server keeps the real socket (writes stay native), but every chunk read
 * passes through a {@link RequestFramer} on its way into the socket's readable side. The HTTP
 * server's own native shortcut (llhttp reading the handle directly, which would bypass the
 * framer) is switched off by marking the handle as already consumed — the flag Node itself sets
 * for that purpose.
 */
function frameReads(socket: StreamSocket, headTimeout: HeadTimeout | undefined): void {
  const framer = new RequestFramer();
  const watch = watchHeads(socket, framer, headTimeout);
  const push = socket.push.bind(socket);
  let flowing = true;
  const emit = (bytes: Buffer): void => {
    flowing = push(bytes);
  };
  socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (!Buffer.isBuffer(chunk)) return push(chunk, encoding);
    flowing = true;
    framer.transform(chunk, emit);
    watch();
    return flowing;
  };
  socket.destroySoon = (): void => lingeringClose(socket);
  (socket._handle as { _consumed?: boolean })._consumed = true;
}

/**
 * Makes an `http.Server` read every accepted connection through a {@link RequestFramer}, so
 * that LIST, SCAN and other methods Node's parser does not know reach the request handler (as
 * `GET` with the `x-kv2-original-method` header). TCP sockets keep their native write path (see
 * {@link frameReads}); other `net.Socket`s are wrapped in a {@link ListMethodSocket} (Node
 * documents that any Duplex may be a connection); other Duplex streams are served unchanged.
 * `headTimeout` bounds how long a request head may take on framed connections.
 */
export function installListMethodSupport(server: Server, headTimeout?: HeadTimeout): void {
  const builtIn = server.listeners('connection') as Array<(socket: Duplex) => void>;
  if (builtIn.length !== 1) throw new Error('unexpected http.Server: expected exactly one connection listener');
  const connectionListener = builtIn[0] as (socket: Duplex) => void;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket | Duplex) => {
    if (socket instanceof ListMethodSocket) {
      connectionListener.call(server, socket);
    } else if (isStreamSocket(socket)) {
      frameReads(socket, headTimeout);
      connectionListener.call(server, socket);
    } else if (socket instanceof Socket) {
      connectionListener.call(server, new ListMethodSocket(socket, headTimeout));
    } else {
      // Some other Duplex injected by the embedding code: served as it is (no LIST rewriting).
      connectionListener.call(server, socket);
    }
  });
}
