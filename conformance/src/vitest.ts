/**
 * The vitest entry: `describeConformance` registers one test per behaviour and one per model
 * property. Behaviours the store cannot run are registered with `it.skip`, the missing
 * capability in the title, so they are counted and visible, never dropped.
 */
import { describe, it } from 'vitest';
import { ConformanceAssertionError } from './assert.js';
import { behaviours } from './behaviours/index.js';
import { modelProperties, runModelProperty } from './model/property.js';
import { executeBehaviour, missingCapabilities, probeCapabilities } from './run-behaviour.js';
import { resolveSettings, selected } from './settings.js';
import type { ConformanceOptions, ConformanceTarget } from './types.js';

export { behaviours } from './behaviours/index.js';
export type { ConformanceOptions, ConformanceTarget } from './types.js';

/** Registers the conformance suite for `target` as a vitest `describe` block named `name`. */
export function describeConformance(name: string, target: ConformanceTarget, options: ConformanceOptions = {}): void {
  const settings = resolveSettings(options);
  describe(`${name} conformance (${behaviours.length} behaviours, ${modelProperties.length} model properties)`, async () => {
    const capabilities = await probeCapabilities(target);
    const chosen = behaviours.filter((b) => selected(b.name, options));
    const properties = options.model === false ? [] : modelProperties.filter((p) => selected(p.name, options));
    const runnable = [...chosen, ...properties].filter((entry) => missingCapabilities(entry.requires, capabilities).length === 0);
    const skipped = chosen.length + properties.length - runnable.length;
    console.info(
      `[kv2 conformance] ${name}: ${chosen.length} behaviours + ${properties.length} properties, ${skipped} skipped ` +
        `(capabilities ${JSON.stringify(capabilities)}); fast-check seed ${settings.seed}, ${settings.numRuns} runs` +
        (settings.path === undefined ? '' : `, path ${settings.path}`),
    );
    describe(`${runnable.length} runnable, ${skipped} skipped for missing capabilities`, () => {
      for (const behaviour of chosen) {
        const missing = missingCapabilities(behaviour.requires, capabilities);
        if (missing.length > 0) it.skip(`${behaviour.name} [skipped: store lacks ${missing.join(', ')}]`, () => {});
        else it(behaviour.name, () => executeBehaviour(behaviour, target));
      }
      for (const property of properties) {
        const missing = missingCapabilities(property.requires, capabilities);
        if (missing.length > 0) {
          it.skip(`${property.name} [skipped: store lacks ${missing.join(', ')}]`, () => {});
          continue;
        }
        it(`${property.name} (seed ${settings.seed})`, async () => {
          const failure = await runModelProperty(property, target, settings);
          if (failure !== null) throw new ConformanceAssertionError(failure);
        });
      }
    });
  });
}
