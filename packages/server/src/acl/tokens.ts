import { createHash, randomBytes } from 'node:crypto';
import { Acl } from './acl.js';
import { DEFAULT_POLICY_TEXT, parsePolicyText, type PathRule } from './policy.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 24 random base62 characters, as OpenBao's token IDs and accessors use. */
export function randomBase62(length = 24): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting larger bytes keeps the characters uniform.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** How a token is stored and looked up: never the token itself. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** One stored policy. */
export interface StoredPolicy {
  readonly name: string;
  readonly text: string;
  readonly version: number;
  /** RFC 3339, when it was last written. */
  readonly modified: string;
  readonly casRequired: boolean;
}

/** One token as stored: the hash of its ID, never the ID. */
export interface TokenEntry {
  readonly hash: string;
  readonly accessor: string;
  /** Hash of the parent's ID; null for orphans. */
  readonly parent: string | null;
  readonly policies: readonly string[];
  readonly path: string;
  readonly meta: Readonly<Record<string, string>> | null;
  readonly displayName: string;
  /** Remaining uses; 0 unlimited; -1 while its last use is being served. */
  numUses: number;
  /** Unix seconds. */
  readonly creationTime: number;
  readonly creationTtl: number;
  readonly explicitMaxTtl: number;
  readonly period: number;
  readonly renewable: boolean;
  /** Epoch ms of the lease's issue; null for a token without a lease (the init root token). */
  readonly issueTime: number | null;
  /** Epoch ms; null when it never expires. */
  expireTime: number | null;
  /** Epoch ms of the last renewal, or null. */
  lastRenewal: number | null;
  /** Current lease TTL in seconds (what renewals without an increment reuse). */
  leaseTtl: number;
  /** The configured root token: rebuilt at every start, never persisted. */
  readonly ephemeral: boolean;
}

/** What is persisted: every policy and every (non-ephemeral) token. */
interface AuthState {
  readonly format: 'kv2-auth/1';
  readonly policies: StoredPolicy[];
  readonly tokens: TokenEntry[];
}

/** Where a server keeps its policies and tokens between runs. */
export interface AuthStorage {
  /** The saved state's text, or undefined when nothing was saved yet. */
  load(): Promise<string | undefined>;
  /** Replaces the saved state durably and atomically. */
  save(text: string): Promise<void>;
}

/**
 * The policy store and token store of one server: policies by name (with `default`, and the
 * virtual `root`), tokens by the hash of their ID with an accessor index and a parent→children
 * index. Expiry is lazy (checked on every lookup) on the injected clock.
 */
export class AuthStore {
  readonly #policies = new Map<string, StoredPolicy>();
  readonly #parsed = new Map<string, readonly PathRule[]>();
  readonly #tokens = new Map<string, TokenEntry>();
  readonly #byAccessor = new Map<string, string>();
  readonly #children = new Map<string, Set<string>>();
  readonly #storage: AuthStorage | undefined;
  readonly now: () => Date;
  /** ACLs by policy list; dropped whenever a policy changes, so edits apply at once. */
  readonly #acls = new Map<string, Acl>();
  /** The last token each connection presented and its hash: keep-alive clients skip the hashing. */
  readonly #connections = new WeakMap<object, { token: string; hash: string }>();
  #saving: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(options: { now: () => Date; storage?: AuthStorage | undefined }) {
    this.now = options.now;
    this.#storage = options.storage;
  }

  /** Loads the saved state (if any) and creates `default` when absent. */
  async open(): Promise<void> {
    const text = this.#storage === undefined ? undefined : await this.#storage.load();
    if (text !== undefined) {
      let state: AuthState;
      try {
        state = JSON.parse(text) as AuthState;
      } catch {
        throw new Error('the saved policies and tokens are not valid JSON (a damaged auth file?)');
      }
      if (state.format !== 'kv2-auth/1') throw new Error('the saved policies and tokens have an unknown format');
      for (const policy of state.policies) {
        this.#policies.set(policy.name, policy);
        this.#parsed.set(policy.name, await parsePolicyText(policy.text, this.now()));
      }
      for (const token of state.tokens) this.#index({ ...token, ephemeral: false });
    }
    if (!this.#policies.has('default')) {
      await this.setPolicy('default', DEFAULT_POLICY_TEXT, undefined, { initial: true });
    }
  }

  // ---- policies ----

  /** Sorted names (without `root`). */
  policyNames(): string[] {
    return [...this.#policies.keys()].sort((a, b) => {
      // Storage-scan order: flat names first, then names containing `/`.
      const da = a.includes('/');
      const db = b.includes('/');
      if (da !== db) return da ? 1 : -1;
      return a < b ? -1 : a > b ? 1 : 0;
    });
  }

  /** The stored policy `name` (already normalised), or undefined. */
  getPolicy(name: string): StoredPolicy | undefined {
    return this.#policies.get(name);
  }

  /** Stores a policy (already validated by the caller's parse); CAS as OpenBao. Returns an error text or null. */
  async setPolicy(
    name: string,
    text: string,
    cas: number | undefined,
    options: { casRequired?: boolean; initial?: boolean } = {},
  ): Promise<string | null> {
    const rules = await parsePolicyText(text, this.now());
    const existing = this.#policies.get(name);
    const casRequired = (existing?.casRequired ?? false) || (options.casRequired ?? false);
    if (cas === undefined && casRequired) return 'check-and-set parameter required for this call';
    if (cas !== undefined) {
      if (cas === -1 && existing !== undefined) return 'check-and-set parameter set to -1 on existing entry';
      if (cas !== -1 && cas !== (existing?.version ?? 0)) return 'check-and-set parameter did not match the current version';
    }
    this.#policies.set(name, {
      name,
      text,
      version: (existing?.version ?? 0) + 1,
      modified: this.now().toISOString(),
      casRequired: options.casRequired ?? false,
    });
    this.#parsed.set(name, rules);
    this.#acls.clear();
    await this.#persist();
    return null;
  }

  /** Removes a policy (nothing happens when it does not exist); tokens naming it lose its rules at once. */
  async deletePolicy(name: string): Promise<void> {
    if (!this.#policies.delete(name)) return;
    this.#parsed.delete(name);
    this.#acls.clear();
    await this.#persist();
  }

  /** The ACL of a policy list (rebuilt from the current texts, so edits apply at once). */
  acl(policies: readonly string[]): Acl {
    const key = policies.join('\n');
    let acl = this.#acls.get(key);
    if (acl === undefined) {
      if (policies.includes('root')) {
        acl = new Acl([], true);
      } else {
        const rules: Array<readonly PathRule[]> = [];
        for (const name of policies) {
          const parsed = this.#parsed.get(name);
          if (parsed !== undefined) rules.push(parsed);
        }
        acl = new Acl(rules);
      }
      this.#acls.set(key, acl);
    }
    return acl;
  }

  // ---- tokens ----

  #index(entry: TokenEntry): void {
    this.#tokens.set(entry.hash, entry);
    this.#byAccessor.set(entry.accessor, entry.hash);
    if (entry.parent !== null) {
      let set = this.#children.get(entry.parent);
      if (set === undefined) this.#children.set(entry.parent, (set = new Set()));
      set.add(entry.hash);
    }
  }

  /** Adds a token (created by the token handlers or at start-up). */
  async addToken(entry: TokenEntry): Promise<void> {
    this.#index(entry);
    if (!entry.ephemeral) await this.#persist();
  }

  /** True when a token with this ID exists (live or not yet swept). */
  hasTokenId(id: string): boolean {
    return this.#tokens.has(hashToken(id));
  }

  #expired(entry: TokenEntry): boolean {
    return entry.expireTime !== null && entry.expireTime <= this.now().getTime();
  }

  /** The live token behind a hash; an expired one is revoked (with its tree) and reported absent. */
  async #live(hash: string | undefined): Promise<TokenEntry | undefined> {
    if (hash === undefined) return undefined;
    const entry = this.#tokens.get(hash);
    if (entry === undefined) return undefined;
    if (this.#expired(entry)) {
      await this.revokeTree(hash);
      return undefined;
    }
    return entry;
  }

  /**
   * The live token with this ID, or undefined. `connection` (the request's socket) remembers
   * the hash of what that connection presented last.
   */
  lookup(id: string, connection?: object): Promise<TokenEntry | undefined> {
    if (connection === undefined) return this.#live(hashToken(id));
    const last = this.#connections.get(connection);
    if (last !== undefined && last.token === id) return this.#live(last.hash);
    const hash = hashToken(id);
    this.#connections.set(connection, { token: id, hash });
    return this.#live(hash);
  }

  /** The live token with this accessor, or undefined. */
  lookupAccessor(accessor: string): Promise<TokenEntry | undefined> {
    return this.#live(this.#byAccessor.get(accessor));
  }

  /** Consumes one use of a limited-use token; returns true when this was its last use. */
  async consumeUse(entry: TokenEntry): Promise<boolean> {
    if (entry.numUses <= 0) return false;
    entry.numUses -= 1;
    if (entry.numUses === 0) {
      entry.numUses = -1;
      return true;
    }
    await this.#persist();
    return false;
  }

  /** Revokes a token and all its descendants. */
  async revokeTree(hash: string): Promise<void> {
    const stack = [hash];
    let persistent = false;
    while (stack.length > 0) {
      const current = stack.pop() as string;
      const entry = this.#tokens.get(current);
      for (const child of this.#children.get(current) ?? []) stack.push(child);
      this.#children.delete(current);
      if (entry === undefined) continue;
      persistent ||= !entry.ephemeral;
      this.#tokens.delete(current);
      this.#byAccessor.delete(entry.accessor);
      if (entry.parent !== null) this.#children.get(entry.parent)?.delete(current);
    }
    if (persistent) await this.#persist();
  }

  /** Revokes only `hash`; its direct children become orphans. */
  async revokeOrphan(hash: string): Promise<void> {
    const children = this.#children.get(hash) ?? new Set<string>();
    for (const child of children) {
      const entry = this.#tokens.get(child);
      if (entry !== undefined) this.#tokens.set(child, { ...entry, parent: null });
    }
    this.#children.delete(hash);
    await this.revokeTree(hash);
  }

  /** Records a renewal. */
  async renew(entry: TokenEntry, ttl: number): Promise<void> {
    const now = this.now().getTime();
    entry.expireTime = now + ttl * 1000;
    entry.leaseTtl = ttl;
    entry.lastRenewal = now;
    await this.#persist();
  }

  /** Names of policies that exist (for `Policy "x" does not exist` warnings). */
  policyExists(name: string): boolean {
    return name === 'root' || this.#policies.has(name);
  }

  // ---- persistence ----

  /** The persisted state as text. */
  serialise(): string {
    const state: AuthState = {
      format: 'kv2-auth/1',
      policies: [...this.#policies.values()],
      tokens: [...this.#tokens.values()].filter((t) => !t.ephemeral).map((t) => ({ ...t, ephemeral: false })),
    };
    return JSON.stringify(state);
  }

  // Saves are serialised, and coalesced: a save that starts late writes the newest state.
  #persist(): Promise<void> {
    if (this.#storage === undefined) return Promise.resolve();
    const storage = this.#storage;
    this.#dirty = true;
    this.#saving = this.#saving
      .catch(() => undefined)
      .then(async () => {
        if (!this.#dirty) return;
        this.#dirty = false;
        await storage.save(this.serialise());
      });
    return this.#saving;
  }

  /** Waits for pending saves. */
  flush(): Promise<void> {
    return this.#saving.catch(() => undefined);
  }

  /** Never shows tokens or policies. */
  toString(): string {
    return `AuthStore(${this.#policies.size} policies, ${this.#tokens.size} tokens)`;
  }

  /** Never shows tokens or policies. */
  toJSON(): { type: string; policies: number; tokens: number } {
    return { type: 'AuthStore', policies: this.#policies.size, tokens: this.#tokens.size };
  }
}
