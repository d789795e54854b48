import fc from 'fast-check';
import { cloneJsonObject, InvalidRequestError, type MountConfig } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/commands.js';
import { emptyDocument, type StoreDocument } from '../../src/engine/document.js';
import { applyChanges, executeCommand } from '../../src/engine/engine.js';
import { addVersion, effectiveDeleteAfter, effectiveMaxVersions, newKeyRecord } from '../../src/engine/lifecycle.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const config = (patch: Partial<MountConfig> = {}): MountConfig => ({ ...emptyDocument().config, ...patch });

function run(doc: StoreDocument, command: Command, now = NOW) {
  const outcome = executeCommand(doc, command, now);
  applyChanges(doc, outcome.changes);
  return outcome.result;
}

describe('lifecycle rules', () => {
  it('takes the larger of key and mount max_versions, or 10', () => {
    const record = newKeyRecord(NOW, 0);
    expect(effectiveMaxVersions(record, config())).toBe(10);
    expect(effectiveMaxVersions({ ...record, maxVersions: 2 }, config({ maxVersions: 5 }))).toBe(5);
    expect(effectiveMaxVersions({ ...record, maxVersions: 7 }, config({ maxVersions: 5 }))).toBe(7);
  });

  it('takes the smaller non-zero delete_version_after, none when the mount disables it', () => {
    const record = { ...newKeyRecord(NOW, 0), deleteVersionAfter: 3 * 3600 };
    expect(effectiveDeleteAfter(undefined, config())).toBe(0);
    expect(effectiveDeleteAfter(record, config())).toBe(3 * 3600);
    expect(effectiveDeleteAfter(record, config({ deleteVersionAfter: 6 * 3600 }))).toBe(3 * 3600);
    expect(effectiveDeleteAfter({ ...record, deleteVersionAfter: 0 }, config({ deleteVersionAfter: 3600 }))).toBe(3600);
    expect(effectiveDeleteAfter(record, config({ deleteVersionAfter: -1 }))).toBe(0);
  });

  it('prunes as OpenBao does: oldest stays 0 until the first prune (max 2, then 1)', () => {
    let record = { ...newKeyRecord(NOW, 0), maxVersions: 2 };
    const seen: [number, number[]][] = [];
    for (let i = 0; i < 3; i++) {
      record = addVersion(record, { i }, NOW, config());
      seen.push([record.oldestVersion, Object.keys(record.versions).map(Number)]);
    }
    expect(seen).toEqual([
      [0, [1]],
      [1, [1, 2]],
      [2, [2, 3]],
    ]);
    record = addVersion({ ...record, maxVersions: 1 }, { i: 4 }, NOW, config());
    expect([record.oldestVersion, Object.keys(record.versions)]).toEqual([4, ['4']]);
  });
});

// Commands as BaseKeyValueStore hands them over: checked and normalised (the engine trusts them).
const jsonData = fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map((data) => cloneJsonObject(data));
const versions = fc.array(fc.nat(4), { minLength: 1, maxLength: 3 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), path: fc.constantFrom('a', 'b/c'), data: jsonData, cas: fc.option(fc.nat(3), { nil: undefined }) }),
  fc.record({ op: fc.constant('patch' as const), path: fc.constantFrom('a', 'b/c'), data: jsonData, cas: fc.option(fc.nat(3), { nil: undefined }) }),
  fc.record({ op: fc.constantFrom('delete' as const, 'undelete' as const, 'destroy' as const), path: fc.constantFrom('a', 'b/c'), versions }),
  fc.record({
    op: fc.constant('writeMetadata' as const),
    path: fc.constantFrom('a', 'b/c'),
    update: fc.record(
      { maxVersions: fc.nat(3), customMetadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.string({ minLength: 1, maxLength: 3 })) },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    op: fc.constantFrom('deleteLatest' as const, 'deleteMetadata' as const, 'read' as const, 'readMetadata' as const, 'list' as const),
    path: fc.constantFrom('a', 'b/c', 'b'),
  }),
  fc.record({
    op: fc.constant('writeConfig' as const),
    update: fc.record({ maxVersions: fc.integer({ min: -1, max: 3 }), casRequired: fc.boolean() }, { requiredKeys: [] }),
  }),
);

describe('executeCommand', () => {
  it('never modifies the document it is given; rejected commands produce no changes', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 12 }), commandArb, (setup, command) => {
        const doc = emptyDocument();
        for (const step of setup) {
          try {
            run(doc, step);
          } catch {
            // setup steps may be invalid; only the last command is under test
          }
        }
        const before = JSON.stringify(doc);
        try {
          executeCommand(doc, command, NOW);
        } catch {
          // a rejection is fine; what matters is that doc is untouched either way
        }
        expect(JSON.stringify(doc)).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  // Metadata updates and patches that change no field never reach the engine (BaseKeyValueStore
  // answers them), so they are not listed here; input-validation.test.ts in @kv2/openbao covers them.
  it('reports no changes for reads and for no-ops, so a host can skip persisting', () => {
    const doc = emptyDocument();
    run(doc, { op: 'write', path: 'a', data: { v: 1 } });
    const commands: Command[] = [
      { op: 'read', path: 'a' },
      { op: 'list', path: '' },
      { op: 'delete', path: 'missing', versions: [1] },
      { op: 'delete', path: 'a', versions: [7] },
      { op: 'undelete', path: 'a', versions: [1] },
      { op: 'destroy', path: 'a', versions: [2] },
      { op: 'deleteMetadata', path: 'missing' },
      { op: 'writeConfig', update: {} },
    ];
    for (const command of commands) {
      expect(executeCommand(doc, command, NOW).changes, command.op).toEqual([]);
    }
  });

  it('rejects unknown operations with a typed error', () => {
    expect(() => executeCommand(emptyDocument(), { op: 'explode' } as unknown as Command, NOW)).toThrow(InvalidRequestError);
  });

  it('stores secrets under __proto__ and constructor like any other path', () => {
    const doc = emptyDocument();
    run(doc, { op: 'write', path: '__proto__', data: { a: 1 } });
    run(doc, { op: 'write', path: 'constructor/x', data: { b: 2 } });
    expect(run(doc, { op: 'read', path: '__proto__' })).toMatchObject({ data: { a: 1 } });
    expect(run(doc, { op: 'list', path: '' })).toEqual(['__proto__', 'constructor/']);
    expect(() => run(doc, { op: 'readMetadata', path: 'toString' })).toThrow(/no secret/);
    expect(Object.getPrototypeOf(doc.keys)).toBe(Object.prototype);
  });
});
