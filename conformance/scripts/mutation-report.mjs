#!/usr/bin/env node
// Writes MUTATION.md from Stryker's JSON report (reports/mutation/mutation.json) and the
// reviewed list of equivalent mutants (conformance/mutation-equivalents.md). Run by
// `pnpm mutation` after `stryker run`.
//
// A survivor (or an uncovered mutant) counts as equivalent only if the list names it, by
// `file:line:column Mutator "replacement"`; every other one is a real gap and lowers the score.
// Score = detected / (detected + real gaps), detected = killed + timed out. Exit code 1 when the
// score is under the threshold (99%) or when listed equivalents no longer match a survivor
// (the engine moved: review the list again).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const THRESHOLD = 99;
const reportFile = join(root, 'reports/mutation/mutation.json');
const equivalentsFile = join(root, 'conformance/mutation-equivalents.md');
const outFile = join(root, 'MUTATION.md');

// An entry of the equivalents list, one per line:
//   - <file>:<line>:<column> <Mutator> "<replacement>" in "<the source line, trimmed>" — <why no caller can observe it>
// The strings are JSON. Entries match by file, column, mutator, replacement and the source line's
// text, not by line number, so code moving up or down does not invalidate the review; a changed
// line does (then the entry is reported as stale and must be reviewed again).
const ENTRY = /^- (\S+):(\d+):(\d+) (\w+) ("(?:[^"\\]|\\.)*") in ("(?:[^"\\]|\\.)*") — (.+)$/;

function oneLine(text) {
  return text.replace(/\s+/g, ' ').trim();
}

function matchKey(file, column, mutator, replacement, code) {
  return JSON.stringify([file, column, mutator, oneLine(replacement), oneLine(code)]);
}

/** The list entry for a mutant (without the reason). */
function describeMutant(file, mutant, sourceLines) {
  const { line, column } = mutant.location.start;
  const code = oneLine(sourceLines[line - 1] ?? '');
  return `${file}:${line}:${column} ${mutant.mutatorName} ${JSON.stringify(oneLine(mutant.replacement ?? ''))} in ${JSON.stringify(code)}`;
}

function readEquivalents() {
  const listed = new Map();
  for (const line of readFileSync(equivalentsFile, 'utf8').split('\n')) {
    const m = ENTRY.exec(line);
    if (m === null) continue;
    const [, file, , column, mutator, replacement, code, reason] = m;
    listed.set(matchKey(file, Number(column), mutator, JSON.parse(replacement), JSON.parse(code)), {
      line: line.slice(2, line.lastIndexOf(' — ')),
      reason,
    });
  }
  return listed;
}

// Only the files the current config mutates: an incremental run keeps files dropped from scope.
const { default: config } = await import(pathToFileURL(join(root, 'stryker.config.mjs')).href);
const globToRegExp = (glob) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '(?:.*/)?')
      .replace(/\*/g, '[^/]*')}$`,
  );
const included = config.mutate.filter((p) => !p.startsWith('!')).map(globToRegExp);
const excluded = config.mutate.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
const inScope = (file) => included.some((re) => re.test(file)) && !excluded.some((re) => re.test(file));

const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const equivalents = readEquivalents();
const require = createRequire(import.meta.url);
const strykerVersion = require('@stryker-mutator/core/package.json').version;

const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, errors: 0, ignored: 0 };
const gaps = [];
const matched = new Set();
const perFile = [];
for (const [absolute, { mutants }] of Object.entries(report.files)) {
  const file = relative(root, join(root, absolute)).replaceAll('\\', '/');
  if (!inScope(file)) continue;
  const fileCounts = { file, total: 0, detected: 0, equivalent: 0, gaps: 0 };
  const sourceLines = (report.files[absolute].source ?? '').split('\n');
  for (const mutant of mutants) {
    const key = matchKey(
      file,
      mutant.location.start.column,
      mutant.mutatorName,
      mutant.replacement ?? '',
      sourceLines[mutant.location.start.line - 1] ?? '',
    );
    switch (mutant.status) {
      case 'Killed':
        counts.killed++;
        fileCounts.detected++;
        break;
      case 'Timeout':
        counts.timeout++;
        fileCounts.detected++;
        break;
      case 'Survived':
      case 'NoCoverage':
        if (equivalents.has(key)) {
          counts.equivalent++;
          fileCounts.equivalent++;
          matched.add(key);
        } else {
          counts[mutant.status === 'Survived' ? 'survived' : 'noCoverage']++;
          fileCounts.gaps++;
          gaps.push(`${describeMutant(file, mutant, sourceLines)} (${mutant.status})`);
        }
        break;
      case 'Ignored':
        counts.ignored++;
        continue;
      default:
        counts.errors++; // CompileError / RuntimeError: not a valid mutant
        continue;
    }
    fileCounts.total++;
  }
  perFile.push(fileCounts);
}
// Entries of files this report did not test (a run with --mutate on other files) are not stale.
const testedFiles = new Set(perFile.map((f) => f.file));
const stale = [...equivalents.entries()].filter(([key]) => !matched.has(key) && testedFiles.has(JSON.parse(key)[0])).map(([, entry]) => entry.line);
const detected = counts.killed + counts.timeout;
const realGaps = counts.survived + counts.noCoverage;
const score = (100 * detected) / (detected + realGaps);
const rawScore = (100 * detected) / (detected + realGaps + counts.equivalent);

const lines = [
  '# Mutation score of the conformance suite',
  '',
  'Generated by `pnpm mutation` (Stryker over the kv2 engine and the rules in `@kv2/core`, with the',
  'conformance suite on `MemoryKeyValueStore` as the only test). Do not edit by hand; see',
  '`conformance/README.md` ("Measuring the suite") and `conformance/mutation-equivalents.md`.',
  '',
  '| | |',
  '|---|---|',
  `| **score (non-equivalent mutants killed)** | **${score.toFixed(2)}%** (threshold ${THRESHOLD}%) |`,
  `| raw Stryker score (equivalents counted as survivors) | ${rawScore.toFixed(2)}% |`,
  `| killed | ${counts.killed} |`,
  `| timed out (counted as killed) | ${counts.timeout} |`,
  `| survived, not equivalent | ${counts.survived} |`,
  `| not covered, not equivalent | ${counts.noCoverage} |`,
  `| equivalent (listed and justified) | ${counts.equivalent} |`,
  `| invalid (compile/runtime errors, not counted) | ${counts.errors} |`,
  `| date | ${new Date().toISOString().slice(0, 10)} |`,
  `| Stryker | @stryker-mutator/core ${strykerVersion}, vitest runner |`,
  '',
  '| file | mutants | killed | equivalent | not killed |',
  '|---|---:|---:|---:|---:|',
  ...perFile.sort((a, b) => a.file.localeCompare(b.file)).map((f) => `| \`${f.file}\` | ${f.total} | ${f.detected} | ${f.equivalent} | ${f.gaps} |`),
  '',
];
if (gaps.length > 0) lines.push('## Mutants not killed and not listed as equivalent', '', ...gaps.map((g) => `- ${g}`), '');
if (stale.length > 0) lines.push('## Listed equivalents that no longer match a surviving mutant', '', ...stale.map((s) => `- ${s}`), '');
writeFileSync(outFile, lines.join('\n'));

console.log(
  `mutation score ${score.toFixed(2)}% of non-equivalent mutants (${detected} killed, ${realGaps} not killed, ${counts.equivalent} equivalent); written to MUTATION.md`,
);
for (const gap of gaps) console.log(`  not killed: ${gap}`);
for (const key of stale) console.log(`  stale equivalent: ${key}`);
if (score < THRESHOLD || stale.length > 0) process.exitCode = 1;
