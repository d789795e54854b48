import { defineConfig } from 'vitest/config';

// The slow tests (`*.slow.test.ts`): writers killed with SIGKILL, several processes on one file,
// the HTTP fuzzer, the conformance suite through the OpenBao adapter over the kv2 server.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.slow.test.ts', 'conformance/test/**/*.slow.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-tmp/report-slow.json' },
  },
});
