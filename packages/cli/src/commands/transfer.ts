import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidRequestError, KvError, type BaseKeyValueStore } from '@kv2/core';
import type { StoreDocument } from '@kv2/local';
import { BACKEND_GROUP, chooseBackend, describeBackend, env, forMount, openStore, type BackendChoice } from '../backend.js';
import type { CommandSpec } from '../command.js';
import { CONCURRENCY_FLAG, concurrencyFlag, ItemFailedError } from '../concurrency.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { FlagSpec, ParsedFlags } from '../flags.js';
import { Progress } from '../output/progress.js';
import { sanitizePath } from '../paths.js';
import { exportRemote, importRemote } from '../snapshot-remote.js';
import { describeLocal, positionals } from './kv-shared.js';

const MOUNT: FlagSpec = {
  name: 'mount',
  kind: 'string',
  placeholder: 'MOUNT',
  defaultText: 'secret',
  description: 'The mount to export from or import into (locally, mounts other than secret are the files kv2 server -mount creates).',
};

// A local store exposes the engine's atomic, validated snapshot calls.
interface SnapshotStore extends BaseKeyValueStore {
  exportDocument(options?: { latestOnly?: boolean }): Promise<StoreDocument>;
  importDocument(document: unknown, options?: { mode?: 'merge' | 'replace' }): Promise<{ keys: number }>;
}

function snapshotStore(store: BaseKeyValueStore): SnapshotStore | undefined {
  const candidate = store as Partial<SnapshotStore> & BaseKeyValueStore;
  return typeof candidate.exportDocument === 'function' && typeof candidate.importDocument === 'function' ? (candidate as SnapshotStore) : undefined;
}

async function withStore<T>(
  ctx: CommandContext,
  flags: ParsedFlags,
  command: string,
  fn: (store: BaseKeyValueStore, choice: BackendChoice) => Promise<T>,
  readOnly = false,
): Promise<T> {
  const mount = sanitizePath(flags.string('mount') ?? 'secret');
  if (mount === '') throw new UsageError('-mount needs a mount path, e.g. -mount=secret', command);
  const choice = forMount(chooseBackend(ctx, flags, command), mount);
  // An export reads: a store file that does not exist is a mistake (a typo in -file, a forgotten
  // BAO_ADDR), not an empty store, and is not created.
  if (readOnly && choice.kind === 'file' && !existsSync(choice.file)) {
    const defaulted = !flags.has('file') && env(ctx, 'KV2_FILE') === undefined;
    throw new CliError(
      `nothing to ${command}: there is no ${describeLocal(ctx, choice)}${defaulted ? ' (no server address is set; set BAO_ADDR or use -address=URL to use a server)' : ''}`,
    );
  }
  const opened = await openStore(ctx, choice, flags, { mount, allowMountConfig: flags.bool('allow-mount-config') === true });
  try {
    return await fn(opened.store, choice);
  } catch (error) {
    if (KvError.is(error)) throw new CliError(`${command} failed on the ${describeBackend(choice)}: ${error.message}`);
    // A server import or export names the key (or folder) it stopped at.
    if (error instanceof ItemFailedError && KvError.is(error.cause)) {
      const done =
        command === 'import'
          ? `; ${count(error.completed, 'key')} ${error.completed === 1 ? 'was' : 'were'} imported before it stopped, the rest were not`
          : '';
      const where = error.label === '' ? 'the mount root' : JSON.stringify(error.label);
      throw new CliError(`${command} failed at ${where} on the ${describeBackend(choice)}: ${error.cause.message}${done}`);
    }
    if (error instanceof ItemFailedError) throw error.cause;
    throw error;
  } finally {
    await opened.close();
  }
}

/** `1 key`, `2 keys`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function countVersions(document: StoreDocument): number {
  return Object.values(document.keys).reduce((sum, key) => sum + Object.keys(key.versions).length, 0);
}

const exportCommand: CommandSpec = {
  name: 'export',
  usage: '[flags] [FILE]',
  summary: 'Write a JSON snapshot of a store (all versions and metadata)',
  description: `Writes the whole store as one JSON document: the mount config, and every key with its settings,
versions, timestamps and data (or only each key's current version with -latest-only). The snapshot
goes to FILE (created with mode 0600; it holds secrets) or to stdout. kv2 import loads it into any
store, so it moves data between backends and seeds test fixtures.

From a server, the snapshot holds what the API shows: metadata and every readable version. The data
of soft-deleted versions cannot be read through the API; those versions are left out (and counted).
Up to -concurrency keys are read at once; the snapshot is the same whatever order they arrive in.
A failed request stops the export (nothing is written) and names the key.`,
  examples: [
    'kv2 export snapshot.json',
    'kv2 export -latest-only > fixtures.json',
    'BAO_ADDR=http://127.0.0.1:8200 kv2 export -mount=secret prod.json',
  ],
  flags: [
    {
      title: 'Command options',
      flags: [
        { name: 'latest-only', kind: 'bool', description: 'Only the current version of each key.' },
        { name: 'progress', kind: 'bool', description: 'Show progress on stderr even when it is not a terminal (a plain line every few seconds).' },
        MOUNT,
        CONCURRENCY_FLAG,
      ],
    },
    BACKEND_GROUP,
  ],
  async run(ctx, flags) {
    const [file] = positionals(flags, this.name, 0, 1);
    const latestOnly = flags.bool('latest-only') === true;
    const concurrency = concurrencyFlag(flags, this.name);
    return withStore(
      ctx,
      flags,
      this.name,
      async (store, choice) => {
        const local = snapshotStore(store);
        let document: StoreDocument;
        let note = '';
        if (local !== undefined) {
          document = await local.exportDocument({ latestOnly });
        } else {
          const progress = new Progress(ctx.stderr, {
            enabled: flags.bool('progress') === true || ctx.stderr.isTTY,
            label: 'Exporting',
            unit: 'keys',
          });
          progress.note('Exporting: listing the keys…');
          const result = await exportRemote(store, { latestOnly, concurrency, onKey: (_path, done, total) => progress.update(done, total) });
          progress.done();
          document = result.document;
          if (result.report.unreadable > 0)
            note += `; ${count(result.report.unreadable, 'soft-deleted version')} left out (their data is not readable through the API)`;
          if (result.report.configUnreadable) note += '; the mount config was not readable, the snapshot has the defaults';
        }
        const json = `${JSON.stringify(document, null, 2)}\n`;
        const summary = `Exported ${count(Object.keys(document.keys).length, 'key')} (${count(countVersions(document), 'version')}) from the ${describeBackend(choice)}${note}`;
        if (file === undefined || file === '-') {
          ctx.stdout.write(json);
          if (ctx.stderr.isTTY || note !== '') ctx.stderr.line(summary);
        } else {
          // An existing file keeps its mode on open: narrow it to 0600 before the secrets go in.
          const handle = await open(resolve(ctx.cwd, file), 'w', 0o600);
          try {
            await handle.chmod(0o600);
            await handle.writeFile(json);
          } finally {
            await handle.close();
          }
          ctx.stderr.line(`${summary} to ${file}`);
        }
        return EXIT.ok;
      },
      true,
    );
  },
};

const importCommand: CommandSpec = {
  name: 'import',
  usage: '[flags] [FILE]',
  summary: 'Load a JSON snapshot into a store',
  description: `Loads a snapshot written by kv2 export from FILE (or stdin: no FILE, or -).

Into a local store (file or memory) the import is all-or-nothing: the snapshot is validated first
and loaded in one step with every version, timestamp, version number and setting as it was, and the
snapshot's mount config. By default the keys of the snapshot replace the same keys and other keys
stay (merge); with -replace the store becomes exactly the snapshot.

Into a server the snapshot is replayed through the API, key by key: the key's settings, then each
version that has data as a new write (soft-deleted ones are deleted again; destroyed ones are
skipped), up to -concurrency keys at once (each key's requests in order). Version numbers and
timestamps are the server's, not the snapshot's; keys not in the snapshot are left alone. A failure
part-way stops the import once the keys in progress are done and names the key; the keys imported
by then stay. The mount config is only written with -allow-mount-config.

Progress goes to stderr on a terminal, or always with -progress.`,
  examples: [
    'kv2 import snapshot.json',
    'kv2 import -replace -file=test/fixtures.json fixtures.json',
    'kv2 export | kv2 import -address=http://127.0.0.1:8200 -mount=secret',
  ],
  flags: [
    {
      title: 'Command options',
      flags: [
        { name: 'replace', kind: 'bool', description: 'Local stores: make the store exactly the snapshot (keys not in it are removed).' },
        { name: 'progress', kind: 'bool', description: 'Show progress on stderr even when it is not a terminal.' },
        { name: 'allow-mount-config', kind: 'bool', description: "Servers: also write the snapshot's mount config (it changes the whole mount)." },
        MOUNT,
        CONCURRENCY_FLAG,
      ],
    },
    BACKEND_GROUP,
  ],
  async run(ctx, flags) {
    const [file] = positionals(flags, this.name, 0, 1);
    const concurrency = concurrencyFlag(flags, this.name);
    const progress = new Progress(ctx.stderr, { enabled: flags.bool('progress') === true || ctx.stderr.isTTY, label: 'Importing', unit: 'keys' });
    const source = file === undefined || file === '-' ? 'stdin' : file;
    if (file === undefined && ctx.stdinIsTTY) throw new UsageError('give the snapshot FILE, or pipe it in (kv2 export | kv2 import …)', this.name);
    progress.note(`Importing: reading ${source}…`);
    const text = source === 'stdin' ? await ctx.readStdin() : await readSnapshot(ctx, source);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`${source} is not a JSON snapshot (it does not parse as JSON)`);
    }
    const { validateDocument } = await import('@kv2/local');
    let document: StoreDocument;
    try {
      document = validateDocument(parsed);
    } catch (error) {
      if (InvalidRequestError.is(error)) throw new CliError(`${source} is not a valid kv2 snapshot: ${error.message}; nothing was imported`);
      throw error;
    }
    const keys = Object.keys(document.keys).length;
    const replace = flags.bool('replace') === true;
    return withStore(ctx, flags, this.name, async (store, choice) => {
      const local = snapshotStore(store);
      if (local !== undefined) {
        progress.note(`Importing ${count(keys, 'key')} (${count(countVersions(document), 'version')}) in one step…`);
        await local.importDocument(document, { mode: replace ? 'replace' : 'merge' });
        progress.done();
        ctx.stderr.line(
          `Imported ${count(keys, 'key')} (${count(countVersions(document), 'version')}) into the ${describeBackend(choice)} (${replace ? 'replaced its content' : 'merged'})`,
        );
        return EXIT.ok;
      }
      if (replace) throw new UsageError('-replace works on local stores only; a server import adds to the mount and never removes keys', this.name);
      const allowConfig = flags.bool('allow-mount-config') === true;
      const report = await importRemote(store, document, {
        writeConfig: allowConfig,
        now: new Date(),
        concurrency,
        onKey: (_path, done, total) => progress.update(done, total),
      });
      progress.done();
      const skipped = report.skipped > 0 ? `; ${count(report.skipped, 'destroyed version')} skipped` : '';
      const config = allowConfig ? '' : '; mount config left unchanged (use -allow-mount-config to write it)';
      ctx.stderr.line(
        `Imported ${count(report.keys, 'key')} (${count(report.versions, 'version')} written as new versions) into the ${describeBackend(choice)}${skipped}${config}`,
      );
      return EXIT.ok;
    });
  },
};

async function readSnapshot(ctx: CommandContext, file: string): Promise<string> {
  try {
    return await readFile(resolve(ctx.cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** `kv2 export` and `kv2 import`. */
export const transferCommands: readonly CommandSpec[] = [exportCommand, importCommand];
