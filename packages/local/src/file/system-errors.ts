import { KvError, StoreUnavailableError } from '@kv2/core';

/**
 * A file-system failure (no permission, a folder or FIFO where the store file should be, a
 * symbolic link loop, a full disk …) as the typed error every caller gets: `store_inaccessible`,
 * naming the store and the system's reason (its code, never file contents). kv2's own errors
 * pass through unchanged.
 */
export function storeErrorFrom(error: unknown, file: string): unknown {
  if (KvError.is(error)) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return error;
  return new StoreUnavailableError(
    `the store ${JSON.stringify(file)} cannot be used: ${REASONS[code] ?? 'the file system refused'} (${code}); nothing was changed`,
    'store_inaccessible',
    {
      cause: error,
    },
  );
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder is where the store file should be',
  ENOTDIR: 'a file is where a folder of its path should be',
  ELOOP: 'its path has a symbolic link loop',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'its path is too long',
  EMFILE: 'this process has too many open files',
  ENFILE: 'the system has too many open files',
  EIO: 'an input/output error',
};

/** The error for a store path that exists but is not a regular file (a FIFO would block every read). */
export function notARegularFile(file: string): StoreUnavailableError {
  return new StoreUnavailableError(
    `the store ${JSON.stringify(file)} cannot be used: it is not a regular file; nothing was changed`,
    'store_inaccessible',
  );
}
