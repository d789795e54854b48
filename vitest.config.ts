import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'conformance/src/**/*.test.ts', 'conformance/test/**/*.test.ts'],
    // Property runs and cross-process tests are CPU-bound; 2 cores is what CI has.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report, from which .ci/summary.mjs prints the closing count line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-tmp/report.json' },
  },
});
