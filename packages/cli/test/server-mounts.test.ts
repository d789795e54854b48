// Mounts at run time on `kv2 server`: the file store's mount table survives restarts, -mount
// adds to it, local kv commands find every mount, disabling deletes the data, a crash at any
// step leaves a consistent table, and `kv2 secrets …` drives it all.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newMountRecord } from '@kv2/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileMountTable, mountTablePath, readMountTable } from '../src/mount-table.js';
import { api, kv2, removeTempDir, startServer, tempDir } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => removeTempDir(dir));

function envFor(server: { url: string; token: string }): Record<string, string> {
  return { BAO_ADDR: server.url, BAO_TOKEN: server.token };
}

describe('kv2 server: mounts at run time on the file store', () => {
  it('keeps mounts enabled at run time, their settings and their data across a restart; -mount adds to the table', async () => {
    const first = await startServer(['-address=127.0.0.1:0', '-file=persist/data.json'], { cwd: dir });
    let accessor: unknown;
    try {
      expect((await api(first, 'POST', 'sys/mounts/team/kv', { type: 'kv', options: { version: '2' }, description: 'team secrets' })).status).toBe(
        204,
      );
      expect((await api(first, 'POST', 'team/kv/data/app', { data: { owner: 'team' } })).status).toBe(200);
      expect((await api(first, 'POST', 'sys/mounts/team/kv/tune', { max_lease_ttl: '1h' })).status).toBe(204);
      accessor = ((await api(first, 'GET', 'sys/mounts/team/kv')).json as { data: { accessor: unknown } }).data.accessor;
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const table = readMountTable(join(dir, 'persist/data.json'));
    expect(table?.mounts.map((m) => [m.path, m.file])).toEqual([
      ['secret', 'data.json'],
      ['team/kv', 'data-team_kv.json'],
    ]);

    // Local kv commands find the new mount's data through the table.
    expect(await kv2(['kv', 'get', '-file=persist/data.json', '-field=owner', 'team/kv/app'], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: 'team',
    });

    const second = await startServer(['-address=127.0.0.1:0', '-file=persist/data.json', '-mount=extra'], { cwd: dir });
    try {
      expect(second.output().stdout).toContain('Mounts: extra/, secret/, team/kv/ (KV v2)');
      const info = (await api(second, 'GET', 'sys/mounts/team/kv')).json as { data: Record<string, unknown> };
      expect(info.data).toMatchObject({ accessor, description: 'team secrets', config: { max_lease_ttl: 3600 } });
      expect(((await api(second, 'GET', 'team/kv/data/app')).json as { data: { data: unknown } }).data.data).toEqual({ owner: 'team' });
    } finally {
      expect(await second.stop()).toBe(0);
    }
    // Without -mount, the table decides: extra stays.
    const third = await startServer(['-address=127.0.0.1:0', '-file=persist/data.json'], { cwd: dir });
    try {
      expect(third.output().stdout).toContain('Mounts: extra/, secret/, team/kv/ (KV v2)');
    } finally {
      await third.stop();
    }
  });

  it('enable → write → disable deletes the files; enabling again finds the mount empty, also after a restart', async () => {
    const server = await startServer(['-address=127.0.0.1:0', '-file=cycle/data.json'], { cwd: dir });
    try {
      expect((await api(server, 'POST', 'sys/mounts/kvv2', { type: 'kv-v2' })).status).toBe(204);
      expect((await api(server, 'POST', 'kvv2/data/app', { data: { v: 1 } })).status).toBe(200);
      expect(existsSync(join(dir, 'cycle/data-kvv2.json'))).toBe(true);
      expect((await api(server, 'DELETE', 'sys/mounts/kvv2')).status).toBe(204);
      expect((await readdir(join(dir, 'cycle'))).filter((name) => name.includes('kvv2'))).toEqual([]);
      expect(readMountTable(join(dir, 'cycle/data.json'))).toMatchObject({ removing: [] });
      expect(await kv2(['kv', 'get', '-file=cycle/data.json', 'kvv2/app'], { cwd: dir })).toMatchObject({ code: 1 });

      expect((await api(server, 'POST', 'sys/mounts/kvv2', { type: 'kv-v2' })).status).toBe(204);
      expect((await api(server, 'GET', 'kvv2/data/app')).status).toBe(404);
      expect((await api(server, 'DELETE', 'sys/mounts/secret')).status).toBe(204);
      expect(existsSync(join(dir, 'cycle/data.json'))).toBe(false);
    } finally {
      await server.stop();
    }
    // A disabled secret/ stays disabled (no default mount once a table exists), and local
    // commands no longer find it.
    const again = await startServer(['-address=127.0.0.1:0', '-file=cycle/data.json'], { cwd: dir });
    try {
      expect(again.output().stdout).toContain('Mounts: kvv2/ (KV v2)');
      expect((await api(again, 'GET', 'kvv2/data/app')).status).toBe(404);
    } finally {
      await again.stop();
    }
    const local = await kv2(['kv', 'get', '-file=cycle/data.json', 'secret/app'], { cwd: dir });
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('no KV v2 mount "secret/" in the local store\'s mount table');
  });

  it('kv2 secrets enable|list|tune|move|disable drive the server, as bao secrets does', async () => {
    const server = await startServer(['-address=127.0.0.1:0', '-file=cli/data.json'], { cwd: dir });
    const env = envFor(server);
    try {
      expect(await kv2(['secrets', 'enable', '-path=team', '-description=team secrets', 'kv-v2'], { cwd: dir, env })).toMatchObject({
        code: 0,
        stdout: 'Success! Enabled the kv-v2 secrets engine at: team/\n',
      });
      expect(await kv2(['secrets', 'enable', '-version=2', '-path=app', 'kv'], { cwd: dir, env })).toMatchObject({ code: 0 });
      const taken = await kv2(['secrets', 'enable', '-path=team', 'kv-v2'], { cwd: dir, env });
      // bao's wording; exit 1, kv2's code for a command that ran and failed (2 is kept for usage errors).
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/^Error enabling: Error making API request\.\n\nURL: POST http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/mounts\/team\n/);
      expect(taken.stderr).toContain('Code: 409. Errors:\n\n* path is already in use at team/');
      const v1 = await kv2(['secrets', 'enable', '-path=old', 'kv'], { cwd: dir, env });
      expect(v1.code).toBe(1);
      expect(v1.stderr).toContain('kv2 serves KV version 2 only');

      const list = await kv2(['secrets', 'list'], { cwd: dir, env });
      expect(list.code).toBe(0);
      const lines = list.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^Path\s+Type\s+Accessor\s+Description$/);
      expect(lines.slice(2).map((line) => line.split(/\s+/)[0])).toEqual(['app/', 'secret/', 'sys/', 'team/']);
      expect(list.stdout).toMatch(/team\/\s+kv\s+kv_[0-9a-f]{8}\s+team secrets/);
      const json = JSON.parse((await kv2(['secrets', 'list', '-format=json'], { cwd: dir, env })).stdout) as Record<string, { options: unknown }>;
      expect(json['team/']?.options).toEqual({ version: '2' });

      expect(await kv2(['secrets', 'tune', '-description=tuned', '-max-lease-ttl=2h', 'team'], { cwd: dir, env })).toMatchObject({
        code: 0,
        stdout: 'Success! Tuned the secrets engine at: team/\n',
      });
      expect(((await api(server, 'GET', 'sys/mounts/team/tune')).json as { data: unknown }).data).toMatchObject({
        description: 'tuned',
        max_lease_ttl: 7200,
      });

      await kv2(['kv', 'put', 'team/app', 'k=v'], { cwd: dir, env });
      const moved = await kv2(['secrets', 'move', 'team', 'platform/team'], { cwd: dir, env });
      expect(moved.code).toBe(0);
      expect(moved.stdout).toMatch(/^Success! Finished moving secrets engine team\/ to platform\/team\/, with migration ID [0-9a-f-]{36}\n$/);
      expect(await kv2(['kv', 'get', '-field=k', 'platform/team/app'], { cwd: dir, env })).toMatchObject({ code: 0, stdout: 'v' });

      expect(await kv2(['secrets', 'disable', 'platform/team/'], { cwd: dir, env })).toMatchObject({
        code: 0,
        stdout: 'Success! Disabled the secrets engine (if it existed) at: platform/team/\n',
      });
      expect((await api(server, 'GET', 'platform/team/data/app')).status).toBe(404);
    } finally {
      await server.stop();
    }
    // The moved mount kept its data file; the table says where it is, and the move and the
    // disable removed it for good.
    expect(readMountTable(join(dir, 'cli/data.json'))?.mounts.map((m) => m.path)).toEqual(['app', 'secret']);
    expect((await readdir(join(dir, 'cli'))).filter((name) => name.includes('team'))).toEqual([]);
  });

  it('-memory serves run-time mounts too (kept in memory only)', async () => {
    const server = await startServer(['-address=127.0.0.1:0', '-memory'], { cwd: dir });
    try {
      expect((await api(server, 'POST', 'sys/mounts/kvv2', { type: 'kv-v2' })).status).toBe(204);
      expect((await api(server, 'POST', 'kvv2/data/a', { data: { a: 1 } })).status).toBe(200);
      expect((await api(server, 'DELETE', 'sys/mounts/kvv2')).status).toBe(204);
      expect((await api(server, 'GET', 'kvv2/data/a')).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('refuses to start on a damaged mount table and leaves it as it is', async () => {
    await mkdir(join(dir, 'damaged'), { recursive: true });
    await writeFile(join(dir, 'damaged/data.mounts.json'), '{"format":"something else"}');
    const run = await kv2(['server', '-address=127.0.0.1:0', '-file=damaged/data.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the mount table');
    expect(run.stderr).toContain('is damaged');
    expect(await readFile(join(dir, 'damaged/data.mounts.json'), 'utf8')).toBe('{"format":"something else"}');
  });
});

describe('the file mount table is crash-safe', () => {
  const options = (file: string, mounts: string[] = []) => ({
    file,
    mounts,
    localMount: 'secret',
    newRecord: (path: string) => newMountRecord(path),
  });

  it('a crash after disable was recorded but before the files were deleted: the next start deletes them', async () => {
    const file = join(dir, 'crash1/data.json');
    const table = await FileMountTable.load(options(file, ['secret']));
    const record = newMountRecord('kvv2');
    await table.save(
      [table.mounts[0] as (typeof table.mounts)[number], record].sort((a, b) => (a.path < b.path ? -1 : 1)),
      { kind: 'enable', record },
    );
    const store = await table.open(record);
    await store.write('app', { v: 1 });
    await store.close();
    const kvFile = table.fileOf('kvv2');
    expect(existsSync(kvFile)).toBe(true);
    // The disable is recorded, then the process dies before destroy().
    const { file: _secretFile, ...secret } = table.mounts.find((m) => m.path === 'secret') as (typeof table.mounts)[number];
    await table.save([secret], { kind: 'disable', record });
    expect(readMountTable(file)).toMatchObject({ removing: ['data-kvv2.json'] });
    expect(existsSync(kvFile)).toBe(true);

    const restarted = await FileMountTable.load(options(file));
    expect(restarted.mounts.map((m) => m.path)).toEqual(['secret']);
    expect(existsSync(kvFile)).toBe(false);
    expect(existsSync(`${kvFile}.lock`)).toBe(false);
    expect(readMountTable(file)).toMatchObject({ removing: [] });
  });

  it('a crash after enable was recorded but before the store file existed: the mount opens empty', async () => {
    const file = join(dir, 'crash2/data.json');
    const table = await FileMountTable.load(options(file, ['secret']));
    const record = newMountRecord('fresh');
    const { file: _f, ...secret } = table.mounts[0] as (typeof table.mounts)[number];
    await table.save([record, secret], { kind: 'enable', record });
    expect(existsSync(table.fileOf('fresh'))).toBe(false);

    const restarted = await FileMountTable.load(options(file));
    expect(restarted.mounts.map((m) => m.path)).toEqual(['fresh', 'secret']);
    const store = await restarted.open(record);
    try {
      expect(await store.list('')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('never hands a new mount a file that still has data: an orphan file gets a fresh name', async () => {
    const file = join(dir, 'crash3/data.json');
    await mkdir(join(dir, 'crash3'), { recursive: true });
    // Left by a server from before mount tables, or by a local command after a disable.
    await writeFile(join(dir, 'crash3/data-kvv2.json'), '{}');
    const table = await FileMountTable.load(options(file, ['secret']));
    const record = newMountRecord('kvv2');
    const { file: _f, ...secret } = table.mounts[0] as (typeof table.mounts)[number];
    await table.save([record, secret], { kind: 'enable', record });
    expect(table.fileOf('kvv2')).toMatch(/data-kvv2-[0-9a-f]{8}\.json$/);
    // The orphan is left alone.
    expect(await readFile(join(dir, 'crash3/data-kvv2.json'), 'utf8')).toBe('{}');
  });

  it('refuses a -mount that overlaps a mount in the table or is reserved, before writing anything', async () => {
    const file = join(dir, 'overlap/data.json');
    await FileMountTable.load(options(file, ['secret', 'team/kv']));
    const before = await readFile(mountTablePath(file), 'utf8');
    await expect(FileMountTable.load(options(file, ['team']))).rejects.toThrow('-mount team: the path overlaps the mount team/kv/');
    await expect(FileMountTable.load(options(file, ['sys/x']))).rejects.toThrow('-mount sys/x: the path is reserved');
    await expect(FileMountTable.load(options(file, ['a/../b']))).rejects.toThrow('not a valid mount path');
    expect(await readFile(mountTablePath(file), 'utf8')).toBe(before);
  });

  it('writes the table atomically: no temporary file is left, and the table is valid JSON', async () => {
    const file = join(dir, 'atomic/data.json');
    await FileMountTable.load(options(file, ['secret', 'team']));
    expect((await readdir(join(dir, 'atomic'))).sort()).toEqual(['data.mounts.json']);
    expect(JSON.parse(await readFile(mountTablePath(file), 'utf8'))).toMatchObject({ format: 'kv2-mount-table', version: 1 });
  });
});
