import fc from 'fast-check';
import { MAX_DURATION_SECONDS, type MountConfig } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import type { KeyRecord, VersionRecord } from '../../src/engine/document.js';
import { addVersion, deletionTimeAfter, newKeyRecord } from '../../src/engine/lifecycle.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const config = (maxVersions: number): MountConfig => ({ maxVersions, casRequired: false, metadataCasRequired: false, deleteVersionAfter: 0 });

/** A record as a valid document may hold it: any versions from max(1, oldest) to current, gaps allowed. */
const recordArb: fc.Arbitrary<KeyRecord> = fc
  .record({
    oldest: fc.nat(20),
    span: fc.nat(80),
    present: fc.array(fc.boolean(), { minLength: 81, maxLength: 81 }),
    keyMax: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
  })
  .map(({ oldest, span, present, keyMax }) => {
    const current = oldest + span;
    const versions: Record<string, VersionRecord> = {};
    for (let n = Math.max(1, oldest); n <= current; n++) {
      if (present[n - oldest]) versions[String(n)] = { createdTime: NOW.toISOString(), deletionTime: null, destroyed: false, data: { n } };
    }
    return { ...newKeyRecord(NOW, 0), currentVersion: current, oldestVersion: oldest, maxVersions: keyMax, versions };
  });

describe('addVersion', () => {
  it('keeps exactly the versions above current - limit when it prunes, in order, for any record and limit', () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 0, max: 100 }), (record, mountMax) => {
        const next = addVersion(record, { added: true }, NOW, config(mountMax));
        const version = record.currentVersion + 1;
        const limit = Math.max(record.maxVersions, mountMax) || 10;
        const prunes = version - record.oldestVersion >= limit;
        const lastPruned = prunes ? version - limit : 0;
        const expected = [...Object.keys(record.versions).filter((k) => Number(k) > lastPruned), String(version)];
        expect(Object.keys(next.versions)).toEqual(expected);
        for (const key of expected.slice(0, -1)) expect(next.versions[key]).toBe(record.versions[key]);
        expect(next.oldestVersion).toBe(prunes ? lastPruned + 1 : record.oldestVersion);
        expect(next.currentVersion).toBe(version);
      }),
      { numRuns: 500 },
    );
  });

  it('never changes the record it is given', () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 0, max: 100 }), (record, mountMax) => {
        const before = JSON.stringify(record);
        addVersion(record, { added: true }, NOW, config(mountMax));
        expect(JSON.stringify(record)).toBe(before);
      }),
    );
  });
});

describe('deletionTimeAfter', () => {
  it('is null for 0 and negative, now + seconds otherwise', () => {
    expect(deletionTimeAfter(NOW, 0)).toBeNull();
    expect(deletionTimeAfter(NOW, -1)).toBeNull();
    expect(deletionTimeAfter(NOW, 60)).toBe('2026-01-01T00:01:00.000Z');
  });

  it('never throws a RangeError for a value that would overflow a Date (a hand-edited store)', () => {
    for (const huge of [8.64e12, 9e15, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Infinity]) {
      const iso = deletionTimeAfter(NOW, huge) as string;
      expect(Date.parse(iso)).toBe(NOW.getTime() + MAX_DURATION_SECONDS * 1000);
    }
    expect(deletionTimeAfter(NOW, Number.NaN)).toBeNull();
  });
});
