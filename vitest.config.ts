import { configDefaults, defineConfig } from 'vitest/config';

/** Where every test file lives; `*.slow.test.ts` files run only with `pnpm test:slow` (vitest.slow.config.ts). */
export const TEST_FILES = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'conformance/src/**/*.test.ts',
  'conformance/test/**/*.test.ts',
];

export default defineConfig({
  test: {
    include: TEST_FILES,
    // Crash, cross-process, fuzzing and adapter-over-server runs take minutes: `pnpm test:slow`.
    exclude: [...configDefaults.exclude, '**/*.slow.test.ts'],
    // Property runs and cross-process tests are CPU-bound; 2 cores is what CI has.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report, from which .ci/summary.mjs prints the closing count line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-tmp/report.json' },
  },
});
