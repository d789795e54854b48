import { describe, expect, it } from 'vitest';
import { behaviours, modelProperties, runConformance } from '../src/index.js';
import { CoreOnlyStore, DefaultPatchStore } from './broken-stores.js';

describe('capabilities decide what runs', () => {
  it('a core-only store passes the core behaviours and gets every extension behaviour skipped with its reason', async () => {
    const report = await runConformance({ create: ({ now }) => new CoreOnlyStore({ now }) }, { numRuns: 30 });
    const core = behaviours.filter((b) => b.requires.length === 0).map((b) => b.name);
    const needy = [...behaviours, ...modelProperties].filter((b) => b.requires.length > 0);
    expect(report.capabilities).toEqual({ extensions: false, mountConfig: false, controllableClock: false });
    expect(report.failed).toEqual([]);
    expect(report.passed.map((entry) => entry.name).sort()).toEqual([...core, modelProperties[0]?.name].sort());
    expect(report.skipped.map((entry) => entry.name).sort()).toEqual(needy.map((b) => b.name).sort());
    for (const entry of report.skipped) {
      const requires = needy.find((b) => b.name === entry.name)?.requires ?? [];
      expect(entry.missing).toEqual([...requires]);
      expect(entry.reason).toBe(`store lacks capability: ${requires.join(', ')}`);
    }
    expect(report.skipped.find((entry) => entry.name === 'deleteLatest soft-deletes the current version only')?.reason).toBe(
      'store lacks capability: extensions',
    );
  });

  it('a minimal adapter relying on BaseKeyValueStore.patch passes every core behaviour and the core model', async () => {
    const report = await runConformance({ create: ({ now }) => new DefaultPatchStore({ now }) }, { numRuns: 50 });
    expect(report.failed).toEqual([]);
    expect(report.passed.length).toBe(behaviours.filter((b) => b.requires.length === 0).length + 1);
  });

  it('model: false leaves the properties out, filter narrows to the names given', async () => {
    const names = [behaviours[0]?.name as string, 'deleteLatest soft-deletes the current version only', modelProperties[0]?.name as string];
    const report = await runConformance({ create: ({ now }) => new CoreOnlyStore({ now }) }, { filter: names, model: false });
    expect(report.passed.map((entry) => entry.name)).toEqual([names[0]]);
    expect(report.skipped.map((entry) => entry.name)).toEqual([names[1]]);
  });
});
