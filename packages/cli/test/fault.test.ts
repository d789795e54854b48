import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../src/commands/fault.js';
import { UsageError } from '../src/errors.js';
import { api, kv2, kv2InProcess, removeTempDir, startServer, tempDir } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('parseFaultSpec', () => {
  it('reads every key', () => {
    expect(parseFaultSpec('path=secret/data/app/*,op=read+list,status=503,error=busy,error=try later,latency=2s,times=2', 'fault add')).toEqual({
      path: 'secret/data/app/*',
      operations: ['read', 'list'],
      status: 503,
      errors: ['busy', 'try later'],
      latencyMs: 2000,
      times: 2,
    });
    expect(parseFaultSpec('drop,latency=250ms', 'fault add')).toEqual({ drop: true, latencyMs: 250 });
  });

  it('refuses unknown keys and malformed values with a usage error', () => {
    for (const spec of ['colour=red', 'status=abc', 'op=fly', 'latency=fast', 'times=-1', 'path']) {
      expect(() => parseFaultSpec(spec, 'fault add')).toThrow(UsageError);
    }
  });
});

describe('kv2 fault and kv2 server -fault/-sealed', () => {
  it('adds, lists and clears rules on a running server; faulted requests fail and change nothing', async () => {
    const server = await startServer(['-memory', '-address=127.0.0.1:0', '-fault=path=secret/data/boot,status=500,error=boot fault,times=1'], {
      cwd: dir,
    });
    try {
      const env = { BAO_ADDR: server.url, BAO_TOKEN: server.token };
      const boot = await api(server, 'GET', 'secret/data/boot');
      expect(boot).toEqual({ status: 500, json: { errors: ['boot fault'] } });

      expect((await api(server, 'POST', 'secret/data/app/db', { data: { v: 1 } })).status).toBe(200);
      const added = await kv2(['fault', 'add', 'path=secret/data/app/*,op=update,status=503,error=unavailable'], { cwd: dir, env });
      expect(added.code, added.stderr).toBe(0);
      const id = added.stdout.trim();
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await api(server, 'POST', 'secret/data/app/db', { data: { v: 2 } })).toEqual({ status: 503, json: { errors: ['unavailable'] } });
      const read = (await api(server, 'GET', 'secret/data/app/db')).json as { data: { metadata: { version: number } } };
      expect(read.data.metadata.version).toBe(1);

      const listed = await kv2(['fault', 'list'], { cwd: dir, env });
      expect(listed.stdout).toContain('Sealed: no');
      expect(listed.stdout).toContain(id);
      expect(listed.stdout).toContain('hits=1 remaining=always');

      expect((await kv2(['fault', 'clear', id], { cwd: dir, env })).stdout).toBe(`Success! Removed fault rule ${id}\n`);
      expect((await api(server, 'POST', 'secret/data/app/db', { data: { v: 2 } })).status).toBe(200);
      const missing = await kv2(['fault', 'clear', id], { cwd: dir, env });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('Code: 404');

      const bad = await kv2(['fault', 'add', 'status=200'], { cwd: dir, env });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('fault rule: status must be an integer from 400 to 599');
      expect((await kv2(['fault', 'clear'], { cwd: dir, env })).stdout).toBe('Success! Cleared every fault rule\n');
      expect((await kv2(['fault', 'list', '-format=json'], { cwd: dir, env })).stdout).toContain('"rules": []');
    } finally {
      await server.stop();
    }
  });

  it('starts sealed with -sealed', async () => {
    const server = await startServer(['-memory', '-address=127.0.0.1:0', '-sealed'], { cwd: dir });
    try {
      expect(await api(server, 'GET', 'secret/data/x')).toEqual({ status: 503, json: { errors: ['Vault is sealed'] } });
      expect((await api(server, 'PUT', 'sys/unseal', { key: 'abcd' })).status).toBe(200);
      expect((await api(server, 'GET', 'secret/data/x')).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('refuses a malformed -fault before starting', async () => {
    const result = await kv2InProcess(['server', '-memory', '-fault=colour=red'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key "colour"');
  });
});
