// pnpm mutation: how many plausible engine bugs the conformance suite catches when it runs on the
// memory store (see conformance/README.md, "Measuring the suite"). The result is summarised in
// MUTATION.md by conformance/scripts/mutation-report.mjs.

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  // pnpm does not hoist the runner next to @stryker-mutator/core, so name it by its resolved path.
  plugins: [import.meta.resolve('@stryker-mutator/vitest-runner')],
  testRunner: 'vitest',
  vitest: {
    configFile: 'vitest.mutation.config.ts',
  },
  // The rules: the engine's commands and the argument, path, custom-metadata and merge-patch
  // rules of @kv2/core. Left out as plumbing the store API never reaches: the engine's command
  // table (commands.ts: which commands lock), the file store's document validation and snapshot
  // import/export, and the Go duration parser (durations.ts, used by the HTTP server and the CLI).
  mutate: [
    'packages/local/src/engine/**/*.ts',
    '!packages/local/src/engine/**/*.test.ts',
    '!packages/local/src/engine/commands.ts',
    '!packages/local/src/engine/document-validation.ts',
    '!packages/local/src/engine/snapshot-commands.ts',
    'packages/core/src/inputs.ts',
    'packages/core/src/deletion.ts',
    'packages/core/src/paths.ts',
    'packages/core/src/custom-metadata.ts',
    'packages/core/src/merge-patch.ts',
    'packages/core/src/store.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // Not incremental: Stryker reuses a result when the mutated file and the test file are
  // unchanged, but the tests here live in conformance/src (the test file only calls
  // describeConformance), so a strengthened behaviour would not re-test old survivors.
  incremental: false,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: {
    fileName: 'reports/mutation/mutation.json',
  },
  htmlReporter: {
    fileName: 'reports/mutation/mutation.html',
  },
  ignorePatterns: ['bench', 'examples', '.kv2', '.vitest-tmp', 'reports'],
  timeoutMS: 20000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
