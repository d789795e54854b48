import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileKeyValueStore, type StoreDocument } from '@kv2/local';
import { OpenBaoKeyValueStore } from '@kv2/openbao';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kv2, kv2InProcess, removeTempDir, startServer, tempDir } from './helpers.js';

async function withFile<T>(file: string, fn: (store: FileKeyValueStore) => Promise<T>): Promise<T> {
  const store = new FileKeyValueStore({ file });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

// A store with every state a snapshot must carry: several versions, soft-deleted, destroyed,
// metadata-only keys, custom metadata, key settings and a non-default mount config.
async function seed(store: FileKeyValueStore): Promise<void> {
  await store.writeConfig({ maxVersions: 5 });
  await store.write('app/db', { user: 'app', password: 'p1' });
  await store.write('app/db', { user: 'app', password: 'p2' });
  await store.write('app/db', { user: 'app', password: 'p3', nested: { list: [1, 2] } });
  await store.delete('app/db', { versions: [2] });
  await store.destroy('app/db', { versions: [1] });
  await store.writeMetadata('app/api', { customMetadata: { team: 'payments' }, maxVersions: 3, casRequired: true });
  await store.write('top', { n: 1 });
}

describe('kv2 export / import', () => {
  let dir: string;
  let original: StoreDocument;

  beforeAll(async () => {
    dir = await tempDir();
    original = await withFile(join(dir, 'a.json'), async (store) => {
      await seed(store);
      return store.exportDocument();
    });
  });
  afterAll(() => removeTempDir(dir));

  it('export into an existing world-readable file narrows it to 0600 before writing', async () => {
    await writeFile(join(dir, 'wide.json'), '');
    await chmod(join(dir, 'wide.json'), 0o644);
    const exported = await kv2(['export', '-file=a.json', 'wide.json'], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    expect((await stat(join(dir, 'wide.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, 'wide.json'), 'utf8'))).toEqual(original);
  });

  it('export writes the exact snapshot; import into a fresh store reproduces data and metadata', async () => {
    const exported = await kv2(['export', '-file=a.json', 'snap.json'], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/^Exported 3 keys \(4 versions\) from the file store .*a\.json to snap\.json\n$/);
    expect(JSON.parse(await readFile(join(dir, 'snap.json'), 'utf8'))).toEqual(original);
    expect((await stat(join(dir, 'snap.json'))).mode & 0o777).toBe(0o600);

    const imported = await kv2(['import', '-file=b.json', 'snap.json'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('Imported 3 keys (4 versions)');
    expect(await withFile(join(dir, 'b.json'), (store) => store.exportDocument())).toEqual(original);
    expect(await kv2(['kv', 'get', '-file=b.json', '-field=password', 'secret/app/db'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'p3' });
  });

  it('-mount is trimmed as the kv commands trim it: -mount=/secret/ is the secret mount', async () => {
    const exported = await kv2InProcess(['export', '-file=a.json', '-mount=/secret/', 'mount-snap.json'], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'mount-snap.json'), 'utf8'))).toEqual(original);
    const imported = await kv2InProcess(['import', '-file=m.json', '-mount=secret/', 'mount-snap.json'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    expect(await withFile(join(dir, 'm.json'), (store) => store.exportDocument())).toEqual(original);
    expect(await kv2InProcess(['export', '-file=a.json', '-mount=/', 'x.json'], { cwd: dir })).toMatchObject({ code: 2 });
  });

  it('writes to stdout and reads from stdin; -latest-only keeps only current versions', async () => {
    const out = await kv2(['export', '-latest-only', '-file=a.json'], { cwd: dir });
    expect(out.code).toBe(0);
    const latest = JSON.parse(out.stdout) as StoreDocument;
    expect(Object.keys(latest.keys['app/db']?.versions ?? {})).toEqual(['3']);
    expect(latest.keys['app/api']?.versions).toEqual({});
    const imported = await kv2(['import', '-file=c.json'], { cwd: dir, input: out.stdout });
    expect(imported.code, imported.stderr).toBe(0);
    expect(await withFile(join(dir, 'c.json'), (store) => store.exportDocument())).toEqual(latest);
  });

  it('merges by default and replaces with -replace', async () => {
    await withFile(join(dir, 'd.json'), (store) => store.write('only-here', { x: 1 }));
    expect((await kv2InProcess(['import', '-file=d.json', 'snap.json'], { cwd: dir })).code).toBe(0);
    expect(await withFile(join(dir, 'd.json'), (store) => store.list(''))).toEqual(['app/', 'only-here', 'top']);
    expect((await kv2InProcess(['import', '-replace', '-file=d.json', 'snap.json'], { cwd: dir })).code).toBe(0);
    expect(await withFile(join(dir, 'd.json'), (store) => store.exportDocument())).toEqual(original);
  });

  it('rejects a bad snapshot as a whole and changes nothing', async () => {
    const bad = JSON.parse(JSON.stringify(original)) as { keys: Record<string, { currentVersion: unknown }> };
    (bad.keys.top as { currentVersion: unknown }).currentVersion = 'one';
    await writeFile(join(dir, 'bad.json'), JSON.stringify(bad));
    await writeFile(join(dir, 'garbage.json'), 'not json');
    const before = await withFile(join(dir, 'b.json'), (store) => store.exportDocument());
    const result = await kv2InProcess(['import', '-file=b.json', 'bad.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.json is not a valid kv2 snapshot: keys["top"].currentVersion must be an integer');
    expect(result.stderr).toContain('nothing was imported');
    expect((await kv2InProcess(['import', '-file=b.json', 'garbage.json'], { cwd: dir })).stderr).toContain('does not parse as JSON');
    expect((await kv2InProcess(['import', '-file=b.json', 'missing.json'], { cwd: dir })).stderr).toContain('cannot read "missing.json" (ENOENT)');
    expect(await withFile(join(dir, 'b.json'), (store) => store.exportDocument())).toEqual(before);
  });

  it('shows progress on stderr with -progress', async () => {
    const result = await kv2InProcess(['import', '-progress', '-file=e.json', 'snap.json'], { cwd: dir });
    expect(result.code).toBe(0);
    // On a pipe -progress prints plain lines (no escape codes), then the summary.
    expect(result.stderr).toBe(
      'Importing: reading snap.json…\nImporting 3 keys (4 versions) in one step…\nImported 3 keys (4 versions) into the file store ' +
        join(dir, 'e.json') +
        ' (merged)\n',
    );
    const quiet = await kv2InProcess(['import', '-file=f.json', 'snap.json'], { cwd: dir });
    expect(quiet.stderr).toBe(`Imported 3 keys (4 versions) into the file store ${join(dir, 'f.json')} (merged)\n`);
  });

  it('exports a server through the API: everything but the data of soft-deleted versions', async () => {
    const server = await startServer(['-address=127.0.0.1:0', '-file=srv/data.json'], { cwd: dir });
    let remote: StoreDocument;
    try {
      const adapter = new OpenBaoKeyValueStore({ baseUrl: server.url, token: server.token });
      await adapter.writeConfig({ maxVersions: 5 });
      await adapter.write('app/db', { password: 'p1' });
      await adapter.write('app/db', { password: 'p2' });
      await adapter.write('app/db', { password: 'p3' });
      await adapter.delete('app/db', { versions: [2] });
      await adapter.destroy('app/db', { versions: [1] });
      await adapter.writeMetadata('app/api', { customMetadata: { team: 'payments' } });
      const result = await kv2(['export'], { cwd: dir, env: { BAO_ADDR: server.url, BAO_TOKEN: server.token } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('1 soft-deleted version left out (their data is not readable through the API)');
      remote = JSON.parse(result.stdout) as StoreDocument;
    } finally {
      await server.stop();
    }
    const local = await withFile(join(dir, 'srv', 'data.json'), (store) => store.exportDocument());
    delete local.keys['app/db']?.versions['2'];
    expect(remote).toEqual(local);
  });

  it('imports into a server by replaying writes: data and settings arrive, versions are renumbered', async () => {
    const server = await startServer(['-memory', '-address=127.0.0.1:0'], { cwd: dir });
    try {
      const env = { BAO_ADDR: server.url, BAO_TOKEN: server.token };
      const result = await kv2(['import', 'snap.json'], { cwd: dir, env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('Imported 3 keys (3 versions written as new versions)');
      expect(result.stderr).toContain('1 destroyed version skipped');
      expect(result.stderr).toContain('mount config left unchanged');
      const adapter = new OpenBaoKeyValueStore({ baseUrl: server.url, token: server.token });
      expect((await adapter.read('app/db')).data).toEqual({ user: 'app', password: 'p3', nested: { list: [1, 2] } });
      const metadata = await adapter.readMetadata('app/db');
      expect(metadata.currentVersion).toBe(2);
      expect(metadata.versions[1]?.deletionTime).not.toBeNull();
      expect((await adapter.read('app/db', { version: 2 })).data).toMatchObject({ password: 'p3' });
      expect(await adapter.readMetadata('app/api')).toMatchObject({
        customMetadata: { team: 'payments' },
        maxVersions: 3,
        casRequired: true,
        currentVersion: 0,
      });
      expect((await adapter.readConfig()).maxVersions).toBe(0);
      expect(await kv2InProcess(['import', '-replace', 'snap.json'], { cwd: dir, env })).toMatchObject({ code: 2 });
      expect((await kv2(['import', '-allow-mount-config', 'snap.json'], { cwd: dir, env })).code).toBe(0);
      expect((await adapter.readConfig()).maxVersions).toBe(5);
      expect((await adapter.readMetadata('app/db')).currentVersion).toBe(4);
    } finally {
      await server.stop();
    }
  });
});
