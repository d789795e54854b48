import { describe, expect, it } from 'vitest';
import { behaviours, formatReport, modelProperties, runConformance, type ConformanceReport } from '../src/index.js';
import { HalfClosedStore, IgnoresCasStore, MissingVersionsStore, RawNotFoundStore, UnsortedListStore, WallClockStore } from './broken-stores.js';

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
    expect(failedNames(report)).toEqual(
      expect.arrayContaining([sorted, 'list orders by UTF-8 bytes, not UTF-16: U+FF21 sorts before an astral character', CORE_MODEL]),
    );
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
    expect(failedNames(report)).not.toContain("list is sorted byte-wise: uppercase first, 'foo' < 'foo/', 'a-b' < 'a/' < 'a0'");
  });

  it('reports a store that claims a controllable clock but ignores it', async () => {
    const timed = behaviours.filter((b) => b.requires.includes('controllableClock')).map((b) => b.name);
    const report = await runConformance({ create: () => new WallClockStore() }, { filter: timed, model: false });
    expect(report.passed.length + report.failed.length).toBe(timed.length);
    expect(failedNames(report)).toContain("version timestamps come from the store's clock");
    expect(errorOf(report, "version timestamps come from the store's clock")).toContain(
      'createdTime of version 1: expected 2024-01-01T12:00:00.000Z',
    );
  });

  it('names the behaviour, the step and what was expected when a store call throws unexpectedly', async () => {
    const name = 'undelete of live or missing versions, or of an unknown key, is a silent no-op';
    const report = await runConformance({ create: ({ now }) => new RawNotFoundStore({ now }) }, { filter: [name], model: false });
    expect(failedNames(report)).toEqual([name]);
    expect(errorOf(report, name)).toMatch(
      new RegExp(
        `^${name}: step \\d+, undelete\\("[^"]+", \\{"versions":\\[[\\d,]+\\]\\}\\): expected the call to succeed, but it threw SecretNotFoundError\\(secret_not_found, 404\\)`,
      ),
    );
  });

  it('names the step whose answer had an unexpected shape instead of crashing', async () => {
    const name = 'destroyed versions stay in the versions map, flagged; delete and destroy do not touch updatedTime';
    const report = await runConformance({ create: ({ now }) => new MissingVersionsStore({ now }) }, { filter: [name], model: false });
    expect(errorOf(report, name)).toMatch(
      new RegExp(
        `^${name}: the behaviour could not check the answer of step \\d+, readMetadata\\("[^"]+"\\) \\(the store returned something of an unexpected shape\\): TypeError`,
      ),
    );
  });

  it('reports a half-closed store', async () => {
    const name = behaviours.find((b) => b.name.startsWith('after close()'))?.name as string;
    const report = await runConformance({ create: ({ now }) => new HalfClosedStore({ now }) }, { filter: [name], model: false });
    expect(errorOf(report, name)).toContain('half-closed: after close() write failed with store_closed but read, patch');
  });

  it('reports timings for every entry and the seed it used', async () => {
    const report = await runConformance(
      { create: ({ now }) => new UnsortedListStore({ now }) },
      { numRuns: 5, seed: 99, filter: [CORE_MODEL, behaviours[0]?.name as string] },
    );
    expect(report.seed).toBe(99);
    expect([...report.passed, ...report.failed].map((entry) => entry.name).sort()).toEqual([CORE_MODEL, behaviours[0]?.name].sort());
    for (const entry of [...report.passed, ...report.failed]) expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.durationMs).toBeGreaterThan(0);
  });
});
