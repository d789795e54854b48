import type { BaseKeyValueStore, KvV2Store, StoreCapabilities } from '@kv2/core';
import type * as assertions from './assert.js';

/** A capability a behaviour can need beyond the core contract (a field of {@link StoreCapabilities}). */
export type Capability = keyof StoreCapabilities;

/** What the suite hands to {@link ConformanceTarget.create}. */
export interface ConformanceContext {
  /** The suite's clock. A store that declares `controllableClock` must read time only from it. */
  now: () => Date;
}

/**
 * How the suite gets stores: a fresh, empty one for every behaviour and every property run.
 * @typeParam S - the store type, so `cleanup` receives what `create` made.
 */
export interface ConformanceTarget<S extends BaseKeyValueStore = BaseKeyValueStore> {
  /** Returns a FRESH, empty store. A store with `controllableClock` must use `context.now`. */
  create(context: ConformanceContext): S | Promise<S>;
  /** Releases a store after use; the default calls `store.close()`. */
  cleanup?(store: S): void | Promise<void>;
}

/** Options of {@link runConformance} and `describeConformance`. */
export interface ConformanceOptions {
  /** Runs of each model property (default 200, or `FC_NUM_RUNS`). */
  numRuns?: number | undefined;
  /** fast-check seed for the model properties (default: `FC_SEED`, else random; always reported). */
  seed?: number | undefined;
  /**
   * Replay path of a failed property, as printed in its failure (`<path>` or `<path>@<commands hint>`);
   * default `FC_PATH`. Use with `seed` and a `filter` naming that property.
   */
  path?: string | undefined;
  /** Only run behaviours and properties whose name is listed (exact names). */
  filter?: readonly string[] | undefined;
  /** Run the model-based properties (default true). */
  model?: boolean | undefined;
  /** Longest command sequence per property run (default 40). */
  maxCommands?: number | undefined;
}

/** A suite-controlled clock. Stores without `controllableClock` ignore it. */
export interface TestClock {
  /** The current suite time (a fresh Date each call). */
  now(): Date;
  /** Moves the suite time forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** What a behaviour runs against. */
export interface BehaviourContext {
  /** A fresh, empty store. */
  readonly store: BaseKeyValueStore;
  /**
   * The same store typed with the KV v2 extensions. Throws when the store lacks them, so only
   * behaviours that require `extensions` use it.
   */
  readonly kv: KvV2Store;
  /** The store's declared capabilities. */
  readonly capabilities: StoreCapabilities;
  /** The suite clock the store was created with. */
  readonly clock: TestClock;
  /** Small assertion helpers with readable messages (no test framework needed). */
  readonly assert: typeof assertions;
}

/**
 * One named, observable KV v2 rule, as plain data so it can run under vitest or any runner.
 * `requires` lists the capabilities it needs; without them it is reported as skipped.
 */
export interface Behaviour {
  /** Unique, human-readable name; also what `filter` matches. */
  readonly name: string;
  /** The capabilities needed beyond the core contract. */
  readonly requires: readonly Capability[];
  /** Throws (an assertion error or an unexpected store error) when the store misbehaves. */
  run(ctx: BehaviourContext): Promise<void>;
}

/** One line of a {@link ConformanceReport}. */
export interface ReportEntry {
  /** The behaviour or property name. */
  name: string;
  /** `behaviour` for a named behaviour, `property` for a model-based property. */
  kind: 'behaviour' | 'property';
  /** Milliseconds spent (0 for skipped entries). */
  durationMs: number;
}

/** A failed behaviour or property. */
export interface FailedEntry extends ReportEntry {
  /** The failure message (for properties: the counterexample and how to replay it). */
  error: string;
}

/** A behaviour or property that did not run. */
export interface SkippedEntry extends ReportEntry {
  /** The capabilities the store lacks. */
  missing: Capability[];
  /** A readable reason, e.g. `store lacks capability: mountConfig`. */
  reason: string;
}

/** The outcome of {@link runConformance}. */
export interface ConformanceReport {
  /** The store's capabilities manifest, as read from a probe store. */
  capabilities: StoreCapabilities;
  passed: ReportEntry[];
  failed: FailedEntry[];
  skipped: SkippedEntry[];
  /** The fast-check seed the properties used (replay with `FC_SEED`). */
  seed: number;
  /** Total wall time in milliseconds. */
  durationMs: number;
}
