import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kv2 binary under test. */
export const BIN = fileURLToPath(new URL('../bin/kv2.js', import.meta.url));
/** The repository root (for `pnpm start`). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** What a finished kv2 run printed and returned. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the test process without anything that would point kv2 somewhere else. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(BAO|VAULT|KV2)_/.test(name) || name === 'NO_COLOR' || name === 'FORCE_COLOR') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs `kv2 <args>` to completion in `cwd`, with `input` on stdin. */
export function kv2(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temporary folder; remove it with {@link removeTempDir}. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'kv2-cli-test-'));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A running `kv2 server` child: where it listens, its token, and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly token: string;
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a server process and waits for its banner. `command` defaults to the kv2 binary;
 * `detached` puts it in its own process group so `stop` reaches a whole `pnpm start` tree.
 */
export function startServer(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; command?: readonly string[]; detached?: boolean; timeoutMs?: number },
): Promise<RunningServer> {
  const [file, ...prefix] = options.command ?? [process.execPath, BIN, 'server'];
  const child = spawn(file as string, [...prefix, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === null ? null : -1))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child, 'SIGKILL', options.detached ?? false);
      reject(new Error(`server did not start in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (): void => {
      const match = /export BAO_ADDR='([^']+)' BAO_TOKEN='([^']+)'/.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        url: match[1] as string,
        token: match[2] as string,
        child,
        output: () => ({ stdout, stderr }),
        stop: async (signal = 'SIGTERM') => {
          kill(child, signal, options.detached ?? false);
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before its banner\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

/** `fetch` with the token, JSON in and out. */
export async function api(
  server: { url: string; token: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server.url}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': server.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** Runs kv2 in this process (no spawn; for usage errors and help, where startup time is the cost). */
export async function kv2InProcess(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; input?: string },
): Promise<RunResult> {
  const { main } = await import('../src/main.js');
  const { outputFor } = await import('../src/context.js');
  let stdout = '';
  let stderr = '';
  const env = { ...options.env };
  const code = await main(args, {
    stdout: outputFor({ write: (chunk: string) => (stdout += chunk) }, env),
    stderr: outputFor({ write: (chunk: string) => (stderr += chunk) }, env),
    readStdin: () => Promise.resolve(options.input ?? ''),
    stdinIsTTY: false,
    env,
    cwd: options.cwd,
    onSignal: () => () => {},
  });
  return { code, stdout, stderr };
}
