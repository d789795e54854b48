import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ORIGINAL_METHOD_HEADER } from '../src/request-framer.js';
import { installListMethodSupport, ListMethodSocket } from '../src/framed-socket.js';
import { parseResponses, rawExchange } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function echo(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const text = JSON.stringify({ method: req.method, original: req.headers[ORIGINAL_METHOD_HEADER] ?? null, url: req.url, body });
    res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  });
}

/** An HTTP server reached through a plain net.Server that wraps every socket in a ListMethodSocket. */
async function wrappedServer(): Promise<string> {
  const http = createHttpServer(echo);
  installListMethodSupport(http);
  const front = createNetServer((socket) => http.emit('connection', new ListMethodSocket(socket)));
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        front.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
}

/** An HTTP server listening itself, with the fast path (framed reads on the real socket). */
async function nativeServer(): Promise<string> {
  const http = createHttpServer(echo);
  installListMethodSupport(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe.each([
  ['framed reads on the real socket', nativeServer],
  ['the ListMethodSocket wrapper', wrappedServer],
])('LIST support through %s', (_name, make) => {
  it('serves LIST, bodies containing request-like bytes, and later requests on one connection', async () => {
    const url = await make();
    const raw = await rawExchange(url, [
      'LIST /v1/a HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /v1/b HTTP/1.1\r\nHost: x\r\nContent-Length: 23\r\n\r\nLIST /v1/x HTTP/1.1\r\n\r\n',
      'SC',
      'AN /v1/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      'GET /v1/d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    const bodies = parseResponses(raw).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies).toEqual([
      { method: 'GET', original: 'LIST', url: '/v1/a', body: '' },
      { method: 'POST', original: null, url: '/v1/b', body: 'LIST /v1/x HTTP/1.1\r\n\r\n' },
      { method: 'GET', original: 'SCAN', url: '/v1/c', body: 'abc' },
      { method: 'GET', original: null, url: '/v1/d', body: '' },
    ]);
  });

  it("still refuses what Node's parser refuses (400) once framing is ambiguous", async () => {
    const url = await make();
    const raw = await rawExchange(url, 'POST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab');
    expect(parseResponses(raw)[0]?.status).toBe(400);
  });
});
