import { statSync } from 'node:fs';
import { mkdir, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  InvalidRequestError,
  StoreCorruptedError,
  StoreUnavailableError,
  type MountConfig,
  type MountConfigUpdate,
  type StoreCapabilities,
} from '@kv2/core';
import { Low } from 'lowdb';
import { isMutation, type Change, type Command, type CommandResult } from '../engine/commands.js';
import { emptyDocument, type KeyRecord, type StoreDocument } from '../engine/document.js';
import { applyChanges, executeCommand } from '../engine/engine.js';
import { ListingCache } from '../engine/listing.js';
import { EngineKeyValueStore } from '../engine/engine-store.js';
import { StoreFileAdapter } from './adapter.js';
import { removeLeftoverTemporaryFiles, syncFolder } from './atomic-write.js';
import { DocumentCodec, type JournalCommit, type StoreContent } from './codec.js';
import { EncryptionSecret, type EncryptionOptions } from './encryption.js';
import { GroupCommit, type Settled } from './group-commit.js';
import { currentIdentity, isNotFound, sameIdentity, type FileIdentity } from './identity.js';
import { JournalFile, journalPathFor } from './journal-file.js';
import { DamagedFrameError, encodeFrame, scanFrames } from './journal-frames.js';
import { FileLock, lockSettings, type FileLockOptions, type FileLockSettings, type HeldLock } from './lock.js';
import { LockLease } from './lock-lease.js';
import { SerialQueue } from './serial-queue.js';
import { storeErrorFrom } from './system-errors.js';
import { fileStoreStep } from './test-hooks.js';

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
  readonly journalPath: string;
  readonly lock: LockLease;
  readonly codec: DocumentCodec;
  readonly adapter: StoreFileAdapter;
}

/** What this instance knows of the store on disk: one snapshot, with the journal's later commits applied. */
interface Loaded {
  /** The snapshot as lowdb read or wrote it; its `doc` has every commit up to `seq` applied in place. */
  readonly content: StoreContent;
  /** The snapshot file it came from; null when there is no snapshot file. */
  readonly snapshot: FileIdentity | null;
  /** The last commit applied. */
  seq: number;
  /** The listings of `content.doc`, forgotten by every commit that adds or removes a key. */
  readonly listings: ListingCache;
  /** The journal read so far (`end`: the offset past its last intact record), or null when there is none. */
  journal: { readonly file: JournalFile; end: number } | null;
}

// How often (at most) a writer looks for temporary files left by killed writers: on its first write, then once a minute.
const SWEEP_INTERVAL_MS = 60_000;
// The journal is folded into a new snapshot once it is larger than the snapshot, and at least this large.
const MIN_COMPACTION_BYTES = 1 << 20;

const CAPABILITIES: StoreCapabilities = Object.freeze({ extensions: true, mountConfig: true, controllableClock: true });

/**
 * The KV v2 engine over a JSON snapshot (read and written through lowdb) and an append-only
 * journal beside it, shared safely between processes.
 *
 * - Mutations are committed in groups: those that arrive while a commit is in flight wait and
 *   go together in the next one. A commit takes the file lock (proper-lockfile), reads what
 *   other processes appended to the journal since, runs each mutation through the engine in
 *   order (each sees the state the previous ones left), appends one journal record for the
 *   group and fsyncs it once, releases the lock, and only then settles each caller's promise.
 *   A write costs what it changes, not what the store holds.
 * - Reads take no lock. They see every write completed before they began and cost two `stat`s
 *   while nothing changed; after another process wrote, only the journal's new tail is read.
 * - When the journal outgrows the snapshot, and on `close()`, it is folded into a new snapshot
 *   (temporary file, fsync, rename, fsync of the folder) and starts afresh; a closed store is
 *   again one plain JSON file. A crash at any point loses nothing that was acknowledged.
 * - A holder of the lock that dies blocks other writers for at most `lockRecoveryBoundMs(settings)`
 *   (6.05 s with the defaults). A writer waits up to 15 s for a held lock, then fails with
 *   `StoreUnavailableError` (`store_locked`).
 * - A snapshot or journal that cannot be parsed fails with `StoreCorruptedError` and is never
 *   modified. A journal record torn by a crash (never acknowledged) is dropped.
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
  readonly #commits = new GroupCommit<Command, unknown>(
    (commands) => this.#commitGroup(commands),
    () => this.#compactIfDue(),
  );
  /** Group commits and compactions of this instance, one at a time. */
  readonly #exclusive = new SerialQueue();
  #opening: Promise<OpenFile> | undefined;
  /** The newest state this instance has read or committed. */
  #loaded: Loaded | undefined;
  /** Serialises reloads, so that two calls never read the same journal tail twice. */
  #reloading: Promise<Loaded> | undefined;
  #held: HeldLock | undefined;
  /**
   * True while this instance holds the lock with `#loaded` up to date: nothing on disk can be
   * newer, so reads use memory (and do not mistake this instance's own append for news).
   */
  #newest = false;
  #committed = false;
  #sweptAt = -Infinity;
  #closing: Promise<void> | undefined;
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
    try {
      if (isMutation(command)) return (await this.#commits.submit(command)) as CommandResult<C>;
      const file = await this.#open();
      const loaded =
        this.#loaded !== undefined && (this.#newest || this.#unchanged(file, this.#loaded)) ? this.#loaded : await this.#reload(file, false);
      return executeCommand(loaded.content.doc, command, this.#now(), loaded.listings).result;
    } catch (error) {
      throw storeErrorFrom(error, this.#file);
    }
  }

  /** Commits a group of mutations with one journal record and one fsync (see the class comment). */
  async #commitGroup(commands: readonly Command[]): Promise<Array<Settled<unknown>>> {
    const file = await this.#open();
    return this.#underLock(file, async () => {
      let loaded = await this.#reload(file, true);
      if (loaded.snapshot === null) loaded = await this.#createSnapshot(file);
      if (loaded.journal === null) {
        const created = await this.#createJournal(file, loaded.seq + 1);
        loaded.journal = { file: created, end: await created.size() };
      }
      const journal = loaded.journal;
      this.#newest = true;
      try {
        const { outcomes, commit } = this.#runGroup(loaded, commands);
        if (commit === undefined) return outcomes;
        const record = encodeFrame(file.codec.encodeCommit(commit, loaded.content.encryption));
        await this.#verifyLock();
        await fileStoreStep(this, 'before-append');
        try {
          await journal.file.append(record, journal.end);
        } catch (error) {
          // Nothing of a failed group may stay behind for a later reader to apply.
          await journal.file.truncate(journal.end).catch(() => undefined);
          throw error;
        }
        applyCommit(loaded, commit);
        loaded.seq = commit.seq;
        journal.end += record.length;
        this.#committed = true;
        await fileStoreStep(this, 'after-append');
        return outcomes;
      } finally {
        this.#newest = false;
      }
    });
  }

  /**
   * Runs each command against the loaded document in order, each seeing the changes of those
   * before it, then puts the document back as it was: all synchronously, so no reader ever sees
   * a change before it is durable. Returns each command's outcome and the group's net changes.
   */
  #runGroup(loaded: Loaded, commands: readonly Command[]): { outcomes: Array<Settled<unknown>>; commit: JournalCommit | undefined } {
    const doc = loaded.content.doc;
    const outcomes: Array<Settled<unknown>> = [];
    const undo: Change[][] = [];
    const keys = new Map<string, KeyRecord | null>();
    let config: MountConfig | undefined;
    try {
      for (const command of commands) {
        try {
          const outcome = executeCommand(doc, command, this.#now());
          outcomes.push({ ok: true, value: outcome.result });
          if (outcome.changes.length === 0) continue;
          undo.push(applyChanges(doc, outcome.changes, loaded.listings));
          for (const change of outcome.changes) {
            if (change.kind === 'config') config = change.config;
            else keys.set(change.path, change.record);
          }
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    } finally {
      for (let i = undo.length - 1; i >= 0; i--) applyChanges(doc, undo[i] as Change[], loaded.listings);
    }
    if (undo.length === 0) return { outcomes, commit: undefined };
    return { outcomes, commit: { seq: loaded.seq + 1, config, keys } };
  }

  /** After a group: folds the journal into a new snapshot once it has outgrown the snapshot. */
  async #compactIfDue(): Promise<void> {
    const loaded = this.#loaded;
    if (this.#closing !== undefined || loaded?.journal == null || loaded.snapshot === null) return;
    if (loaded.journal.end < Math.max(MIN_COMPACTION_BYTES, Number(loaded.snapshot.size))) return;
    await this.#compact(false);
  }

  /**
   * Writes a new snapshot holding every commit (through lowdb: temporary file, fsync, rename,
   * fsync of the folder), then replaces the journal by an empty one (or removes it, on close).
   * A crash between the two steps leaves a snapshot that already holds the old journal's
   * records; they are skipped by number when the store is next read.
   */
  async #compact(removeJournal: boolean): Promise<void> {
    const file = await this.#open();
    await this.#underLock(file, async () => {
      let loaded = await this.#reload(file, true);
      if (loaded.snapshot === null) return;
      this.#newest = true;
      try {
        if (loaded.seq !== loaded.content.journalSeq) {
          const content: StoreContent = { doc: loaded.content.doc, encryption: loaded.content.encryption, journalSeq: loaded.seq };
          await new Low<StoreContent>(file.adapter, content).write();
          await fileStoreStep(this, 'after-snapshot');
          loaded = { ...loaded, content, snapshot: file.adapter.identityOf(content) ?? null };
          this.#install(file, loaded);
        }
        if (removeJournal) {
          if (loaded.journal !== null || currentIdentity(file.journalPath) !== null) {
            await this.#verifyLock();
            await unlink(file.journalPath).catch((error: unknown) => {
              if (!isNotFound(error)) throw error;
            });
            await syncFolder(dirname(file.journalPath));
            this.#install(file, { ...loaded, journal: null });
          }
        } else {
          const journal = await this.#createJournal(file, loaded.seq + 1);
          this.#install(file, { ...loaded, journal: { file: journal, end: await journal.size() } });
        }
        await fileStoreStep(this, 'after-journal');
      } finally {
        this.#newest = false;
      }
    });
  }

  /** Puts a new, empty journal in place whose first record will be commit `base`. */
  #createJournal(file: OpenFile, base: number): Promise<JournalFile> {
    return JournalFile.create(file.journalPath, base, () => this.#verifyLock());
  }

  /**
   * Folds the journal into the snapshot now, after the writes already started: afterwards the
   * snapshot file alone holds the whole store (the journal beside it is empty). This also
   * happens by itself when the journal outgrows the snapshot, and on `close()`; call it before
   * copying the snapshot file elsewhere while the store stays open.
   */
  async compact(): Promise<void> {
    this.#assertOpen();
    await this.#commits.drain();
    await this.#compact(false);
  }

  /** True when neither the snapshot nor the journal changed since `loaded` was read: two `stat`s. */
  #unchanged(file: OpenFile, loaded: Loaded): boolean {
    if (!sameIdentity(loaded.snapshot, currentIdentity(file.path))) return false;
    const journal = journalStat(file.journalPath);
    if (journal === null || loaded.journal === null) return journal === null && loaded.journal === null;
    return journal.ino === loaded.journal.file.ino && journal.dev === loaded.journal.file.dev && Number(journal.size) === loaded.journal.end;
  }

  /**
   * Brings `#loaded` up to date with the files: nothing when they did not change, the journal's
   * new records when only it grew, a full load otherwise. With `repair` (only under the lock) a
   * torn last record is cut off. Calls run one at a time.
   */
  async #reload(file: OpenFile, repair: boolean): Promise<Loaded> {
    while (this.#reloading !== undefined) await this.#reloading.catch(() => undefined);
    const reloading = this.#reloadNow(file, repair);
    this.#reloading = reloading;
    try {
      return await reloading;
    } finally {
      if (this.#reloading === reloading) this.#reloading = undefined;
    }
  }

  async #reloadNow(file: OpenFile, repair: boolean): Promise<Loaded> {
    const loaded = this.#loaded;
    // This instance holds the lock and is up to date; what grew on disk is its own commit in flight.
    if (loaded !== undefined && this.#newest) return loaded;
    if (loaded !== undefined && sameIdentity(loaded.snapshot, currentIdentity(file.path))) {
      const journal = journalStat(file.journalPath);
      if (journal === null && loaded.journal === null) return loaded;
      if (journal !== null && loaded.journal !== null && journal.ino === loaded.journal.file.ino && journal.dev === loaded.journal.file.dev) {
        const size = Number(journal.size);
        if (size === loaded.journal.end) return loaded;
        if (size > loaded.journal.end && (await this.#readTail(file, loaded, size, repair))) return loaded;
      }
    }
    return this.#loadAll(file, repair);
  }

  /** Applies the journal's records from `loaded.journal.end` to `size`; false when they do not follow on (reload all). */
  async #readTail(file: OpenFile, loaded: Loaded, size: number, repair: boolean): Promise<boolean> {
    const journal = loaded.journal as { file: JournalFile; end: number };
    const start = journal.end;
    const scanned = this.#scan(file, await journal.file.read(start, size), start);
    for (const frame of scanned.frames) {
      const commit = file.codec.decodeCommit(frame.payload, loaded.content.encryption, loaded.content.doc.config, file.journalPath);
      if (commit.seq !== loaded.seq + 1) return false;
      applyCommit(loaded, commit);
      loaded.seq = commit.seq;
      journal.end = start + frame.end;
    }
    if (repair && scanned.incompleteTail) await journal.file.truncate(journal.end);
    return true;
  }

  /** Reads the snapshot (through lowdb) and then the whole journal, and applies its newer records. */
  async #loadAll(file: OpenFile, repair: boolean): Promise<Loaded> {
    for (;;) {
      const failure = file.adapter.failureFor(currentIdentity(file.path));
      if (failure !== undefined) throw failure;
      // A missing snapshot reads as a new, empty store; the next write creates it.
      const db = new Low<StoreContent>(file.adapter, { doc: this.#initialDocument(), encryption: null, journalSeq: 0 });
      await db.read();
      const content = db.data;
      const snapshot = file.adapter.identityOf(content) ?? null;
      // A journal without its snapshot belongs to a store that is gone; the next write removes it.
      const journal = snapshot === null ? null : await JournalFile.open(file.journalPath);
      const loaded: Loaded = { content, snapshot, seq: content.journalSeq, journal: null, listings: new ListingCache() };
      try {
        if (journal !== null) {
          loaded.journal = { file: journal, end: 0 };
          await this.#applyJournal(file, loaded, journal, repair);
        }
      } catch (error) {
        await this.#discard(file, loaded);
        // Records that do not follow on from a snapshot that was replaced meanwhile: read both again.
        if (error instanceof JournalGap && !sameIdentity(snapshot, currentIdentity(file.path))) continue;
        throw error instanceof JournalGap ? new StoreCorruptedError(file.journalPath, error.message) : error;
      }
      // A compaction between reading the snapshot and the journal may have mixed two generations.
      if (!sameIdentity(snapshot, currentIdentity(file.path))) {
        await this.#discard(file, loaded);
        continue;
      }
      this.#install(file, loaded);
      return loaded;
    }
  }

  async #applyJournal(file: OpenFile, loaded: Loaded, journal: JournalFile, repair: boolean): Promise<void> {
    const bytes = await journal.read(0, await journal.size());
    const scanned = this.#scan(file, bytes, 0);
    const [header, ...records] = scanned.frames;
    if (header === undefined) {
      // Journals are created whole (with their header) by a rename; an empty one has no records.
      if (bytes.length > 0) throw new StoreCorruptedError(file.journalPath, 'it does not start with a journal header');
      (loaded.journal as { end: number }).end = 0;
      return;
    }
    const base = journalBase(header.payload, file.journalPath);
    if (base > loaded.seq + 1) throw new JournalGap(`it starts at commit ${base}, but the snapshot holds commits up to ${loaded.seq} only`);
    let end = header.end;
    for (const frame of records) {
      const commit = file.codec.decodeCommit(frame.payload, loaded.content.encryption, loaded.content.doc.config, file.journalPath);
      if (commit.seq > loaded.seq + 1) throw new JournalGap(`commit ${commit.seq} follows commit ${loaded.seq}`);
      if (commit.seq === loaded.seq + 1) {
        applyCommit(loaded, commit);
        loaded.seq = commit.seq;
      }
      end = frame.end;
    }
    (loaded.journal as { end: number }).end = end;
    if (repair && scanned.incompleteTail) await journal.truncate(end);
  }

  #scan(file: OpenFile, bytes: Uint8Array, offset: number): ReturnType<typeof scanFrames> {
    try {
      return scanFrames(bytes);
    } catch (error) {
      if (error instanceof DamagedFrameError) {
        throw new StoreCorruptedError(file.journalPath, `a damaged record at byte ${offset + error.offset} is followed by intact ones`);
      }
      throw error;
    }
  }

  /** Writes the snapshot of a store that has none (a new store), unless another process did first. */
  async #createSnapshot(file: OpenFile): Promise<Loaded> {
    if (currentIdentity(file.path) !== null) return this.#reload(file, true);
    const content = await file.codec.create(this.#initialDocument());
    await new Low<StoreContent>(file.adapter, content).write();
    // A journal without a snapshot belongs to a store that is gone.
    await unlink(file.journalPath).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    const loaded: Loaded = { content, snapshot: file.adapter.identityOf(content) ?? null, seq: 0, journal: null, listings: new ListingCache() };
    this.#install(file, loaded);
    return loaded;
  }

  /** Makes `loaded` this instance's state and lets go of what the previous state held that it does not. */
  #install(file: OpenFile, loaded: Loaded): void {
    const previous = this.#loaded;
    if (this.#closed) {
      void this.#discard(file, loaded);
      return;
    }
    this.#loaded = loaded;
    if (previous === undefined || previous === loaded) return;
    if (previous.content !== loaded.content) void file.adapter.forget(previous.content).catch(() => undefined);
    if (previous.journal !== null && previous.journal.file !== loaded.journal?.file) void previous.journal.file.close().catch(() => undefined);
  }

  /** Closes what a state that was never installed holds. */
  async #discard(file: OpenFile, loaded: Loaded): Promise<void> {
    await file.adapter.forget(loaded.content).catch(() => undefined);
    await loaded.journal?.file.close().catch(() => undefined);
  }

  /** Runs `work` alone in this instance, holding the store's lock; a writer (`sweep`) first removes what killed writers left. */
  #underLock<T>(file: OpenFile, work: () => Promise<T>, sweep = true): Promise<T> {
    return this.#exclusive.run(() => this.#locked(file, work, sweep));
  }

  async #locked<T>(file: OpenFile, work: () => Promise<T>, sweep: boolean): Promise<T> {
    const lock = await file.lock.take();
    this.#held = lock;
    try {
      // A writer killed mid-write leaves its temporary files; under the lock none is in use.
      if (sweep && performance.now() - this.#sweptAt >= SWEEP_INTERVAL_MS) {
        await removeLeftoverTemporaryFiles(file.path);
        await removeLeftoverTemporaryFiles(file.journalPath);
        this.#sweptAt = performance.now();
      }
      return await work();
    } finally {
      this.#held = undefined;
      // What was written under the lock is already durable, so its results stand whatever happens to the lock now.
      if (this.#closing === undefined) await file.lock.give(lock);
      else await lock.release().catch(() => undefined);
    }
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
      journalPath: journalPathFor(path),
      codec,
      lock: new LockLease(new FileLock(path, this.#lockSettings)),
      adapter: new StoreFileAdapter(path, codec, () => this.#beforeSnapshotCommit()),
    };
    if (currentIdentity(path) === null) await this.#underLock(file, () => this.#createSnapshot(file), false);
    return file;
  }

  async #beforeSnapshotCommit(): Promise<void> {
    await this.#verifyLock();
    await fileStoreStep(this, 'before-snapshot-rename');
  }

  async #verifyLock(): Promise<void> {
    if (this.#held === undefined) throw new Error('kv2 internal error: writing the store without holding its lock');
    await this.#held.verify();
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new StoreUnavailableError(`the store for ${JSON.stringify(this.#file)} is closed`, 'store_closed');
  }

  /**
   * Waits for the writes already started, folds the journal into the snapshot if this instance
   * wrote (so a store that every writer closed is one plain JSON file again), then releases the
   * open files. Later calls fail with StoreUnavailableError (`store_closed`). The lock is held
   * only during a commit or compaction, so none is held once this resolves.
   */
  override close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.#commits.drain();
    // If folding fails (say, the lock stays held), the journal stays: it is read on the next open.
    if (this.#committed) await this.#compact(true).catch(() => undefined);
    this.#closed = true;
    const file = await this.#opening?.catch(() => undefined);
    const loaded = this.#loaded;
    this.#loaded = undefined;
    if (file !== undefined) {
      await file.lock.release();
      if (loaded !== undefined) await this.#discard(file, loaded);
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

/** Records that do not follow on from the snapshot (a compaction may have replaced it meanwhile). */
class JournalGap extends Error {}

/** Applies one journal commit to the loaded document in place. */
function applyCommit(loaded: Loaded, commit: JournalCommit): void {
  const changes: Change[] = [];
  if (commit.config !== undefined) changes.push({ kind: 'config', config: commit.config });
  for (const [path, record] of commit.keys) changes.push({ kind: 'key', path, record });
  applyChanges(loaded.content.doc, changes, loaded.listings);
}

/** The first commit a journal's header announces. */
function journalBase(payload: string, journal: string): number {
  let header: unknown;
  try {
    header = JSON.parse(payload);
  } catch {
    header = undefined;
  }
  const base = (header as { kv2Journal?: unknown; base?: unknown } | undefined)?.base;
  if ((header as { kv2Journal?: unknown } | undefined)?.kv2Journal !== 1 || typeof base !== 'number' || !Number.isSafeInteger(base) || base < 1) {
    throw new StoreCorruptedError(journal, 'it does not start with a kv2 journal header');
  }
  return base;
}

/** One `stat` of the journal: its identity, or null when there is none. */
function journalStat(path: string): { dev: bigint; ino: bigint; size: bigint } | null {
  try {
    return statSync(path, { bigint: true });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
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
