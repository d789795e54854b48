import { mkdir, realpath, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { CliError } from './errors.js';

// One `kv2 server` per data folder. The data files themselves are shared safely by any number
// of processes (the file store locks each commit), but a server also keeps its mount table,
// tokens and policies in memory and writes them whole, and the policies, tokens and root-token
// file are the folder's (auth.json, token): two servers on one folder would each overwrite the
// other's changes. So a server holds this lock for as long as it runs; local kv2 commands (no
// BAO_ADDR) never take it and keep sharing the data.

/** A lock not refreshed for this long belongs to a server that died (SIGKILL, power loss). */
const STALE_MS = 5000;
/** How often the running server refreshes its lock. */
const UPDATE_MS = 1000;
/** How often a starting server looks at a held lock. */
const POLL_MS = 200;

/** What {@link lockServerFolder} hands back. */
export interface ServerLock {
  /** The lock folder, e.g. `.kv2/server.lock`. */
  readonly path: string;
  /** Removes the lock; a lock already lost is no error. */
  release(): Promise<void>;
}

/** The lock folder of the server whose data folder is `folder`. */
export function serverLockPath(folder: string): string {
  return join(folder, 'server.lock');
}

/**
 * Takes the server lock of the folder that holds `dataFile`, or returns null when the folder
 * cannot be written (a read-only store can still be served; nothing there can be overwritten).
 *
 * A lock whose holder is alive (refreshed while we watch, within about a second) fails at once
 * with a CliError. One that is not refreshed belongs to a server that died: it is taken over
 * once stale (5 s), or once we have watched it unchanged for that long (its time may lie in the
 * future after the clock was set back), so a restart right after a crash waits instead of failing.
 *
 * @param shown - the data folder as the user should read it in messages.
 * @param note - prints a line (used once, when waiting for a dead server's lock).
 * @param onLost - called if the lock is lost while the server runs (its refreshes stalled past
 *   `STALE_MS`, or someone removed it): the server must stop, since another may have started.
 */
export async function lockServerFolder(
  dataFile: string,
  shown: string,
  note: (line: string) => void,
  onLost: (error: Error) => void,
): Promise<ServerLock | null> {
  let folder: string;
  try {
    await mkdir(dirname(dataFile), { recursive: true, mode: 0o700 });
    folder = await realpath(dirname(dataFile));
  } catch (error) {
    if (isUnwritable(error)) return null;
    throw error;
  }
  const lockPath = serverLockPath(folder);
  let seen: { mtimeMs: number; since: number; noted: boolean } | undefined;
  for (;;) {
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(join(folder, 'server'), {
        lockfilePath: lockPath,
        realpath: false,
        stale: STALE_MS,
        update: UPDATE_MS,
        retries: 0,
        onCompromised: onLost,
      });
    } catch (error) {
      if (isUnwritable(error)) return null;
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const mtimeMs = await refreshTime(lockPath);
      if (mtimeMs === undefined) continue; // released meanwhile: take it
      if (seen !== undefined && mtimeMs !== seen.mtimeMs) {
        throw new CliError(
          `another kv2 server is running on ${shown}: one server per data folder (it keeps the mount table, tokens and policies there). ` +
            'Stop it, or give this one a -file in another folder. Local kv2 commands (without BAO_ADDR) may share the data.',
        );
      }
      const watched = seen === undefined ? 0 : Date.now() - seen.since;
      if (seen === undefined) {
        seen = { mtimeMs, since: Date.now(), noted: false };
      } else if (watched > STALE_MS) {
        // Unchanged for longer than any live server leaves it: its time is off, not its holder alive.
        await rmdir(lockPath).catch(() => undefined);
        seen = undefined;
        continue;
      } else if (!seen.noted && watched > 2 * UPDATE_MS) {
        seen.noted = true;
        note(`waiting for the lock ${lockPath}: a server that did not stop cleanly left it; it is taken over within ${STALE_MS / 1000} s`);
      }
      await sleep(POLL_MS);
      continue;
    }
    return {
      path: lockPath,
      release: async () => {
        try {
          await release();
        } catch (error) {
          // Lost meanwhile (onLost has told why): nothing of ours is left to remove.
          if (!['ERELEASED', 'ENOTACQUIRED', 'ECOMPROMISED'].includes(String((error as NodeJS.ErrnoException).code))) throw error;
        }
      },
    };
  }
}

function isUnwritable(error: unknown): boolean {
  return ['EACCES', 'EPERM', 'EROFS'].includes(String((error as NodeJS.ErrnoException).code));
}

async function refreshTime(lockPath: string): Promise<number | undefined> {
  try {
    return (await stat(lockPath)).mtimeMs;
  } catch {
    return undefined;
  }
}
