import { InvalidRequestError } from '@kv2/core';
import { describe, expect, it } from 'vitest';
import { emptyDocument, type StoreDocument } from '../../src/engine/document.js';
import { validateDocument } from '../../src/engine/document-validation.js';
import { applyChanges, executeCommand } from '../../src/engine/engine.js';

function populated(): StoreDocument {
  const doc = emptyDocument();
  const now = new Date('2026-01-01T00:00:00Z');
  for (const command of [
    { op: 'write', path: 'a/b', data: { x: 1 } },
    { op: 'write', path: 'a/b', data: { x: 2 } },
    { op: 'destroy', path: 'a/b', versions: [1] },
    { op: 'writeMetadata', path: 'm', update: { customMetadata: { owner: 'me' } } },
  ] as const) {
    applyChanges(doc, executeCommand(doc, command, now).changes);
  }
  return doc;
}

function problem(mutate: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(JSON.stringify(populated())) as Record<string, unknown>;
  mutate(doc);
  try {
    validateDocument(doc);
  } catch (error) {
    expect(InvalidRequestError.is(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the document to be rejected');
}

type Doc = { keys: Record<string, { versions: Record<string, Record<string, unknown>> } & Record<string, unknown>> } & Record<string, unknown>;

describe('validateDocument', () => {
  it('accepts what the engine writes, including destroyed versions without data', () => {
    const doc = populated();
    expect(validateDocument(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });

  it.each<[string, (doc: Doc) => void, RegExp]>([
    ['an unknown format version', (d) => (d.format = 2), /unknown format version 2/],
    ['a missing config', (d) => delete d.config, /config must be an object/],
    ['a non-canonical path', (d) => (d.keys['/x'] = d.keys['m']!), /not a canonical secret path/],
    ['a bad counter', (d) => (d.keys['a/b']!.currentVersion = -1), /currentVersion must be an integer from 0/],
    ['a bad timestamp', (d) => (d.keys['a/b']!.createdTime = 'yesterday'), /createdTime must be an ISO 8601/],
    ['a version above current', (d) => (d.keys['a/b']!.versions['9'] = d.keys['a/b']!.versions['2']!), /not a version number/],
    ['a version below oldest', (d) => (d.keys['a/b']!.oldestVersion = 2), /versions\[1\] is not a version number/],
    ['oldest above current', (d) => (d.keys['a/b']!.oldestVersion = 3), /oldestVersion is above currentVersion/],
    [
      'max versions beyond uint32',
      (d) => ((d.config as { maxVersions: number }).maxVersions = 2 ** 32),
      /config.maxVersions must be an integer from 0 to 4294967295/,
    ],
    ['live data missing', (d) => delete d.keys['a/b']!.versions['2']!.data, /data is missing/],
    [
      "a mount delete_version_after beyond Go's duration range",
      (d) => ((d.config as { deleteVersionAfter: number }).deleteVersionAfter = 9e15),
      /config.deleteVersionAfter must be an integer from -1 to 9223372036/,
    ],
    [
      "a key delete_version_after beyond Go's duration range",
      (d) => (d.keys['m']!.deleteVersionAfter = 8.64e12),
      /deleteVersionAfter must be an integer from 0 to 9223372036/,
    ],
    ['non-string custom metadata', (d) => (d.keys['m']!.customMetadata = { owner: 1 }), /values must be strings/],
  ])('rejects %s', (_name, mutate, message) => {
    expect(problem(mutate as (doc: Record<string, unknown>) => void)).toMatch(message);
  });

  it.each([null, [], 'text', 42])('rejects the non-document %j', (value) => {
    expect(() => validateDocument(value)).toThrow(/document must be an object/);
  });
});
