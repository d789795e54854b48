import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { writeFileAtomically } from './atomic-write.js';
import { isNotFound } from './identity.js';
import { notARegularFile } from './system-errors.js';
import { encodeFrame } from './journal-frames.js';

/** The journal of store file `file`: `<file>.journal`, beside it. */
export function journalPathFor(file: string): string {
  return `${file}.journal`;
}

/** The payload of a journal's first frame: which commit its first record is. */
function journalHeader(base: number): string {
  return JSON.stringify({ kv2Journal: 1, base });
}

/**
 * One journal file, held open. Its inode identifies it: a compaction replaces the journal by a
 * new file (rename), so a process that holds the old one notices by comparing inode numbers.
 * Appends happen only under the store's lock; reads need none.
 */
export class JournalFile {
  readonly path: string;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly #handle: FileHandle;

  private constructor(path: string, handle: FileHandle, dev: bigint, ino: bigint) {
    this.path = path;
    this.#handle = handle;
    this.dev = dev;
    this.ino = ino;
  }

  /** Opens the journal at `path` for reading and appending, or returns null when there is none. */
  static async open(path: string): Promise<JournalFile | null> {
    let handle: FileHandle;
    try {
      // O_NONBLOCK: a FIFO at the journal path must not block the open (regular files ignore it).
      handle = await open(path, constants.O_RDWR | constants.O_NONBLOCK);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    try {
      const stats = await handle.stat({ bigint: true });
      if (!stats.isFile()) throw notARegularFile(path);
      return new JournalFile(path, handle, stats.dev, stats.ino);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Puts a new, empty journal in place (atomically, durably; replacing any journal there) whose
   * first record will be commit `base`, and opens it. Call only under the store's lock.
   */
  static async create(path: string, base: number, beforeCommit?: () => Promise<void>): Promise<JournalFile> {
    const written = await writeFileAtomically(path, encodeFrame(journalHeader(base)), { beforeCommit });
    await written.handle.close();
    const journal = await JournalFile.open(path);
    if (journal === null) throw new Error(`kv2 internal error: the new journal ${path} vanished`);
    return journal;
  }

  /** The current size of the file, in bytes. */
  async size(): Promise<number> {
    return Number((await this.#handle.stat({ bigint: true })).size);
  }

  /** Bytes `start` to `end` (exclusive); fewer if the file is shorter. */
  async read(start: number, end: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(Math.max(0, end - start));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await this.#handle.read(buffer, filled, buffer.length - filled, start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  }

  /** Writes `bytes` at `position` (the end of the intact records) and makes them durable. */
  async append(bytes: Uint8Array, position: number): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.#handle.write(bytes, written, bytes.length - written, position + written);
      if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
      written += bytesWritten;
    }
    // fdatasync also makes the new size durable, which is all an append changes.
    await this.#handle.datasync();
  }

  /** Cuts the file to `length` bytes (dropping a torn or failed commit) durably. */
  async truncate(length: number): Promise<void> {
    await this.#handle.truncate(length);
    await this.#handle.datasync();
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
