import type { HttpServerReady, HttpServerTask } from '../workers/http-server.js';
import { exited, nextMessage, startWorker } from './child.js';

/** A server running in a child process. */
export interface ServerProcess {
  readonly url: string;
  /** Closes the server and waits for its process to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a benchmark HTTP server in its own process, so it has a core to itself while the load
 * generator uses the other. With `KV2_BENCH_PROFILE_DIR` set, the server writes a CPU
 * profile there when it stops (`node --cpu-prof`).
 */
export async function startServerProcess(task: HttpServerTask): Promise<ServerProcess> {
  const profileDir = process.env.KV2_BENCH_PROFILE_DIR;
  const extra = profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = startWorker('http-server', task, extra);
  const { url } = await nextMessage<HttpServerReady>(child, (m) => m.type === 'listening');
  return {
    url,
    stop: async () => {
      child.send('stop');
      await exited(child);
    },
  };
}
