import type { BaseKeyValueStore } from '@kv2/core';
import type { MountRecord, MountTableHandler } from './mount-record.js';
import type { AuthStorage } from './acl/tokens.js';
import type { ServerFaultOptions } from './faults.js';

/**
 * Returns the store that serves a mount in one namespace (`''` is the root namespace), or
 * `undefined`/`null` when that namespace does not exist (the client then gets 404
 * `namespace not found`). Called once per namespace and mount; the result is kept.
 */
export type StoreFactory = (namespace: string) => BaseKeyValueStore | null | undefined | Promise<BaseKeyValueStore | null | undefined>;

/** What serves a mount: one store (root namespace only), or a factory (every namespace it accepts). */
export type MountSource = BaseKeyValueStore | StoreFactory;

/** One log entry. Entries never contain tokens, secret data or secret paths. */
export interface ServerLogEntry {
  /** How serious the entry is. */
  readonly level: 'info' | 'warn' | 'error';
  /** A stable, machine-readable name: `listening`, `closing`, `closed`, `signal`, `internal_error`. */
  readonly event: string;
  /** A human-readable sentence. */
  readonly message: string;
  /** Extra facts (addresses, error class names, stack frames without messages). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** Receives the server's log entries. It is never called on the request hot path. */
export type ServerLogger = (entry: ServerLogEntry) => void;

/** A token that exists from the start (e.g. an application's token in a local set-up). */
export interface InitialToken {
  /** The token ID clients send (any opaque string without `.`; `s.`/`hvs.` prefixes are refused as in OpenBao). */
  readonly id: string;
  /** Policy names; `default` is added unless `noDefaultPolicy`. */
  readonly policies: readonly string[];
  /** Do not add `default`. */
  readonly noDefaultPolicy?: boolean | undefined;
  /** TTL (seconds or a duration like `1h`); default: never expires. */
  readonly ttl?: number | string | undefined;
  /** Uses before it is revoked; 0 = unlimited. */
  readonly numUses?: number | undefined;
  /** Shown as `token-<name>`. */
  readonly displayName?: string | undefined;
  /** Token metadata. */
  readonly meta?: Readonly<Record<string, string>> | undefined;
}

/** Options of {@link createServer}. Give exactly one of `store`, `stores` or `mounts`. */
export interface ServerOptions {
  /**
   * The root token (policy `root`, never expires). Clients send tokens as `X-Vault-Token` or
   * `Authorization: Bearer …`. Required and non-empty.
   */
  token: string;
  /** The store behind mount `mount`, in the root namespace. */
  store?: BaseKeyValueStore | undefined;
  /**
   * A store per namespace behind mount `mount`: namespaces (`X-Vault-Namespace`) keep separate
   * data. The factory may return undefined to refuse a namespace.
   */
  stores?: StoreFactory | undefined;
  /** The mount path used with `store`/`stores`. Default `secret`. */
  mount?: string | undefined;
  /**
   * Several KV v2 mounts: mount path → store or per-namespace factory, e.g.
   * `{ secret: storeA, team: (ns) => storeFor(ns) }`. Mount paths may not nest.
   */
  mounts?: Readonly<Record<string, MountSource>> | undefined;
  /**
   * Persisted descriptions (accessor, uuid, description, options, tuning) of mounts given by
   * `store`/`stores`/`mounts`, by mount path. Mounts without one get fresh identifiers.
   */
  mountRecords?: Readonly<Record<string, MountRecord>> | undefined;
  /**
   * Lets clients enable, tune, move and disable KV v2 mounts at run time (`sys/mounts/<path>`,
   * `sys/remount`), in the root namespace; the handler opens new mounts' stores and may persist
   * the table. Without it the mount table is fixed and such changes answer 400. With it, the
   * server may start with no mount at all.
   */
  mountTable?: MountTableHandler | undefined;
  /** The address to listen on. Default `127.0.0.1` (loopback only). */
  host?: string | undefined;
  /** The port to listen on when `listen()` is not given one. Default 8200; 0 picks a free port. */
  port?: number | undefined;
  /** Largest accepted request body; larger ones get 413 `http: request body too large`. Default 32 MiB. */
  maxRequestBytes?: number | undefined;
  /** Largest number of JSON strings (keys + string values) in a body. Default 1000, as OpenBao. */
  maxJsonStrings?: number | undefined;
  /**
   * How long a client may take to send a request head, from the connection's start (or the first
   * byte of a later request on a keep-alive connection); then it gets 408 and the connection is
   * closed. Default 10 000 ms, as OpenBao's `http_read_header_timeout`.
   */
  headerTimeoutMs?: number | undefined;
  /** Where log entries go. Default: nowhere. */
  logger?: ServerLogger | undefined;
  /**
   * Close gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests, close the
   * stores); a second signal during the close exits at once. Default false.
   */
  installSignalHandlers?: boolean | undefined;
  /** Close every store when the server closes. Default true. */
  closeStores?: boolean | undefined;
  /**
   * How long `close()` waits for open connections to finish before cutting them (in-flight
   * store operations still complete before the stores are closed). Default 10 000 ms.
   */
  shutdownTimeoutMs?: number | undefined;
  /**
   * ACL policies present from the start: name → HCL or JSON text. They replace stored policies
   * of the same name; `root` cannot be given.
   */
  policies?: Readonly<Record<string, string>> | undefined;
  /** Tokens present from the start (orphans, created if absent). */
  tokens?: readonly InitialToken[] | undefined;
  /**
   * Where policies and tokens persist between runs (see `fileAuthStorage`). Default: memory only.
   */
  authStorage?: AuthStorage | undefined;
  /**
   * The clock for token expiry and policy timestamps. Give the same clock as the store's (the
   * memory store's `now`) to move time in tests. Default: the system clock.
   */
  now?: (() => Date) | undefined;
  /** The version `sys/health` reports. Default `2.4.0-kv2`. */
  version?: string | undefined;
  /** The cluster name `sys/health` reports. Default `kv2`. */
  clusterName?: string | undefined;
  /**
   * Faults in place from the start, for testing clients' error paths (kv2-specific, not part of
   * OpenBao): start sealed, and/or fault rules as `POST sys/kv2/faults` adds them.
   */
  faults?: ServerFaultOptions | undefined;
}
