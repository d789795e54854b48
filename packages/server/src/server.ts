import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidRequestError, RequestTooLargeError } from '@kv2/core';
import { parseDuration } from '@kv2/core';
import { AuthStore } from './acl/tokens.js';
import { parsePolicyText, PolicyParseError } from './acl/policy.js';
import { rootTokenEntry, sanitizePolicies } from './handlers/auth-endpoints.js';
import { hashToken, randomBase62 } from './acl/tokens.js';
import { DEFAULT_MAX_JSON_STRINGS, DEFAULT_MAX_REQUEST_BYTES, declaresTooLarge, RequestAbortedError } from './body.js';
import { ConnectionGuard, DEFAULT_HEADER_TIMEOUT_MS } from './connection-guard.js';
import { dispatch, type DispatchContext } from './dispatch.js';
import { errorReply, isUnexpected } from './errors.js';
import { ServerFaults } from './faults.js';
import { installListMethodSupport } from './framed-socket.js';
import { MountTable } from './mounts.js';
import type { MountSource, ServerLogEntry, ServerLogger, ServerOptions } from './options.js';
import { send, type Reply } from './reply.js';
import { installSignalHandlers } from './signals.js';

/** Where to listen; each field overrides the server's option of the same name. */
export interface ListenOptions {
  /** The port; 0 picks a free one. */
  port?: number | undefined;
  /** The address. */
  host?: string | undefined;
}

/** Where a listening server can be reached. */
export interface ServerAddress {
  /** E.g. `http://127.0.0.1:8200` — what `BAO_ADDR`/`VAULT_ADDR` should be set to. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** An OpenBao-compatible KV v2 HTTP server over kv2 stores. */
export interface KvServer {
  /** Starts listening (host default `127.0.0.1`). Resolves once connections are accepted. */
  listen(options?: ListenOptions): Promise<ServerAddress>;
  /**
   * Closes gracefully: stops accepting connections, lets in-flight requests finish (every
   * acknowledged write is in the store), closes idle connections, then closes the stores
   * (unless `closeStores: false`). Safe to call more than once.
   */
  close(): Promise<void>;
  /** Where the server listens, once it does. */
  readonly address: ServerAddress | undefined;
  /** Settles when the server has closed, however the close was started (e.g. by a signal). */
  readonly closed: Promise<void>;
  /** A short description with the address; never the token. */
  toString(): string;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidRequestError(`${name} must be a positive integer, got ${String(value)}`, 'invalid_parameter');
  }
  return value;
}

function mountSources(options: ServerOptions): Record<string, MountSource> {
  const given = [options.store, options.stores, options.mounts].filter((v) => v !== undefined).length;
  if (given === 0 && options.mountTable !== undefined) return {};
  if (given !== 1) {
    throw new InvalidRequestError('give exactly one of the options store, stores and mounts', 'invalid_parameter');
  }
  if (options.mounts !== undefined) return { ...options.mounts };
  const mount = options.mount ?? 'secret';
  return { [mount]: (options.store ?? options.stores) as MountSource };
}

function checkPort(port: number | undefined): void {
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new InvalidRequestError(`port must be an integer from 0 to 65535, got ${String(port)}`, 'invalid_parameter');
  }
}

/** The frames of a stack trace without its first line, which repeats the message. */
function stackFrames(error: unknown): string {
  if (!(error instanceof Error) || error.stack === undefined) return '';
  return error.stack
    .split('\n')
    .slice(1, 8)
    .map((line) => line.trim())
    .join(' | ');
}

class Kv2Server implements KvServer {
  readonly #http: Server;
  readonly #context: DispatchContext;
  readonly #mounts: MountTable;
  readonly #logger: ServerLogger | undefined;
  readonly #host: string;
  readonly #port: number;
  readonly #closeStores: boolean;
  readonly #shutdownTimeoutMs: number;
  readonly #signals: boolean;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #guard = new ConnectionGuard();
  readonly #auth: AuthStore;
  readonly #ready: Promise<void>;
  #address: ServerAddress | undefined;
  #closing = false;
  #closePromise: Promise<void> | undefined;
  #removeSignalHandlers: (() => void) | undefined;
  #resolveClosed!: () => void;
  readonly closed: Promise<void>;

  constructor(options: ServerOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidRequestError('options must be an object', 'invalid_parameter');
    if (typeof options.token !== 'string' || options.token === '') {
      throw new InvalidRequestError('token must be a non-empty string', 'invalid_parameter');
    }
    checkPort(options.port);
    this.#mounts = new MountTable(mountSources(options), options.mountRecords ?? {}, options.mountTable);
    this.#logger = options.logger;
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 8200;
    this.#closeStores = options.closeStores ?? true;
    this.#signals = options.installSignalHandlers ?? false;
    this.#shutdownTimeoutMs = positiveInteger(options.shutdownTimeoutMs, DEFAULT_SHUTDOWN_TIMEOUT_MS, 'shutdownTimeoutMs');
    const clusterId = randomUUID();
    const startedAt = Math.floor(Date.now() / 1000);
    const tokenAccessor = randomBase62();
    this.#auth = new AuthStore({ now: options.now ?? (() => new Date()), storage: options.authStorage });
    this.#ready = openAuth(this.#auth, options, tokenAccessor, startedAt);
    // Reported by listen(); kept from being an unhandled rejection until then.
    this.#ready.catch(() => undefined);
    this.#context = {
      auth: this.#auth,
      mounts: this.#mounts,
      maxRequestBytes: positiveInteger(options.maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES, 'maxRequestBytes'),
      maxJsonStrings: positiveInteger(options.maxJsonStrings, DEFAULT_MAX_JSON_STRINGS, 'maxJsonStrings'),
      faults: new ServerFaults(options.faults),
      info: {
        version: options.version ?? '2.4.0-kv2',
        clusterName: options.clusterName ?? 'kv2',
        clusterId,
        startedAt,
        tokenAccessor,
      },
    };
    this.closed = new Promise<void>((resolve) => {
      this.#resolveClosed = resolve;
    });

    const headerTimeoutMs = positiveInteger(options.headerTimeoutMs, DEFAULT_HEADER_TIMEOUT_MS, 'headerTimeoutMs');
    this.#http = createHttpServer(
      {
        // For heads that reach Node's parser directly (connections the framer does not read, or
        // after it stopped interpreting): Node answers through 'clientError', below.
        headersTimeout: headerTimeoutMs,
        requestTimeout: Math.max(300_000, headerTimeoutMs + 1),
        connectionsCheckingInterval: Math.min(1000, headerTimeoutMs),
      },
      (req, res) => this.#accept(req, res),
    );
    installListMethodSupport(this.#http, { ms: headerTimeoutMs, onTimeout: this.#guard.onHeadTimeout });
    this.#http.on('clientError', this.#guard.onClientError);
    this.#http.on('connect', this.#guard.onConnect);
    this.#http.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (declaresTooLarge(req, this.#context.maxRequestBytes)) {
        // Refused before the client sends a byte of the body.
        this.#respond(req, res, errorReply(new RequestTooLargeError()) as Reply);
        return;
      }
      res.writeContinue();
      this.#accept(req, res);
    });
    this.#http.on('error', (error: Error) => {
      // A failure to listen is the caller's to report (listen() rejects with it).
      if (!this.#http.listening) return;
      this.#log({ level: 'error', event: 'server_error', message: 'the HTTP server failed', details: { error: error.name } });
    });
  }

  get address(): ServerAddress | undefined {
    return this.#address;
  }

  async listen(options: ListenOptions = {}): Promise<ServerAddress> {
    await this.#ready;
    return this.#listen(options);
  }

  #listen(options: ListenOptions): Promise<ServerAddress> {
    if (this.#closing) return Promise.reject(new Error('the server is closed; create a new one'));
    if (this.#address !== undefined || this.#http.listening) return Promise.reject(new Error('the server is already listening'));
    try {
      checkPort(options.port);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const host = options.host ?? this.#host;
    const port = options.port ?? this.#port;
    return new Promise<ServerAddress>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#http.once('error', onError);
      this.#http.listen(port, host, () => {
        this.#http.off('error', onError);
        const actual = (this.#http.address() as AddressInfo).port;
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
        this.#address = { url, host, port: actual };
        if (this.#signals) this.#removeSignalHandlers = installSignalHandlers(this, (entry) => this.#log(entry));
        this.#log({ level: 'info', event: 'listening', message: `kv2 server listening on ${url}`, details: { url } });
        resolve(this.#address);
      });
    });
  }

  close(): Promise<void> {
    this.#closePromise ??= this.#shutdown();
    return this.#closePromise;
  }

  async #shutdown(): Promise<void> {
    this.#closing = true;
    this.#log({ level: 'info', event: 'closing', message: 'closing: no new connections; finishing in-flight requests' });
    if (this.#http.listening) {
      const stopped = new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.#http.closeIdleConnections();
      const force = setTimeout(() => this.#http.closeAllConnections(), this.#shutdownTimeoutMs);
      force.unref();
      await stopped;
      clearTimeout(force);
    }
    // Requests whose client went away may still be running a store operation.
    await Promise.allSettled([...this.#inFlight]);
    await this.#auth.flush();
    if (this.#closeStores) {
      for (const failure of await this.#mounts.closeAll()) {
        this.#log({
          level: 'error',
          event: 'store_close_failed',
          message: 'a store failed to close',
          details: { error: failure instanceof Error ? failure.name : typeof failure },
        });
      }
    }
    this.#removeSignalHandlers?.();
    this.#log({ level: 'info', event: 'closed', message: 'kv2 server closed' });
    this.#resolveClosed();
  }

  #accept(req: IncomingMessage, res: ServerResponse): void {
    this.#guard.track(req, res);
    const work = this.#handle(req, res);
    this.#inFlight.add(work);
    void work.then(() => this.#inFlight.delete(work));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      await this.#ready;
      reply = await dispatch(req, this.#context);
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        res.destroy();
        return;
      }
      const result = errorReply(error);
      if (isUnexpected(result)) {
        this.#log({
          level: 'error',
          event: 'internal_error',
          message: 'unexpected error while handling a request (answered 500)',
          details: { method: req.method ?? '', error: error instanceof Error ? error.name : typeof error, stack: stackFrames(error) },
        });
        reply = result.reply;
      } else {
        reply = result;
      }
    }
    this.#respond(req, res, reply);
  }

  #respond(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    const namespace = req.headers['x-vault-namespace'];
    try {
      send(res, reply, {
        namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined,
        // A refused body may still be on its way: answer, then close rather than read it all.
        close: this.#closing || reply.status === 413,
      });
    } catch (error) {
      this.#log({
        level: 'error',
        event: 'internal_error',
        message: 'could not write a response',
        details: { error: error instanceof Error ? error.name : typeof error },
      });
      res.destroy();
    }
    if (this.#closing) res.once('finish', () => setImmediate(() => this.#http.closeIdleConnections()));
  }

  #log(entry: ServerLogEntry): void {
    if (this.#logger === undefined) return;
    try {
      this.#logger(entry);
    } catch {
      // A failing logger must not take the server down.
    }
  }

  /** Never shows the token or any store content. */
  toString(): string {
    return `KvServer(${this.#address?.url ?? 'not listening'})`;
  }

  /** Never shows the token or any store content. */
  toJSON(): { type: string; url: string | null } {
    return { type: 'KvServer', url: this.#address?.url ?? null };
  }
}

/** Loads the saved policies and tokens, then applies the initial ones and the root token. */
async function openAuth(auth: AuthStore, options: ServerOptions, accessor: string, startedAt: number): Promise<void> {
  await auth.open();
  // Every initial policy is checked before any is stored, so a bad one changes nothing.
  const initial: Array<[string, string]> = [];
  for (const [raw, text] of Object.entries(options.policies ?? {})) {
    const name = raw.trim().toLowerCase();
    if (name === 'root' || name === 'response-wrapping')
      throw new InvalidRequestError(`policy ${JSON.stringify(name)} cannot be given`, 'invalid_parameter');
    if (typeof text !== 'string' || text.trim() === '')
      throw new InvalidRequestError(`policy ${JSON.stringify(name)}: the text is empty`, 'invalid_parameter');
    try {
      await parsePolicyText(text, auth.now());
    } catch (error) {
      if (error instanceof PolicyParseError)
        throw new InvalidRequestError(`policy ${JSON.stringify(name)}: failed to parse policy: ${error.message}`, 'invalid_parameter');
      throw error;
    }
    initial.push([name, text]);
  }
  for (const [name, text] of initial) {
    const problem = await auth.setPolicy(name, text, undefined);
    if (problem !== null) throw new InvalidRequestError(`policy ${JSON.stringify(name)}: ${problem}`, 'invalid_parameter');
  }
  await auth.addToken(rootTokenEntry(options.token, accessor, startedAt));
  for (const token of options.tokens ?? []) {
    if (typeof token.id !== 'string' || token.id === '' || token.id.includes('.')) {
      throw new InvalidRequestError('an initial token needs an id without "."', 'invalid_parameter');
    }
    if (auth.hasTokenId(token.id)) continue;
    let policies = sanitizePolicies([...token.policies, ...(token.noDefaultPolicy === true ? [] : ['default'])]);
    if (token.noDefaultPolicy === true) policies = policies.filter((p) => p !== 'default');
    const ttl = token.ttl === undefined ? 0 : parseDuration(token.ttl, 'ttl');
    const numUses = token.numUses ?? 0;
    if (ttl < 0 || !Number.isSafeInteger(numUses) || numUses < 0)
      throw new InvalidRequestError('an initial token needs ttl ≥ 0 and numUses ≥ 0', 'invalid_parameter');
    const now = auth.now().getTime();
    await auth.addToken({
      hash: hashToken(token.id),
      accessor: randomBase62(),
      parent: null,
      policies,
      path: 'auth/token/create',
      meta: token.meta === undefined ? null : { ...token.meta },
      displayName: token.displayName === undefined ? 'token' : `token-${token.displayName}`.replace(/[^A-Za-z0-9-]/g, '-').replace(/-$/, ''),
      numUses,
      creationTime: Math.floor(now / 1000),
      creationTtl: ttl,
      explicitMaxTtl: 0,
      period: 0,
      renewable: ttl > 0,
      issueTime: now,
      expireTime: ttl > 0 ? now + ttl * 1000 : null,
      lastRenewal: null,
      leaseTtl: ttl,
      ephemeral: false,
    });
  }
}

/**
 * Creates an OpenBao-compatible KV v2 HTTP server over kv2 stores.
 *
 * @example
 * ```ts
 * const server = createServer({ store: new MemoryKeyValueStore(), token: 'root' });
 * const { url } = await server.listen({ port: 0 });
 * // … curl -H "X-Vault-Token: root" $url/v1/secret/data/foo
 * await server.close();
 * ```
 */
export function createServer(options: ServerOptions): KvServer {
  return new Kv2Server(options);
}
