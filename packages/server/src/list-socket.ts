import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { RequestFramer } from './list-method.js';

/** How long a closing connection keeps reading (and discarding) what the client still sends. */
const LINGER_MS = 2000;

type WriteCallback = (error?: Error | null) => void;

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

  /** @param socket - the accepted TCP connection; this object owns it from now on. */
  constructor(socket: Socket) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: socket.readableHighWaterMark,
      writableHighWaterMark: socket.writableHighWaterMark,
    });
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#framer.transform(chunk, this.#emit));
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
    if (error === null && socket.writableEnded && !socket.readableEnded && !socket.destroyed) {
      // Lingering close: the client may still be sending a body we refused.
      socket.removeAllListeners('data');
      socket.on('data', () => {});
      socket.on('end', () => socket.destroy());
      socket.resume();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
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

/**
 * Makes an `http.Server` read every accepted connection through a {@link ListMethodSocket}.
 * Node documents that any Duplex may be handed to the server as a connection; this replaces
 * the server's own 'connection' listener with one that wraps the socket first.
 */
export function installListMethodSupport(server: Server): void {
  const builtIn = server.listeners('connection') as Array<(socket: Duplex) => void>;
  if (builtIn.length !== 1) throw new Error('unexpected http.Server: expected exactly one connection listener');
  const connectionListener = builtIn[0] as (socket: Duplex) => void;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket | Duplex) => {
    connectionListener.call(server, socket instanceof ListMethodSocket ? socket : new ListMethodSocket(socket as Socket));
  });
}
