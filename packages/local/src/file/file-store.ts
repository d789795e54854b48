import { mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidRequestError, StoreUnavailableError, type MountConfig, type MountConfigUpdate, type StoreCapabilities } from '@kv2/core';
import { Low } from 'lowdb';
import { isMutation, type Change, type Command, type CommandResult } from '../engine/commands.js';
import { emptyDocument, type KeyRecord, type StoreDocument } from '../engine/document.js';
import { applyChanges, executeCommand } from '../engine/engine.js';
import { EngineKeyValueStore } from '../engine-store.js';
import { StoreFileAdapter } from './adapter.js';
import { removeLeftoverTemporaryFiles } from './atomic-write.js';
import { DocumentCodec, type StoreContent } from './codec.js';
import { EncryptionSecret, type EncryptionOptions } from './encryption.js';
import { currentIdentity, isNotFound, sameIdentity } from './identity.js';
import { FileLock, lockSettings, type FileLockOptions, type FileLockSettings, type HeldLock } from './lock.js';
import { SerialQueue } from './serial-queue.js';

/** Options for {@link FileKeyValueStore}. */
export interface FileStoreOptions {
  /** The store file. Created (folder 0700, file 0600) when missing; shared safely by any number of processes. */
  file: string;
  /** The mount configuration of a new file; ignored when the file exists (change it with `writeConfig`). */
  config?: MountConfigUpdate | undefined;
  /** The clock; tests pass their own to move time for `deleteVersionAfter`. */
  now?: (() => Date) | undefined;
  /**
   * Encrypts each version's data at rest with AES-256-GCM: a raw 32-byte key, or a passphrase
   * (stretched with scrypt, N = 2^17, r = 8, p = 1, salt stored in the file). A new file is
   * created encrypted; an existing file must have been created with the same key or passphrase.
   */
  encryption?: EncryptionOptions | undefined;
  /** Lock timings; see {@link FileLockSettings} for the defaults and the recovery bound they give. */
  lock?: FileLockOptions | undefined;
}

/** What opening the file settled: its real path and the objects that work on it. */
interface OpenFile {
  readonly path: string;
  readonly lock: FileLock;
  readonly codec: DocumentCodec;
  readonly adapter: StoreFileAdapter;
}

// How often (at most) a writer looks for temporary files left by killed writers: on its first write, then once a minute.
const SWEEP_INTERVAL_MS = 60_000;

const CAPABILITIES: StoreCapabilities = Object.freeze({ extensions: true, mountConfig: true, controllableClock: true });

/**
 * The KV v2 engine over one JSON file (through lowdb), shared safely between processes.
 *
 * - Every mutation takes the file's lock (proper-lockfile), reloads the file if another process
 *   changed it, applies the engine command and replaces the file atomically and durably
 *   (temporary file, fsync, rename, fsync of the folder) before releasing the lock. A write that
 *   resolved is on disk; a rejected command or one that changes nothing writes nothing.
 * - Reads take no lock. They see every write completed before they began, and cost one `stat`
 *   when nothing changed (the file is re-read only after another process wrote it).
 * - A holder that dies blocks other writers for at most `lockRecoveryBoundMs(settings)` (6.05 s
 *   with the defaults: stale after 5 s, refreshed every second). A writer waits up to 15 s for a
 *   held lock, then fails with `StoreUnavailableError` (`store_locked`).
 * - A file that is empty, not JSON or not a valid store document fails with
 *   `StoreCorruptedError` and is never modified.
 *
 * @example
 * ```ts
 * const store = new FileKeyValueStore({ file: '.kv2/secrets.json' });
 * await store.write('app/db', { password: 's3cr3t' });
 * const { data } = await store.read('app/db');
 * await store.close();
 * ```
 */
export class FileKeyValueStore extends EngineKeyValueStore {
  // Private fields stay out of util.inspect and JSON.stringify: the store holds secrets and keys.
  readonly #file: string;
  readonly #now: () => Date;
  readonly #config: MountConfig;
  readonly #secret: EncryptionSecret | null;
  readonly #lockSettings: FileLockSettings;
  readonly #queue = new SerialQueue();
  #opening: Promise<OpenFile> | undefined;
  /** The generation of the file this instance last loaded or wrote: the committed state. */
  #current: Low<StoreContent> | undefined;
  #held: HeldLock | undefined;
  #sweptAt = -Infinity;
  #closed = false;

  constructor(options: FileStoreOptions) {
    super();
    if (typeof options !== 'object' || options === null || typeof options.file !== 'string' || options.file === '') {
      throw new InvalidRequestError('FileKeyValueStore needs options.file, the path of the store file', 'invalid_parameter');
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new InvalidRequestError('options.now must be a function returning a Date', 'invalid_parameter');
    }
    this.#file = resolve(options.file);
    this.#now = options.now ?? (() => new Date());
    this.#lockSettings = lockSettings(options.lock);
    this.#secret = options.encryption === undefined ? null : new EncryptionSecret(options.encryption);
    const initial = emptyDocument();
    if (options.config !== undefined) {
      applyChanges(initial, executeCommand(initial, { op: 'writeConfig', update: options.config }, this.#now()).changes);
    }
    this.#config = initial.config;
  }

  override get capabilities(): StoreCapabilities {
    return CAPABILITIES;
  }

  /** The absolute path of the store file, as given (before symbolic links are resolved). */
  get file(): string {
    return this.#file;
  }

  protected override async execute<C extends Command>(command: C): Promise<CommandResult<C>> {
    this.#assertOpen();
    if (isMutation(command)) return this.#queue.run(() => this.#mutate(command));
    const content = await this.#currentContent(await this.#open());
    return executeCommand(content.doc, command, this.#now()).result;
  }

  /** Lock → reload if changed → apply → durable write → unlock. Runs alone (the queue). */
  async #mutate<C extends Command>(command: C): Promise<CommandResult<C>> {
    const file = await this.#open();
    const lock = await file.lock.acquire();
    this.#held = lock;
    try {
      // A writer killed mid-write leaves its temporary file; under the lock none is in use.
      if (performance.now() - this.#sweptAt >= SWEEP_INTERVAL_MS) {
        await removeLeftoverTemporaryFiles(file.path);
        this.#sweptAt = performance.now();
      }
      const base = await this.#currentContent(file);
      if (base.encryption?.damage !== undefined) throw base.encryption.damage;
      const outcome = executeCommand(base.doc, command, this.#now());
      if (outcome.changes.length === 0) return outcome.result;
      const replacing = replacementsOnly(base.doc, outcome.changes);
      if (replacing !== undefined) {
        // Only existing keys get new records (the common write): the file is written with them
        // in place, and the committed document is changed in place once they are durable.
        // Readers keep seeing the committed records until then. Copying a large key map would
        // cost more than the write.
        const content = base.encryption === null ? await file.codec.create(base.doc) : { doc: base.doc, encryption: base.encryption };
        await this.#commit(file, { ...content, replacing }, () => applyChanges(base.doc, outcome.changes));
        return outcome.result;
      }
      // A shallow copy: readers keep seeing the committed document until the new one is on disk.
      const doc: StoreDocument = { format: base.doc.format, config: base.doc.config, keys: { ...base.doc.keys } };
      applyChanges(doc, outcome.changes);
      await this.#commit(file, base.encryption === null ? await file.codec.create(doc) : { doc, encryption: base.encryption });
      return outcome.result;
    } finally {
      this.#held = undefined;
      // A lock that cannot be removed goes stale and is taken over within the recovery bound;
      // the write itself is already durable, so its result stands.
      await lock.release().catch(() => undefined);
    }
  }

  /** Writes `content` durably, then runs `written` (if given) and makes it the committed content. */
  async #commit(file: OpenFile, content: StoreContent, written?: () => void): Promise<void> {
    const db = new Low<StoreContent>(file.adapter, content);
    await db.write();
    written?.();
    this.#install(file, db);
  }

  /**
   * The committed content, reloaded first if the file changed since this instance last saw it
   * (one `stat` when it did not). Throws the file's StoreCorruptedError or EncryptionKeyError.
   */
  async #currentContent(file: OpenFile): Promise<StoreContent> {
    for (;;) {
      const seen = this.#current;
      const identity = currentIdentity(file.path);
      if (seen !== undefined && sameIdentity(file.adapter.identityOf(seen.data) ?? null, identity)) return seen.data;
      const failure = file.adapter.failureFor(identity);
      if (failure !== undefined) throw failure;
      // A missing file reads as a new, empty store; the next write creates it.
      const db = new Low<StoreContent>(file.adapter, { doc: this.#initialDocument(), encryption: null });
      await db.read();
      if (this.#current !== seen) {
        // Another call installed a generation meanwhile; which one is newer is unknown, so look again.
        await file.adapter.forget(db.data);
        continue;
      }
      this.#install(file, db);
      return db.data;
    }
  }

  #install(file: OpenFile, db: Low<StoreContent>): void {
    const previous = this.#current;
    if (this.#closed) {
      void file.adapter.forget(db.data).catch(() => undefined);
      return;
    }
    this.#current = db;
    if (previous !== undefined && previous.data !== db.data) void file.adapter.forget(previous.data).catch(() => undefined);
  }

  #initialDocument(): StoreDocument {
    return { ...emptyDocument(), config: { ...this.#config } };
  }

  #open(): Promise<OpenFile> {
    this.#opening ??= this.#openFile().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async #openFile(): Promise<OpenFile> {
    await mkdir(dirname(this.#file), { recursive: true, mode: 0o700 });
    const path = await realFilePath(this.#file);
    const codec = new DocumentCodec(path, this.#secret);
    const file: OpenFile = {
      path,
      codec,
      lock: new FileLock(path, this.#lockSettings),
      adapter: new StoreFileAdapter(path, codec, () => this.#verifyLock()),
    };
    if (currentIdentity(path) === null) await this.#create(file);
    return file;
  }

  /** Creates the file with the initial configuration, unless another process did first. */
  async #create(file: OpenFile): Promise<void> {
    const lock = await file.lock.acquire();
    this.#held = lock;
    try {
      if (currentIdentity(file.path) !== null) return;
      await this.#commit(file, await file.codec.create(this.#initialDocument()));
    } finally {
      this.#held = undefined;
      await lock.release().catch(() => undefined);
    }
  }

  async #verifyLock(): Promise<void> {
    if (this.#held === undefined) throw new Error('kv2 internal error: writing the store file without holding its lock');
    await this.#held.verify();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreUnavailableError(`the store for ${JSON.stringify(this.#file)} is closed`, 'store_closed');
  }

  /**
   * Waits for the writes already started, then releases the open file. Later calls fail with
   * StoreUnavailableError (`store_closed`). The lock is held only during a write, so none is
   * held once this resolves.
   */
  override async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.drain();
    const file = await this.#opening?.catch(() => undefined);
    const current = this.#current;
    this.#current = undefined;
    if (file !== undefined) {
      if (current !== undefined) await file.adapter.forget(current.data);
      await file.adapter.close();
    }
  }

  /** A summary without any secret data. */
  override toString(): string {
    return `FileKeyValueStore(${this.#file}${this.#secret === null ? '' : ', encrypted'})`;
  }

  toJSON(): { type: string; file: string; encrypted: boolean } {
    return { type: 'FileKeyValueStore', file: this.#file, encrypted: this.#secret !== null };
  }
}

/**
 * The new records by path when every change gives an existing key a new record (no key added
 * or removed, no config change); otherwise undefined.
 */
function replacementsOnly(doc: StoreDocument, changes: readonly Change[]): Map<string, KeyRecord> | undefined {
  const replacing = new Map<string, KeyRecord>();
  for (const change of changes) {
    if (change.kind !== 'key' || change.record === null || !Object.hasOwn(doc.keys, change.path)) return undefined;
    replacing.set(change.path, change.record);
  }
  return replacing;
}

/** The real path of `file` (symbolic links resolved), also when it does not exist yet. */
async function realFilePath(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return join(await realpath(dirname(file)), basename(file));
}
