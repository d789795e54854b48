import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MemoryKeyValueStore } from '@kv2/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Output } from '../src/context.js';
import { Progress } from '../src/output/progress.js';
import { colourEnabled, styleFor } from '../src/output/style.js';
import { keyValueTable } from '../src/output/table.js';
import { BIN, cleanEnv, kv2, kv2InProcess, removeTempDir, startServer, tempDir } from './helpers.js';

const exec = promisify(execFile);
const ESC = '\u001b[';

/**
 * Runs kv2 under a pseudo-terminal (util-linux `script`), as a user at a terminal runs it:
 * stdout and stderr are the terminal. Returns what the terminal showed (CRLF made LF) and the
 * exit code.
 */
async function onTerminal(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number; screen: string }> {
  const command = ['node', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  try {
    const { stdout } = await exec('script', ['-qec', command, '/dev/null'], {
      cwd: options.cwd,
      env: cleanEnv({ TERM: 'xterm-256color', ...options.env }),
    });
    return { code: 0, screen: stdout.replace(/\r\n/g, '\n') };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, screen: (failed.stdout ?? '').replace(/\r\n/g, '\n') };
  }
}

describe('kv2 where scripts and fingers written for bao expect it', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    const put = await kv2(['kv', 'put', '-file=s.json', 'secret/app', 'b=<x & y>', 'a=1'], { cwd: dir });
    expect(put.code, put.stderr).toBe(0);
  });
  afterAll(() => removeTempDir(dir));
  const run = (args: string[], env: Record<string, string> = {}) => kv2InProcess(args, { cwd: dir, env: { KV2_FILE: 's.json', ...env } });

  it('kv2 alone prints the usage on stderr and exits 127, as bao; kv2 kv alone is a usage error', async () => {
    const none = await kv2([], { cwd: dir });
    expect(none.code).toBe(127);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^Usage: kv2 <subcommand>/);
    const group = await run(['kv']);
    expect(group).toMatchObject({ code: 2, stdout: '' });
    expect(group.stderr).toMatch(/^Usage: kv2 kv <subcommand>/);
  });

  it("paths are trimmed as bao's sanitizePath trims them: spaces and leading or trailing slashes", async () => {
    const trim = { KV2_FILE: 'trim.json' };
    const put = await run(['kv', 'put', ' /secret/trimmed/ ', 'k=v'], trim);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toMatch(/^=+ Secret Path =+\nsecret\/data\/trimmed\n/);
    expect(await run(['kv', 'get', '-field=k', 'secret/trimmed/'], trim)).toMatchObject({ code: 0, stdout: 'v' });
    expect(await run(['kv', 'get', '-mount=/secret/', '-field=k', 'trimmed/'], trim)).toMatchObject({ code: 0, stdout: 'v' });
    expect((await run(['kv', 'list', 'secret/'], trim)).stdout).toContain('\ntrimmed\n');
    // Inside the path, empty segments and . go and .. takes the segment before it, as bao's path.Join.
    expect((await run(['kv', 'put', 'secret/b//c/./d/../e', 'k=w'], trim)).stdout).toMatch(/^=+ Secret Path =+\nsecret\/data\/b\/c\/e\n/);
    expect(await run(['kv', 'get', '-field=k', 'secret/b/c/e'], trim)).toMatchObject({ code: 0, stdout: 'w' });
  });

  it('kv2 kv -nope is an unknown flag', async () => {
    expect(await run(['kv', '-nope'])).toMatchObject({ code: 2, stderr: 'Error: unknown flag "-nope" for "kv2 kv"\nRun "kv2 kv -h" for usage.\n' });
    expect((await run(['kv', 'metadata', '--nope=1'])).stderr).toContain('unknown flag "--nope" for "kv2 kv metadata"');
  });

  it('-format=json as bao: keys sorted, <, > and & escaped as Go does, two-space indent', async () => {
    const result = await run(['kv', 'get', '-format=json', 'secret/app']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '\n    "data": {\n      "a": "1",\n      "b": "\\u003cx \\u0026 y\\u003e"\n    },\n    "metadata": {\n      "created_time": ',
    );
    expect(result.stdout).toMatch(
      /^\{\n {2}"request_id": "[0-9a-f-]{36}",\n {2}"lease_id": "",\n {2}"lease_duration": 0,\n {2}"renewable": false,\n {2}"data": \{/,
    );
    expect(result.stdout).toMatch(/\n {2}"warnings": null\n\}\n$/);
    expect((JSON.parse(result.stdout) as { data: { data: unknown } }).data.data).toEqual({ a: '1', b: '<x & y>' });
  });

  it('-format=yaml (and yml, and BAO_FORMAT / VAULT_FORMAT) print the same values as YAML, keys sorted', async () => {
    const json = JSON.parse((await run(['kv', 'get', '-format=json', 'secret/app'])).stdout) as Record<string, unknown>;
    const yaml = await run(['kv', 'get', '-format=yaml', 'secret/app']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^data:\n {2}data:\n {4}a: "1"\n {4}b: <x & y>\n {2}metadata:\n/);
    expect(yaml.stdout).toMatch(/\nwarnings: null\n$/);
    // Quoted as Go's yaml (YAML 1.1) quotes a timestamp, so every reader gets a string back.
    expect(yaml.stdout).toMatch(/\n {4}created_time: "\d{4}-\d\d-\d\dT[\d:.]+Z"\n/);
    expect({ ...(parseYaml(yaml.stdout) as Record<string, unknown>), request_id: '' }).toEqual({ ...json, request_id: '' });
    expect((await run(['kv', 'get', '-format=yml', 'secret/app'])).stdout).toMatch(/^data:\n/);
    expect((await run(['kv', 'get', 'secret/app'], { BAO_FORMAT: 'json' })).stdout).toMatch(/^\{\n {2}"request_id"/);
    expect((await run(['kv', 'get', 'secret/app'], { VAULT_FORMAT: 'yaml' })).stdout).toMatch(/^data:\n/);
    expect((await run(['kv', 'get', '-format=table', 'secret/app'], { BAO_FORMAT: 'json' })).stdout).toMatch(/^=+ Secret Path =+\n/);
    expect(await run(['kv', 'list', '-format=yaml', 'secret/'])).toMatchObject({ code: 0, stdout: '- app\n' });
    expect(await run(['kv', 'metadata', 'get', '-format=yaml', 'secret/app'])).toMatchObject({ code: 0 });
  });

  it('-format=pretty and -format=raw fail for kv commands as in bao; -field with raw prints the value', async () => {
    expect(await run(['kv', 'get', '-format=pretty', 'secret/app'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Could not parse output: cannot use the pretty formatter for this type\n',
    });
    expect(await run(['kv', 'get', '-format=raw', 'secret/app'])).toMatchObject({ code: 1, stdout: '' });
    expect(await run(['kv', 'get', '-format=raw', '-field=a', 'secret/app'])).toMatchObject({ code: 0, stdout: '1' });
    expect(await run(['kv', 'get', '-format=yaml', '-field=data', 'secret/app'])).toMatchObject({ code: 0, stdout: 'a: "1"\nb: <x & y>' });
  });

  it("-field=data prints the whole data map; a missing field is bao's message", async () => {
    expect(await run(['kv', 'get', '-field=data', 'secret/app'])).toMatchObject({ code: 0, stdout: 'map[a:1 b:<x & y>]' });
    expect(await run(['kv', 'get', '-field=nope', 'secret/app'])).toMatchObject({ code: 1, stdout: '', stderr: 'Field "nope" not present in map\n' });
    expect(await run(['kv', 'put', '-field=nope', 'secret/other', 'a=1'])).toMatchObject({ code: 1, stderr: 'Field "nope" not present in secret\n' });
    // A secret whose data has its own "data" entry: that entry, as bao.
    expect((await run(['kv', 'put', 'secret/nested', 'data=inner'])).code).toBe(0);
    expect(await run(['kv', 'get', '-field=data', 'secret/nested'])).toMatchObject({ code: 0, stdout: 'inner' });
  });

  it('counts are singular for one: "Exported 1 key (1 version)"', async () => {
    expect((await kv2InProcess(['kv', 'put', '-file=one.json', 'secret/only', 'a=1'], { cwd: dir })).code).toBe(0);
    const exported = await kv2InProcess(['export', '-file=one.json', 'one-snap.json'], { cwd: dir });
    expect(exported.stderr).toBe(`Exported 1 key (1 version) from the file store ${join(dir, 'one.json')} to one-snap.json\n`);
    const imported = await kv2InProcess(['import', '-file=two.json', 'one-snap.json'], { cwd: dir });
    expect(imported.stderr).toBe(`Imported 1 key (1 version) into the file store ${join(dir, 'two.json')} (merged)\n`);
  });

  it('tables measure East Asian wide characters and emoji as two columns', () => {
    expect(keyValueTable({ key: 'a', 日本語: 'b', '🔑': 'c' })).toBe(
      ['Key       Value', '---       -----', 'key       a', '日本語    b', '🔑        c'].join('\n'),
    );
  });

  it('colours follow FORCE_COLOR, NO_COLOR, TERM=dumb and the terminal', () => {
    expect(colourEnabled(true, {})).toBe(true);
    expect(colourEnabled(false, {})).toBe(false);
    expect(colourEnabled(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(true, { TERM: 'dumb' })).toBe(false);
    expect(colourEnabled(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled(false, { FORCE_COLOR: '' })).toBe(true);
    expect(colourEnabled(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled(true, { FORCE_COLOR: 'false', NO_COLOR: '' })).toBe(false);
    expect(colourEnabled(false, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(styleFor(true, {}).red('x')).toBe(`${ESC}31mx${ESC}39m`);
  });

  it('on a terminal errors are red; TERM=dumb, NO_COLOR and FORCE_COLOR=0 turn that off; FORCE_COLOR colours a pipe', async () => {
    const args = ['kv', 'get', '-nope', 'secret/app'];
    const coloured = await onTerminal(args, { cwd: dir });
    expect(coloured.code).toBe(2);
    expect(coloured.screen).toContain(`${ESC}31mError:${ESC}39m unknown flag`);
    for (const env of [{ TERM: 'dumb' }, { NO_COLOR: '1' }, { FORCE_COLOR: '0' }]) {
      const plain = await onTerminal(args, { cwd: dir, env });
      expect(plain.screen, JSON.stringify(env)).toContain('Error: unknown flag');
      expect(plain.screen, JSON.stringify(env)).not.toContain(ESC);
    }
    expect((await kv2(args, { cwd: dir })).stderr).not.toContain(ESC);
    expect((await kv2(args, { cwd: dir, env: { FORCE_COLOR: '1' } })).stderr).toContain(`${ESC}31mError:`);
  }, 60_000);

  it('reading or exporting an empty folder names the store it read, fails, and creates no file', async () => {
    const empty = await tempDir();
    try {
      const get = await kv2(['kv', 'get', 'secret/x'], { cwd: empty });
      expect(get).toMatchObject({
        code: 1,
        stdout: '',
        stderr:
          'No value found at secret/data/x\n(read the local file store .kv2/data.json: no server address is set; set BAO_ADDR or use -address=URL to use a server)\n',
      });
      expect((await kv2(['kv', 'list', 'secret/'], { cwd: empty })).code).toBe(1);
      expect((await kv2(['kv', 'metadata', 'get', 'secret/x'], { cwd: empty })).code).toBe(1);
      // An export of nothing is a mistake a backup script must see, not an empty snapshot.
      expect(await kv2(['export'], { cwd: empty })).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'Error: nothing to export: there is no local file store .kv2/data.json (no server address is set; set BAO_ADDR or use -address=URL to use a server)\n',
      });
      expect(await kv2(['export', '-file', 'typo.json', 'out.json'], { cwd: empty })).toMatchObject({
        code: 1,
        stderr: 'Error: nothing to export: there is no local file store typo.json\n',
      });
      // A token without an address is most often a forgotten BAO_ADDR: the store used is named.
      const noted = await kv2(['kv', 'get', 'secret/x'], { cwd: empty, env: { BAO_TOKEN: 't' } });
      expect(noted.stderr).toMatch(/^Note: BAO_TOKEN is set but BAO_ADDR is not: using the local file store \.kv2\/data\.json/);
      expect(await readdir(empty)).toEqual([]);
    } finally {
      await removeTempDir(empty);
    }
  }, 60_000);

  it('kv2 server -dev runs in memory with -dev-root-token-id and -dev-listen-address', async () => {
    const cwd = await tempDir();
    try {
      const server = await startServer(['-dev', '-dev-root-token-id=root', '-dev-listen-address=127.0.0.1:0', '-dev-no-store-token'], { cwd });
      try {
        expect(server.token).toBe('root');
        expect(server.output().stdout).toContain('Storage: memory (nothing is kept)');
        const env = { BAO_ADDR: server.url, BAO_TOKEN: 'root' };
        expect((await kv2(['kv', 'put', 'secret/hello', 'who=world'], { cwd, env })).code).toBe(0);
        expect(await kv2(['kv', 'get', '-field=who', 'secret/hello'], { cwd, env })).toMatchObject({ code: 0, stdout: 'world' });
      } finally {
        expect(await server.stop()).toBe(0);
      }
      expect(existsSync(join(cwd, '.kv2'))).toBe(false);
      expect((await kv2InProcess(['server', '-dev', '-file=x.json'], { cwd })).stderr).toContain('-dev keeps the data in memory');
    } finally {
      await removeTempDir(cwd);
    }
  }, 60_000);
});

describe('progress of long commands', () => {
  // A terminal stream that records every write.
  const terminal = (): Output & { writes: string[] } => {
    const writes: string[] = [];
    return {
      writes,
      write: (t) => void writes.push(t),
      line: (t = '') => void writes.push(`${t}\n`),
      isTTY: true,
      style: styleFor(false, {}),
      closed: false,
    };
  };

  it('redraws a terminal line at most four times a second, with done/total, percent, rate and time left', () => {
    let now = 0;
    const out = terminal();
    const progress = new Progress(out, { enabled: true, label: 'Importing', unit: 'keys', now: () => now });
    for (let done = 1; done <= 2000; done++) {
      now = done; // one key a millisecond: two seconds in all
      progress.update(done, 2000);
    }
    progress.done();
    const draws = out.writes.filter((w) => w.startsWith('\r\u001b[KImporting'));
    expect(draws.length).toBeGreaterThanOrEqual(8);
    expect(draws.length).toBeLessThanOrEqual(2 * 4 + 2); // every 250 ms, plus the first and the last
    expect(draws.at(-1)).toBe('\r\u001b[KImporting 2000/2000 keys  100%  1000 keys/s');
    expect(out.writes.at(-1)).toBe('\r\u001b[K');
    expect(progress.line(500, 2000, 500)).toBe('Importing 500/2000 keys  25%  1000 keys/s  2s left');
    expect(progress.line(5, undefined, 100)).toBe('Importing 5 keys');
  });

  it('prints plain lines on a pipe, and nothing when disabled', () => {
    let now = 0;
    const lines: string[] = [];
    const pipe: Output = {
      write: (t) => void lines.push(t),
      line: (t = '') => void lines.push(`${t}\n`),
      isTTY: false,
      style: styleFor(false, {}),
      closed: false,
    };
    const progress = new Progress(pipe, { enabled: true, label: 'Exporting', unit: 'keys', now: () => now });
    for (let done = 1; done <= 100; done++) {
      now = done * 100; // ten seconds
      progress.update(done, 100);
    }
    progress.done();
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.join('')).not.toContain('\u001b');
    const silent = terminal();
    new Progress(silent, { enabled: false, label: 'x', unit: 'keys' }).update(1, 2);
    expect(silent.writes).toEqual([]);
  });

  it('kv2 import into a server shows the progress line on a terminal and only the summary on a pipe', async () => {
    const dir = await tempDir();
    const server = await startServer(['-memory', '-address=127.0.0.1:0'], { cwd: dir });
    try {
      const source = new MemoryKeyValueStore();
      for (let i = 0; i < 300; i++) await source.write(`k/${String(i).padStart(3, '0')}`, { i });
      await writeFile(join(dir, 'snap.json'), JSON.stringify(await source.exportDocument()));
      const env = { BAO_ADDR: server.url, BAO_TOKEN: server.token };
      const started = performance.now();
      const shown = await onTerminal(['import', '-concurrency=2', 'snap.json'], { cwd: dir, env });
      const seconds = (performance.now() - started) / 1000;
      expect(shown.code, shown.screen).toBe(0);
      expect(shown.screen).toMatch(new RegExp(`\r${ESC.replace('[', '\\[')}KImporting \\d+/300 keys {2}\\d+%`));
      expect(shown.screen).toContain('Imported 300 keys (300 versions written as new versions)');
      const draws = shown.screen.split('\r\u001b[KImporting ').length - 1;
      expect(draws).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 3);
      const piped = await kv2(['import', 'snap.json'], { cwd: dir, env });
      expect(piped.code).toBe(0);
      expect(piped.stderr).toMatch(
        /^Imported 300 keys \(300 versions written as new versions\) into the server http:\/\/127\.0\.0\.1:\d+; mount config left unchanged \(use -allow-mount-config to write it\)\n$/,
      );
      const exported = await onTerminal(['export', 'out.json'], { cwd: dir, env });
      expect(exported.code).toBe(0);
      expect(exported.screen).toMatch(/Exported 300 keys \(600 versions\) from the server http:\/\/127\.0\.0\.1:\d+ to out\.json\n$/);
    } finally {
      await server.stop();
      await removeTempDir(dir);
    }
  }, 120_000);
});
