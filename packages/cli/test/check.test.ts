import { spawn } from 'node:child_process';
import type { VersionMetadata, WriteOptions } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { createServer, type KvServer } from '@kv2/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, BIN, cleanEnv, kv2, kv2InProcess, removeTempDir, startServer, tempDir, type RunningServer } from './helpers.js';

/** Lists in reverse order: the "list is sorted" behaviour must catch it. */
class UnsortedListStore extends MemoryKeyValueStore {
  override async list(path: string): Promise<string[]> {
    return (await super.list(path)).reverse();
  }
}

/** Ignores `cas` on writes: the CAS behaviours must catch it. */
class IgnoresCasStore extends MemoryKeyValueStore {
  override write(path: string, data: object, _options?: WriteOptions): Promise<VersionMetadata> {
    return super.write(path, data);
  }
}

const TOKEN = 'check-test-token';

async function inTestServer(store: MemoryKeyValueStore): Promise<{ server: KvServer; url: string }> {
  const server = createServer({ store, token: TOKEN });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, url };
}

describe('kv2 check', () => {
  let dir: string;
  let kvServer: RunningServer;

  beforeAll(async () => {
    dir = await tempDir();
    kvServer = await startServer(['-memory', '-address=127.0.0.1:0'], { cwd: dir });
    // Someone else's key: check must never touch it.
    expect((await api(kvServer, 'POST', 'secret/data/keep/me', { data: { mine: true } })).status).toBe(200);
  });

  afterAll(async () => {
    await kvServer.stop();
    await removeTempDir(dir);
  });

  it('reports every behaviour passing against the kv2 server, exit 0, and leaves only the keys it found', async () => {
    const result = await kv2(['check', '-num-runs=3', kvServer.url], { cwd: dir, env: { BAO_TOKEN: kvServer.token }, timeoutMs: 300_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^kv2 check: http:\/\/127\.0\.0\.1:\d+ {2}mount secret\/ {2}token kv2\.\*\*\*\*\n/);
    expect(result.stdout).toMatch(/\nscratch prefix: secret\/kv2-check-[0-9a-f]{8}\/ \(removed afterwards\)\n/);
    expect(result.stdout).toContain('\nPASS  cas 0 twice: the second write is rejected (cas_mismatch) and changes nothing\n');
    expect(result.stdout).toContain('\nPASS  model: core operations and KV v2 extensions agree with the reference model\n');
    expect(result.stdout).toMatch(/\nSKIP {2}config round trip \(scenario 29\) {2}\(needs -allow-mount-config\)\n/);
    expect(result.stdout).not.toContain('FAIL');
    expect(result.stdout).toMatch(/\nSummary: \d+ passed, 0 failed, \d+ skipped in [\d.]+ s \(seed -?\d+\)\n$/);
    expect(result.stdout + result.stderr).not.toContain(kvServer.token);
    expect(await api(kvServer, 'LIST', 'secret/metadata/')).toMatchObject({ status: 200, json: { data: { keys: ['keep/'] } } });
    expect(await api(kvServer, 'GET', 'secret/data/keep/me')).toMatchObject({ json: { data: { data: { mine: true }, metadata: { version: 1 } } } });
  });

  it('with -allow-mount-config runs the config behaviours and restores the config; without it never changes the config', async () => {
    expect((await api(kvServer, 'POST', 'secret/config', { max_versions: 7 })).status).toBe(204);
    const without = await kv2(['check', '-filter=config', '-num-runs=0', '-format=json', '-address', kvServer.url], {
      cwd: dir,
      env: { BAO_TOKEN: kvServer.token },
    });
    expect(without.code, without.stderr).toBe(0);
    expect(without.stderr).toContain("the mount's config is not the default");
    const skipped = (JSON.parse(without.stdout) as { report: { skipped: { name: string }[]; passed: unknown[] } }).report;
    expect(skipped.skipped.map((s) => s.name)).toContain('config round trip (scenario 29)');
    const allowed = await kv2(['check', '-filter=config', '-num-runs=0', '-allow-mount-config', kvServer.url], {
      cwd: dir,
      env: { BAO_TOKEN: kvServer.token },
    });
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.stdout).toContain('\nPASS  config round trip (scenario 29)\n');
    expect(await api(kvServer, 'GET', 'secret/config')).toMatchObject({ json: { data: { max_versions: 7, cas_required: false } } });
    expect((await api(kvServer, 'POST', 'secret/config', { max_versions: 0 })).status).toBe(204);
  });

  it.each([
    ['an unsorted list', new UnsortedListStore(), 'list', "FAIL  list is sorted byte-wise: uppercase first, 'foo' < 'foo/', 'a-b' < 'a/' < 'a0'"],
    [
      'ignored check-and-set',
      new IgnoresCasStore(),
      'cas 0 twice',
      'FAIL  cas 0 twice: the second write is rejected (cas_mismatch) and changes nothing',
    ],
  ])('reports %s as a failing behaviour, by name, with exit 1', async (_label, store, filter, line) => {
    const { server, url } = await inTestServer(store);
    try {
      const result = await kv2(['check', `-filter=${filter}`, '-num-runs=0', url], { cwd: dir, env: { BAO_TOKEN: TOKEN } });
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toContain(`\n${line}\n`);
      expect(result.stdout).toMatch(/\nSummary: \d+ passed, [1-9]\d* failed, /);
      expect(await store.list('')).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('removes its scratch keys and exits 130 when interrupted', async () => {
    const child = spawn(process.execPath, [BIN, 'check', '-num-runs=500', kvServer.url], {
      cwd: dir,
      env: cleanEnv({ BAO_TOKEN: kvServer.token }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the run has written scratch keys.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const listed = await api(kvServer, 'LIST', 'secret/metadata/');
      if (JSON.stringify(listed.json).includes('kv2-check-')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Interrupted: waiting for the last request, then removing the scratch keys');
    expect(await api(kvServer, 'LIST', 'secret/metadata/')).toMatchObject({ json: { data: { keys: ['keep/'] } } });
  });

  it('lists the behaviour names; a filter that matches nothing or a missing server is a usage error', async () => {
    const names = await kv2InProcess(['check', '-list'], { cwd: dir });
    expect(names.code).toBe(0);
    expect(names.stdout.split('\n').length).toBeGreaterThan(100);
    expect(await kv2InProcess(['check', '-filter=no such behaviour', 'http://127.0.0.1:1'], { cwd: dir, env: { BAO_TOKEN: 't' } })).toMatchObject({
      code: 2,
    });
    expect(await kv2InProcess(['check'], { cwd: dir, env: { BAO_TOKEN: 't' } })).toMatchObject({ code: 2 });
    expect(await kv2InProcess(['check', 'http://127.0.0.1:1'], { cwd: dir })).toMatchObject({ code: 2 });
  });

  it('fails clearly when the server cannot be used', async () => {
    const result = await kv2InProcess(['check', kvServer.url], { cwd: dir, env: { BAO_TOKEN: 'kv2.not-the-token' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot use ${kvServer.url} (mount secret/)`);
    expect(result.stdout + result.stderr).not.toContain('kv2.not-the-token');
  });
});
