import { describe, expect, it } from 'vitest';
import { behaviours, formatReport, modelProperties, runConformance, type ConformanceReport } from '../src/index.js';
import { IgnoresCasStore, UnsortedListStore, WallClockStore } from './broken-stores.js';

const CORE_MODEL = modelProperties[0]?.name as string;

function failedNames(report: ConformanceReport): string[] {
  return report.failed.map((entry) => entry.name);
}

function errorOf(report: ConformanceReport, name: string): string {
  return report.failed.find((entry) => entry.name === name)?.error ?? '';
}

describe('the suite catches broken stores', () => {
  it('reports an unsorted list: the ordering behaviours and the core model fail, unrelated ones pass', async () => {
    const report = await runConformance({ create: ({ now }) => new UnsortedListStore({ now }) }, { numRuns: 30, seed: 7 });
    const sorted = "list is sorted byte-wise: uppercase first, 'foo' < 'foo/', 'a-b' < 'a/' < 'a0'";
    expect(failedNames(report)).toEqual(expect.arrayContaining([sorted, 'list orders by UTF-8 bytes, not UTF-16: U+FF21 sorts before an astral character', CORE_MODEL]));
    expect(errorOf(report, sorted)).toContain('order:');
    expect(errorOf(report, CORE_MODEL)).toMatch(/Replay: FC_SEED=7 FC_PATH='[^']+'/);
    expect(errorOf(report, CORE_MODEL)).toContain('Counterexample: [');
    expect(report.passed.map((entry) => entry.name)).toContain('cas 0 twice: the second write is rejected (cas_mismatch) and changes nothing');
    expect(report.skipped).toEqual([]);
    expect(formatReport(report)).toContain(`FAIL ${sorted}`);
  });

  it('reports ignored CAS: the CAS behaviours fail with the expected error class named', async () => {
    const report = await runConformance({ create: ({ now }) => new IgnoresCasStore({ now }) }, { numRuns: 30, seed: 7 });
    const twice = 'cas 0 twice: the second write is rejected (cas_mismatch) and changes nothing';
    expect(failedNames(report)).toEqual(
      expect.arrayContaining([twice, 'cas lower or higher than the current version is rejected and changes nothing', CORE_MODEL]),
    );
    expect(errorOf(report, twice)).toContain('expected a CheckAndSetError (code cas_mismatch, status 400), but the call succeeded');
    expect(failedNames(report)).not.toContain('list is sorted byte-wise: uppercase first, \'foo\' < \'foo/\', \'a-b\' < \'a/\' < \'a0\'');
  });

  it('reports a store that claims a controllable clock but ignores it', async () => {
    const timed = behaviours.filter((b) => b.requires.includes('controllableClock')).map((b) => b.name);
    const report = await runConformance({ create: () => new WallClockStore() }, { filter: timed, model: false });
    expect(report.passed.length + report.failed.length).toBe(timed.length);
    expect(failedNames(report)).toContain("version timestamps come from the store's clock");
    expect(errorOf(report, "version timestamps come from the store's clock")).toContain('createdTime of version 1: expected 2024-01-01T12:00:00.000Z');
  });

  it('reports timings for every entry and the seed it used', async () => {
    const report = await runConformance({ create: ({ now }) => new UnsortedListStore({ now }) }, { numRuns: 5, seed: 99, filter: [CORE_MODEL, behaviours[0]?.name as string] });
    expect(report.seed).toBe(99);
    expect([...report.passed, ...report.failed].map((entry) => entry.name).sort()).toEqual([CORE_MODEL, behaviours[0]?.name].sort());
    for (const entry of [...report.passed, ...report.failed]) expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.durationMs).toBeGreaterThan(0);
  });
});
