import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kv2, removeTempDir, startServer, tempDir, type RunResult, type RunningServer } from './helpers.js';

/**
 * Every kv subcommand, run as the real binary, against the default file store or against a kv2
 * server reached through BAO_ADDR (the OpenBao adapter): the same command lines give the same
 * output, which is the point of modelling kv2 kv on bao kv. One test file per backend, so the
 * two run in parallel.
 */
export function kvScenario(backend: 'file store' | 'server'): void {
  describe(`kv2 kv against the ${backend}`, () => {
    let dir: string;
    let server: RunningServer | undefined;
    let env: Record<string, string>;
    const run = (args: string[], input?: string): Promise<RunResult> =>
      kv2(['kv', ...args], { cwd: dir, env, ...(input === undefined ? {} : { input }) });
    // What kv2 adds to bao's lines: where a failed call went, and which local store was read.
    const where = (method: string, path: string): string =>
      server === undefined ? 'Store: local file store .kv2/data.json' : `URL: ${method} ${server.url}/v1/${path}`;
    const notFound = (path: string): string =>
      `No value found at ${path}\n${server === undefined ? '(read the local file store .kv2/data.json: no server address is set; set BAO_ADDR or use -address=URL to use a server)\n' : ''}`;
    const json = (result: RunResult): { data: Record<string, unknown> } => {
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { data: Record<string, unknown> };
    };

    beforeAll(async () => {
      dir = await tempDir();
      if (backend === 'server') {
        server = await startServer(['-address=127.0.0.1:0', '-memory'], { cwd: dir });
        env = { BAO_ADDR: server.url, BAO_TOKEN: server.token };
      } else {
        env = {};
      }
    });

    afterAll(async () => {
      if (server !== undefined) expect(await server.stop()).toBe(0);
      await removeTempDir(dir);
    });

    it('put writes version 1 and prints the path and metadata tables, never the values', async () => {
      const result = await run(['put', 'secret/app/db', 'user=app', 'password=s3cr3t-value']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^=== Secret Path ===\nsecret\/data\/app\/db\n\n======= Metadata =======\nKey {16}Value\n--- {16}-----\n/);
      expect(result.stdout).toMatch(/\ncustom_metadata {4}<nil>\ndeletion_time {6}n\/a\ndestroyed {10}false\nversion {12}1\n$/);
      expect(result.stdout + result.stderr).not.toContain('s3cr3t-value');
    });

    it("put -cas with -format=json prints the API envelope; a CAS mismatch is exit 1 with OpenBao's message", async () => {
      const written = json(await run(['put', '-mount=secret', '-cas=1', '-format=json', 'app/db', 'user=app', 'password=second']));
      expect(written.data).toMatchObject({ version: 2, destroyed: false, deletion_time: '', custom_metadata: null });
      expect(Object.keys(written)).toEqual(['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings']);
      const conflict = await run(['put', '-cas=1', 'secret/app/db', 'password=never-stored']);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toBe(
        `Error writing data to secret/data/app/db: Error making API request.\n\n${where('PUT', 'secret/data/app/db')}\nCode: 400. Errors:\n\n* check-and-set parameter did not match the current version\n`,
      );
      expect(conflict.stdout + conflict.stderr).not.toContain('never-stored');
    });

    it('get prints metadata and data; -version, -field and -format=json select what is printed', async () => {
      const table = await run(['get', 'secret/app/db']);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain(
        'version            2\n\n====== Data ======\nKey         Value\n---         -----\npassword    second\nuser        app\n',
      );
      const old = await run(['get', '--version', '1', '--field=password', 'secret/app/db']);
      expect(old).toMatchObject({ code: 0, stdout: 's3cr3t-value' });
      const parsed = json(await run(['get', '-format', 'json', '-mount', 'secret', 'app/db']));
      expect(parsed.data.data).toEqual({ user: 'app', password: 'second' });
      expect(parsed.data.metadata).toMatchObject({ version: 2, deletion_time: '', destroyed: false });
      expect(await run(['get', '-field=missing', 'secret/app/db'])).toMatchObject({ code: 1, stderr: 'Field "missing" not present in map\n' });
      // bao: -field=data prints the whole data map (Go's %v, or JSON with -format=json).
      expect(await run(['get', '-field=data', 'secret/app/db'])).toMatchObject({ code: 0, stdout: 'map[password:second user:app]' });
      expect(await run(['get', '-field=data', '-format=json', 'secret/app/db'])).toMatchObject({
        code: 0,
        stdout: '{\n  "password": "second",\n  "user": "app"\n}',
      });
    });

    it('get of nothing is "No value found" with exit code 1', async () => {
      expect(await run(['get', 'secret/nope'])).toMatchObject({ code: 1, stdout: '', stderr: notFound('secret/data/nope') });
    });

    it('put reads a JSON object from stdin with - and keeps its types', async () => {
      expect((await run(['put', 'secret/typed', '-'], '{"port":5432,"tls":true,"hosts":["a","b"]}')).code).toBe(0);
      expect(json(await run(['get', '-format=json', 'secret/typed'])).data.data).toEqual({ port: 5432, tls: true, hosts: ['a', 'b'] });
    });

    it('patch merges into the latest version; -remove-data removes a key', async () => {
      const patched = await run(['patch', 'secret/app/db', 'password=rotated']);
      expect(patched.code, patched.stderr).toBe(0);
      expect(patched.stdout).toMatch(/version {12}3\n$/);
      expect(json(await run(['get', '-format=json', 'secret/app/db'])).data.data).toEqual({ user: 'app', password: 'rotated' });
      expect((await run(['patch', '-method=rw', '-remove-data=user', 'secret/app/db'])).code).toBe(0);
      expect(json(await run(['get', '-format=json', 'secret/app/db'])).data.data).toEqual({ password: 'rotated' });
      // bao prints its success line for a PATCH of a missing key (exit 0); kv2 too, and says why on stderr.
      const missing = await run(['patch', 'secret/never-written', 'a=1']);
      expect(missing).toMatchObject({ code: 0, stdout: 'Success! Data written to: secret/data/never-written\n' });
      expect(missing.stderr).toContain('nothing was written');
      expect(await run(['patch', '-format=json', 'secret/never-written', 'a=1'])).toMatchObject({ code: 0, stdout: '' });
      expect(await run(['patch', '-method=rw', 'secret/never-written', 'a=1'])).toMatchObject({
        code: 1,
        stderr: notFound('secret/data/never-written'),
      });
      expect((await run(['get', 'secret/never-written'])).code).toBe(1);
    });

    it('list prints the immediate children; nothing there is exit 1', async () => {
      expect(await run(['list', 'secret/'])).toMatchObject({ code: 0, stdout: 'Keys\n----\napp/\ntyped\n' });
      expect(await run(['list', '-format=json', 'secret/app'])).toMatchObject({ code: 0, stdout: '[\n  "db"\n]\n' });
      expect(await run(['list', '-mount=secret'])).toMatchObject({ code: 0 });
      expect(await run(['list', 'secret/empty'])).toMatchObject({ code: 1, stderr: notFound('secret/metadata/empty') });
    });

    it('delete soft-deletes the latest version: get then shows its metadata without data; undelete restores it', async () => {
      expect(await run(['delete', 'secret/app/db'])).toMatchObject({
        code: 0,
        stdout: 'Success! Data deleted (if it existed) at: secret/data/app/db\n',
      });
      const deleted = await run(['get', 'secret/app/db']);
      expect(deleted.code).toBe(0);
      expect(deleted.stdout).toMatch(/deletion_time {6}\d{4}-\d\d-\d\dT/);
      expect(deleted.stdout).not.toContain('Data');
      expect(await run(['get', '-field=password', 'secret/app/db'])).toMatchObject({ code: 1 });
      expect(await run(['undelete', '-versions=4', 'secret/app/db'])).toMatchObject({
        code: 0,
        stdout: 'Success! Data written to: secret/undelete/app/db\n',
      });
      expect(await run(['get', '-field=password', 'secret/app/db'])).toMatchObject({ code: 0, stdout: 'rotated' });
    });

    it('delete -versions and destroy -versions change exactly those versions', async () => {
      expect((await run(['delete', '-versions=1,2', 'secret/app/db'])).code).toBe(0);
      expect(await run(['destroy', '-versions', '1', 'secret/app/db'])).toMatchObject({
        code: 0,
        stdout: 'Success! Data written to: secret/destroy/app/db\n',
      });
      const metadata = json(await run(['metadata', 'get', '-format=json', 'secret/app/db'])).data as {
        versions: Record<string, { deletion_time: string; destroyed: boolean }>;
      };
      expect(metadata.versions['1']).toMatchObject({ destroyed: true });
      expect(metadata.versions['1']?.deletion_time).not.toBe('');
      expect(metadata.versions['2']).toMatchObject({ destroyed: false });
      expect(metadata.versions['2']?.deletion_time).not.toBe('');
      expect(metadata.versions['3']).toMatchObject({ deletion_time: '', destroyed: false });
    });

    it('rollback writes an earlier version as a new one and refuses deleted or destroyed versions', async () => {
      const rolled = await run(['rollback', '-version=3', 'secret/app/db']);
      expect(rolled.code, rolled.stderr).toBe(0);
      expect(rolled.stdout).toMatch(/version {12}5\n$/);
      expect(json(await run(['get', '-format=json', 'secret/app/db'])).data.data).toEqual({ user: 'app', password: 'rotated' });
      expect(await run(['rollback', '-version=1', 'secret/app/db'])).toMatchObject({
        code: 1,
        stderr: 'Cannot roll back to a version that has been destroyed\n',
      });
      expect(await run(['rollback', '-version=2', 'secret/app/db'])).toMatchObject({
        code: 1,
        stderr: 'Cannot roll back to a version that has been deleted\n',
      });
    });

    it('metadata put and patch change settings; the store then enforces them', async () => {
      const put = await run([
        'metadata',
        'put',
        '-max-versions=3',
        '-cas-required',
        '-custom-metadata=owner=payments',
        '-custom-metadata=tier=1',
        'secret/app/db',
      ]);
      expect(put).toMatchObject({ code: 0, stdout: 'Success! Data written to: secret/metadata/app/db\n' });
      const table = await run(['metadata', 'get', 'secret/app/db']);
      expect(table.stdout).toMatch(/^==== Metadata Path ====\nsecret\/metadata\/app\/db\n\n/);
      expect(table.stdout).toMatch(/\ncas_required {16}true\n/);
      expect(table.stdout).toMatch(/\ncustom_metadata {13}map\[owner:payments tier:1\]\n/);
      expect(table.stdout).toMatch(/\nmax_versions {16}3\n/);
      expect(table.stdout).toContain('\n====== Version 5 ======\nKey              Value\n');
      const noCas = await run(['put', 'secret/app/db', 'x=1']);
      expect(noCas).toMatchObject({ code: 1 });
      expect(noCas.stderr).toContain('check-and-set parameter required for this call');
      expect(
        (await run(['metadata', 'patch', '-cas-required=false', '-custom-metadata=tier=2', '-remove-custom-metadata=owner', 'secret/app/db'])).code,
      ).toBe(0);
      const patched = json(await run(['metadata', 'get', '-format=json', 'secret/app/db'])).data;
      expect(patched).toMatchObject({ cas_required: false, max_versions: 3, custom_metadata: { tier: '2' }, current_version: 5 });
    });

    it('metadata delete removes the key with its history', async () => {
      expect(await run(['metadata', 'delete', 'secret/app/db'])).toMatchObject({
        code: 0,
        stdout: 'Success! Data deleted (if it existed) at: secret/metadata/app/db\n',
      });
      expect(await run(['metadata', 'get', 'secret/app/db'])).toMatchObject({ code: 1, stderr: notFound('secret/metadata/app/db') });
      expect(json(await run(['put', '-format=json', '-cas=0', 'secret/app/db', 'a=1'])).data).toMatchObject({ version: 1 });
    });
  });
}
