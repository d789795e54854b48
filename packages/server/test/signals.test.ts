import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyValueStore } from '@kv2/local';
import { describe, expect, it } from 'vitest';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'signal-server.ts');

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  it('closes gracefully: the in-flight write is answered and on disk, then the process exits 0', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kv2-signal-'));
    const file = join(folder, 'store.json');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      const waiters: Array<() => void> = [];
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        for (const wake of waiters.splice(0)) wake();
      });
      const waitFor = async (text: string): Promise<void> => {
        while (!output.includes(text)) {
          if (child.exitCode !== null) throw new Error(`exited before "${text}": ${output}`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            child.once('exit', () => resolve());
          });
        }
      };
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await waitFor('url:');
      const url = /url:(\S+)/.exec(output)?.[1] as string;
      const pending = fetch(`${url}/v1/secret/data/app`, {
        method: 'POST',
        headers: { 'X-Vault-Token': 'signal-token', 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { kept: true } }),
      });
      await waitFor('write-started');
      child.kill(signal);
      const response = await pending;
      expect(response.status).toBe(200);
      expect(await exited).toBe(0);
      expect(output).toContain('log:signal');
      expect(output).toContain('closed');
      const store = new FileKeyValueStore({ file });
      try {
        expect((await store.read('app')).data).toEqual({ kept: true });
      } finally {
        await store.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
