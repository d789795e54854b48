import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { CliError } from './errors.js';

// One `kv2 server` per data file. The data file itself is shared safely by any number of
// processes (the file store locks each commit), but a server also keeps its mount table, tokens
// and policies in memory and writes them whole: two servers on one folder would each overwrite
// the other's changes. So a server holds this lock for as long as it runs; local kv2 commands
// (no BAO_ADDR) never take it and keep sharing the data.

/** A lock not refreshed for this long belongs to a server that died (SIGKILL, power loss). */
const STALE_MS = 5000;
/** How often the running server refreshes its lock. */
const UPDATE_MS = 1000;
/** How often a starting server looks at a held lock. */
const POLL_MS = 200;

/** The lock folder of the server on `dataFile`. */
export function serverLockPath(dataFile: string): string {
  return `${dataFile}.server.lock`;
}

/**
 * Takes the server lock of `dataFile` and returns its release. A lock whose holder is alive
 * (it is refreshed while we watch, within about a second) fails at once with a CliError; one that
 * is not refreshed belongs to a server that died, and is taken over once stale (within about
 * 5 s), so a restart right after a crash waits instead of failing.
 *
 * @param shown - the data file as the user should read it in the error.
 * @param onLost - called if the lock is lost while the server runs (its refreshes stalled past `STALE_MS`).
 */
export async function lockServerDataFile(dataFile: string, shown: string, onLost: (error: Error) => void): Promise<() => Promise<void>> {
  await mkdir(dirname(dataFile), { recursive: true, mode: 0o700 });
  const lockPath = serverLockPath(dataFile);
  let seen: number | undefined;
  for (;;) {
    try {
      // Locked under a name of its own: proper-lockfile keeps one lock per name and process, and
      // the file store in this same process locks `dataFile` for each commit.
      return await lockfile.lock(`${dataFile}.server`, {
        lockfilePath: lockPath,
        realpath: false,
        stale: STALE_MS,
        update: UPDATE_MS,
        retries: 0,
        onCompromised: onLost,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const refreshed = await refreshTime(lockPath);
    if (seen !== undefined && refreshed !== undefined && refreshed !== seen) {
      throw new CliError(
        `another kv2 server is running on ${shown}: one server per data file (it keeps the mount table, tokens and policies). ` +
          'Stop it, or give this one another -file. Local kv2 commands (without BAO_ADDR) may share the file.',
      );
    }
    seen ??= refreshed;
    await sleep(POLL_MS);
  }
}

async function refreshTime(lockPath: string): Promise<number | undefined> {
  try {
    return (await stat(lockPath)).mtimeMs;
  } catch {
    return undefined; // released meanwhile: the next attempt takes it
  }
}
