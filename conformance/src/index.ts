/**
 * @kv2/conformance: the KV v2 behaviours every kv2 store must show, as plain data, plus
 * model-based property tests, runnable with or without a test framework.
 */
export { behaviours } from './behaviours/index.js';
export { runConformance, formatReport } from './runner.js';
export { executeBehaviour, missingCapabilities, probeCapabilities } from './run-behaviour.js';
export { modelProperties, runModelProperty, type ModelProperty, type PropertySettings } from './model/property.js';
export { scopedStore, ScopedKeyValueStore, type ScopedStoreOptions } from './scoped-store.js';
export { createClock, CLOCK_START } from './clock.js';
export { DEFAULT_NUM_RUNS, DEFAULT_MAX_COMMANDS, resolveSettings } from './settings.js';
export * as assert from './assert.js';
export { ConformanceAssertionError } from './assert.js';
export type {
  Behaviour,
  BehaviourContext,
  Capability,
  ConformanceContext,
  ConformanceOptions,
  ConformanceReport,
  ConformanceTarget,
  FailedEntry,
  ReportEntry,
  SkippedEntry,
  TestClock,
} from './types.js';

import { behaviours } from './behaviours/index.js';

/** How many named behaviours the suite has. */
export const behaviourCount: number = behaviours.length;
