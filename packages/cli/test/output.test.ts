import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, Output } from '../src/context.js';
import { UsageError } from '../src/errors.js';
import { buildKvData } from '../src/kv-data.js';
import { styleFor } from '../src/output/style.js';
import { columns, goValue, headerForMap, keyValueTable, padEqualSigns, pathHeader } from '../src/output/table.js';
import { envelope } from '../src/output/wire.js';

describe('bao-style tables', () => {
  it('pads every column but the last, with four spaces between, and n/a for empty cells', () => {
    expect(
      columns([
        ['Key', 'Value'],
        ['version', '1'],
        ['deletion_time', ''],
      ]),
    ).toBe('Key              Value\nversion          1\ndeletion_time    n/a');
  });

  it('renders a Key/Value table sorted by key, with dashes under the header', () => {
    expect(keyValueTable({ version: 2, destroyed: false, custom_metadata: null })).toBe(
      ['Key                Value', '---                -----', 'custom_metadata    <nil>', 'destroyed          false', 'version            2'].join(
        '\n',
      ),
    );
  });

  it('sizes headers like padEqualSigns: even, at least two signs a side', () => {
    expect(padEqualSigns('Secret Path', 'secret/data/app/db'.length)).toBe('=== Secret Path ===');
    expect(padEqualSigns('Secret Path', 'secret/data/foo'.length)).toBe('= Secret Path =');
    expect(padEqualSigns('Data', 3)).toBe('== Data ==');
    expect(headerForMap('Metadata', { created_time: 1, custom_metadata: 2 })).toBe('======= Metadata =======');
    expect(pathHeader('Secret Path', 'secret/data/app/db')).toBe('=== Secret Path ===\nsecret/data/app/db\n');
  });

  it("formats values as Go's %v does for decoded JSON", () => {
    expect(goValue('text')).toBe('text');
    expect(goValue(null)).toBe('<nil>');
    expect(goValue(3.5)).toBe('3.5');
    expect(goValue([1, 'a', true])).toBe('[1 a true]');
    expect(goValue({ b: { y: 1, x: [2] }, a: null })).toBe('map[a:<nil> b:map[x:[2] y:1]]');
  });
});

describe('wire formats', () => {
  it("prints bao's envelope: the API client's member order, a fresh request_id, warnings null when none", () => {
    const printed = envelope({ a: 1 });
    expect(Object.keys(printed)).toEqual(['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings']);
    expect(printed).toMatchObject({ lease_id: '', lease_duration: 0, renewable: false, data: { a: 1 }, warnings: null });
    expect(printed.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(envelope(null).request_id).not.toBe(printed.request_id);
    expect(envelope(null, ['careful']).warnings).toEqual(['careful']);
  });
});

describe('colours', () => {
  it('are on only for a terminal without NO_COLOR', () => {
    expect(styleFor(true, {}).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(styleFor(false, {}).red('x')).toBe('x');
    expect(styleFor(true, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(styleFor(true, { NO_COLOR: '' }).enabled).toBe(true);
  });
});

describe('buildKvData (bao kvbuilder)', () => {
  let dir: string;
  const silent: Output = { write: () => {}, line: () => {}, isTTY: false, style: styleFor(false, {}), closed: false };
  const context = (stdin: string): CommandContext => ({
    stdout: silent,
    stderr: silent,
    readStdin: () => Promise.resolve(stdin),
    stdinIsTTY: false,
    env: {},
    cwd: dir,
    onSignal: () => () => {},
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kv2-cli-data-'));
    await writeFile(join(dir, 'cert.pem'), '-----BEGIN-----\n');
    await writeFile(join(dir, 'data.json'), '{"port":5432,"nested":{"a":[1,2]}}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads key=value pairs, @file values, escaped @ and repeated keys', async () => {
    expect(await buildKvData(context(''), ['user=app', 'cert=@cert.pem', 'literal=\\@home', 'tag=a', 'tag=b', 'empty=', 'eq=a=b'], 'kv put')).toEqual(
      {
        user: 'app',
        cert: '-----BEGIN-----\n',
        literal: '@home',
        tag: ['a', 'b'],
        empty: '',
        eq: 'a=b',
      },
    );
  });

  it('merges JSON objects from a file and from stdin (later objects win); a key=value for an existing key collects, as in bao', async () => {
    expect(await buildKvData(context('{"user":"stdin","port":1}'), ['@data.json', '-', 'user=last'], 'kv put')).toEqual({
      port: 1,
      nested: { a: [1, 2] },
      user: ['stdin', 'last'],
    });
  });

  it('reads a value from stdin with key=-', async () => {
    expect(await buildKvData(context('s3cret\n'), ['password=-'], 'kv put')).toEqual({ password: 's3cret\n' });
  });

  it('rejects malformed arguments, non-object JSON and a second read of stdin', async () => {
    await expect(buildKvData(context(''), ['novalue'], 'kv put')).rejects.toThrow(/format must be key=value/);
    await expect(buildKvData(context('[1,2]'), ['-'], 'kv put')).rejects.toThrow(/expected a JSON object/);
    await expect(buildKvData(context('{'), ['-'], 'kv put')).rejects.toThrow(UsageError);
    await expect(buildKvData(context('{}'), ['-', 'a=-'], 'kv put')).rejects.toThrow(/stdin already consumed/);
  });

  it('names a missing file without its content', async () => {
    await expect(buildKvData(context(''), ['x=@missing.txt'], 'kv put')).rejects.toThrow(/error reading file "missing.txt": ENOENT/);
  });
});
