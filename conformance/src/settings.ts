import type { ConformanceOptions } from './types.js';
import type { PropertySettings } from './model/property.js';

/** Property runs per adapter when nothing else is asked for (CI runs at least this many). */
export const DEFAULT_NUM_RUNS = 200;
/** Longest command sequence per property run. */
export const DEFAULT_MAX_COMMANDS = 40;

function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * The property settings of a run: options first, then the environment (`FC_SEED`, `FC_PATH`,
 * `FC_NUM_RUNS`), then defaults. The seed is always fixed here so that it can be reported.
 */
export function resolveSettings(options: ConformanceOptions): PropertySettings {
  const seed = options.seed ?? envInteger('FC_SEED') ?? Math.floor(Math.random() * 0x7fffffff) | 0;
  const path = options.path ?? (process.env.FC_PATH?.trim() || undefined);
  return {
    numRuns: options.numRuns ?? envInteger('FC_NUM_RUNS') ?? DEFAULT_NUM_RUNS,
    seed,
    path,
    maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS,
  };
}

/** True when `name` passes the options' filter (no filter: everything). */
export function selected(name: string, options: ConformanceOptions): boolean {
  return options.filter === undefined || options.filter.includes(name);
}
