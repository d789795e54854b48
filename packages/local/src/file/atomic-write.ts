import { randomBytes } from 'node:crypto';
import { fstatSync } from 'node:fs';
import { open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { identityOf, isNotFound, type FileIdentity } from './identity.js';

/** A file that {@link writeFileAtomically} put in place, still open. */
export interface WrittenFile {
  /** Open on the new generation: the caller keeps it to pin the inode (see {@link FileIdentity}) and closes it. */
  readonly handle: FileHandle;
  readonly identity: FileIdentity;
}

/** Options for {@link writeFileAtomically}. */
export interface AtomicWriteOptions {
  /**
   * Runs after the new content is durable in the temporary file and before the rename makes it
   * visible; throwing cancels the write (the file store checks here that it still holds its lock).
   */
  beforeCommit?: (() => Promise<void>) | undefined;
}

const TEMP_SUFFIX = '.tmp';

/** A fresh temporary name next to `file`: `.<name>.<16 hex digits>.tmp`. */
export function temporaryPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
}

/** True when `name` (a bare file name) is one of {@link temporaryPathFor}'s names for `file`. */
export function isTemporaryNameFor(file: string, name: string): boolean {
  const prefix = `.${basename(file)}.`;
  if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) return false;
  return /^[0-9a-f]{16}$/.test(name.slice(prefix.length, -TEMP_SUFFIX.length));
}

/**
 * Replaces `file` with `content` so that readers see either the old or the new content, never
 * a mix, and so that once this resolves the new content survives a crash or power loss:
 * write a temporary file with a unique name in the same folder (mode 0600), fsync it, rename it
 * over `file`, fsync the folder. On failure before the rename the temporary file is removed and
 * `file` is untouched.
 */
export async function writeFileAtomically(
  file: string,
  content: string | Uint8Array | readonly Uint8Array[],
  options: AtomicWriteOptions = {},
): Promise<WrittenFile> {
  const folder = dirname(file);
  const temporary = temporaryPathFor(file);
  // 'wx' fails rather than reuse an existing name, so two writers can never share a temp file.
  const handle = await open(temporary, 'wx', 0o600);
  let renamed = false;
  try {
    await keepOwner(handle, file);
    if (typeof content === 'string' || content instanceof Uint8Array) await handle.writeFile(content);
    else await writeAll(handle, content);
    await handle.sync();
    // fstat of a file just written: microseconds, so not worth a trip through the thread pool.
    const identity = identityOf(fstatSync(handle.fd, { bigint: true }));
    await options.beforeCommit?.();
    await rename(temporary, file);
    renamed = true;
    await syncFolder(folder);
    return { handle, identity };
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (!renamed) await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * A process running as root that replaces a file owned by someone else gives the new file the
 * same owner (or, for a new file, the folder's owner), so that the owner can still open it. The
 * mode is always 0600, whatever the file had before.
 */
async function keepOwner(handle: FileHandle, file: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let owner: { uid: number; gid: number };
  try {
    owner = await stat(file);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    owner = await stat(dirname(file));
  }
  if (owner.uid !== 0 || owner.gid !== 0) await handle.chown(owner.uid, owner.gid);
}

/** Writes `pieces` one after another with `writev` (one call; libuv splits it into as many syscalls as the OS needs). */
async function writeAll(handle: FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  let rest = pieces.filter((piece) => piece.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest);
    if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
    rest = withoutFirstBytes(rest, bytesWritten);
  }
}

/** `pieces` after their first `count` bytes (what a short write left to write). Exported for tests. */
export function withoutFirstBytes(pieces: readonly Uint8Array[], count: number): Uint8Array[] {
  let skip = count;
  let index = 0;
  while (index < pieces.length && skip >= (pieces[index] as Uint8Array).length) skip -= (pieces[index++] as Uint8Array).length;
  const rest = pieces.slice(index);
  if (rest.length > 0 && skip > 0) rest[0] = (rest[0] as Uint8Array).subarray(skip);
  return rest;
}

/** Makes a rename in `folder` durable. Windows cannot open folders for fsync, and needs no such step. */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temporary files a crashed writer left next to `file`. Call it only while holding the
 * store's lock: writers create temporary files only under the lock, so none is in use then.
 * Returns how many were removed.
 */
export async function removeLeftoverTemporaryFiles(file: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dirname(file))) {
    if (!isTemporaryNameFor(file, name)) continue;
    try {
      await unlink(join(dirname(file), name));
      removed++;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return removed;
}
