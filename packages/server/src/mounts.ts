import { InvalidRequestError, isPrintable, type BaseKeyValueStore } from '@kv2/core';
import { newMountRecord, type MountRecord, type MountTableHandler } from './mount-record.js';
import type { MountSource, StoreFactory } from './options.js';

const RESERVED = ['sys', 'auth', 'identity', 'cubbyhole', 'audit'];

/** One KV v2 mount. */
export interface Mount {
  /** The mount path without slashes, e.g. `secret` or `team/kv`. */
  readonly path: string;
  /** `path` plus `/`, as OpenBao names mounts (`secret/`). */
  readonly prefix: string;
  /** Stable per server run (or for good, when the table is persisted), shown by `sys/mounts`. */
  readonly accessor: string;
  /** Stable per server run (or for good, when the table is persisted), shown by `sys/mounts`. */
  readonly uuid: string;
  /** True when the mount exists in every namespace the factory accepts. */
  readonly namespaced: boolean;
  /** What `sys/mounts` shows about the mount (description, options, tuning…). */
  readonly record: MountRecord;
}

interface MountEntry extends Mount {
  record: MountRecord;
  readonly store: BaseKeyValueStore | undefined;
  readonly factory: StoreFactory | undefined;
  readonly cache: Map<string, Promise<BaseKeyValueStore | undefined>>;
  /** Requests running on the mount's store. */
  active: number;
  /** Set once the mount is disabled: requests that matched it before then answer as unrouted. */
  removed: boolean;
  /** Resolves when `active` drops to 0 (created by a disable that waits). */
  idle: (() => void) | undefined;
}

/** A request path resolved to a mount. */
export interface MountMatch {
  readonly mount: Mount;
  /** The path inside the mount (`data/foo`), `''` for the mount itself. */
  readonly rest: string;
}

/** Normalises a namespace as OpenBao does: no surrounding slashes; `root` is the root (`''`). */
export function normalizeNamespace(header: string | undefined): string {
  if (header === undefined) return '';
  let start = 0;
  let end = header.length;
  while (start < end && header[start] === '/') start++;
  while (end > start && header[end - 1] === '/') end--;
  const namespace = header.slice(start, end).trim();
  return namespace === 'root' ? '' : namespace;
}

/** Removes surrounding slashes and checks the path's shape; throws for a malformed or reserved path. */
function checkMountPath(raw: string): string {
  const path = raw.replace(/^\/+|\/+$/g, '');
  const segments = path.split('/');
  if (path === '' || !isPrintable(path) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidRequestError(`invalid mount path ${JSON.stringify(raw)}`, 'invalid_parameter');
  }
  if (RESERVED.includes(segments[0] as string)) {
    throw new InvalidRequestError(`mount path ${JSON.stringify(raw)} is reserved`, 'invalid_parameter');
  }
  return path;
}

/** The first mount whose path is `path`, lies inside it or contains it; undefined when none overlaps. */
function overlapping(entries: readonly MountEntry[], prefix: string): MountEntry | undefined {
  return entries.find((e) => e.prefix.startsWith(prefix) || prefix.startsWith(e.prefix));
}

function entryFor(record: MountRecord, source: MountSource): MountEntry {
  const factory = typeof source === 'function' ? source : undefined;
  return {
    path: record.path,
    prefix: `${record.path}/`,
    accessor: record.accessor,
    uuid: record.uuid,
    namespaced: factory !== undefined,
    record,
    store: factory === undefined ? (source as BaseKeyValueStore) : undefined,
    factory,
    cache: new Map(),
    active: 0,
    removed: false,
    idle: undefined,
  };
}

/** Thrown by {@link MountTable.track} for a request whose mount was disabled after it was routed. */
export class MountGoneError extends Error {
  constructor() {
    super('the mount was disabled');
    this.name = 'MountGoneError';
  }
}

/**
 * The KV v2 mounts a server serves and the stores behind them. Plain stores serve the root
 * namespace; factories are asked once per namespace and their answer (or refusal) is kept.
 * With a {@link MountTableHandler}, mounts can be enabled, tuned, moved and disabled at run
 * time, one change at a time.
 */
export class MountTable {
  #entries: MountEntry[];
  readonly #handler: MountTableHandler | undefined;
  /** Mount table changes, one at a time. */
  #changes: Promise<unknown> = Promise.resolve();
  /** Stores of disabled mounts that are still being closed (the server's close waits for them). */
  readonly #retiring = new Set<Promise<unknown>>();

  /**
   * @param sources - mount path → store or factory. Paths may not nest.
   * @param records - persisted descriptions of some of those mounts (accessor, uuid, tuning…), by path.
   * @param handler - makes run-time changes possible; without it the table is fixed.
   */
  constructor(sources: Readonly<Record<string, MountSource>>, records: Readonly<Record<string, MountRecord>> = {}, handler?: MountTableHandler) {
    const entries: MountEntry[] = [];
    for (const [raw, source] of Object.entries(sources)) {
      const path = checkMountPath(raw);
      if (typeof source !== 'function' && (typeof source !== 'object' || source === null || typeof source.read !== 'function')) {
        throw new InvalidRequestError(`mount ${JSON.stringify(raw)}: expected a store or a store factory`, 'invalid_parameter');
      }
      const given = Object.hasOwn(records, raw) ? records[raw] : Object.hasOwn(records, path) ? records[path] : undefined;
      entries.push(entryFor(given === undefined ? newMountRecord(path) : { ...given, path }, source));
    }
    if (entries.length === 0 && handler === undefined) throw new InvalidRequestError('at least one mount is required', 'invalid_parameter');
    for (const a of entries) {
      for (const b of entries) {
        if (a !== b && (a.path === b.path || b.prefix.startsWith(a.prefix))) {
          throw new InvalidRequestError(`mount paths ${JSON.stringify(a.path)} and ${JSON.stringify(b.path)} overlap`, 'invalid_parameter');
        }
      }
    }
    this.#handler = handler;
    this.#entries = sortEntries(entries);
  }

  /** True when mounts can be enabled and disabled at run time. */
  get changeable(): boolean {
    return this.#handler !== undefined;
  }

  /** True when some mount serves namespaces other than the root. */
  get hasNamespaces(): boolean {
    return this.#entries.some((e) => e.namespaced);
  }

  /** The mounts that exist in `namespace`. */
  visible(namespace: string): Mount[] {
    return this.#entries.filter((e) => namespace === '' || e.namespaced).sort((x, y) => (x.path < y.path ? -1 : 1));
  }

  /** The mount a logical path (`secret/data/foo`) falls in, within `namespace`. */
  match(path: string, namespace: string): MountMatch | undefined {
    for (const entry of this.#entries) {
      if (namespace !== '' && !entry.namespaced) continue;
      if (path.startsWith(entry.prefix)) return { mount: entry, rest: path.slice(entry.prefix.length) };
      if (path === entry.path) return { mount: entry, rest: '' };
    }
    return undefined;
  }

  /** The store behind `mount` in `namespace`, or undefined when the namespace does not exist. */
  store(mount: Mount, namespace: string): BaseKeyValueStore | undefined | Promise<BaseKeyValueStore | undefined> {
    const entry = mount as MountEntry;
    if (entry.factory === undefined) return namespace === '' ? entry.store : undefined;
    let cached = entry.cache.get(namespace);
    if (cached === undefined) {
      const factory = entry.factory;
      cached = Promise.resolve()
        .then(() => factory(namespace))
        .then((store) => store ?? undefined);
      entry.cache.set(namespace, cached);
      // A failing factory is asked again next time rather than remembered.
      cached.catch(() => entry.cache.delete(namespace));
    }
    return cached;
  }

  /**
   * Runs `work` (a request on `mount`'s store) so that a disable waits for it before closing the
   * store. Throws {@link MountGoneError} when the mount was disabled after the request matched it.
   */
  async track<T>(mount: Mount, work: () => Promise<T>): Promise<T> {
    const entry = mount as MountEntry;
    if (entry.removed) throw new MountGoneError();
    entry.active++;
    try {
      return await work();
    } finally {
      entry.active--;
      if (entry.active === 0) entry.idle?.();
    }
  }

  /** The root-namespace records, in path order: what a handler persists. */
  records(): MountRecord[] {
    return this.#entries.map((e) => e.record).sort((x, y) => (x.path < y.path ? -1 : 1));
  }

  /** The mount that overlaps `path` (the same, inside it or around it), if any. */
  overlapping(path: string): Mount | undefined {
    return overlapping(this.#entries, `${path}/`);
  }

  /** The mount at exactly `path`, if any. */
  exact(path: string): Mount | undefined {
    return this.#entries.find((e) => e.path === path);
  }

  /**
   * Adds a mount, once the handler has recorded it and opened its store. `check` runs inside the
   * change queue (so that two enables of one path cannot both pass it) and throws to refuse.
   */
  enable(record: MountRecord, check: () => void): Promise<void> {
    return this.#change(async () => {
      check();
      const handler = this.#requireHandler();
      const table = sortRecords([...this.records(), record]);
      await handler.save?.(table, { kind: 'enable', record });
      let store: BaseKeyValueStore;
      try {
        store = await handler.open(record);
      } catch (error) {
        await handler.save?.(this.records(), { kind: 'rollback', record });
        throw error;
      }
      this.#entries = sortEntries([...this.#entries, entryFor(record, store)]);
    });
  }

  /**
   * Removes the mount at `path` and its data: records the table without it (from then on it is
   * gone for clients), waits for its in-flight requests, closes its store(s), then lets the
   * handler remove the data. False when no mount is at `path`.
   */
  disable(path: string): Promise<boolean> {
    return this.#change(async () => {
      const entry = this.#entries.find((e) => e.path === path);
      if (entry === undefined) return false;
      const handler = this.#requireHandler();
      const rest = this.#entries.filter((e) => e !== entry);
      await handler.save?.(sortRecords(rest.map((e) => e.record)), { kind: 'disable', record: entry.record });
      this.#entries = rest;
      entry.removed = true;
      const retire = (async () => {
        if (entry.active > 0) await new Promise<void>((resolve) => (entry.idle = resolve));
        const stores = await storesOf(entry);
        await Promise.allSettled([...stores].map((s) => s.close()));
        await handler.destroy?.(entry.record);
      })();
      this.#retiring.add(retire);
      try {
        await retire;
      } finally {
        this.#retiring.delete(retire);
      }
      return true;
    });
  }

  /** Replaces the record of the mount at `path` with `update(record)`, durably. */
  tune(path: string, update: (record: MountRecord) => MountRecord): Promise<void> {
    return this.#change(async () => {
      const entry = this.#entries.find((e) => e.path === path);
      if (entry === undefined) throw new InvalidRequestError(`no mount at ${JSON.stringify(`${path}/`)}`, 'invalid_parameter');
      const record = { ...update(entry.record), path: entry.path };
      if (this.#handler?.save !== undefined) {
        const table = sortRecords(this.#entries.map((e) => (e === entry ? record : e.record)));
        await this.#handler.save(table, { kind: 'tune', record });
      }
      entry.record = record;
    });
  }

  /**
   * Moves the mount at `from` to `to` with its data (`check` runs inside the change queue and
   * throws to refuse). Requests already running on it finish on the same store.
   */
  remount(from: string, to: string, check: () => MountEntryView): Promise<void> {
    return this.#change(async () => {
      const view = check();
      const entry = view as MountEntry;
      const handler = this.#requireHandler();
      const record = { ...entry.record, path: to };
      const table = sortRecords([...this.#entries.filter((e) => e !== entry).map((e) => e.record), record]);
      await handler.save?.(table, { kind: 'remount', record, from });
      const moved: MountEntry = { ...entryFor(record, entry.store ?? (entry.factory as StoreFactory)), cache: entry.cache };
      this.#entries = sortEntries([...this.#entries.filter((e) => e !== entry), moved]);
    });
  }

  /** Closes every store this table holds (each once), collecting failures. */
  async closeAll(): Promise<unknown[]> {
    await this.#changes.catch(() => undefined);
    await Promise.allSettled([...this.#retiring]);
    const stores = new Set<BaseKeyValueStore>();
    for (const entry of this.#entries) for (const store of await storesOf(entry)) stores.add(store);
    const results = await Promise.allSettled([...stores].map((s) => s.close()));
    return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  }

  #requireHandler(): MountTableHandler {
    if (this.#handler === undefined) throw new InvalidRequestError("this server's mount table is fixed (no mountTable option)", 'invalid_parameter');
    return this.#handler;
  }

  #change<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#changes.then(work, work);
    this.#changes = next.catch(() => undefined);
    return next;
  }
}

/** A mount as {@link MountTable.remount}'s check returns it. */
export type MountEntryView = Mount;

async function storesOf(entry: MountEntry): Promise<Set<BaseKeyValueStore>> {
  const stores = new Set<BaseKeyValueStore>();
  if (entry.store !== undefined) stores.add(entry.store);
  for (const pending of entry.cache.values()) {
    const store = await pending.catch(() => undefined);
    if (store !== undefined) stores.add(store);
  }
  return stores;
}

// Longest first, so that the first match is the most specific.
function sortEntries(entries: MountEntry[]): MountEntry[] {
  return entries.sort((x, y) => y.path.length - x.path.length);
}

function sortRecords(records: MountRecord[]): MountRecord[] {
  return records.sort((x, y) => (x.path < y.path ? -1 : 1));
}
