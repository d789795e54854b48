import { hasKvV2Extensions, type KvV2Store, type StoreCapabilities } from '@kv2/core';
import * as assert from './assert.js';
import { createClock } from './clock.js';
import { releaseStore } from './model/property.js';
import type { Behaviour, BehaviourContext, Capability, ConformanceTarget } from './types.js';

/** The capabilities in `requires` that `capabilities` lacks. */
export function missingCapabilities(requires: readonly Capability[], capabilities: StoreCapabilities): Capability[] {
  return requires.filter((capability) => !capabilities[capability]);
}

/** Reads the capabilities manifest from one store made (and released) for that purpose. */
export async function probeCapabilities(target: ConformanceTarget): Promise<StoreCapabilities> {
  const clock = createClock();
  const store = await target.create({ now: () => clock.now() });
  try {
    const { extensions, mountConfig, controllableClock } = store.capabilities;
    return { extensions, mountConfig, controllableClock };
  } finally {
    await releaseStore(target, store);
  }
}

/**
 * Runs one behaviour against a fresh store from `target` and releases the store afterwards.
 * Throws whatever the behaviour throws (an assertion error or an unexpected store error).
 */
export async function executeBehaviour(behaviour: Behaviour, target: ConformanceTarget): Promise<void> {
  const clock = createClock();
  const store = await target.create({ now: () => clock.now() });
  try {
    const capabilities = store.capabilities;
    const missing = missingCapabilities(behaviour.requires, capabilities);
    if (missing.length > 0) assert.fail(`the store created for this behaviour lacks ${missing.join(', ')}, although the probe store had it`);
    const context: BehaviourContext = {
      store,
      get kv(): KvV2Store {
        if (!hasKvV2Extensions(store)) throw new Error(`behaviour "${behaviour.name}" uses the KV v2 extensions but does not require them`);
        return store;
      },
      capabilities,
      clock,
      assert,
    };
    await behaviour.run(context);
  } finally {
    await releaseStore(target, store);
  }
}
