import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The kv2 command (runs its TypeScript through tsx, as users run it). */
const KV2_BIN = fileURLToPath(new URL('../../../packages/cli/bin/kv2.js', import.meta.url));

/** This process's environment without anything that would point kv2 at another server. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(BAO|VAULT|KV2)_/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** A running `kv2 server`. */
export interface Kv2Server {
  readonly url: string;
  /** Stops it (SIGTERM: in-flight requests finish, the stores close) and waits for its exit. */
  stop(): Promise<void>;
}

/** Starts `kv2 server <args>` on a free loopback port with `token` and waits for its banner. */
export function startKv2Server(args: readonly string[], token: string, cwd: string): Promise<Kv2Server> {
  const child = spawn(process.execPath, [KV2_BIN, 'server', '-address=127.0.0.1:0', `-token=${token}`, '-quiet', ...args], {
    cwd,
    env: cleanEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<Kv2Server>((resolve, reject) => {
    const onData = (chunk: string): void => {
      stdout += chunk;
      const match = /export BAO_ADDR='([^']+)'/.exec(stdout);
      if (match === null) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({
        url: match[1] as string,
        stop: async () => {
          stopChild(child, 'SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then(() => reject(new Error(`kv2 server exited before its banner: ${stderr.trim()}`)));
  });
}

/** What a finished command did. */
export interface Kv2Run {
  readonly code: number | null;
  readonly stderr: string;
  /** Wall time from spawning to exit, in milliseconds. */
  readonly ms: number;
  /** True when it was stopped after `timeoutMs`. */
  readonly timedOut: boolean;
}

/** Runs `kv2 <args>` to completion (or kills it after `timeoutMs`) and times it. */
export function runKv2(args: readonly string[], env: Record<string, string>, cwd: string, timeoutMs: number): Promise<Kv2Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [KV2_BIN, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let timedOut = false;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => {
    timedOut = true;
    stopChild(child, 'SIGKILL');
  }, timeoutMs);
  return new Promise<Kv2Run>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
