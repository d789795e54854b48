import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from '../src/index.js';
import { makeTempDir, removeTempDir } from './fixtures/temp-dir.js';

// What a user's environment can put where the store should be: every case gets a typed error
// promptly (no hang, no bare Node error), and nothing is written.

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

const INACCESSIBLE = { name: 'StoreUnavailableError', code: 'store_inaccessible', status: 503 } as const;
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

describe('FileKeyValueStore in a hostile environment', () => {
  it('a FIFO at the store path: a typed error at once, not a read that never settles', async () => {
    const file = join(dir, 's.json');
    execFileSync('mkfifo', [file]);
    const store = new FileKeyValueStore({ file });
    await expect(store.list('')).rejects.toMatchObject({ ...INACCESSIBLE, message: expect.stringContaining('not a regular file') as unknown });
    await expect(store.write('k', { v: 1 })).rejects.toMatchObject(INACCESSIBLE);
    await store.close();
    expect((await stat(file)).isFIFO()).toBe(true);
  });

  it('a FIFO at the journal path: a typed error, the snapshot untouched', async () => {
    const file = join(dir, 's.json');
    const store = new FileKeyValueStore({ file });
    await store.write('k', { v: 1 });
    await store.close();
    const snapshot = await readFile(file);
    execFileSync('mkfifo', [`${file}.journal`]);
    const again = new FileKeyValueStore({ file });
    await expect(again.read('k')).rejects.toMatchObject(INACCESSIBLE);
    await again.close();
    expect(await readFile(file)).toEqual(snapshot);
  });

  it('a folder at the store path, or a symbolic link loop: typed errors naming the reason', async () => {
    const folder = join(dir, 'folder.json');
    await mkdir(folder);
    const inFolder = new FileKeyValueStore({ file: folder });
    await expect(inFolder.read('k')).rejects.toMatchObject(INACCESSIBLE);
    await inFolder.close();

    const loop = join(dir, 'loop.json');
    await symlink(join(dir, 'loop2.json'), loop);
    await symlink(loop, join(dir, 'loop2.json'));
    const looped = new FileKeyValueStore({ file: loop });
    await expect(looped.read('k')).rejects.toMatchObject({ ...INACCESSIBLE, message: expect.stringContaining('ELOOP') as unknown });
    await looped.close();
  });

  it('a file that is not JSON is reported as such, naming one character, never "truncated"', async () => {
    const file = join(dir, 's.json');
    await writeFile(file, 'garbage{');
    const store = new FileKeyValueStore({ file });
    const error = (await store.read('k').catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'store_corrupted' });
    expect(error.message).toContain("invalid character 'g'");
    expect(error.message).not.toContain('truncated');
    await store.close();
    expect(await readFile(file, 'utf8')).toBe('garbage{');
  });

  it.runIf(isRoot)("run as root on a store owned by another user, the files stay that user's (mode 0600)", async () => {
    const folder = join(dir, 'home');
    await mkdir(folder, { mode: 0o700 });
    await chown(folder, NOBODY, NOBODY);
    const file = join(folder, 's.json');
    const first = new FileKeyValueStore({ file });
    await first.write('k', { v: 1 });
    await first.close();
    await chown(file, NOBODY, NOBODY);
    await chmod(file, 0o644);
    const store = new FileKeyValueStore({ file });
    await store.write('k', { v: 2 });
    const journal = await stat(`${file}.journal`);
    expect([journal.uid, journal.gid, journal.mode & 0o777]).toEqual([NOBODY, NOBODY, 0o600]);
    await store.close(); // rewrites the snapshot
    const snapshot = await stat(file);
    expect([snapshot.uid, snapshot.gid, snapshot.mode & 0o777]).toEqual([NOBODY, NOBODY, 0o600]);
  });

  it.runIf(isRoot)('a store the process may not read: store_inaccessible (EACCES), not a bare Node error', async () => {
    const folder = join(dir, 'open');
    await mkdir(folder, { mode: 0o755 });
    await chmod(dir, 0o755);
    const file = join(folder, 's.json');
    const store = new FileKeyValueStore({ file });
    await store.write('k', { secret: 'x' });
    await store.close();
    const script = `
      const { FileKeyValueStore } = await import(${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))});
      const store = new FileKeyValueStore({ file: ${JSON.stringify(file)} });
      const error = await store.read('k').catch((e) => e);
      console.log(JSON.stringify({ name: error.name, code: error.code, status: error.status, message: error.message }));
    `;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        uid: NOBODY,
        gid: NOBODY,
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', () => resolve(out));
    });
    expect(JSON.parse(output) as unknown).toMatchObject({ ...INACCESSIBLE, message: expect.stringContaining('EACCES') as unknown });
  });
});
