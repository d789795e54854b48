import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The mutation run (stryker.config.json): only the conformance suite on the memory store is the
// test, so the score measures the suite, not the unit tests beside the engine. The workspace
// packages are aliased to this folder's sources because Stryker runs in a sandbox copy whose
// node_modules links still point at the unmutated originals.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@kv2\/core$/, replacement: here('./packages/core/src/index.ts') },
      { find: /^@kv2\/core\/wire$/, replacement: here('./packages/core/src/wire/index.ts') },
      { find: /^@kv2\/local$/, replacement: here('./packages/local/src/index.ts') },
      { find: /^@kv2\/conformance$/, replacement: here('./conformance/src/index.ts') },
      { find: /^@kv2\/conformance\/vitest$/, replacement: here('./conformance/src/vitest.ts') },
    ],
  },
  test: {
    include: ['conformance/test/memory-store.conformance.test.ts'],
    testTimeout: 120_000,
    // A fixed seed: a mutant must be killed (or survive) the same way on every run, and the
    // incremental report may reuse earlier results only if the properties ran the same calls.
    env: { FC_SEED: process.env.FC_SEED ?? '20241201' },
  },
});
