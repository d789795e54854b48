import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BaseKeyValueStore } from '@kv2/core';
import { FileKeyValueStore, MemoryKeyValueStore } from '@kv2/local';
import { createServer, type KvServer } from '@kv2/server';
import { smallSecret } from '../fixtures.js';

/**
 * How to serve: the kv2 server over a memory store (or, with `file`, a file store in that file),
 * optionally filled first from the store document in `seedFile` (one `importDocument`); or a bare
 * `node:http` server with canned answers.
 */
export type HttpServerTask =
  | { readonly mode: 'kv2'; readonly token: string; readonly readPath: string; readonly file?: string; readonly seedFile?: string }
  | { readonly mode: 'bare'; readonly readBytes: number; readonly writeBytes: number };

/** What the worker answers once it listens. */
export interface HttpServerReady {
  readonly type: 'listening';
  readonly url: string;
}

/** A JSON body of exactly `size` bytes, so the floor sends as many bytes as kv2 does. */
function cannedBody(size: number): Buffer {
  const head = '{"data":"';
  const tail = '"}\n';
  return Buffer.from(head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail);
}

/** The floor: answers GET with `readBytes` and any other method, once its body is read, with `writeBytes`. */
function bareServer(readBytes: number, writeBytes: number): Server {
  const read = cannedBody(readBytes);
  const write = cannedBody(writeBytes);
  const headers = (body: Buffer): string[] => [
    'Cache-Control',
    'no-store',
    'Content-Type',
    'application/json',
    'Content-Length',
    String(body.length),
  ];
  return createHttpServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, headers(read));
      res.end(read);
      return;
    }
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, headers(write));
      res.end(write);
    });
  });
}

async function start(task: HttpServerTask): Promise<{ url: string; close: () => Promise<void> }> {
  if (task.mode === 'kv2') {
    const store: BaseKeyValueStore & { importDocument(document: unknown): Promise<unknown> } =
      task.file === undefined ? new MemoryKeyValueStore() : new FileKeyValueStore({ file: task.file });
    if (task.seedFile !== undefined) await store.importDocument(JSON.parse(await readFile(task.seedFile, 'utf8')));
    await store.write(task.readPath, smallSecret(1));
    const server: KvServer = createServer({ store, token: task.token });
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => server.close() };
  }
  const server = bareServer(task.readBytes, task.writeBytes);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Runs in its own process, so the server has a core to itself while the load generator uses the other.
const task = JSON.parse(process.argv[2] ?? '{}') as HttpServerTask;
const running = await start(task);
process.send?.({ type: 'listening', url: running.url } satisfies HttpServerReady);
process.once('message', () => {
  void running.close().then(() => process.disconnect?.());
});
