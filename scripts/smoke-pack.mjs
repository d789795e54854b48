// Packaging smoke test (CI runs it from .ci/run): the public packages as a user meets them.
//
// Packs every public package with the pinned pnpm (prepack builds dist/), checks each tarball's
// manifest and contents, installs the tarballs with npm into a new project in the system's
// temporary folder (outside the repository), and there:
//   1. starts `npx kv2 server -address 127.0.0.1:0` (the file store, .kv2/ in the project), then
//      `kv2 kv put` and `kv2 kv get -field` through it (no tsx, no TypeScript at run time), and
//      after it stops reads the value back from the file with a local `kv2 kv get`;
//   2. imports every package from ESM, and checks KvError.is() across the ESM and CommonJS copies;
//   3. runs jest tests (CommonJS, no flags): MemoryKeyValueStore and its clock as a fake,
//      runConformance, FileKeyValueStore;
//   4. compiles strict TypeScript files using every package's public types, skipLibCheck off,
//      under nodenext (ESM and CommonJS files), bundler and node10 resolution;
//   5. runs describeConformance from @kv2/conformance/vitest on MemoryKeyValueStore.
// `KV2_SMOKE_KEEP=1` keeps the temporary folder (its path is printed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM = ['--yes', 'pnpm@10.34.9'];
const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
/** Every public package: its folder, and the subpaths it exports. */
const PACKAGES = [
  { dir: 'packages/core', name: '@kv2/core', subpaths: ['.'] },
  { dir: 'packages/local', name: '@kv2/local', subpaths: ['.'] },
  { dir: 'packages/openbao', name: '@kv2/openbao', subpaths: ['.'] },
  { dir: 'packages/server', name: '@kv2/server', subpaths: ['.'] },
  { dir: 'conformance', name: '@kv2/conformance', subpaths: ['.', './vitest'] },
  { dir: 'packages/cli', name: '@kv2/cli', subpaths: ['.'] },
];
// Test tools for the temporary project, from the registry. vite is pinned with vitest because
// newer vite majors want Node 22.
const TOOLS = ['jest@30.5.2', 'vitest@4.1.12', 'vite@8.3.8', 'typescript@5.9.3', '@types/node@20.19.43'];

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'kv2-smoke-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
// A child of a pnpm or npm script would otherwise inherit that script's package settings.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_package_|npm_lifecycle_|npm_config_user_agent$)/.test(key)));
let failures = 0;
let server;

function step(title) {
  console.log(`\n== ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function check(condition, what) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}`);
  }
}

/** Runs a command to completion; throws with its output when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: project, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function writeFiles(files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
}

/** Every string target of an `exports` value (conditions nested at any depth). */
function targets(value) {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(targets);
}

function packAndInspect() {
  step('pack every public package with pnpm (prepack builds dist/)');
  for (const pkg of PACKAGES) {
    run('npx', [...PNPM, 'pack', '--pack-destination', tarballs], { cwd: join(REPO, pkg.dir) });
  }
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  check(files.length === PACKAGES.length, `${PACKAGES.length} tarballs: ${files.join(', ')}`);

  step('inspect the tarballs');
  for (const file of files) {
    const dir = join(work, 'unpacked', file.replace(/\.tgz$/, ''));
    mkdirSync(dir, { recursive: true });
    run('tar', ['xzf', join(tarballs, file), '-C', dir]);
    const root = join(dir, 'package');
    const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
    const manifest = JSON.parse(manifestText);
    const pkg = PACKAGES.find((p) => p.name === manifest.name);
    const name = manifest.name;
    check(pkg !== undefined, `${file} is ${name}`);
    check(!manifestText.includes('workspace:'), `${name}: no workspace: ranges (dependencies ${JSON.stringify(manifest.dependencies ?? {})})`);
    check(manifest.engines?.node === '>=20.19', `${name}: engines.node is >=20.19`);
    check(manifest.license === 'MPL-2.0' && existsSync(join(root, 'LICENSE')), `${name}: MPL-2.0 with a LICENSE file`);
    check(readFileSync(join(root, 'LICENSE'), 'utf8').includes('Mozilla Public License Version 2.0'), `${name}: LICENSE is the MPL 2.0 text`);
    check(existsSync(join(root, 'README.md')), `${name}: README.md`);
    check(typeof manifest.types === 'string' && existsSync(join(root, manifest.types)), `${name}: top-level types ${manifest.types} exists`);
    check(typeof manifest.main === 'string' && existsSync(join(root, manifest.main)), `${name}: main ${manifest.main} exists`);
    for (const subpath of pkg?.subpaths ?? []) {
      const entry = manifest.exports?.[subpath];
      const ok =
        entry?.import?.types?.endsWith('.d.ts') &&
        entry.import.default?.endsWith('.js') &&
        entry.require?.types?.endsWith('.d.cts') &&
        entry.require.default?.endsWith('.cjs');
      check(Boolean(ok), `${name}: exports["${subpath}"] has import and require, each with its types`);
    }
    const missing = targets(manifest.exports).filter((target) => !existsSync(join(root, target)));
    check(missing.length === 0, `${name}: every exports target is in the tarball${missing.length ? ` (missing ${missing.join(', ')})` : ''}`);
    for (const bin of Object.values(manifest.bin ?? {})) {
      check(bin.startsWith('./dist/') && existsSync(join(root, bin)), `${name}: bin ${bin} is built JavaScript in the tarball`);
    }
    check(
      manifest.dependencies?.tsx === undefined && manifest.dependencies?.typescript === undefined,
      `${name}: neither tsx nor typescript is a dependency`,
    );
    const shipped = listFiles(root).map((f) => relative(root, f));
    const stray = shipped.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f));
    check(
      stray.length === 0,
      `${name}: only dist/, package.json, README.md and LICENSE are shipped${stray.length ? ` (also ${stray.join(', ')})` : ''}`,
    );
    const maps = shipped.filter((f) => f.endsWith('.map'));
    const badMaps = maps.filter((f) => {
      const map = JSON.parse(readFileSync(join(root, f), 'utf8'));
      return (
        !Array.isArray(map.sourcesContent) ||
        map.sourcesContent.length !== map.sources.length ||
        map.sourcesContent.some((s) => typeof s !== 'string')
      );
    });
    check(
      badMaps.length === 0,
      `${name}: all ${maps.length} source maps carry their sources${badMaps.length ? ` (not: ${badMaps.join(', ')})` : ''}`,
    );
    const declarations = shipped.filter((f) => /\.d\.c?ts$/.test(f)).map((f) => readFileSync(join(root, f), 'utf8'));
    const devOnly = Object.keys(manifest.devDependencies ?? {})
      .filter((dep) => dep.startsWith('@types/'))
      .map((dep) => dep.slice('@types/'.length).replace(/^(.+)__(.+)$/, '@$1/$2'))
      .filter((module) => declarations.some((text) => text.includes(`from "${module}"`) || text.includes(`from '${module}'`)));
    check(
      devOnly.length === 0,
      `${name}: the declarations import no module whose types are a dev dependency${devOnly.length ? ` (${devOnly.join(', ')})` : ''}`,
    );
  }
  return files;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

function install(files) {
  step('install the tarballs with npm into a new project outside the repository');
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'kv2-smoke-project', version: '1.0.0', private: true, jest: { roots: ['<rootDir>/jest'] } }, null, 2),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files.map((f) => join(tarballs, f)), ...TOOLS]);
  check(!existsSync(join(project, 'node_modules', 'tsx')), 'tsx is not installed (nothing needs it)');
}

/** Starts the server; resolves with its address and token from the lines it prints. */
function startServer() {
  return new Promise((resolve, reject) => {
    // Its own process group: npx does not pass SIGTERM on to the server it started, so the stop
    // signal goes to the group (npx and the server), as Ctrl+C in a terminal would.
    server = spawn('npx', ['kv2', 'server', '-address', '127.0.0.1:0'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.output = '';
    const timer = setTimeout(() => reject(new Error(`kv2 server printed no address within 30 s:\n${server.output}`)), 30_000);
    const onData = (chunk) => {
      server.output += chunk;
      const match = /export BAO_ADDR='([^']+)' BAO_TOKEN='([^']+)'/.exec(server.output);
      if (match) {
        clearTimeout(timer);
        resolve({ address: match[1], token: match[2] });
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('error', reject);
  });
}

/** Sends SIGTERM to the server's process group; resolves once its output has ended (every process in it is gone). */
function stopServer() {
  if (server === undefined || server.stopped) return Promise.resolve();
  server.stopped = true;
  const ended = Promise.all(
    [server.stdout, server.stderr].map((stream) => (stream.readableEnded ? undefined : new Promise((resolve) => stream.once('close', resolve)))),
  );
  const signal = (name) => {
    try {
      process.kill(-server.pid, name);
    } catch {
      // The group is gone already.
    }
  };
  signal('SIGTERM');
  // A server that ignores SIGTERM fails the check on its output; it must not hang the test.
  const timer = setTimeout(() => signal('SIGKILL'), 15_000);
  return ended.finally(() => clearTimeout(timer));
}

async function cli() {
  step('1. npx kv2 server on port 0 (file store), kv2 kv put and get through it, then from the file');
  const { address, token } = await startServer();
  check(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/.test(address), `the server printed the port it got: ${address}`);
  check(existsSync(join(project, '.kv2', 'server.lock')), 'the server holds .kv2/server.lock while it runs');
  const kvEnv = { ...env, BAO_ADDR: address, BAO_TOKEN: token };
  const put = run('npx', ['kv2', 'kv', 'put', 'secret/smoke/db', 'password=s3cret', 'user=app'], { env: kvEnv });
  check(/version\s+1/.test(put), 'kv2 kv put wrote version 1');
  const got = run('npx', ['kv2', 'kv', 'get', '-field=password', 'secret/smoke/db'], { env: kvEnv });
  check(got.trim() === 's3cret', `kv2 kv get -field=password printed the value`);
  await stopServer();
  check(server.output.includes('==> kv2 server stopped'), 'the server stopped gracefully on SIGTERM');
  const data = join(project, '.kv2', 'data.json');
  check(existsSync(data) && (statSync(data).mode & 0o777) === 0o600, 'the data file is .kv2/data.json, mode 0600');
  check(!existsSync(join(project, '.kv2', 'server.lock')), 'the server removed its lock when it stopped');
  const local = run('npx', ['kv2', 'kv', 'get', '-field=password', 'secret/smoke/db'], { env });
  check(local.trim() === 's3cret', 'a local kv2 kv get read the value the server kept in the file');
}

const ESM_CHECK = `import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { KvError, SecretNotFoundError, normalizeSecretPath } from '@kv2/core';
import { FileKeyValueStore, MemoryKeyValueStore } from '@kv2/local';
import { OpenBaoKeyValueStore } from '@kv2/openbao';
import { createServer } from '@kv2/server';
import { behaviours, runConformance } from '@kv2/conformance';
import { main } from '@kv2/cli';

for (const value of [FileKeyValueStore, OpenBaoKeyValueStore, createServer, runConformance, main]) assert.equal(typeof value, 'function');
assert.ok(behaviours.length > 100);
assert.equal(normalizeSecretPath('/a//b/'), 'a/b');
const store = new MemoryKeyValueStore();
await store.write('app/db', { password: 's3cret' });
assert.deepEqual((await store.read('app/db')).data, { password: 's3cret' });
const error = await store.read('missing').catch((e) => e);
assert.ok(SecretNotFoundError.is(error) && KvError.is(error) && error instanceof SecretNotFoundError);
// The CommonJS build is a second copy of @kv2/core: instanceof cannot see across, is() can.
const cjs = createRequire(import.meta.url)('@kv2/core');
assert.notEqual(cjs.SecretNotFoundError, SecretNotFoundError);
assert.ok(!(error instanceof cjs.SecretNotFoundError));
assert.ok(cjs.SecretNotFoundError.is(error) && cjs.KvError.is(error) && !cjs.CheckAndSetError.is(error));
console.log('esm ok');
`;

const CJS_CHECK = `const assert = require('node:assert/strict');
const { OpenBaoKeyValueStore } = require('@kv2/openbao');
const { createServer } = require('@kv2/server');
const { behaviours } = require('@kv2/conformance');
const { main, processContext } = require('@kv2/cli');

assert.equal(typeof OpenBaoKeyValueStore, 'function');
assert.equal(typeof createServer, 'function');
assert.ok(behaviours.length > 100);
main(['--version'], processContext()).then((code) => assert.equal(code, 0));
`;

const JEST_TEST = `const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { FileKeyValueStore, MemoryKeyValueStore } = require('@kv2/local');
const { CheckAndSetError, KvError, SecretNotFoundError } = require('@kv2/core');

test('MemoryKeyValueStore as a fake, its clock moved by the test', async () => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const store = new MemoryKeyValueStore({ now: () => new Date(now) });
  await store.writeMetadata('app/db', { deleteVersionAfter: 60 });
  await store.write('app/db', { password: 's3cret' });
  expect((await store.read('app/db')).data).toEqual({ password: 's3cret' });
  now += 61_000;
  const error = await store.read('app/db').catch((e) => e);
  expect(SecretNotFoundError.is(error)).toBe(true);
  expect(KvError.is(error)).toBe(true);
  expect(error.reason).toBe('deleted');
  await expect(store.write('app/db', { password: 'x' }, { cas: 0 })).rejects.toMatchObject({ code: 'cas_mismatch' });
  expect(CheckAndSetError.is(await store.write('app/db', { password: 'x' }, { cas: 0 }).catch((e) => e))).toBe(true);
  await store.close();
});

test('runConformance from CommonJS', async () => {
  const { formatReport, runConformance } = require('@kv2/conformance');
  const report = await runConformance({ create: ({ now }) => new MemoryKeyValueStore({ now }) }, { numRuns: 5 });
  if (report.failed.length > 0) throw new Error(formatReport(report));
  expect(report.passed.length).toBeGreaterThan(150);
}, 120_000);

test('FileKeyValueStore from CommonJS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kv2-jest-'));
  try {
    const store = new FileKeyValueStore({ file: join(dir, 'store.json') });
    await store.write('app/db', { password: 's3cret' });
    await store.close();
    const again = new FileKeyValueStore({ file: join(dir, 'store.json') });
    expect((await again.read('app/db')).data).toEqual({ password: 's3cret' });
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
`;

// Uses every package's public types; compiled under each resolution mode with skipLibCheck off.
const TYPES_BODY = `
export async function everything(): Promise<void> {
  const store: MemoryKeyValueStore = new MemoryKeyValueStore({ now: () => new Date(0) });
  const written: VersionMetadata = await store.write('a', { x: 1 });
  const secret: Secret = await store.read('a', { version: written.version });
  const data: SecretData = secret.data;
  const extended: KvV2Store = store;
  const metadata: KeyMetadata = await extended.readMetadata('a');
  const caps: StoreCapabilities = store.capabilities;
  const doc: StoreDocument = await store.exportDocument();
  const fileOptions: FileStoreOptions = { file: 'x.json', encryption: { passphrase: 'p' } };
  const file: BaseKeyValueStore = new FileKeyValueStore(fileOptions);
  const remoteOptions: OpenBaoStoreOptions = { baseUrl: 'http://127.0.0.1:1', token: 't' };
  const remote: BaseKeyValueStore = new OpenBaoKeyValueStore(remoteOptions);
  const options: ServerOptions = { store, token: 't' };
  const server: KvServer = createServer(options);
  const target: ConformanceTarget = { create: ({ now }) => new MemoryKeyValueStore({ now }) };
  const report: ConformanceReport = await runConformance(target, { numRuns: 1 });
  const code: number = await main(['--version'], processContext());
  const context: CommandContext = processContext();
  try {
    await store.read('missing');
  } catch (error: unknown) {
    if (SecretNotFoundError.is(error)) {
      const reason: NotFoundReason = error.reason;
      const kvCode: KvErrorCode = error.code;
      void reason;
      void kvCode;
    }
  }
  void [data, metadata, caps, doc, file, remote, server, report, code, context];
}
`;
const TYPES_IMPORTS = `import { BaseKeyValueStore, SecretNotFoundError, type KeyMetadata, type KvErrorCode, type KvV2Store, type NotFoundReason, type Secret, type SecretData, type StoreCapabilities, type VersionMetadata } from '@kv2/core';
import { FileKeyValueStore, MemoryKeyValueStore, type FileStoreOptions, type StoreDocument } from '@kv2/local';
import { OpenBaoKeyValueStore, type OpenBaoStoreOptions } from '@kv2/openbao';
import { createServer, type KvServer, type ServerOptions } from '@kv2/server';
import { runConformance, type ConformanceReport, type ConformanceTarget } from '@kv2/conformance';
import { main, processContext, type CommandContext } from '@kv2/cli';
`;
const VITEST_TYPES = `import { describeConformance } from '@kv2/conformance/vitest';
import type { ConformanceOptions } from '@kv2/conformance';
const vitestOptions: ConformanceOptions = { numRuns: 1 };
export const register: typeof describeConformance = describeConformance;
void vitestOptions;
`;
const STRICT = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true,
  types: ['node'],
  target: 'ES2022',
  lib: ['ES2023'],
};

function typeFiles() {
  writeFiles({
    // nodenext: an ES module (import conditions) and a CommonJS file (require conditions).
    'types/esm.mts': TYPES_IMPORTS + VITEST_TYPES + TYPES_BODY,
    'types/cjs.cts': TYPES_IMPORTS + TYPES_BODY,
    'types/any.ts': TYPES_IMPORTS + VITEST_TYPES + TYPES_BODY,
    'tsconfig.nodenext.json': JSON.stringify({
      compilerOptions: { ...STRICT, module: 'nodenext', moduleResolution: 'nodenext' },
      files: ['types/esm.mts', 'types/cjs.cts'],
    }),
    'tsconfig.bundler.json': JSON.stringify({
      compilerOptions: { ...STRICT, module: 'esnext', moduleResolution: 'bundler' },
      files: ['types/any.ts'],
    }),
    'tsconfig.node10.json': JSON.stringify({
      compilerOptions: { ...STRICT, module: 'commonjs', moduleResolution: 'node10' },
      files: ['types/any.ts'],
    }),
  });
}

const VITEST_TEST = `import { describeConformance } from '@kv2/conformance/vitest';
import { MemoryKeyValueStore } from '@kv2/local';

describeConformance('MemoryKeyValueStore', { create: ({ now }) => new MemoryKeyValueStore({ now }) }, { numRuns: 10 });
`;

async function main() {
  const files = packAndInspect();
  install(files);
  await cli();

  step('2. import every package from ESM (and require() it from CommonJS)');
  writeFiles({ 'esm-check.mjs': ESM_CHECK });
  check(run('node', ['esm-check.mjs']).includes('esm ok'), 'ESM imports work and KvError.is() sees across the ESM and CommonJS copies');

  writeFiles({ 'cjs-check.cjs': CJS_CHECK });
  check(run('node', ['cjs-check.cjs']).trim() === 'kv2 0.1.0', 'require() of every package works; the CommonJS CLI prints its version');

  step('3. jest, CommonJS, no flags');
  writeFiles({ 'jest/store.test.js': JEST_TEST });
  const jest = spawnSync('npx', ['jest', '--ci'], { cwd: project, env, encoding: 'utf8' });
  console.log(jest.stderr.trim().split('\n').slice(-6).join('\n'));
  check(jest.status === 0 && /Tests:\s+3 passed, 3 total/.test(jest.stderr), 'jest ran 3 tests and all passed');

  step('4. strict TypeScript against the published types (skipLibCheck off)');
  typeFiles();
  for (const mode of ['nodenext', 'bundler', 'node10']) {
    const tsc = spawnSync('npx', ['tsc', '-p', `tsconfig.${mode}.json`], { cwd: project, env, encoding: 'utf8' });
    if (tsc.status !== 0) console.log(tsc.stdout, tsc.stderr);
    check(tsc.status === 0, `tsc --strict with moduleResolution ${mode}`);
  }

  step('5. describeConformance from @kv2/conformance/vitest');
  writeFiles({ 'vitest/memory.conformance.test.mjs': VITEST_TEST });
  const report = join(project, 'vitest-report.json');
  const vitest = spawnSync('npx', ['vitest', 'run', '--dir', 'vitest', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: project,
    env: { ...env, CI: 'true' },
    encoding: 'utf8',
  });
  const results = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : {};
  if (vitest.status !== 0) console.log(vitest.stdout, vitest.stderr);
  check(
    vitest.status === 0 && results.numFailedTests === 0 && results.numPassedTests >= 150,
    `vitest ran the conformance suite: ${results.numPassedTests} passed, ${results.numPendingTests} skipped, ${results.numFailedTests} failing`,
  );
}

try {
  await main();
} catch (error) {
  failures++;
  console.log(`FAIL ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stopServer();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (process.env.KV2_SMOKE_KEEP) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`\npackaging smoke test: ${failures === 0 ? 'all checks passed' : `${failures} check(s) FAILED`} in ${seconds} s`);
  process.exitCode = failures === 0 ? 0 : 1;
}
