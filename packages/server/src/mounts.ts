import { randomUUID } from 'node:crypto';
import { InvalidRequestError, isPrintable, type BaseKeyValueStore } from '@kv2/core';
import type { MountSource, StoreFactory } from './options.js';

const RESERVED = ['sys', 'auth', 'identity', 'cubbyhole'];

/** One KV v2 mount. */
export interface Mount {
  /** The mount path without slashes, e.g. `secret` or `team/kv`. */
  readonly path: string;
  /** `path` plus `/`, as OpenBao names mounts (`secret/`). */
  readonly prefix: string;
  /** Stable per server run, shown by `sys/mounts`. */
  readonly accessor: string;
  /** Stable per server run, shown by `sys/mounts`. */
  readonly uuid: string;
  /** True when the mount exists in every namespace the factory accepts. */
  readonly namespaced: boolean;
}

interface MountEntry extends Mount {
  readonly store: BaseKeyValueStore | undefined;
  readonly factory: StoreFactory | undefined;
  readonly cache: Map<string, Promise<BaseKeyValueStore | undefined>>;
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

/**
 * The KV v2 mounts a server serves and the stores behind them. Plain stores serve the root
 * namespace; factories are asked once per namespace and their answer (or refusal) is kept.
 */
export class MountTable {
  readonly #entries: MountEntry[];

  /** @param sources - mount path → store or factory. Paths may not nest. */
  constructor(sources: Readonly<Record<string, MountSource>>) {
    const entries: MountEntry[] = [];
    for (const [raw, source] of Object.entries(sources)) {
      const path = checkMountPath(raw);
      const factory = typeof source === 'function' ? source : undefined;
      if (factory === undefined && (typeof source !== 'object' || source === null || typeof source.read !== 'function')) {
        throw new InvalidRequestError(`mount ${JSON.stringify(raw)}: expected a store or a store factory`, 'invalid_parameter');
      }
      entries.push({
        path,
        prefix: `${path}/`,
        accessor: `kv_${randomUUID().slice(0, 8)}`,
        uuid: randomUUID(),
        namespaced: factory !== undefined,
        store: factory === undefined ? (source as BaseKeyValueStore) : undefined,
        factory,
        cache: new Map(),
      });
    }
    if (entries.length === 0) throw new InvalidRequestError('at least one mount is required', 'invalid_parameter');
    for (const a of entries) {
      for (const b of entries) {
        if (a !== b && (a.path === b.path || b.prefix.startsWith(a.prefix))) {
          throw new InvalidRequestError(`mount paths ${JSON.stringify(a.path)} and ${JSON.stringify(b.path)} overlap`, 'invalid_parameter');
        }
      }
    }
    // Longest first, so that the first match is the most specific.
    this.#entries = entries.sort((x, y) => y.path.length - x.path.length);
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

  /** Closes every store this table holds (each once), collecting failures. */
  async closeAll(): Promise<unknown[]> {
    const stores = new Set<BaseKeyValueStore>();
    for (const entry of this.#entries) {
      if (entry.store !== undefined) stores.add(entry.store);
      for (const pending of entry.cache.values()) {
        const store = await pending.catch(() => undefined);
        if (store !== undefined) stores.add(store);
      }
    }
    const results = await Promise.allSettled([...stores].map((s) => s.close()));
    return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  }
}
