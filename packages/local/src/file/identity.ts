import type { BigIntStats } from 'node:fs';
import { statSync } from 'node:fs';

/**
 * What identifies one generation of the store file without reading it.
 *
 * Every kv2 write renames a new file into place, so a new generation is a new inode and an
 * inode's content never changes afterwards. The store keeps the generation it loaded open,
 * which stops the kernel from recycling that inode number, so `(dev, ino)` alone cannot
 * collide; `size` and `mtimeNs` also catch tools that rewrite the file in place. (`ctime` is
 * left out: the rename that installs a file changes it.)
 */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
}

/** The identity of the file `stats` describes. */
export function identityOf(stats: BigIntStats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs };
}

/** True when both describe the same generation; `null` (no file) equals only `null`. */
export function sameIdentity(a: FileIdentity | null, b: FileIdentity | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/**
 * One `stat` of `file`: its identity, or null when there is no file.
 *
 * Synchronous on purpose: every read of the store costs one `stat`. On a local file system the
 * call itself takes a few microseconds, while going through libuv's thread pool (`fs.promises`)
 * costs about ten times that in hand-offs between threads, and queues behind the pool's fsyncs
 * while writes are in flight.
 */
export function currentIdentity(file: string): FileIdentity | null {
  try {
    return identityOf(statSync(file, { bigint: true }));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** True for the "no such file or directory" error. */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
