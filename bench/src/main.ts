import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describeMachine, loadAverage } from './harness/machine.js';
import { renderReport, type SectionReport } from './harness/report.js';
import { crossProcessSection } from './sections/cross-process.js';
import { fileScaleSection } from './sections/file-scale.js';
import { fileSection } from './sections/file.js';
import { importSection } from './sections/import.js';
import { memorySection } from './sections/memory.js';
import { openBaoSection } from './sections/openbao.js';
import { serverFileSection } from './sections/server-file.js';
import { serverSection } from './sections/server.js';

/** The sections, in report order; each runs alone so they never compete for the two cores. */
const SECTIONS: Record<string, (quick: boolean) => Promise<SectionReport>> = {
  memory: memorySection,
  file: fileSection,
  'file-scale': fileScaleSection,
  'cross-process': crossProcessSection,
  server: serverSection,
  'server-file': serverFileSection,
  import: importSection,
  openbao: openBaoSection,
};

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Cli {
  only: string[] | undefined;
  quick: boolean;
  out: string | undefined;
}

function parseArgs(argv: readonly string[]): Cli {
  const cli: Cli = { only: undefined, quick: false, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    if (arg === '--quick') cli.quick = true;
    else if (arg === '--only') cli.only = (argv[++i] ?? '').split(',').filter((s) => s !== '');
    else if (arg === '--out') cli.out = argv[++i];
    else throw new Error(`unknown argument ${arg}; use --only ${Object.keys(SECTIONS).join(',')}, --quick, --out FILE`);
  }
  for (const name of cli.only ?? []) if (!(name in SECTIONS)) throw new Error(`unknown section ${name}`);
  return cli;
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const machine = describeMachine();
  const loadBefore = loadAverage();
  console.log(`kv2 bench on ${machine.cpu} × ${machine.cores}, Node ${machine.node}, load ${loadBefore}`);
  const sections: SectionReport[] = [];
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (cli.only !== undefined && !cli.only.includes(name)) continue;
    const t = performance.now();
    console.log(`\n# ${name}`);
    const section = await run(cli.quick);
    sections.push(section);
    console.log(section.headers.join(' | '));
    for (const row of section.rows) console.log(row.join(' | '));
    for (const note of section.notes) console.log(`- ${note}`);
    console.log(`(${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  const optimisationLog = await readFile(new URL('../optimisation-log.md', import.meta.url), 'utf8');
  const report = renderReport({
    machine,
    loadBefore,
    loadAfter: loadAverage(),
    durationSeconds: (performance.now() - started) / 1000,
    sections,
    optimisationLog,
  });
  // A partial or quick run never overwrites the checked-in file unless asked to.
  const out = cli.out ?? (cli.only === undefined && !cli.quick ? `${REPO_ROOT}BENCHMARKS.md` : undefined);
  console.log('\n# targets');
  for (const target of sections.flatMap((s) => s.targets)) {
    console.log(`${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.measured} (${target.limit})`);
  }
  if (out !== undefined) {
    await writeFile(out, report);
    console.log(`\nwrote ${out}`);
  }
}

await main();
