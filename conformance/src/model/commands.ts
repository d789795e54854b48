import fc from 'fast-check';
import type { BaseKeyValueStore, KvV2Store, MetadataUpdate } from '@kv2/core';
import type { TestClock } from '../types.js';
import * as arb from './arbitraries.js';
import { expectOutcome } from './compare.js';
import type { KvModel, ModelMetadataChange } from './state.js';

/** The system under test as the commands see it. */
export interface Real {
  store: BaseKeyValueStore;
  /** The store with extensions, or null for a core-only store. */
  kv: KvV2Store | null;
  clock: TestClock;
  /** Whether timestamps are comparable (the store runs on the suite clock). */
  timed: boolean;
}

/** Which commands a property generates. */
export type ModelMode = 'core' | 'extensions' | 'full';

type Body = (model: KvModel, real: Real) => Promise<void>;

/** One generated call; prints as the call it makes, so a shrunk counterexample reads as a script. */
class Step implements fc.AsyncCommand<KvModel, Real> {
  constructor(
    private readonly text: string,
    private readonly body: Body,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: KvModel, real: Real): Promise<void> {
    return this.body(model, real);
  }
  toString(): string {
    return this.text;
  }
}

const show = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value));

function kvOf(real: Real): KvV2Store {
  if (real.kv === null) throw new Error('this model command needs a store with the KV v2 extensions');
  return real.kv;
}

function resolveCas(choice: arb.CasChoice, current: number): number | undefined {
  return choice === 'current' ? current : choice;
}

/** After every mutation: the latest version, the metadata (with extensions) and the parent folder agree with the model. */
async function observe(model: KvModel, real: Real, path: string): Promise<void> {
  const p = show(path);
  await expectOutcome(`then read(${p})`, () => real.store.read(path), model.read(path, undefined), real.timed);
  if (real.kv !== null) {
    const kv = real.kv;
    await expectOutcome(`then readMetadata(${p})`, () => kv.readMetadata(path), model.readMetadata(path), real.timed);
  }
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  await expectOutcome(`then list(${show(parent)})`, () => real.store.list(parent), model.list(parent), real.timed);
}

function write(paths: arb.PathArbitraries) {
  return fc.tuple(paths.secretPath, arb.secretData, arb.casChoice).map(
    ([path, data, cas]) =>
      new Step(`write(${show(path)}, ${show(data)}, cas=${show(cas)})`, async (model, real) => {
        const c = resolveCas(cas, model.keys.get(path)?.current ?? 0);
        const call = `write(${show(path)}, ${show(data)}, { cas: ${show(c)} })`;
        await expectOutcome(call, () => real.store.write(path, data, { cas: c }), model.write(path, data, c), real.timed);
        await observe(model, real, path);
      }),
  );
}

function patch(paths: arb.PathArbitraries) {
  return fc.tuple(paths.secretPath, arb.patchData, arb.casChoice).map(
    ([path, data, cas]) =>
      new Step(`patch(${show(path)}, ${show(data)}, cas=${show(cas)})`, async (model, real) => {
        const c = resolveCas(cas, model.keys.get(path)?.current ?? 0);
        const call = `patch(${show(path)}, ${show(data)}, { cas: ${show(c)} })`;
        await expectOutcome(call, () => real.store.patch(path, data, { cas: c }), model.patch(path, data, c), real.timed);
        await observe(model, real, path);
      }),
  );
}

function read(paths: arb.PathArbitraries) {
  return fc.tuple(paths.spelledPath, arb.readVersion).map(
    ([{ path, spelled }, version]) =>
      new Step(`read(${show(spelled)}, version=${show(version)})`, async (model, real) => {
        await expectOutcome(
          `read(${show(spelled)}, { version: ${show(version)} })`,
          () => real.store.read(spelled, { version }),
          model.read(path, version),
          real.timed,
        );
      }),
  );
}

function versionsStep(paths: arb.PathArbitraries, op: 'delete' | 'undelete' | 'destroy') {
  return fc.tuple(paths.secretPath, arb.versionList).map(
    ([path, versions]) =>
      new Step(`${op}(${show(path)}, [${versions.join(',')}])`, async (model, real) => {
        await expectOutcome(
          `${op}(${show(path)}, [${versions.join(',')}])`,
          () => real.store[op](path, { versions }),
          model[op](path, versions),
          real.timed,
        );
        await observe(model, real, path);
      }),
  );
}

function list(paths: arb.PathArbitraries) {
  return paths.listPrefix.map(
    ({ path, spelled }) =>
      new Step(`list(${show(spelled)})`, async (model, real) => {
        await expectOutcome(`list(${show(spelled)})`, () => real.store.list(spelled), model.list(path), real.timed);
      }),
  );
}

function deleteLatest(paths: arb.PathArbitraries) {
  return paths.spelledPath.map(
    ({ path, spelled }) =>
      new Step(`deleteLatest(${show(spelled)})`, async (model, real) => {
        await expectOutcome(`deleteLatest(${show(spelled)})`, () => kvOf(real).deleteLatest(spelled), model.deleteLatest(path), real.timed);
        await observe(model, real, path);
      }),
  );
}

function deleteMetadata(paths: arb.PathArbitraries) {
  return paths.spelledPath.map(
    ({ path, spelled }) =>
      new Step(`deleteMetadata(${show(spelled)})`, async (model, real) => {
        await expectOutcome(`deleteMetadata(${show(spelled)})`, () => kvOf(real).deleteMetadata(spelled), model.deleteMetadata(path), real.timed);
        await observe(model, real, path);
      }),
  );
}

function subkeys(paths: arb.PathArbitraries) {
  return fc.tuple(paths.spelledPath, arb.readVersion, fc.integer({ min: -1, max: 3 })).map(
    ([{ path, spelled }, version, depth]) =>
      new Step(`subkeys(${show(spelled)}, version=${show(version)}, depth=${depth})`, async (model, real) => {
        const call = `subkeys(${show(spelled)}, { version: ${show(version)}, depth: ${depth} })`;
        await expectOutcome(call, () => kvOf(real).subkeys(spelled, { version, depth }), model.subkeys(path, version, depth), real.timed);
      }),
  );
}

const metadataCas = fc.oneof(fc.constant(undefined), fc.constant('current' as const), fc.nat(3));

function metadataChange(nullable: boolean, timed: boolean) {
  const orNull = <T>(a: fc.Arbitrary<T>) => (nullable ? fc.oneof(a, fc.constant(null)) : a);
  return fc.record(
    {
      maxVersions: orNull(fc.oneof({ weight: 4, arbitrary: fc.nat(4) }, { weight: 1, arbitrary: fc.constantFrom(11, 4_294_967_295) })),
      casRequired: orNull(fc.boolean()),
      metadataCasRequired: orNull(fc.boolean()),
      customMetadata: fc.oneof(nullable ? arb.customMetadataPatch : arb.customMetadata, fc.constant(null)),
      ...(timed ? { deleteVersionAfter: orNull(fc.constantFrom(0, 60, 300)) } : {}),
      metadataCas,
    },
    { requiredKeys: [] },
  );
}

function metadataStep(paths: arb.PathArbitraries, op: 'writeMetadata' | 'patchMetadata', timed: boolean) {
  return fc.tuple(paths.secretPath, metadataChange(op === 'patchMetadata', timed)).map(
    ([path, change]) =>
      new Step(`${op}(${show(path)}, ${show(change)})`, async (model, real) => {
        const { metadataCas: choice, ...fields } = change;
        const cas = resolveCas(choice, model.keys.get(path)?.metadataVersion ?? 0);
        const input = { ...fields, ...(cas === undefined ? {} : { metadataCas: cas }) } as ModelMetadataChange;
        const expected = op === 'writeMetadata' ? model.writeMetadata(path, input) : model.patchMetadata(path, input);
        const kv = kvOf(real);
        const action = op === 'writeMetadata' ? () => kv.writeMetadata(path, input as MetadataUpdate) : () => kv.patchMetadata(path, input);
        await expectOutcome(`${op}(${show(path)}, ${show(input)})`, action, expected, real.timed, (r) => ({
          warnings: (r as { warnings: string[] }).warnings.length,
        }));
        await observe(model, real, path);
      }),
  );
}

// Mount-wide settings: small limits (to meet pruning), values far above the default (11 and the
// uint32 maximum, where nothing is pruned), both CAS flags and the three kinds of duration.
const writeConfig = fc
  .record(
    {
      maxVersions: fc.oneof({ weight: 4, arbitrary: fc.nat(4) }, { weight: 1, arbitrary: fc.constantFrom(11, 4_294_967_295) }),
      casRequired: fc.boolean(),
      metadataCasRequired: fc.boolean(),
      deleteVersionAfter: fc.constantFrom(-1, 0, 30, 120, 4_294_967_295),
    },
    { requiredKeys: [] },
  )
  .map(
    (change) =>
      new Step(`writeConfig(${show(change)})`, async (model, real) => {
        await expectOutcome(`writeConfig(${show(change)})`, () => kvOf(real).writeConfig(change), model.writeConfig(change), real.timed);
        await expectOutcome('readConfig()', () => kvOf(real).readConfig(), model.readConfig(), real.timed);
      }),
  );

const advanceClock = fc.integer({ min: 1, max: 200_000 }).map(
  (ms) =>
    new Step(`clock.advance(${ms})`, async (model, real) => {
      real.clock.advance(ms);
      model.now += ms;
    }),
);

/** The command arbitraries of a mode over one run's path pool; richer modes add to the core ones. */
export function commandArbitraries(mode: ModelMode, pool: readonly string[]): Array<fc.Arbitrary<fc.AsyncCommand<KvModel, Real>>> {
  const paths = arb.pathArbitraries(pool);
  const core = [
    write(paths),
    write(paths),
    patch(paths),
    read(paths),
    read(paths),
    versionsStep(paths, 'delete'),
    versionsStep(paths, 'undelete'),
    versionsStep(paths, 'destroy'),
    list(paths),
  ];
  if (mode === 'core') return core;
  const timed = mode === 'full';
  const extensions = [
    ...core,
    write(paths),
    deleteLatest(paths),
    deleteMetadata(paths),
    subkeys(paths),
    metadataStep(paths, 'writeMetadata', timed),
    metadataStep(paths, 'patchMetadata', timed),
  ];
  if (mode === 'extensions') return extensions;
  return [...extensions, writeConfig, advanceClock, advanceClock];
}
