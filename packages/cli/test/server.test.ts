import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenBaoKeyValueStore } from '@kv2/openbao';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, kv2, removeTempDir, startServer, tempDir } from './helpers.js';

const run = promisify(execFile);

async function curlAvailable(): Promise<boolean> {
  try {
    await run('curl', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe('kv2 server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => removeTempDir(dir));

  it('starts with a generated token saved next to the data, answers the KV v2 API, and stops on SIGTERM', async () => {
    const server = await startServer(['-address', '127.0.0.1:0'], { cwd: dir });
    const { stdout } = server.output();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    expect(server.token).toMatch(/^kv2\.[A-Za-z0-9_-]{43}$/);
    expect(stdout).toContain(`export VAULT_ADDR='${server.url}' VAULT_TOKEN='${server.token}'`);
    expect(stdout).toContain('Storage: file .kv2/data.json (encrypted: no)');
    const tokenFile = join(dir, '.kv2', 'token');
    expect((await readFile(tokenFile, 'utf8')).trim()).toBe(server.token);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

    const health = await fetch(`${server.url}/v1/sys/health`);
    expect(health.status).toBe(200);
    expect(await api(server, 'POST', 'secret/data/app/db', { data: { password: 'p1' } })).toMatchObject({
      status: 200,
      json: { data: { version: 1 } },
    });
    expect(await api(server, 'GET', 'secret/data/app/db')).toMatchObject({ status: 200, json: { data: { data: { password: 'p1' } } } });
    expect(await api({ url: server.url, token: 'kv2.wrong' }, 'GET', 'secret/data/app/db')).toMatchObject({ status: 403 });

    const adapter = new OpenBaoKeyValueStore({ baseUrl: server.url, token: server.token });
    await adapter.write('app/db', { password: 'p2' }, { cas: 1 });
    expect((await adapter.read('app/db')).data).toEqual({ password: 'p2' });

    if (await curlAvailable()) {
      const written = await run('curl', [
        '-s',
        '-H',
        `X-Vault-Token: ${server.token}`,
        '-X',
        'POST',
        '-d',
        '{"data":{"via":"curl"}}',
        `${server.url}/v1/secret/data/curl`,
      ]);
      expect(JSON.parse(written.stdout)).toMatchObject({ data: { version: 1 } });
      const read = await run('curl', ['-s', '-H', `X-Vault-Token: ${server.token}`, `${server.url}/v1/secret/data/curl`]);
      expect(JSON.parse(read.stdout)).toMatchObject({ data: { data: { via: 'curl' } } });
    }

    expect(await server.stop('SIGTERM')).toBe(0);
    const { stderr } = server.output();
    expect(stderr).toContain('==> kv2 server stopped');
    expect(stderr).not.toContain(server.token);
  });

  it('a restart in the same folder keeps the data and the token', async () => {
    const server = await startServer(['-address=127.0.0.1:0'], { cwd: dir });
    try {
      expect(server.output().stdout).toContain('(from .kv2/token)');
      const adapter = new OpenBaoKeyValueStore({ baseUrl: server.url, token: server.token });
      expect((await adapter.read('app/db')).data).toEqual({ password: 'p2' });
      expect((await adapter.read('app/db')).metadata.version).toBe(2);
    } finally {
      expect(await server.stop('SIGINT')).toBe(0);
    }
  });

  it('loses no acknowledged write when stopped in the middle of a burst', async () => {
    const server = await startServer(['-address=127.0.0.1:0', '-file=burst/data.json'], { cwd: dir });
    const acknowledged: number[] = [];
    const writes = Array.from({ length: 60 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 5));
      try {
        const response = await api(server, 'POST', `secret/data/burst/${i}`, { data: { i } });
        if (response.status === 200) acknowledged.push(i);
      } catch {
        // refused or cut off after the stop: not acknowledged
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    const stopped = server.stop('SIGTERM');
    await Promise.all(writes);
    expect(await stopped).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(0);

    const again = await startServer(['-address=127.0.0.1:0', '-file=burst/data.json'], { cwd: dir });
    try {
      const adapter = new OpenBaoKeyValueStore({ baseUrl: again.url, token: again.token });
      for (const i of acknowledged) expect((await adapter.read(`burst/${i}`)).data).toEqual({ i });
    } finally {
      await again.stop();
    }
  });

  it('-memory keeps nothing on disk; -token and KV2_TOKEN set the token', async () => {
    const memoryDir = await tempDir();
    try {
      const server = await startServer(['-memory', '-address=127.0.0.1:0', '-token=dev-only-token'], { cwd: memoryDir });
      expect(server.token).toBe('dev-only-token');
      expect(server.output().stdout).toContain('Storage: memory (nothing is kept)');
      expect((await api(server, 'POST', 'secret/data/x', { data: { a: 1 } })).status).toBe(200);
      await server.stop();
      const fromEnv = await startServer(['-memory', '-address=127.0.0.1:0'], { cwd: memoryDir, env: { KV2_TOKEN: 'from-env-token' } });
      expect(fromEnv.token).toBe('from-env-token');
      expect((await api(fromEnv, 'GET', 'secret/data/x')).status).toBe(404);
      await fromEnv.stop();
      await expect(stat(join(memoryDir, '.kv2'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await removeTempDir(memoryDir);
    }
  });

  it('serves several mounts, each in its own file that local kv commands then find', async () => {
    const server = await startServer(['-address=127.0.0.1:0', '-mount=secret,team', '-file=multi/data.json'], { cwd: dir });
    expect(server.output().stdout).toContain('Mounts: secret/, team/ (KV v2)');
    expect((await api(server, 'POST', 'team/data/app', { data: { owner: 'team' } })).status).toBe(200);
    expect((await api(server, 'POST', 'secret/data/app', { data: { owner: 'secret' } })).status).toBe(200);
    await server.stop();
    expect(await kv2(['kv', 'get', '-file=multi/data.json', '-field=owner', 'team/app'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'team' });
    expect(await kv2(['kv', 'get', '-file=multi/data.json', '-field=owner', 'secret/app'], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: 'secret',
    });
  });

  it('encrypts the file with a passphrase from the environment and refuses to start with a wrong one', async () => {
    const env = { KV2_ENCRYPTION_PASSPHRASE: 'correct horse battery staple' };
    const server = await startServer(['-address=127.0.0.1:0', '-file=enc/data.json'], { cwd: dir, env });
    expect(server.output().stdout).toContain('(encrypted: yes, passphrase)');
    expect((await api(server, 'POST', 'secret/data/x', { data: { password: 'plain-text-never-on-disk' } })).status).toBe(200);
    await server.stop();
    expect(await readFile(join(dir, 'enc', 'data.json'), 'utf8')).not.toContain('plain-text-never-on-disk');
    const wrong = await kv2(['server', '-address=127.0.0.1:0', '-file=enc/data.json'], {
      cwd: dir,
      env: { KV2_ENCRYPTION_PASSPHRASE: 'wrong guess' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('does not open store file');
    expect(wrong.stderr).not.toContain('wrong guess');
  });

  it('reports a port that is in use and rejects a bad -address', async () => {
    const server = await startServer(['-memory', '-address=127.0.0.1:0'], { cwd: dir });
    try {
      const port = new URL(server.url).port;
      const busy = await kv2(['server', '-memory', `-address=127.0.0.1:${port}`], { cwd: dir });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain('the address is in use');
    } finally {
      await server.stop();
    }
    expect(await kv2(['server', '-memory', '-address=8200'], { cwd: dir })).toMatchObject({ code: 2 });
  });
});
