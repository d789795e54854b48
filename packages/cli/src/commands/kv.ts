import { BaseKeyValueStore, SecretNotFoundError, hasKvV2Extensions, type JsonObject, type Secret, type VersionMetadata } from '@kv2/core';
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { EXIT, NotFoundError, PlainError, UsageError } from '../errors.js';
import { versionNumbers } from '../flags.js';
import { buildKvData } from '../kv-data.js';
import { apiPath, type KvTarget } from '../paths.js';
import { headerForMap, keyValueTable, pathHeader, table } from '../output/table.js';
import { encodeVersionMetadata } from '@kv2/core/wire';
import { envelope, toJson, toYaml } from '../output/wire.js';
import {
  FIELD_FLAG,
  FORMAT_FLAG,
  attempt,
  failed,
  kvFlagGroups,
  kvFormat,
  positionals,
  printField,
  printFormatted,
  printRaw,
  withKvStore,
  type KvFormat,
} from './kv-shared.js';

const DATA_HELP = `DATA is any number of key=value pairs (key=@file reads the value from a file, key=- from stdin),
@file.json or - (a JSON object from a file or stdin). A repeated key collects its values in an array.`;

// The 5-key metadata table bao prints after a write (`put`, `patch`, `rollback`).
function printWriteResult(ctx: CommandContext, target: KvTarget, metadata: VersionMetadata, format: KvFormat, withPath: boolean): number {
  const wire = encodeVersionMetadata(metadata);
  if (format !== 'table') return printFormatted(ctx, envelope(wire), format);
  if (withPath) ctx.stdout.line(pathHeader('Secret Path', apiPath(target, 'data')));
  if (withPath) ctx.stdout.line(headerForMap('Metadata', wire));
  ctx.stdout.line(keyValueTable(wire));
  return EXIT.ok;
}

const get: CommandSpec = {
  name: 'kv get',
  usage: '[flags] PATH',
  summary: 'Read a secret (the latest version, or -version N)',
  description: `Reads a version of the secret at PATH and prints its metadata and data. A soft-deleted or
destroyed version shows its metadata and no data (as bao does). With -field, prints one value raw.`,
  examples: [
    'kv2 kv get secret/app/db',
    'kv2 kv get -mount=secret -version=2 app/db',
    'kv2 kv get -field=password secret/app/db',
    'kv2 kv get -format=json secret/app/db',
  ],
  flags: kvFlagGroups(
    [{ name: 'version', kind: 'int', placeholder: 'N', description: 'The version to read (default: the latest).' }],
    [FORMAT_FLAG, FIELD_FLAG],
  ),
  async run(ctx, flags) {
    const [arg] = positionals(flags, this.name, 1, 1) as [string];
    const format = kvFormat(ctx, flags, this.name);
    const version = flags.int('version');
    if (version !== undefined && version < 0) throw new UsageError('-version must be 0 (latest) or a positive version number', this.name);
    const field = flags.string('field');
    return withKvStore(
      ctx,
      flags,
      this.name,
      arg,
      async (store, target) => {
        const path = apiPath(target, 'data');
        let data: JsonObject | null;
        let metadata: VersionMetadata;
        try {
          const secret: Secret = await store.read(target.key, { version: version === 0 ? undefined : version });
          ({ data, metadata } = secret);
        } catch (error) {
          if (!SecretNotFoundError.is(error)) failed(`reading ${path}`, error);
          if (error.metadata === null) throw new NotFoundError(`No value found at ${path}`);
          data = null;
          metadata = error.metadata;
        }
        if (field !== undefined) {
          if (data === null)
            throw new PlainError(`No data found at ${path} (version ${metadata.version} is ${metadata.destroyed ? 'destroyed' : 'deleted'})`);
          // bao: -field=data is the data's own "data" entry if it has one, else the whole data map.
          if (field === 'data' && !Object.hasOwn(data, 'data')) return printRaw(ctx, data, format);
          return printField(ctx, data, field, format, 'map');
        }
        const wire = encodeVersionMetadata(metadata);
        if (format !== 'table') return printFormatted(ctx, envelope({ data, metadata: wire }), format);
        ctx.stdout.line(pathHeader('Secret Path', path));
        ctx.stdout.line(headerForMap('Metadata', wire));
        ctx.stdout.line(keyValueTable(wire));
        if (data !== null) {
          ctx.stdout.line();
          ctx.stdout.line(headerForMap('Data', data));
          if (Object.keys(data).length > 0) ctx.stdout.line(keyValueTable(data));
        }
        return EXIT.ok;
      },
      { readOnly: true },
    );
  },
};

const put: CommandSpec = {
  name: 'kv put',
  usage: '[flags] PATH DATA...',
  summary: 'Write a secret as a new version',
  description: `Writes DATA as a new version of the secret at PATH (nothing is merged with earlier versions; see
kv patch for that). ${DATA_HELP}
With -cas N the write happens only if the current version is N (0: only if the secret does not exist).`,
  examples: [
    'kv2 kv put secret/app/db user=app password=s3cret',
    'kv2 kv put -mount=secret -cas=1 app/db password=rotated',
    'kv2 kv put secret/app/tls cert=@cert.pem',
    'echo \'{"user":"app","port":5432}\' | kv2 kv put secret/app/db -',
  ],
  flags: kvFlagGroups(
    [
      {
        name: 'cas',
        kind: 'int',
        placeholder: 'N',
        description: 'Check-and-set: write only if the current version is N (0 = only if new). Default: no check.',
      },
    ],
    [FORMAT_FLAG, FIELD_FLAG],
  ),
  async run(ctx, flags) {
    const args = positionals(flags, this.name, 1, Infinity);
    if (args.length === 1) throw new UsageError('must supply data (key=value, @file.json or -)', this.name);
    const format = kvFormat(ctx, flags, this.name);
    const cas = flags.int('cas');
    const data = await buildKvData(ctx, args.slice(1), this.name);
    return withKvStore(ctx, flags, this.name, args[0] as string, async (store, target) => {
      const path = apiPath(target, 'data');
      const metadata = await attempt(`writing data to ${path}`, () => store.write(target.key, data, cas === undefined || cas < 0 ? {} : { cas }));
      const field = flags.string('field');
      if (field !== undefined) return printField(ctx, encodeVersionMetadata(metadata), field, format);
      return printWriteResult(ctx, target, metadata, format, true);
    });
  },
};

const patch: CommandSpec = {
  name: 'kv patch',
  usage: '[flags] PATH [DATA...]',
  summary: 'Merge changes into the latest version (RFC 7386), as a new version',
  description: `Merges DATA into the latest version of the secret at PATH and stores the result as a new
version (a JSON merge patch: nested objects merge, null removes a key). ${DATA_HELP}
-remove-data KEY removes a top-level key. -method rw reads, merges locally and writes with
check-and-set instead of sending a PATCH.`,
  examples: [
    'kv2 kv patch secret/app/db password=rotated',
    'kv2 kv patch -cas=3 secret/app/db port=6432',
    'kv2 kv patch -remove-data=legacy secret/app/db',
  ],
  flags: kvFlagGroups(
    [
      { name: 'cas', kind: 'int', placeholder: 'N', description: 'Check-and-set: patch only if the current version is N. 0 or absent: no check.' },
      { name: 'remove-data', kind: 'list', placeholder: 'KEY', description: 'Remove this top-level key (repeatable).' },
      {
        name: 'method',
        kind: 'string',
        placeholder: 'patch|rw',
        description: "patch (default): the store's native merge patch; rw: read, merge, write with check-and-set.",
      },
    ],
    [FORMAT_FLAG, FIELD_FLAG],
  ),
  async run(ctx, flags) {
    const args = positionals(flags, this.name, 1, Infinity);
    const removals = flags.list('remove-data');
    if (args.length === 1 && removals.length === 0) throw new UsageError('must supply data (key=value, @file.json, - or -remove-data)', this.name);
    const format = kvFormat(ctx, flags, this.name);
    const method = flags.string('method') ?? 'patch';
    if (method !== 'patch' && method !== 'rw') throw new UsageError(`unsupported -method ${JSON.stringify(method)}: use patch or rw`, this.name);
    const cas = flags.int('cas');
    const changes: JsonObject = await buildKvData(ctx, args.slice(1), this.name);
    for (const key of removals) changes[key] = null;
    return withKvStore(ctx, flags, this.name, args[0] as string, async (store, target) => {
      const path = apiPath(target, 'data');
      const options = cas === undefined || cas <= 0 ? {} : { cas };
      let metadata: VersionMetadata;
      try {
        // `rw` is the read → merge → write-with-cas that BaseKeyValueStore implements for every store.
        metadata =
          method === 'rw'
            ? await BaseKeyValueStore.prototype.patch.call(store, target.key, changes, options)
            : await store.patch(target.key, changes, options);
      } catch (error) {
        if (!SecretNotFoundError.is(error)) failed(`writing data to ${path}`, error, method === 'rw' ? 'PUT' : 'PATCH');
        // bao's rw pre-read reports the missing secret.
        if (method === 'rw') throw new NotFoundError(`No value found at ${path}`);
        // bao's PATCH reads OpenBao's empty 404 as "no answer" and prints its success line with
        // exit 0; kv2 does the same for scripts written for bao, and says on stderr that
        // nothing was written.
        ctx.stderr.line(`Note: no secret at ${path}; nothing was written (patch changes existing secrets only; use kv put to create one)`);
        if (format === 'table') ctx.stdout.line(`Success! Data written to: ${path}`);
        return EXIT.ok;
      }
      const field = flags.string('field');
      if (field !== undefined) return printField(ctx, encodeVersionMetadata(metadata), field, format);
      return printWriteResult(ctx, target, metadata, format, true);
    });
  },
};

const del: CommandSpec = {
  name: 'kv delete',
  usage: '[flags] PATH',
  summary: 'Soft-delete the latest version, or -versions',
  description: `Soft-deletes the latest version of the secret at PATH, or the versions given with -versions.
Deleted versions can be restored with kv undelete; to remove data for good use kv destroy, and to
remove the secret with all its history, kv metadata delete.`,
  examples: ['kv2 kv delete secret/app/db', 'kv2 kv delete -versions=1,2 secret/app/db'],
  flags: kvFlagGroups([
    { name: 'versions', kind: 'list', placeholder: 'N,N', description: 'The versions to delete (comma-separated or repeated). Default: the latest.' },
  ]),
  async run(ctx, flags) {
    const [arg] = positionals(flags, this.name, 1, 1) as [string];
    const format = kvFormat(ctx, flags, this.name);
    const versions = versionNumbers(flags.list('versions'), 'versions', this.name);
    return withKvStore(ctx, flags, this.name, arg, async (store, target) => {
      const path = apiPath(target, 'data');
      await attempt(`deleting ${path}`, async () => {
        if (versions.length > 0) return store.delete(target.key, { versions });
        if (hasKvV2Extensions(store)) return store.deleteLatest(target.key);
        return deleteLatestByVersion(store, target.key);
      });
      if (format === 'table') ctx.stdout.line(`Success! Data deleted (if it existed) at: ${path}`);
      return EXIT.ok;
    });
  },
};

// For a store without the extensions: the latest version number, then a versions delete.
async function deleteLatestByVersion(store: BaseKeyValueStore, key: string): Promise<void> {
  try {
    const { metadata } = await store.read(key);
    await store.delete(key, { versions: [metadata.version] });
  } catch (error) {
    if (!SecretNotFoundError.is(error)) throw error;
  }
}

function versionsCommand(operation: 'undelete' | 'destroy', summary: string, description: string): CommandSpec {
  return {
    name: `kv ${operation}`,
    usage: '[flags] -versions=N[,N...] PATH',
    summary,
    description,
    examples: [`kv2 kv ${operation} -versions=2 secret/app/db`, `kv2 kv ${operation} -mount=secret -versions=1,2 app/db`],
    flags: kvFlagGroups([
      { name: 'versions', kind: 'list', placeholder: 'N,N', description: `The versions to ${operation} (comma-separated or repeated). Required.` },
    ]),
    async run(ctx, flags) {
      const [arg] = positionals(flags, this.name, 1, 1) as [string];
      const format = kvFormat(ctx, flags, this.name);
      const versions = versionNumbers(flags.list('versions'), 'versions', this.name);
      if (versions.length === 0) throw new UsageError(`no versions provided: use -versions to say which versions to ${operation}`, this.name);
      return withKvStore(ctx, flags, this.name, arg, async (store, target) => {
        const path = apiPath(target, operation);
        await attempt(`writing data to ${path}`, () => store[operation](target.key, { versions }));
        if (format === 'table') ctx.stdout.line(`Success! Data written to: ${path}`);
        return EXIT.ok;
      });
    },
  };
}

const undelete = versionsCommand(
  'undelete',
  'Restore soft-deleted versions',
  'Restores the soft-deleted versions given with -versions. Destroyed versions stay destroyed.',
);

const destroy = versionsCommand(
  'destroy',
  'Permanently remove the data of versions',
  'Permanently removes the data of the versions given with -versions. Their metadata stays, marked destroyed.',
);

const list: CommandSpec = {
  name: 'kv list',
  usage: '[flags] PATH',
  summary: 'List the keys and folders under a path',
  description: `Lists the secrets and sub-folders directly under PATH (folders end in /), sorted byte-wise.
Nothing there is "No value found" (exit code 1), as in bao. -format json prints the array of keys.`,
  examples: ['kv2 kv list secret/', 'kv2 kv list secret/app', 'kv2 kv list -mount=secret', 'kv2 kv list -format=json secret/app'],
  flags: kvFlagGroups([]),
  async run(ctx, flags) {
    const args = positionals(flags, this.name, flags.has('mount') ? 0 : 1, 1);
    const format = kvFormat(ctx, flags, this.name);
    return withKvStore(
      ctx,
      flags,
      this.name,
      args[0] ?? '',
      async (store, target) => {
        const path = apiPath(target, 'metadata');
        const keys = await attempt(`listing ${path}`, () => store.list(target.key));
        if (format === 'json' || format === 'yaml') {
          ctx.stdout.line(format === 'json' ? toJson(keys) : toYaml(keys));
          return keys.length > 0 ? EXIT.ok : EXIT.failure;
        }
        if (keys.length === 0) throw new NotFoundError(`No value found at ${path}`);
        if (format !== 'table') return printFormatted(ctx, keys, format);
        ctx.stdout.line(
          table(
            ['Keys'],
            keys.map((key) => [key]),
          ),
        );
        return EXIT.ok;
      },
      { readOnly: true },
    );
  },
};

const rollback: CommandSpec = {
  name: 'kv rollback',
  usage: '[flags] -version=N PATH',
  summary: "Write an earlier version's data as a new version",
  description: `Restores version N of the secret at PATH by writing its data as a new version, with
check-and-set on the current version (as bao does): if the current version is 5 and you roll back
to 2, the data of version 2 becomes version 6. Deleted or destroyed versions cannot be rolled back to.`,
  examples: ['kv2 kv rollback -version=2 secret/app/db', 'kv2 kv rollback -mount=secret -version=1 app/db'],
  flags: kvFlagGroups([{ name: 'version', kind: 'int', placeholder: 'N', description: 'The version to make current again. Required.' }]),
  async run(ctx, flags) {
    const [arg] = positionals(flags, this.name, 1, 1) as [string];
    const format = kvFormat(ctx, flags, this.name);
    const version = flags.int('version');
    if (version === undefined) throw new UsageError('version flag must be specified: -version=N', this.name);
    if (version <= 0) throw new UsageError(`invalid value ${version} for the version flag`, this.name);
    return withKvStore(ctx, flags, this.name, arg, async (store, target) => {
      const path = apiPath(target, 'data');
      const current = await currentVersion(store, target.key, path);
      let wanted: Secret;
      try {
        wanted = await store.read(target.key, { version });
      } catch (error) {
        if (!SecretNotFoundError.is(error)) failed(`doing pre-read at ${path}`, error);
        if (error.reason === 'missing') throw new NotFoundError(`No value found at ${path} (version ${version})`);
        throw new PlainError(`Cannot roll back to a version that has been ${error.reason}`);
      }
      // bao refuses a version with any deletion time, even one scheduled in the future.
      if (wanted.metadata.deletionTime !== null) throw new PlainError('Cannot roll back to a version that has been deleted');
      const metadata = await attempt(`writing data to ${path}`, () => store.write(target.key, wanted.data, { cas: current }));
      return printWriteResult(ctx, target, metadata, format, false);
    });
  },
};

// The current version number, also when the latest version is deleted or destroyed.
async function currentVersion(store: BaseKeyValueStore, key: string, path: string): Promise<number> {
  try {
    return (await store.read(key)).metadata.version;
  } catch (error) {
    if (!SecretNotFoundError.is(error)) failed(`doing pre-read at ${path}`, error);
    if (error.metadata === null) throw new NotFoundError(`No value found at ${path}`);
    return error.metadata.version;
  }
}

/** The kv data commands, modelled on `bao kv`. */
export const kvCommands: readonly CommandSpec[] = [get, put, patch, del, undelete, destroy, list, rollback];
