// The one build of every public package: `pnpm --filter <package> build` (and `prepack`) runs
// `tsdown -c ../../tsdown.config.ts` in the package's folder, and this file picks the entries by
// the package's name. Inside the repository the packages run from their TypeScript sources; dist/
// is only what `pnpm pack` puts in a tarball.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type UserConfig } from 'tsdown';

/** The entry points of each public package (each one is a subpath in its `exports`). */
const ENTRIES: Readonly<Record<string, readonly string[]>> = {
  '@kv2/core': ['src/index.ts', 'src/wire/index.ts'],
  '@kv2/local': ['src/index.ts'],
  '@kv2/openbao': ['src/index.ts'],
  '@kv2/server': ['src/index.ts'],
  '@kv2/conformance': ['src/index.ts', 'src/vitest.ts'],
  '@kv2/cli': ['src/index.ts'],
};

const cwd = process.cwd();
const { name } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { name: string };
const entry = ENTRIES[name];
if (entry === undefined) throw new Error(`tsdown.config.ts: no build is defined for ${name}`);

/** lowdb's MIT licence, which must travel with the copy of its `Low` class in @kv2/local's CommonJS build. */
function lowdbNotice(): string {
  const main = createRequire(join(cwd, 'package.json')).resolve('lowdb'); // …/lowdb/lib/index.js
  const license = readFileSync(join(dirname(dirname(main)), 'LICENSE'), 'utf8').trim();
  return `/*! This file includes the Low class of lowdb (https://github.com/typicode/lowdb):\n\n${license}\n*/`;
}

const library: UserConfig = {
  cwd,
  name,
  entry: [...entry],
  platform: 'node',
  target: 'node20.19',
  // ESM for import, CommonJS for require (jest without flags, older tooling). Both bundle only the
  // package's own sources; dependencies stay external, so the error classes of @kv2/core are one
  // copy per format (and KvError.is() works across copies anyway).
  format: {
    esm: {},
    cjs: {
      // lowdb is ESM-only: Node 20.19+ can require() it, but jest's module loader cannot. Its
      // main entry (the `Low` class, MIT) is a few lines, so the CommonJS build carries it.
      deps: { alwaysBundle: (id: string): boolean => id === 'lowdb', onlyBundle: false, skipNodeModulesBundle: false },
    },
  },
  banner: ({ format }) => (name === '@kv2/local' && format === 'cjs' ? { js: lowdbNotice() } : undefined),
  // .js (ESM) beside .cjs (CommonJS), as the packages are "type": "module".
  fixedExtension: false,
  // import.meta.url (the CLI reads its own package.json) also works in the CommonJS build.
  shims: true,
  // Bundled declarations (index.d.ts for import, index.d.cts for require): only the public API,
  // so internal modules (the proper-lockfile wrapper) and their dev-only types are not shipped.
  dts: { sourcemap: false },
  // Maps carry their sources, so they never point at files the tarball does not have.
  sourcemap: true,
  clean: true,
  deps: { onlyBundle: false },
};

// The CLI's executable is ESM only (top-level await) and imports the already-built entry.
const bin: UserConfig = {
  cwd,
  name: `${name} bin`,
  entry: ['src/bin.ts'],
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  fixedExtension: false,
  dts: false,
  sourcemap: true,
  clean: false,
  deps: { neverBundle: [/^\.\/index\.js$/], onlyBundle: false },
};

export default defineConfig(name === '@kv2/cli' ? [library, bin] : [library]);
