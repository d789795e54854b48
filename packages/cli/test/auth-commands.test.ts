import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kv2, removeTempDir, startServer, tempDir } from './helpers.js';

// A set-up script written for `bao server -dev` — write a policy, create a token with it, use
// it — run with kv2's own commands against `kv2 server`, then a restart.

const APP = `path "secret/data/app/*" {
  capabilities = ["create", "read", "update"]
}
path "secret/metadata/app/*" {
  capabilities = ["list", "read"]
}
`;

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('kv2 policy and kv2 token against kv2 server', () => {
  it('writes a policy, creates a limited token, uses it, and keeps both across a restart', async () => {
    await writeFile(join(dir, 'app.hcl'), APP);
    await writeFile(
      join(dir, 'auth.json.in'),
      JSON.stringify({ policies: { seeded: { file: 'app.hcl' } }, tokens: [{ id: 'seeded-token', policies: ['seeded'] }] }),
    );
    let server = await startServer(['-address=127.0.0.1:0', '-auth-config=auth.json.in'], { cwd: dir });
    try {
      const env = { BAO_ADDR: server.url, BAO_TOKEN: server.token };
      const wrote = await kv2(['policy', 'write', 'App', 'app.hcl'], { cwd: dir, env });
      expect(wrote.stdout).toBe('Success! Uploaded policy: app\n');
      expect(wrote.stderr).toContain('policy name was converted to app');
      expect((await kv2(['policy', 'list'], { cwd: dir, env })).stdout).toBe('app\ndefault\nseeded\nroot\n');
      expect((await kv2(['policy', 'read', 'app'], { cwd: dir, env })).stdout).toBe(APP);
      const missing = await kv2(['policy', 'read', 'nope'], { cwd: dir, env });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('No policy named: nope');

      const created = await kv2(['token', 'create', '-policy=app', '-ttl=1h', '-field=token'], { cwd: dir, env });
      expect(created.code, created.stderr).toBe(0);
      const token = created.stdout;
      expect(token).toMatch(/^s\.[A-Za-z0-9]{24}$/);
      const appEnv = { BAO_ADDR: server.url, BAO_TOKEN: token };

      expect((await kv2(['kv', 'put', 'secret/app/db', 'user=u'], { cwd: dir, env: appEnv })).code).toBe(0);
      expect((await kv2(['kv', 'get', '-field=user', 'secret/app/db'], { cwd: dir, env: appEnv })).stdout).toBe('u');
      const denied = await kv2(['kv', 'put', 'secret/other', 'a=1'], { cwd: dir, env: appEnv });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('permission denied');
      expect(
        (await kv2(['kv', 'get', '-field=user', 'secret/app/db'], { cwd: dir, env: { BAO_ADDR: server.url, BAO_TOKEN: 'seeded-token' } })).stdout,
      ).toBe('u');

      expect((await kv2(['token', 'capabilities', 'secret/data/app/x'], { cwd: dir, env: appEnv })).stdout).toBe('create, read, update\n');
      expect((await kv2(['token', 'capabilities', token, 'secret/data/other'], { cwd: dir, env })).stdout).toBe('deny\n');
      const looked = await kv2(['token', 'lookup', '-format=json'], { cwd: dir, env: appEnv });
      expect((JSON.parse(looked.stdout) as { data: { policies: string[] } }).data.policies).toEqual(['app', 'default']);
      const table = await kv2(['token', 'lookup', token], { cwd: dir, env });
      expect(table.stdout).toMatch(/policies\s+\[app default\]/);

      const stored = await readFile(join(dir, '.kv2', 'auth.json'), 'utf8');
      expect(stored).not.toContain(token);
      expect(stored).not.toContain('seeded-token');
      expect(stored).not.toContain(server.token);

      await server.stop();
      server = await startServer(['-address=127.0.0.1:0'], { cwd: dir });
      const again = { BAO_ADDR: server.url, BAO_TOKEN: token };
      expect((await kv2(['kv', 'get', '-field=user', 'secret/app/db'], { cwd: dir, env: again })).stdout).toBe('u');
      const revoked = await kv2(['token', 'revoke', '-self'], { cwd: dir, env: again });
      expect(revoked.stdout).toBe('Success! Revoked token (if it existed)\n');
      expect((await kv2(['kv', 'get', 'secret/app/db'], { cwd: dir, env: again })).code).toBe(1);
      expect((await kv2(['policy', 'delete', 'app'], { cwd: dir, env: { BAO_ADDR: server.url, BAO_TOKEN: server.token } })).stdout).toBe(
        'Success! Deleted policy: app\n',
      );
    } finally {
      await server.stop();
    }
  });
});
