import fc from 'fast-check';
import { hasKvV2Extensions, type BaseKeyValueStore } from '@kv2/core';
import { createClock } from '../clock.js';
import type { Capability, ConformanceTarget } from '../types.js';
import { pathPool } from './arbitraries.js';
import { commandArbitraries, type ModelMode, type Real } from './commands.js';
import { KvModel } from './state.js';

/** A model-based property: random command sequences compared step by step with the reference model. */
export interface ModelProperty {
  readonly name: string;
  readonly requires: readonly Capability[];
  readonly mode: ModelMode;
}

/** The properties, from the core contract to the whole surface with a controllable clock. */
export const modelProperties: readonly ModelProperty[] = Object.freeze([
  { name: 'model: core operations agree with the reference model', requires: [], mode: 'core' },
  { name: 'model: core operations and KV v2 extensions agree with the reference model', requires: ['extensions'], mode: 'extensions' },
  {
    name: 'model: the whole surface with mount config and a moving clock agrees with the reference model',
    requires: ['extensions', 'mountConfig', 'controllableClock'],
    mode: 'full',
  },
]);

/** fast-check settings of one property run. */
export interface PropertySettings {
  numRuns: number;
  seed: number;
  path?: string | undefined;
  maxCommands: number;
}

/** Releases a store the way the target wants it released. */
export async function releaseStore<S extends BaseKeyValueStore>(target: ConformanceTarget<S>, store: S): Promise<void> {
  if (target.cleanup !== undefined) await target.cleanup(store);
  else await store.close();
}

/**
 * Runs one property against fresh stores from `target`. Resolves to null when it holds, or to a
 * readable failure: the shrunk command sequence, the error, and how to replay it.
 */
export async function runModelProperty(property: ModelProperty, target: ConformanceTarget, settings: PropertySettings): Promise<string | null> {
  // A replay path may carry fast-check's command replay hint after '@' (see `replayPathOf`).
  const [path, replayPath] = (settings.path ?? '').split('@');
  const commands = pathPool.chain((pool) =>
    fc.commands(commandArbitraries(property.mode, pool), {
      maxCommands: settings.maxCommands,
      size: 'max',
      ...(replayPath === undefined ? {} : { replayPath }),
    }),
  );
  const check = fc.asyncProperty(commands, async (cmds) => {
    const clock = createClock();
    const store = await target.create({ now: () => clock.now() });
    try {
      const capabilities = store.capabilities;
      const real: Real = { store, kv: hasKvV2Extensions(store) ? store : null, clock, timed: capabilities.controllableClock };
      await fc.asyncModelRun(() => ({ model: new KvModel(clock.now().getTime(), capabilities.extensions), real }), cmds);
    } finally {
      await releaseStore(target, store);
    }
  });
  const details = await fc.check(check, {
    numRuns: settings.numRuns,
    seed: settings.seed,
    ...(path === undefined || path === '' ? {} : { path }),
  });
  if (!details.failed) return null;
  const report = fc.defaultReportMessage(details) ?? 'property failed';
  const replay =
    details.counterexamplePath === null
      ? `seed ${details.seed}`
      : `FC_SEED=${details.seed} FC_PATH='${replayPathOf(details.counterexamplePath, report)}' (with filter ${JSON.stringify(property.name)})`;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return `${property.name} failed: ${cause}\nReplay: ${replay}\n${report}`;
}

/**
 * The replay path to print: fast-check's counterexample path, plus (after '@') the command
 * replay hint that `fc.commands` needs to rebuild the same shrunk sequence.
 */
function replayPathOf(counterexamplePath: string, report: string): string {
  const hint = /replayPath="([^"]+)"/.exec(report)?.[1];
  return hint === undefined ? counterexamplePath : `${counterexamplePath}@${hint}`;
}
