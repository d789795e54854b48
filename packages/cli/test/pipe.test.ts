import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, kv2, removeTempDir, tempDir } from './helpers.js';

const exec = promisify(execFile);

/**
 * `kv2 … | head` as a user types it: bash runs the real binary into a reader that closes
 * early. bao exits quietly there (SIGPIPE); kv2 must never print a stack trace. Each command
 * runs several times, since whether the reader is gone before the write depends on timing.
 */
describe('kv2 in a pipe that closes early', () => {
  let dir: string;
  const quoted = (args: readonly string[]): string => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  let runs = 0;
  const pipeline = async (args: readonly string[], reader: string): Promise<{ status: number; stderr: string }> => {
    const errors = `stderr-${runs++}.txt`;
    // pipefail: $? is kv2's status when kv2 fails (the readers here succeed).
    const line = `set -o pipefail; node ${quoted([BIN, ...args])} 2>${errors} | ${reader} >/dev/null; echo "$?"`;
    const { stdout } = await exec('bash', ['-c', line], { cwd: dir, env: cleanEnv({ KV2_FILE: 'store.json' }) });
    return { status: Number(stdout.trim()), stderr: await readFile(join(dir, errors), 'utf8') };
  };

  beforeAll(async () => {
    dir = await tempDir();
    // Enough output that a table or export needs more than one line (and a bigger export).
    const data = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, `value-${i}`.repeat(20)]));
    expect((await kv2(['kv', 'put', '-file=store.json', 'secret/app', '-'], { cwd: dir, input: JSON.stringify(data) })).code).toBe(0);
    for (let i = 0; i < 30; i++) expect((await kv2(['kv', 'put', '-file=store.json', 'secret/app', `n=${i}`], { cwd: dir })).code).toBe(0);
  }, 120_000);
  afterAll(() => removeTempDir(dir));

  const commands: readonly (readonly string[])[] = [
    ['kv', 'get', 'secret/app'],
    ['kv', 'get', '-format=json', 'secret/app'],
    ['kv', 'get', '-field=n', 'secret/app'],
    ['kv', 'metadata', 'get', 'secret/app'],
    ['kv', 'list', 'secret/'],
    ['export'],
    ['kv', 'get', '-h'],
  ];

  const named = commands.map((args) => [args.join(' '), args] as const);

  it.each(named)(
    'kv2 %s | head -c1 (and head -1): no stack trace, exit 0 or 141',
    async (_name, args) => {
      for (let i = 0; i < 2; i++) {
        for (const reader of ['head -c1', 'head -1']) {
          const { status, stderr } = await pipeline(args, reader);
          expect(stderr, `${args.join(' ')} | ${reader}`).toBe('');
          expect([0, 141], `${args.join(' ')} | ${reader}`).toContain(status);
        }
      }
    },
    120_000,
  );

  it.each(named)(
    'kv2 %s | true (the reader is gone before kv2 writes): quiet, exit 141',
    async (_name, args) => {
      for (let i = 0; i < 2; i++) {
        const { status, stderr } = await pipeline(args, 'true');
        expect(stderr).toBe('');
        expect(status).toBe(141);
      }
    },
    120_000,
  );

  it('a failing command into a closed pipe still reports on stderr', async () => {
    const { status, stderr } = await pipeline(['kv', 'get', 'secret/nope'], 'true');
    expect(stderr).toBe(`No value found at secret/data/nope\n(read the local file store store.json)\n`);
    expect(status).toBe(1);
  });

  it('the store is intact after a run was cut off', async () => {
    await pipeline(['kv', 'put', 'secret/cut', 'a=1'], 'true');
    const read = await kv2(['kv', 'get', '-field=a', 'secret/cut'], { cwd: dir, env: { KV2_FILE: join(dir, 'store.json') } });
    expect(read).toMatchObject({ code: 0, stdout: '1' });
  });
});
