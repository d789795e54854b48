import { SecretNotFoundError, type MetadataPatch, type MetadataUpdate } from '@kv2/core';
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { EXIT, NotFoundError } from '../errors.js';
import type { FlagSpec, ParsedFlags } from '../flags.js';
import { apiPath } from '../paths.js';
import { headerForMap, keyValueTable, pathHeader } from '../output/table.js';
import { encodeKeyMetadata, type WireKeyMetadata } from '@kv2/core/wire';
import { envelope } from '../output/wire.js';
import { attempt, failed, kvFlagGroups, kvFormat, positionals, printFormatted, printWarnings, withKvStore, type KvFormat } from './kv-shared.js';

const SETTINGS_FLAGS: readonly FlagSpec[] = [
  {
    name: 'max-versions',
    kind: 'int',
    placeholder: 'N',
    description: "Versions to keep (0: the mount's setting, default 10). Applies from the next write.",
  },
  { name: 'cas-required', kind: 'bool', description: 'Require check-and-set (-cas) on every write of this key (-cas-required=false to turn off).' },
  {
    name: 'delete-version-after',
    kind: 'duration',
    placeholder: 'DURATION',
    description: "Soft-delete each version this long after it is written, e.g. 30s, 3h25m19s (0s: the mount's setting).",
  },
  {
    name: 'custom-metadata',
    kind: 'map',
    placeholder: 'KEY=VALUE',
    description: 'Custom metadata (repeatable). metadata put replaces the whole map; metadata patch merges.',
  },
  { name: 'metadata-cas-required', kind: 'bool', description: 'Require -metadata-cas on every metadata write of this key (OpenBao 2.4+).' },
  {
    name: 'metadata-cas',
    kind: 'int',
    placeholder: 'N',
    description: "Metadata check-and-set: only if the key's current_metadata_version is N (0 for a new key).",
  },
];

function settings(flags: ParsedFlags): MetadataUpdate {
  const update: MetadataUpdate = {};
  const maxVersions = flags.int('max-versions');
  if (maxVersions !== undefined && maxVersions >= 0) update.maxVersions = maxVersions;
  const casRequired = flags.bool('cas-required');
  if (casRequired !== undefined) update.casRequired = casRequired;
  const deleteAfter = flags.duration('delete-version-after');
  if (deleteAfter !== undefined) update.deleteVersionAfter = deleteAfter;
  const custom = flags.map('custom-metadata');
  if (Object.keys(custom).length > 0) update.customMetadata = custom;
  const metadataCasRequired = flags.bool('metadata-cas-required');
  if (metadataCasRequired !== undefined) update.metadataCasRequired = metadataCasRequired;
  const metadataCas = flags.int('metadata-cas');
  if (metadataCas !== undefined) update.metadataCas = metadataCas;
  return update;
}

// A metadata write answers nothing (bao prints a success line) or only warnings.
function printMetadataWrite(ctx: CommandContext, path: string, warnings: readonly string[], format: KvFormat): number {
  if (format !== 'table') return warnings.length > 0 ? printFormatted(ctx, envelope(null, warnings), format) : EXIT.ok;
  printWarnings(ctx, warnings);
  ctx.stdout.line(`Success! Data written to: ${path}`);
  return EXIT.ok;
}

const metadataGet: CommandSpec = {
  name: 'kv metadata get',
  usage: '[flags] PATH',
  summary: "Show a key's metadata and the state of every version",
  description: "Prints the settings and history of the secret at PATH: current and oldest version, custom metadata, and each version's times.",
  examples: ['kv2 kv metadata get secret/app/db', 'kv2 kv metadata get -format=json -mount=secret app/db'],
  flags: kvFlagGroups([]),
  async run(ctx, flags) {
    const [arg] = positionals(flags, this.name, 1, 1) as [string];
    const format = kvFormat(ctx, flags, this.name);
    return withKvStore(
      ctx,
      flags,
      this.name,
      arg,
      async (store, target) => {
        const path = apiPath(target, 'metadata');
        let wire: WireKeyMetadata;
        try {
          wire = encodeKeyMetadata(await store.readMetadata(target.key));
        } catch (error) {
          if (SecretNotFoundError.is(error)) throw new NotFoundError(`No value found at ${path}`);
          failed(`reading ${path}`, error);
        }
        if (format !== 'table') return printFormatted(ctx, envelope(wire), format);
        const { versions, ...rest } = wire;
        ctx.stdout.line(pathHeader('Metadata Path', path));
        ctx.stdout.line(headerForMap('Metadata', rest));
        ctx.stdout.line(keyValueTable(rest));
        for (const [number, state] of Object.entries(versions)) {
          ctx.stdout.line();
          ctx.stdout.line(headerForMap(`Version ${number}`, state));
          ctx.stdout.line(keyValueTable(state));
        }
        return EXIT.ok;
      },
      { readOnly: true },
    );
  },
};

const metadataPut: CommandSpec = {
  name: 'kv metadata put',
  usage: '[flags] PATH',
  summary: 'Create a key or change its settings (field by field)',
  description: `Creates the key at PATH (without data) or changes the settings given; settings not given keep
their values. -custom-metadata replaces the whole custom metadata map. Without any setting flag the
call changes nothing (as in OpenBao, it does not even create the key).`,
  examples: [
    'kv2 kv metadata put -max-versions=5 secret/app/db',
    'kv2 kv metadata put -cas-required -delete-version-after=720h secret/app/db',
    'kv2 kv metadata put -custom-metadata=owner=payments -custom-metadata=tier=1 secret/app/db',
  ],
  flags: kvFlagGroups(SETTINGS_FLAGS),
  async run(ctx, flags) {
    const [arg] = positionals(flags, this.name, 1, 1) as [string];
    const format = kvFormat(ctx, flags, this.name);
    const update = settings(flags);
    return withKvStore(ctx, flags, this.name, arg, async (store, target) => {
      const path = apiPath(target, 'metadata');
      const { warnings } = await attempt(`writing data to ${path}`, () => store.writeMetadata(target.key, update));
      return printMetadataWrite(ctx, path, warnings, format);
    });
  },
};

const metadataPatch: CommandSpec = {
  name: 'kv metadata patch',
  usage: '[flags] PATH',
  summary: "Merge changes into an existing key's settings",
  description: `Changes the settings given on the existing key at PATH. -custom-metadata entries are merged into
the map and -remove-custom-metadata removes entries; other entries stay.`,
  examples: [
    'kv2 kv metadata patch -max-versions=20 secret/app/db',
    'kv2 kv metadata patch -custom-metadata=owner=ops -remove-custom-metadata=tier secret/app/db',
  ],
  flags: kvFlagGroups([
    ...SETTINGS_FLAGS,
    { name: 'remove-custom-metadata', kind: 'list', placeholder: 'KEY', description: 'Remove this custom metadata entry (repeatable).' },
  ]),
  async run(ctx, flags) {
    const [arg] = positionals(flags, this.name, 1, 1) as [string];
    const format = kvFormat(ctx, flags, this.name);
    const { customMetadata, ...rest } = settings(flags);
    // As bao does, custom_metadata is always part of the patch (an empty object changes no entry).
    const custom: Record<string, string | null> = { ...customMetadata };
    for (const key of flags.list('remove-custom-metadata')) custom[key] = null;
    const patch: MetadataPatch = { ...rest, customMetadata: custom };
    return withKvStore(ctx, flags, this.name, arg, async (store, target) => {
      const path = apiPath(target, 'metadata');
      const { warnings } = await attempt(`writing data to ${path}`, () => store.patchMetadata(target.key, patch));
      return printMetadataWrite(ctx, path, warnings, format);
    });
  },
};

const metadataDelete: CommandSpec = {
  name: 'kv metadata delete',
  usage: '[flags] PATH',
  summary: 'Remove a key with all its versions and history',
  description: 'Removes the secret at PATH completely: every version, its data and its metadata. A later write starts again at version 1.',
  examples: ['kv2 kv metadata delete secret/app/db'],
  flags: kvFlagGroups([]),
  async run(ctx, flags) {
    const [arg] = positionals(flags, this.name, 1, 1) as [string];
    const format = kvFormat(ctx, flags, this.name);
    return withKvStore(ctx, flags, this.name, arg, async (store, target) => {
      const path = apiPath(target, 'metadata');
      await attempt(`deleting ${path}`, () => store.deleteMetadata(target.key));
      if (format === 'table') ctx.stdout.line(`Success! Data deleted (if it existed) at: ${path}`);
      return EXIT.ok;
    });
  },
};

/** `kv metadata get|put|patch|delete`, modelled on `bao kv metadata`. */
export const kvMetadataCommands: readonly CommandSpec[] = [metadataGet, metadataPut, metadataPatch, metadataDelete];
