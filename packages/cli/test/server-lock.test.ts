import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverLockPath } from '../src/server-lock.js';
import { api, kv2, removeTempDir, startServer, tempDir } from './helpers.js';

// One kv2 server per data file: a second one would overwrite the first's mount table, tokens and
// policies. Local kv2 commands keep sharing the data file.

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('kv2 server: one server per data file', () => {
  it('a second server on the same file is refused at once and changes nothing; local commands still share the file', async () => {
    const file = join(dir, 'shared', 'data.json');
    const first = await startServer(['-address=127.0.0.1:0', `-file=${file}`], { cwd: dir });
    try {
      expect(await api(first, 'POST', 'secret/data/app', { data: { v: '1' } })).toMatchObject({ status: 200 });
      const tableBefore = await stat(join(dir, 'shared', 'data.mounts.json'));
      const second = await kv2(['server', '-address=127.0.0.1:0', `-file=${file}`], { cwd: dir });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('another kv2 server is running on shared: one server per data folder');
      expect(second.stdout).toBe('');
      expect((await stat(join(dir, 'shared', 'data.mounts.json'))).mtimeMs).toBe(tableBefore.mtimeMs);
      // The first server still serves, and a local command reads and writes the same data.
      expect(await api(first, 'GET', 'secret/data/app')).toMatchObject({ status: 200 });
      expect(await kv2(['kv', 'put', `-file=${file}`, 'secret/local', 'v=2'], { cwd: dir })).toMatchObject({ code: 0 });
      expect(await api(first, 'GET', 'secret/data/local')).toMatchObject({ status: 200, json: { data: { data: { v: '2' } } } });
      // The folder's tokens, policies and root token are shared by every data file in it: another
      // data file there is refused too; one in another folder is another server's.
      const sibling = await kv2(['server', '-address=127.0.0.1:0', `-file=${join(dir, 'shared', 'other.json')}`], { cwd: dir });
      expect(sibling.code).toBe(1);
      expect(sibling.stderr).toContain('another kv2 server is running on shared');
      const other = await startServer(['-address=127.0.0.1:0', `-file=${join(dir, 'elsewhere', 'data.json')}`], { cwd: dir });
      expect(await other.stop()).toBe(0);
    } finally {
      const code = await first.stop();
      expect(code, first.output().stderr).toBe(0);
    }
    await expect(stat(serverLockPath(join(dir, 'shared')))).rejects.toMatchObject({ code: 'ENOENT' });
    // Stopped gracefully: the next server starts at once and finds the data.
    const next = await startServer(['-address=127.0.0.1:0', `-file=${file}`], { cwd: dir });
    try {
      expect(await api(next, 'GET', 'secret/data/app')).toMatchObject({ status: 200, json: { data: { data: { v: '1' } } } });
    } finally {
      await next.stop();
    }
  });

  it('a server whose lock is taken from it stops serving and exits 1, so two servers never share a folder', async () => {
    const folder = join(dir, 'lost');
    const server = await startServer(['-address=127.0.0.1:0', `-file=${join(folder, 'data.json')}`], { cwd: dir });
    await rm(serverLockPath(folder), { recursive: true });
    const code = await new Promise<number | null>((resolve) => server.child.once('exit', (exit) => resolve(exit)));
    expect(code).toBe(1);
    expect(server.output().stderr).toContain('the server lock was lost');
    expect(server.output().stderr).toContain('Error: the server stopped: it lost its lock on lost');
  });
});

describe('kv2 server on a port Node refuses to fetch', () => {
  it('warns at start that fetch-based clients (kv2 itself included) cannot reach it', async () => {
    // Ports the fetch standard blocks; the first free one is used.
    for (const port of [6665, 6666, 6667, 6668, 6669, 10080]) {
      let server;
      try {
        server = await startServer([`-address=127.0.0.1:${port}`, '-memory'], { cwd: dir });
      } catch (error) {
        if (String(error).includes('in use')) continue;
        throw error;
      }
      try {
        expect(server.output().stderr).toContain(`Node's fetch refuses port ${port}`);
      } finally {
        await server.stop();
      }
      return;
    }
    throw new Error('no blocked port was free');
  });

  it('says nothing of the kind on an ordinary port, and its probe uses up no fault rule', async () => {
    const server = await startServer(['-address=127.0.0.1:0', '-memory', '-fault=status=503,times=1'], { cwd: dir });
    try {
      expect(server.output().stderr).not.toContain('refuses port');
      expect(await api(server, 'GET', 'secret/data/x')).toMatchObject({ status: 503 });
      expect(await api(server, 'GET', 'secret/data/x')).toMatchObject({ status: 404 });
    } finally {
      await server.stop();
    }
  });
});
