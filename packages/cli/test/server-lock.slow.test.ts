import { mkdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverLockPath } from '../src/server-lock.js';
import { api, removeTempDir, startServer, tempDir } from './helpers.js';

// A server killed with SIGKILL leaves its lock behind; the next start waits for it to go stale
// (about 5 s) instead of refusing, since nothing refreshes it any more.

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('kv2 server: the lock of a killed server', () => {
  it('after a server is killed with SIGKILL, a new one takes its lock over once stale and starts', async () => {
    const file = join(dir, 'killed', 'data.json');
    const first = await startServer(['-address=127.0.0.1:0', `-file=${file}`], { cwd: dir });
    expect(await api(first, 'POST', 'secret/data/app', { data: { v: '1' } })).toMatchObject({ status: 200 });
    await first.stop('SIGKILL');
    await expect(stat(serverLockPath(join(dir, 'killed')))).resolves.toBeDefined();
    const next = await startServer(['-address=127.0.0.1:0', `-file=${file}`], { cwd: dir });
    try {
      expect(await api(next, 'GET', 'secret/data/app')).toMatchObject({ status: 200, json: { data: { data: { v: '1' } } } });
    } finally {
      expect(await next.stop()).toBe(0);
    }
  });

  it('a lock whose time lies in the future (the clock was set back) is taken over once it has stayed unchanged for 5 s', async () => {
    const folder = join(dir, 'future');
    await mkdir(serverLockPath(folder), { recursive: true });
    const later = new Date(Date.now() + 10 * 60_000);
    await utimes(serverLockPath(folder), later, later);
    const server = await startServer(['-address=127.0.0.1:0', `-file=${join(folder, 'data.json')}`], { cwd: dir });
    try {
      expect(server.output().stderr).toContain(`waiting for the lock ${serverLockPath(folder)}`);
      expect(await api(server, 'GET', 'sys/health')).toMatchObject({ status: 200 });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
