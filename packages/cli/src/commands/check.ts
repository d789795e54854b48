import { randomBytes } from 'node:crypto';
import { DEFAULT_MOUNT_CONFIG, deleteKeysUnder, KvError, type BaseKeyValueStore, type MountConfig } from '@kv2/core';
import { SETTING_FIELDS } from '@kv2/core/wire';
import {
  behaviours,
  modelProperties,
  runConformance,
  ScopedKeyValueStore,
  type ConformanceReport,
  type ConformanceTarget,
  type Capability,
} from '@kv2/conformance';
import { maskToken } from '@kv2/openbao';
import { displayAddress, env, openStore } from '../backend.js';
import { CallGate, gatedStore } from '../check-scope.js';
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { ParsedFlags } from '../flags.js';
import { Progress } from '../output/progress.js';
import type { Style } from '../output/style.js';
import { toJson } from '../output/wire.js';
import { outputFormat, positionals } from './kv-shared.js';

/** Property runs per model property for `kv2 check` (each run is dozens of HTTP requests). */
const CHECK_NUM_RUNS = 25;
/** Exit code after Ctrl+C (128 + SIGINT), once the scratch keys are removed. */
const INTERRUPTED = 130;

const SKIP_HINTS: Record<Capability, string> = {
  mountConfig: 'needs -allow-mount-config',
  controllableClock: 'needs a controllable clock (local stores only)',
  extensions: 'the store lacks the KV v2 extensions',
};

function allNames(): string[] {
  return [...behaviours.map((b) => b.name), ...modelProperties.map((p) => p.name)];
}

// `-filter TEXT` keeps every behaviour whose name contains TEXT (case-insensitive; repeatable).
function selectNames(flags: ParsedFlags, command: string): string[] | undefined {
  const filters = flags.list('filter').map((f) => f.toLowerCase());
  if (filters.length === 0) return undefined;
  const names = allNames().filter((name) => filters.some((f) => name.toLowerCase().includes(f)));
  if (names.length === 0) throw new UsageError(`-filter matches no behaviour (see kv2 check -list)`, command);
  return names;
}

function sameConfig(a: MountConfig, b: MountConfig): boolean {
  return SETTING_FIELDS.every(({ name }) => a[name] === b[name]);
}

const check: CommandSpec = {
  name: 'check',
  usage: '[flags] [ADDRESS]',
  summary: 'Run the KV v2 conformance suite against a live server',
  description: `Runs kv2's conformance suite (named KV v2 behaviours and model-based property tests) against
the server at ADDRESS (default: -address, BAO_ADDR, VAULT_ADDR): a real OpenBao or Vault, a proxy,
or kv2 server. Prints PASS/FAIL/SKIP per behaviour and a summary; exit code 0 when nothing failed,
1 when something did.

It works only under a scratch prefix it creates, kv2-check-<random>/ in the mount, and removes every
key it created there (deleteMetadata) at the end, also after a failure or Ctrl+C. It never touches
other keys. It does not change the mount's config unless -allow-mount-config is given; then it reads
the config first, runs each behaviour on the default config, and writes the original back.
Behaviours that need a controllable clock run only against local stores and are skipped here.`,
  examples: [
    'kv2 check http://127.0.0.1:8200',
    'BAO_ADDR=https://bao.example:8200 BAO_TOKEN=… kv2 check -mount=kv',
    'kv2 check -filter=cas -filter=list -num-runs=100',
    'kv2 check -allow-mount-config -format=json > report.json',
  ],
  flags: [
    {
      title: 'Command options',
      flags: [
        { name: 'address', kind: 'string', placeholder: 'URL', description: 'The server (or give ADDRESS). Default: BAO_ADDR, else VAULT_ADDR.' },
        {
          name: 'token',
          kind: 'string',
          placeholder: 'TOKEN',
          description: 'The token. Default: BAO_TOKEN, else VAULT_TOKEN (prefer these: flags show up in ps and shell history).',
        },
        {
          name: 'namespace',
          kind: 'string',
          aliases: ['ns'],
          placeholder: 'NS',
          description: 'Namespace (X-Vault-Namespace). Default: BAO_NAMESPACE, else VAULT_NAMESPACE.',
        },
        { name: 'mount', kind: 'string', placeholder: 'MOUNT', defaultText: 'secret', description: 'The KV v2 mount to test.' },
        {
          name: 'filter',
          kind: 'list',
          placeholder: 'TEXT',
          description: 'Run only behaviours whose name contains TEXT (case-insensitive; repeatable).',
        },
        {
          name: 'num-runs',
          kind: 'int',
          placeholder: 'N',
          defaultText: String(CHECK_NUM_RUNS),
          description: 'Runs of each model-based property (0 skips them).',
        },
        {
          name: 'seed',
          kind: 'int',
          placeholder: 'N',
          description: 'fast-check seed for the model-based properties (the report prints the one used).',
        },
        { name: 'allow-mount-config', kind: 'bool', description: "Allow changing the mount's config (saved first and restored afterwards)." },
        { name: 'list', kind: 'bool', description: 'Print the names of all behaviours and properties, then exit.' },
        { name: 'verbose', kind: 'bool', aliases: ['v'], description: 'Also print the time each passing behaviour took.' },
      ],
    },
    {
      title: 'Output',
      flags: [
        { name: 'format', kind: 'string', placeholder: 'table|json', defaultText: 'table', description: 'A readable report, or the report as JSON.' },
      ],
    },
  ],
  async run(ctx, flags) {
    const args = positionals(flags, this.name, 0, 1);
    if (flags.bool('list') === true) {
      for (const name of allNames()) ctx.stdout.line(name);
      return EXIT.ok;
    }
    const format = outputFormat(flags, this.name);
    const given = args[0] ?? flags.string('address') ?? env(ctx, 'BAO_ADDR', 'VAULT_ADDR');
    if (given === undefined) throw new UsageError('no server: give ADDRESS, -address or set BAO_ADDR', this.name);
    const address = displayAddress(given);
    const token = flags.string('token') ?? env(ctx, 'BAO_TOKEN', 'VAULT_TOKEN');
    if (token === undefined) throw new UsageError('no token: set BAO_TOKEN (or VAULT_TOKEN), or give -token', this.name);
    const mount = flags.string('mount') ?? 'secret';
    const namespace = flags.string('namespace') ?? env(ctx, 'BAO_NAMESPACE', 'VAULT_NAMESPACE');
    const allowMountConfig = flags.bool('allow-mount-config') === true;
    const numRuns = flags.int('num-runs') ?? CHECK_NUM_RUNS;
    if (numRuns < 0) throw new UsageError('-num-runs must be 0 or more', this.name);
    const filter = selectNames(flags, this.name);
    const seed = flags.int('seed');

    const opened = await openStore(ctx, { kind: 'remote', address: given, namespace }, flags, { mount, allowMountConfig, token });
    const raw = opened.store;
    const prefix = `kv2-check-${randomBytes(4).toString('hex')}/`;
    const out = format === 'table' ? ctx.stdout : ctx.stderr;
    if (format === 'table') {
      out.line(`kv2 check: ${address}  mount ${mount}/${namespace === undefined ? '' : `  namespace ${namespace}`}  token ${maskToken(token)}`);
      out.line(`scratch prefix: ${mount}/${prefix} (removed afterwards)`);
    }

    let original: MountConfig | undefined;
    try {
      if ((await raw.list(prefix)).length > 0) throw new CliError(`the scratch prefix ${prefix} is not empty; not touching it`);
      original = await readConfigIfAllowed(ctx, raw, allowMountConfig);
    } catch (error) {
      await opened.close();
      if (KvError.is(error)) throw new CliError(`cannot use ${address} (mount ${mount}/): ${error.message}`);
      throw error;
    }

    const gate = new CallGate();
    const store = gatedStore(raw, gate);
    let created = 0;
    const progress = new Progress(ctx.stderr, { enabled: ctx.stderr.isTTY && format === 'table', label: 'Checking:', unit: 'scratch stores' });
    const target: ConformanceTarget<ScopedKeyValueStore> = {
      async create() {
        created++;
        progress.update(created);
        const scope = new ScopedKeyValueStore(store, `${prefix}${created}`, { allowMountConfig });
        if (allowMountConfig) await store.writeConfig(DEFAULT_MOUNT_CONFIG);
        return scope;
      },
      // Each store's keys go as soon as its behaviour is done; the whole prefix is swept at the end.
      async cleanup(scope) {
        if (!gate.closed) await deleteKeysUnder(raw, scope.prefix);
      },
    };

    let interrupted = false;
    let onInterrupt: () => void = () => {};
    const interruption = new Promise<'interrupted'>((resolve) => {
      onInterrupt = () => {
        if (interrupted) return;
        interrupted = true;
        gate.close();
        ctx.stderr.line('\nInterrupted: waiting for the last request, then removing the scratch keys…');
        resolve('interrupted');
      };
    });
    const removeHandler = ctx.onSignal(onInterrupt);
    let report: ConformanceReport | undefined;
    try {
      const run = runConformance(target, {
        numRuns,
        model: numRuns > 0,
        ...(seed === undefined ? {} : { seed }),
        ...(filter === undefined ? {} : { filter }),
      });
      const outcome = await Promise.race([run, interruption]);
      if (outcome !== 'interrupted') report = outcome;
      else run.catch(() => {}); // it winds down on its own: every call is refused now
    } finally {
      gate.close();
      await gate.idle(15_000);
      progress.done();
      const problems = await cleanUp(raw, prefix, original);
      removeHandler();
      await opened.close();
      for (const problem of problems) ctx.stderr.line(`${ctx.stderr.style.red('Cleanup problem:')} ${problem}`);
    }
    if (report === undefined) return INTERRUPTED;
    if (format === 'json') {
      ctx.stdout.line(toJson({ address, mount, namespace: namespace ?? null, prefix, allowMountConfig, report }, { struct: true }));
    } else {
      printReport(ctx, report, flags.bool('verbose') === true, out.style);
    }
    return report.failed.length === 0 ? EXIT.ok : EXIT.failure;
  },
};

// With -allow-mount-config: the config to restore. Without: a warning when a non-default config
// may make behaviours fail (the suite expects a default mount).
async function readConfigIfAllowed(ctx: CommandContext, raw: BaseKeyValueStore, allowMountConfig: boolean): Promise<MountConfig | undefined> {
  if (allowMountConfig) return raw.readConfig();
  try {
    const config = await raw.readConfig();
    if (!sameConfig(config, DEFAULT_MOUNT_CONFIG)) {
      ctx.stderr.line(
        `${ctx.stderr.style.yellow('Note:')} the mount's config is not the default (${JSON.stringify(config)}); behaviours may fail because of it. ` +
          'With -allow-mount-config they run on the default config, restored afterwards.',
      );
    }
  } catch (error) {
    if (!KvError.is(error)) throw error;
  }
  return undefined;
}

// Sweeps the scratch prefix and restores the mount config; returns what went wrong (never throws).
async function cleanUp(raw: BaseKeyValueStore, prefix: string, original: MountConfig | undefined): Promise<string[]> {
  const problems: string[] = [];
  try {
    await deleteKeysUnder(raw, prefix);
    const left = await raw.list(prefix);
    if (left.length > 0) problems.push(`keys are left under ${prefix}: ${left.join(', ')}`);
  } catch (error) {
    problems.push(`could not remove the keys under ${prefix}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (original !== undefined) {
    try {
      await raw.writeConfig(original);
    } catch (error) {
      problems.push(`could not restore the mount config ${JSON.stringify(original)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

function printReport(ctx: CommandContext, report: ConformanceReport, verbose: boolean, style: Style): void {
  const passed = new Map(report.passed.map((e) => [e.name, e]));
  const failed = new Map(report.failed.map((e) => [e.name, e]));
  const skipped = new Map(report.skipped.map((e) => [e.name, e]));
  ctx.stdout.line();
  for (const name of allNames()) {
    const pass = passed.get(name);
    const fail = failed.get(name);
    const skip = skipped.get(name);
    if (pass !== undefined) ctx.stdout.line(`${style.green('PASS')}  ${name}${verbose ? style.dim(`  (${Math.round(pass.durationMs)} ms)`) : ''}`);
    if (fail !== undefined) {
      ctx.stdout.line(`${style.red('FAIL')}  ${name}`);
      ctx.stdout.line(`      ${fail.error.split('\n').join('\n      ')}`);
    }
    if (skip !== undefined)
      ctx.stdout.line(`${style.yellow('SKIP')}  ${name}  ${style.dim(`(${skip.missing.map((c) => SKIP_HINTS[c]).join('; ')})`)}`);
  }
  const seconds = (report.durationMs / 1000).toFixed(1);
  const summary = `${report.passed.length} passed, ${report.failed.length} failed, ${report.skipped.length} skipped in ${seconds} s (seed ${report.seed})`;
  ctx.stdout.line();
  ctx.stdout.line(`${style.bold('Summary:')} ${report.failed.length === 0 ? style.green(summary) : style.red(summary)}`);
}

/** `kv2 check`. */
export const checkCommands: readonly CommandSpec[] = [check];
