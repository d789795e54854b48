import { Agent, createServer as createHttpServer, request } from 'node:http';
import { createServer as createNetServer, Socket, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ORIGINAL_METHOD_HEADER } from '../src/request-framer.js';
import { installListMethodSupport, isStreamSocket, ListMethodSocket } from '../src/framed-socket.js';

// kv2 serves LIST on Node by reading TCP sockets through its request framer on the fast path,
// which relies on two private details of Node's net/http (see framed-socket.ts): an accepted
// socket's `_handle.isStreamBase`, and the `_handle._consumed` flag that stops llhttp from reading
// the handle natively, together with overriding `socket.push`. If a Node release changes them,
// kv2 silently falls back to the (public, slower) ListMethodSocket wrapper — these tests make that
// change loud instead, so whoever upgrades Node knows to look at framed-socket.ts.

describe('Node internals the LIST fast path relies on', () => {
  it('an accepted TCP socket exposes a stream-base handle that nothing has consumed yet', async () => {
    const seen = await new Promise<{ ok: boolean; handle: string }>((resolve, reject) => {
      const server = createNetServer((socket) => {
        const handle = (socket as unknown as { _handle?: Record<string, unknown> })._handle;
        resolve({ ok: isStreamSocket(socket), handle: handle === undefined || handle === null ? 'none' : Object.keys(handle).join(',') });
        socket.destroy();
        server.close();
      });
      server.listen(0, '127.0.0.1', () => {
        const client = new Socket();
        client.on('error', () => {});
        client.connect((server.address() as AddressInfo).port, '127.0.0.1');
      });
      server.on('error', reject);
    });
    expect(
      seen.ok,
      `Node ${process.version} changed the socket internals kv2's LIST fast path uses (handle: ${seen.handle}); see packages/server/src/framed-socket.ts`,
    ).toBe(true);
  });

  it('LIST over TCP reaches the handler on the fast path (the real socket, not the wrapper), keep-alive included', async () => {
    const seen: Array<{ method: string | undefined; original: unknown; fast: boolean }> = [];
    const http = createHttpServer((req, res) => {
      seen.push({
        method: req.method,
        original: req.headers[ORIGINAL_METHOD_HEADER],
        fast: req.socket instanceof Socket && !(req.socket instanceof ListMethodSocket),
      });
      res.end('ok');
    });
    installListMethodSupport(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const port = (http.address() as AddressInfo).port;
      for (let i = 0; i < 3; i++) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, method: 'LIST', path: '/v1/secret/metadata/', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
        expect(status).toBe(200);
      }
    } finally {
      agent.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    expect(seen).toEqual(Array.from({ length: 3 }, () => ({ method: 'GET', original: 'LIST', fast: true })));
  });
});
