import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kv2, kv2InProcess, removeTempDir, tempDir } from './helpers.js';

describe('kv2: usage errors, help and local details', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => removeTempDir(dir));

  it.each([
    [['get'], /not enough arguments \(expected 1, got 0\)/],
    [['get', '-nope', 'secret/x'], /unknown flag "-nope" for "kv2 kv get"/],
    [['get', '-version=x', 'secret/x'], /must be an integer/],
    [['get', '-format=xml', 'secret/x'], /invalid -format "xml"/],
    [['put', 'secret/x'], /must supply data/],
    [['put', 'secret/x', 'novalue'], /format must be key=value/],
    [['patch', 'secret/x'], /must supply data/],
    [['patch', '-method=post', 'secret/x', 'a=1'], /unsupported -method "post"/],
    [['undelete', 'secret/x'], /no versions provided/],
    [['destroy', '-versions=a', 'secret/x'], /invalid version "a"/],
    [['rollback', 'secret/x'], /version flag must be specified/],
    [['rollback', '-version=0', 'secret/x'], /invalid value 0 for the version flag/],
    [['get', 'secret/a', 'secret/b'], /too many arguments/],
    [['list'], /not enough arguments/],
    [['metadata', 'put', '-max-versions=many', 'secret/x'], /must be an integer/],
    [['metadata', 'put', '-delete-version-after=soon', 'secret/x'], /must be a duration/],
    [['get', '-memory', '-file=x.json', 'secret/x'], /-memory and -file cannot be combined/],
  ])('usage error %j → exit 2 with a pointer to -h', async (args, message) => {
    const result = await kv2InProcess(['kv', ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/\nRun "kv2 kv [\w ]+ -h" for usage\.\n$/);
  });

  it('the real binary exits 2 on a usage error and 0 on help, without colours on a pipe', async () => {
    const error = await kv2(['kv', 'get', '-nope', 'secret/x'], { cwd: dir });
    expect(error).toMatchObject({ code: 2, stdout: '', stderr: 'Error: unknown flag "-nope" for "kv2 kv get"\nRun "kv2 kv get -h" for usage.\n' });
    const help = await kv2(['kv', 'get', '-h'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kv2 kv get \[flags\] PATH\n/);
    expect(help.stdout).not.toContain('\u001b[');
  });

  it('every command has help with usage, examples and flags', async () => {
    const commands = [
      ['server'],
      ['check'],
      ['export'],
      ['import'],
      ...['get', 'put', 'patch', 'delete', 'undelete', 'destroy', 'list', 'rollback'].map((c) => ['kv', c]),
      ...['get', 'put', 'patch', 'delete'].map((c) => ['kv', 'metadata', c]),
    ];
    for (const command of commands) {
      const help = await kv2InProcess([...command, '--help'], { cwd: dir });
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: kv2 ${command.join(' ')} `));
      expect(help.stdout).toContain('Examples:\n');
      expect(help.stdout).toMatch(/\n {6}\$ kv2 /);
    }
    const kvGet = await kv2InProcess(['kv', 'get', '-h'], { cwd: dir });
    expect(kvGet.stdout).toContain('$ kv2 kv get -mount=secret -version=2 app/db');
    expect(kvGet.stdout).toContain('  -format=table|json|yaml  (default: table, or BAO_FORMAT / VAULT_FORMAT)\n');
    expect((await kv2InProcess(['kv', 'metadata', 'put', '-help'], { cwd: dir })).stdout).toContain('-custom-metadata=KEY=VALUE');
  });

  it('groups list their subcommands; an unknown command is a usage error', async () => {
    const group = await kv2InProcess(['kv', '--help'], { cwd: dir });
    expect(group.code).toBe(0);
    for (const sub of ['get', 'put', 'patch', 'delete', 'undelete', 'destroy', 'list', 'rollback', 'metadata']) {
      expect(group.stdout).toMatch(new RegExp(`\\n    ${sub} +\\S`));
    }
    const top = await kv2InProcess(['help'], { cwd: dir });
    for (const command of ['server', 'kv', 'check', 'export', 'import']) expect(top.stdout).toMatch(new RegExp(`\\n    ${command} +\\S`));
    expect(await kv2InProcess(['nope'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'Error: unknown command "nope"\nRun "kv2 -h" for usage.\n' });
    expect(await kv2InProcess(['kv', 'nope'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'Error: unknown command "kv2 kv nope"\nRun "kv2 kv -h" for usage.\n',
    });
  });

  it('a local path without the mount points at the right spelling', async () => {
    const result = await kv2InProcess(['kv', 'put', 'app/db', 'a=1'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no KV v2 mount "app/" in the local store');
    expect(result.stderr).toContain('did you mean secret/app/db?');
  });

  it('-file and KV2_FILE choose the store file; -memory keeps nothing', async () => {
    expect((await kv2InProcess(['kv', 'put', '-file=one.json', 'secret/x', 'a=1'], { cwd: dir })).code).toBe(0);
    expect(await kv2InProcess(['kv', 'get', '-field=a', 'secret/x'], { cwd: dir, env: { KV2_FILE: 'one.json' } })).toMatchObject({
      code: 0,
      stdout: '1',
    });
    expect((await kv2InProcess(['kv', 'get', 'secret/x'], { cwd: dir })).code).toBe(1);
    expect((await kv2InProcess(['kv', 'put', '-memory', 'secret/x', 'a=1'], { cwd: dir })).code).toBe(0);
    expect((await kv2InProcess(['kv', 'get', '-memory', 'secret/x'], { cwd: dir })).code).toBe(1);
  });

  it('an encrypted file store needs its key from the environment; a wrong key changes nothing', async () => {
    const key = { KV2_ENCRYPTION_KEY: 'ab'.repeat(32) };
    expect((await kv2InProcess(['kv', 'put', '-file=enc.json', 'secret/x', 'password=hidden-value'], { cwd: dir, env: key })).code).toBe(0);
    expect(await kv2InProcess(['kv', 'get', '-file=enc.json', '-field=password', 'secret/x'], { cwd: dir, env: key })).toMatchObject({
      code: 0,
      stdout: 'hidden-value',
    });
    const wrong = await kv2InProcess(['kv', 'get', '-file=enc.json', 'secret/x'], { cwd: dir, env: { KV2_ENCRYPTION_KEY: 'cd'.repeat(32) } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain('cd'.repeat(32));
    const bad = await kv2InProcess(['kv', 'get', '-file=enc.json', 'secret/x'], { cwd: dir, env: { KV2_ENCRYPTION_KEY: 'not-a-key' } });
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('the key must be 32 bytes');
    expect(bad.stderr).not.toContain('not-a-key');
    const both = await kv2InProcess(['kv', 'get', '-file=enc.json', 'secret/x'], { cwd: dir, env: { ...key, KV2_ENCRYPTION_PASSPHRASE: 'p' } });
    expect(both.stderr).toContain('give one encryption secret');
  });
});
