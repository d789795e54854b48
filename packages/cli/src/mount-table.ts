import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { BaseKeyValueStore } from '@kv2/core';
import type { EncryptionOptions } from '@kv2/local';
import type { MountRecord, MountTableChange, MountTableHandler, MountTuning } from '@kv2/server';
import { CliError } from './errors.js';

// The file store's mount table: `<name>.mounts.json` next to the data file (`.kv2/data.mounts.json`
// for `.kv2/data.json`). It lists every KV v2 mount with what `sys/mounts` shows and the file
// that holds its data (a name in the same folder), plus the files of disabled mounts still to
// remove. It is the commit point of every mount change: it is replaced whole (temporary file,
// fsync, rename, fsync of the folder), so a crash leaves the old table or the new one.
//
// - enable: the new mount gets a file name that nothing uses and no file has; the table is
//   written; then the store file is created. A crash in between leaves a mount whose file does
//   not exist yet: an empty mount, which is what was enabled.
// - disable: the table is written without the mount and with its file in `removing`; then the
//   store is closed and its files are deleted; then `removing` is cleared. A crash in between
//   leaves a table without the mount, and the next start deletes the files left in `removing`.
//   A file in `removing` is never given to a new mount, so re-enabling always starts empty.

/** First path segments no mount may have (OpenBao's protected mounts). */
const RESERVED = ['sys', 'auth', 'identity', 'cubbyhole', 'audit'];
/** The mount table file's format marker. */
const FORMAT = 'kv2-mount-table';
const VERSION = 1;

/** One mount as the table file records it: the server's record plus its data file. */
export interface MountTableEntry extends MountRecord {
  /** The data file's name, in the data file's folder. */
  readonly file: string;
}

/** What the mount table file holds. */
export interface MountTableContent {
  readonly mounts: readonly MountTableEntry[];
  /** Data files of disabled mounts that are still to be deleted. */
  readonly removing: readonly string[];
}

/** `<folder>/<name>.mounts.json` for the data file `<folder>/<name>.json`. */
export function mountTablePath(file: string): string {
  return join(dirname(file), `${basename(file).replace(/\.json$/i, '')}.mounts.json`);
}

/**
 * The data file a mount would have without a table (and gets when it is first recorded, if
 * free): the data file itself for `secret`, else `<name>-<mount>.json` with `/` as `_`.
 */
export function legacyMountFile(file: string, mount: string, localMount: string): string {
  if (mount === localMount) return file;
  const name = basename(file).replace(/\.json$/i, '');
  return join(dirname(file), `${name}-${mount.replace(/\//g, '_')}.json`);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function validTuning(value: unknown): value is MountTuning {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(t.defaultLeaseTtl) &&
    Number.isSafeInteger(t.maxLeaseTtl) &&
    typeof t.forceNoCache === 'boolean' &&
    typeof t.listingVisibility === 'string' &&
    isStringList(t.auditNonHmacRequestKeys) &&
    isStringList(t.auditNonHmacResponseKeys) &&
    isStringList(t.passthroughRequestHeaders) &&
    isStringList(t.allowedResponseHeaders)
  );
}

function validEntry(value: unknown): value is MountTableEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const options = e.options as Record<string, unknown> | null | undefined;
  return (
    typeof e.path === 'string' &&
    e.path !== '' &&
    typeof e.file === 'string' &&
    e.file !== '' &&
    !e.file.includes('/') &&
    !e.file.includes('\\') &&
    e.file !== '.' &&
    e.file !== '..' &&
    typeof e.description === 'string' &&
    typeof e.accessor === 'string' &&
    typeof e.uuid === 'string' &&
    typeof e.local === 'boolean' &&
    typeof e.sealWrap === 'boolean' &&
    typeof e.externalEntropyAccess === 'boolean' &&
    typeof options === 'object' &&
    options !== null &&
    Object.values(options).every((v) => typeof v === 'string') &&
    validTuning(e.config)
  );
}

/**
 * Reads the mount table next to `file`; undefined when there is none (a store from before mount
 * tables, or one never served). Throws {@link CliError} for a damaged table, which is never
 * modified then.
 */
export function readMountTable(file: string): MountTableContent | undefined {
  const path = mountTablePath(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const doc = parsed as { format?: unknown; version?: unknown; mounts?: unknown; removing?: unknown } | undefined;
  if (
    doc?.format !== FORMAT ||
    doc.version !== VERSION ||
    !Array.isArray(doc.mounts) ||
    !doc.mounts.every(validEntry) ||
    !isStringList(doc.removing) ||
    doc.removing.some((name) => name.includes('/') || name.includes('\\') || name === '' || name === '.' || name === '..')
  ) {
    throw new CliError(`the mount table ${path} is damaged (not a kv2 mount table, version ${VERSION}); it was left as it is`);
  }
  return { mounts: doc.mounts, removing: doc.removing };
}

/** The data file of `mount` in the local store at `file`: from the mount table, else {@link legacyMountFile}; undefined when a table exists and has no such mount. */
export function tableMountFile(file: string, mount: string, localMount: string): string | undefined {
  const table = readMountTable(file);
  if (table === undefined) return legacyMountFile(file, mount, localMount);
  const entry = table.mounts.find((m) => m.path === mount);
  return entry === undefined ? undefined : join(dirname(file), entry.file);
}

function serialize(content: MountTableContent): string {
  return `${JSON.stringify({ format: FORMAT, version: VERSION, mounts: content.mounts, removing: content.removing }, null, 2)}\n`;
}

async function writeTable(file: string, content: MountTableContent): Promise<void> {
  const { writeFileAtomically } = await import('@kv2/local');
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const written = await writeFileAtomically(mountTablePath(file), serialize(content));
  await written.handle.close();
}

/** Deletes a store file's snapshot, journal, lock and leftover temporary files. */
async function removeStoreFiles(path: string): Promise<void> {
  const folder = dirname(path);
  const name = basename(path);
  await rm(path, { force: true });
  await rm(`${path}.journal`, { force: true });
  await rm(`${path}.lock`, { force: true, recursive: true });
  for (const entry of await readdir(folder).catch(() => [] as string[])) {
    if (entry.startsWith(`.${name}.`) && entry.endsWith('.tmp')) await rm(join(folder, entry), { force: true });
  }
  const { syncFolder } = await import('@kv2/local');
  await syncFolder(folder);
}

/** Options of {@link FileMountTable.load}. */
export interface FileMountTableOptions {
  /** The data file (`.kv2/data.json`); the table and every mount's file live in its folder. */
  readonly file: string;
  /** Mounts named at start-up (`-mount`); added to the table when missing. */
  readonly mounts: readonly string[];
  /** The mount a local store answers to (`secret`): its data is the data file itself. */
  readonly localMount: string;
  readonly encryption?: EncryptionOptions | undefined;
  /** Makes a record for a start-up mount that the table does not have yet. */
  readonly newRecord: (path: string) => MountRecord;
}

/**
 * The file store's mount table for `kv2 server`: loads (and repairs) the table at start-up and
 * records every run-time change durably (see the comment at the top of this file).
 */
export class FileMountTable implements MountTableHandler {
  readonly #file: string;
  readonly #folder: string;
  readonly #localMount: string;
  readonly #encryption: EncryptionOptions | undefined;
  #content: MountTableContent;

  private constructor(options: FileMountTableOptions, content: MountTableContent) {
    this.#file = options.file;
    this.#folder = dirname(options.file);
    this.#localMount = options.localMount;
    this.#encryption = options.encryption;
    this.#content = content;
  }

  /**
   * Reads the table (creating it from the start-up mounts when there is none), finishes the
   * removal of disabled mounts' files a crash interrupted, and adds start-up mounts it lacks.
   * A mount added from `-mount` keeps the data that its file from before the table holds.
   */
  static async load(options: FileMountTableOptions): Promise<FileMountTable> {
    const existing = readMountTable(options.file);
    let content: MountTableContent = existing ?? { mounts: [], removing: [] };
    let changed = existing === undefined;
    const folder = dirname(options.file);
    if (content.removing.length > 0) {
      for (const name of content.removing) await removeStoreFiles(join(folder, name));
      content = { ...content, removing: [] };
      changed = true;
    }
    const table = new FileMountTable(options, content);
    const added: MountTableEntry[] = [];
    for (const path of options.mounts) {
      if (content.mounts.some((m) => m.path === path) || added.some((m) => m.path === path)) continue;
      // Checked here, before anything is written: a table with a bad mount would stop every later start.
      if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
        throw new CliError(`-mount ${JSON.stringify(path)}: not a valid mount path`);
      if (RESERVED.includes(path.split('/')[0] as string))
        throw new CliError(`-mount ${path}: the path is reserved (${RESERVED.map((r) => `${r}/`).join(', ')})`);
      const other = [...content.mounts, ...added].find((m) => `${m.path}/`.startsWith(`${path}/`) || `${path}/`.startsWith(`${m.path}/`));
      if (other !== undefined)
        throw new CliError(`-mount ${path}: the path overlaps the mount ${other.path}/ in the mount table ${mountTablePath(options.file)}`);
      const legacy = basename(legacyMountFile(options.file, path, options.localMount));
      const taken = [...content.mounts, ...added].some((m) => m.file === legacy);
      added.push({ ...options.newRecord(path), file: taken ? table.#freshName(path, added) : legacy });
    }
    if (added.length > 0) {
      content = { ...content, mounts: [...content.mounts, ...added].sort((a, b) => (a.path < b.path ? -1 : 1)) };
      changed = true;
    }
    if (changed) await writeTable(options.file, content);
    table.#content = content;
    return table;
  }

  /** Every mount in the table, in path order. */
  get mounts(): readonly MountTableEntry[] {
    return this.#content.mounts;
  }

  /** The data file of a mount in the table. */
  fileOf(path: string): string {
    const entry = this.#content.mounts.find((m) => m.path === path);
    if (entry === undefined) throw new Error(`kv2 internal error: no mount ${JSON.stringify(path)} in the mount table`);
    return join(this.#folder, entry.file);
  }

  /** Opens (and so creates, for a new mount) the file store of a mount. */
  async open(record: MountRecord): Promise<BaseKeyValueStore> {
    const { FileKeyValueStore } = await import('@kv2/local');
    const store = new FileKeyValueStore({
      file: this.fileOf(record.path),
      ...(this.#encryption === undefined ? {} : { encryption: this.#encryption }),
    });
    try {
      await store.list('');
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
    return store;
  }

  /** Records the server's new table, with the data files worked out from the change. */
  async save(table: readonly MountRecord[], change: MountTableChange): Promise<void> {
    const files = new Map(this.#content.mounts.map((m) => [m.path, m.file]));
    let removing = [...this.#content.removing];
    switch (change.kind) {
      case 'enable':
        files.set(change.record.path, this.#freshName(change.record.path, []));
        break;
      case 'disable': {
        const file = files.get(change.record.path);
        if (file !== undefined) removing = [...removing, file];
        files.delete(change.record.path);
        break;
      }
      case 'remount': {
        const file = files.get(change.from);
        files.delete(change.from);
        if (file !== undefined) files.set(change.record.path, file);
        break;
      }
      case 'rollback':
        // The enabled mount could not be opened: its file may exist, empty; remove it too.
        if (files.has(change.record.path)) removing = [...removing, files.get(change.record.path) as string];
        files.delete(change.record.path);
        break;
      case 'tune':
        break;
    }
    const mounts = table.map((record) => {
      const file = files.get(record.path);
      if (file === undefined) throw new Error(`kv2 internal error: no data file for mount ${JSON.stringify(record.path)}`);
      return { ...record, file };
    });
    const content: MountTableContent = { mounts, removing };
    await writeTable(this.#file, content);
    this.#content = content;
    if (change.kind === 'rollback') await this.#finishRemoval();
  }

  /** Deletes a disabled mount's files, then clears them from the table's `removing` list. */
  async destroy(): Promise<void> {
    await this.#finishRemoval();
  }

  async #finishRemoval(): Promise<void> {
    const removing = this.#content.removing;
    if (removing.length === 0) return;
    for (const name of removing) await removeStoreFiles(join(this.#folder, name));
    const content = { ...this.#content, removing: this.#content.removing.filter((name) => !removing.includes(name)) };
    await writeTable(this.#file, content);
    this.#content = content;
  }

  /** A data file name for a new mount: the usual one when free, else with a random suffix. */
  #freshName(path: string, pending: readonly MountTableEntry[]): string {
    const used = new Set([...this.#content.mounts.map((m) => m.file), ...pending.map((m) => m.file), ...this.#content.removing]);
    const free = (name: string): boolean =>
      !used.has(name) && !existsSync(join(this.#folder, name)) && !existsSync(join(this.#folder, `${name}.journal`));
    const legacy = basename(legacyMountFile(this.#file, path, this.#localMount));
    if (free(legacy)) return legacy;
    const stem = basename(legacyMountFile(this.#file, path === this.#localMount ? `${path}-mount` : path, this.#localMount)).replace(/\.json$/i, '');
    for (;;) {
      const name = `${stem}-${randomBytes(4).toString('hex')}.json`;
      if (free(name)) return name;
    }
  }

  /** Never shows anything but the table's path. */
  toString(): string {
    return `FileMountTable(${mountTablePath(this.#file)})`;
  }
}
