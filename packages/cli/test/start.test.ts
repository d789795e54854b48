import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, REPO, removeTempDir, startServer, tempDir } from './helpers.js';

describe('pnpm start', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => removeTempDir(dir));

  it('is kv2 server', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node packages/cli/bin/kv2.js server');
  });

  it('brings up a server that answers sys/health and a KV write and read with the printed token', async () => {
    const file = join(dir, 'data.json');
    const server = await startServer(['-address', '127.0.0.1:0', '-file', file], {
      cwd: REPO,
      command: ['npx', '--yes', 'pnpm@10.34.9', 'start', '--'],
      detached: true,
      timeoutMs: 120_000,
    });
    try {
      const health = await fetch(`${server.url}/v1/sys/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ initialized: true, sealed: false });
      expect(await api(server, 'POST', 'secret/data/hello', { data: { who: 'world' } })).toMatchObject({
        status: 200,
        json: { data: { version: 1 } },
      });
      expect(await api(server, 'GET', 'secret/data/hello')).toMatchObject({ status: 200, json: { data: { data: { who: 'world' } } } });
      expect((await readFile(join(dir, 'token'), 'utf8')).trim()).toBe(server.token);
    } finally {
      await server.stop('SIGTERM');
    }
  });
});
