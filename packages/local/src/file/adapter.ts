import { constants, readFileSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { EncryptionKeyError, StoreCorruptedError } from '@kv2/core';
import type { Adapter } from 'lowdb';
import { writeFileAtomically } from './atomic-write.js';
import type { DocumentCodec, StoreContent } from './codec.js';
import { identityOf, isNotFound, sameIdentity, type FileIdentity } from './identity.js';
import { notARegularFile } from './system-errors.js';

/** A generation of the file that is on disk, kept open so that its inode number stays its own. */
interface OpenGeneration {
  readonly identity: FileIdentity;
  readonly handle: FileHandle;
}

/** A file that could not be used, remembered so that it is not read and parsed again while unchanged. */
interface Failure {
  readonly identity: FileIdentity;
  readonly handle: FileHandle;
  readonly error: StoreCorruptedError | EncryptionKeyError;
}

/**
 * The lowdb adapter of a store file. It replaces lowdb's `JSONFile` (and steno underneath),
 * which writes through one fixed temporary name, merges concurrent writes (an awaited write can
 * resolve while its data was replaced by a later one), never fsyncs, and lets a bare
 * `SyntaxError` escape for an empty file. Here:
 * - `write` is atomic and durable ({@link writeFileAtomically}) and resolves only once this
 *   exact content is on disk;
 * - `read` validates everything and fails with kv2's typed errors, never touching the file;
 * - each content read or written is tied to the generation of the file it came from
 *   ({@link StoreFileAdapter.identityOf}), so the store can tell with one `stat` whether the
 *   file changed since.
 */
export class StoreFileAdapter implements Adapter<StoreContent> {
  readonly #file: string;
  readonly #codec: DocumentCodec;
  readonly #beforeCommit: () => Promise<void>;
  readonly #generations = new WeakMap<StoreContent, OpenGeneration>();
  #failure: Failure | undefined;

  /**
   * @param file - the real path of the store file.
   * @param beforeCommit - runs before each write becomes visible; throwing cancels it (the store checks its lock here).
   */
  constructor(file: string, codec: DocumentCodec, beforeCommit: () => Promise<void>) {
    this.#file = file;
    this.#codec = codec;
    this.#beforeCommit = beforeCommit;
  }

  /** The file's content, or null when there is no file. */
  async read(): Promise<StoreContent | null> {
    let handle: FileHandle;
    try {
      // O_NONBLOCK: a FIFO at the store path must not block the open (regular files ignore it).
      handle = await open(this.#file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    // The handle is kept open by the generation (or failure) it identifies, and closed otherwise.
    let kept = false;
    try {
      const stats = await handle.stat({ bigint: true });
      if (!stats.isFile()) throw notARegularFile(this.#file);
      const identity = identityOf(stats);
      const known = this.failureFor(identity);
      if (known !== undefined) throw known;
      let content: StoreContent;
      try {
        // Read as UTF-8 text in one native step, synchronously: the fastest way Node reads a large
        // file as text (the parse that follows blocks as long anyway). The raw bytes are read
        // again, from offset 0, only to check or describe a problem.
        const fd = handle.fd;
        content = await this.#codec.decodeText(readFileSync(fd, 'utf8'), () => bytesOf(fd, Number(stats.size)));
      } catch (error) {
        if (StoreCorruptedError.is(error) || EncryptionKeyError.is(error)) {
          this.#remember({ identity, handle, error });
          kept = true;
        }
        throw error;
      }
      this.#generations.set(content, { identity, handle });
      kept = true;
      return content;
    } finally {
      if (!kept) await handle.close();
    }
  }

  /** Replaces the file with `content`; resolves once it is durably on disk. */
  async write(content: StoreContent): Promise<void> {
    const pieces = this.#codec.encodePieces(content);
    const written = await writeFileAtomically(this.#file, pieces, { beforeCommit: this.#beforeCommit });
    this.#generations.set(content, written);
  }

  /** The generation of the file `content` was read from or written to; undefined if it never was. */
  identityOf(content: StoreContent): FileIdentity | undefined {
    return this.#generations.get(content)?.identity;
  }

  /** The error a file with this identity gave when it was last read, if it could not be used. */
  failureFor(identity: FileIdentity | null): StoreCorruptedError | EncryptionKeyError | undefined {
    return this.#failure !== undefined && sameIdentity(this.#failure.identity, identity) ? this.#failure.error : undefined;
  }

  /** Closes the file of a generation the store no longer uses. */
  async forget(content: StoreContent): Promise<void> {
    const generation = this.#generations.get(content);
    this.#generations.delete(content);
    await generation?.handle.close();
  }

  /** Closes what the adapter still holds for a failed file. */
  async close(): Promise<void> {
    const failure = this.#failure;
    this.#failure = undefined;
    await failure?.handle.close();
  }

  #remember(failure: Failure): void {
    const previous = this.#failure;
    this.#failure = failure;
    if (previous !== undefined) void previous.handle.close().catch(() => undefined);
  }
}

/** The first `size` bytes of the open file `fd`, read by position (the file offset may be anywhere). */
function bytesOf(fd: number, size: number): Buffer {
  const buffer = Buffer.alloc(size);
  let filled = 0;
  while (filled < size) {
    const read = readSync(fd, buffer, filled, size - filled, filled);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}
