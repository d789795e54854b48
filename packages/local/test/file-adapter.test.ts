import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { Low } from 'lowdb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyChanges, emptyDocument, executeCommand, type Command, type StoreDocument } from '../src/index.js';
import { cloneJsonObject } from '@kv2/core';
import { StoreFileAdapter } from '../src/file/adapter.js';
import { isTemporaryNameFor, removeLeftoverTemporaryFiles, temporaryPathFor, writeFileAtomically } from '../src/file/atomic-write.js';
import { DocumentCodec, type StoreContent } from '../src/file/codec.js';
import { EncryptionSecret } from '../src/file/encryption.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await makeTempDir();
  file = join(dir, 'store.json');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await removeTempDir(dir);
});

const temporaryFiles = async () => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

describe('writeFileAtomically', () => {
  it('writes the content with mode 0600 and leaves no temporary file', async () => {
    const written = await writeFileAtomically(file, 'hello');
    await written.handle.close();
    expect(await readFile(file, 'utf8')).toBe('hello');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await temporaryFiles()).toEqual([]);
    expect(written.identity.ino).toBe((await stat(file, { bigint: true })).ino);
  });

  it('uses a unique temporary name in the same folder for every write', async () => {
    const names = new Set(Array.from({ length: 1000 }, () => temporaryPathFor(file)));
    expect(names.size).toBe(1000);
    for (const name of names) {
      expect(name.startsWith(`${dir}/.store.json.`)).toBe(true);
      expect(isTemporaryNameFor(file, name.slice(dir.length + 1))).toBe(true);
    }
    // Concurrent writes never share a temporary file: each lands whole.
    const contents = Array.from({ length: 20 }, (_, i) => `content ${i} `.repeat(5000));
    const results = await Promise.all(contents.map((c) => writeFileAtomically(file, c)));
    await Promise.all(results.map((r) => r.handle.close()));
    expect(contents).toContain(await readFile(file, 'utf8'));
    expect(await temporaryFiles()).toEqual([]);
  });

  it('removes the temporary file and keeps the target when the commit is refused', async () => {
    await writeFile(file, 'old');
    const refusal = new Error('refused');
    await expect(writeFileAtomically(file, 'new', { beforeCommit: () => Promise.reject(refusal) })).rejects.toBe(refusal);
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await temporaryFiles()).toEqual([]);
  });

  it('removes the temporary file when the rename fails', async () => {
    const target = join(dir, 'a-folder');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'x');
    await expect(writeFileAtomically(target, 'new')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) as unknown });
    expect((await readdir(dir)).sort()).toEqual(['a-folder']);
  });

  it("removeLeftoverTemporaryFiles removes only this file's temporary files", async () => {
    const leftovers = [temporaryPathFor(file), temporaryPathFor(file)];
    for (const path of leftovers) await writeFile(path, 'partial');
    const keep = ['.store.json.tmp', '.other.json.0123456789abcdef.tmp', 'store.json', '.store.json.0123456789ABCDEF.tmp'];
    for (const name of keep) await writeFile(join(dir, name), 'x');
    expect(await removeLeftoverTemporaryFiles(file)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual([...keep].sort());
  });
});

/** A document built by running engine commands, as the stores build theirs. */
function documentFrom(commands: Command[]): StoreDocument {
  const doc = emptyDocument();
  const now = new Date('2025-01-02T03:04:05.678Z');
  for (const command of commands) {
    try {
      applyChanges(doc, executeCommand(doc, command, now).changes);
    } catch {
      // Rejected commands change nothing, as in the stores.
    }
  }
  return doc;
}

// Data as BaseKeyValueStore hands it to the engine: cloned and normalised (-0 becomes 0, as on the wire).
const jsonData = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).map((data) => cloneJsonObject(data));
const path = fc.constantFrom('a', 'b/c', 'b/d', '__proto__', 'constructor', 'ключ', '42', '7/x');
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), path, data: jsonData }),
  fc.record({ op: fc.constant('delete' as const), path, versions: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }) }),
  fc.record({ op: fc.constant('destroy' as const), path, versions: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }) }),
  fc.record({
    op: fc.constant('writeMetadata' as const),
    path,
    update: fc.record({
      maxVersions: fc.integer({ min: 0, max: 3 }),
      customMetadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.string({ minLength: 1, maxLength: 5 }), { maxKeys: 2 }),
    }),
  }),
  fc.record({ op: fc.constant('deleteMetadata' as const), path }),
);

describe('DocumentCodec', () => {
  it('writes exactly JSON.stringify(document, null, 2), and reads back the same document', async () => {
    const codec = new DocumentCodec(file, null);
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { maxLength: 25 }), async (commands) => {
        const doc = documentFrom(commands);
        const text = codec.encode({ doc, encryption: null, journalSeq: 0 }).toString('utf8');
        expect(text).toBe(JSON.stringify({ format: doc.format, journalSeq: 0, config: doc.config, keys: doc.keys }, null, 2));
        const back = await codec.decode(Buffer.from(text));
        expect(back.doc).toEqual(doc);
        expect(Object.keys(back.doc.keys)).toEqual(Object.keys(doc.keys));
      }),
      { numRuns: 150 },
    );
  });

  it('encrypted: pretty JSON with every version sealed, decrypting to the same data', async () => {
    const codec = new DocumentCodec(file, new EncryptionSecret({ key: new Uint8Array(32).fill(3) }));
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { maxLength: 25 }), async (commands) => {
        const doc = documentFrom(commands);
        const content = await codec.create(doc);
        const text = codec.encode(content).toString('utf8');
        expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
        const back = await codec.decode(Buffer.from(text));
        // toEqual reads every `data`, so every version is decrypted and compared.
        expect(back.doc).toEqual(doc);
      }),
      { numRuns: 50 },
    );
  });

  it('re-uses the bytes of records that did not change', () => {
    const codec = new DocumentCodec(file, null);
    const doc = documentFrom([
      { op: 'write', path: 'a', data: { n: 1 } },
      { op: 'write', path: 'b', data: { n: 2 } },
    ]);
    codec.encode({ doc, encryption: null, journalSeq: 0 });
    const stringify = vi.spyOn(JSON, 'stringify');
    applyChanges(doc, executeCommand(doc, { op: 'write', path: 'b', data: { n: 3 } }, new Date()).changes);
    const text = codec.encode({ doc, encryption: null, journalSeq: 0 }).toString('utf8');
    // Records are serialised inside a `{ keys: { [path]: record } }` wrapper; collect which ones were.
    const serialised = stringify.mock.calls.flatMap(([value]) =>
      typeof value === 'object' && value !== null && 'keys' in value ? (Object.values((value as { keys: object }).keys) as unknown[]) : [],
    );
    stringify.mockRestore();
    // Only the changed record "b" was serialised again, and the text is still exact.
    expect(serialised).toHaveLength(1);
    expect(serialised[0]).toBe(doc.keys['b']);
    expect(text).toBe(JSON.stringify({ format: doc.format, journalSeq: 0, config: doc.config, keys: doc.keys }, null, 2));
  });
});

describe('StoreFileAdapter with lowdb', () => {
  const initial = (): StoreContent => ({ doc: emptyDocument(), encryption: null, journalSeq: 0 });

  it('reads a missing file as null (Low keeps its default) and round-trips a document', async () => {
    const adapter = new StoreFileAdapter(file, new DocumentCodec(file, null), async () => {});
    expect(await adapter.read()).toBeNull();
    const fallback = initial();
    const empty = new Low<StoreContent>(adapter, fallback);
    await empty.read();
    expect(empty.data).toBe(fallback);
    expect(adapter.identityOf(fallback)).toBeUndefined();

    const doc = documentFrom([{ op: 'write', path: 'x', data: { v: 1 } }]);
    const written = new Low<StoreContent>(adapter, { doc, encryption: null, journalSeq: 0 });
    await written.write();
    const identity = adapter.identityOf(written.data);
    expect(identity?.ino).toBe((await stat(file, { bigint: true })).ino);

    const loaded = new Low<StoreContent>(adapter, initial());
    await loaded.read();
    expect(loaded.data.doc).toEqual(doc);
    expect(adapter.identityOf(loaded.data)).toEqual(identity);
    await adapter.forget(written.data);
    await adapter.forget(loaded.data);
  });

  it('a write runs beforeCommit first; if it throws nothing is written', async () => {
    let allow = false;
    const adapter = new StoreFileAdapter(file, new DocumentCodec(file, null), async () => {
      if (!allow) throw new Error('no lock');
    });
    await expect(adapter.write(initial())).rejects.toThrow('no lock');
    expect(await readdir(dir)).toEqual([]);
    allow = true;
    const content = initial();
    await adapter.write(content);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ ...emptyDocument(), journalSeq: 0 });
    await adapter.forget(content);
  });

  it('remembers a bad file: reading it again while unchanged neither re-reads nor re-parses it', async () => {
    await writeFile(file, '{"format": 1, "config": ');
    const adapter = new StoreFileAdapter(file, new DocumentCodec(file, null), async () => {});
    const first = await adapter.read().catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'store_corrupted' });
    const parse = vi.spyOn(JSON, 'parse');
    const second = await adapter.read().catch((e: unknown) => e);
    expect(second).toBe(first);
    expect(parse).not.toHaveBeenCalled();
    await adapter.close();
  });
});
