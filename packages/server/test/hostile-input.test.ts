import { connect } from 'node:net';
import { InvalidRequestError } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseResponses, start, type Running } from './helpers.js';
import { TLS_TO_HTTP_MESSAGE } from '../src/connection-guard.js';

// Each test here reproduces one report of issue 12 (hostile input) before its fix.

let s: Running;
beforeEach(async () => {
  s = await start();
});
afterEach(async () => {
  await s.server.close();
});

describe("report 1: a duration beyond Go's int64 nanoseconds is refused, never stored", () => {
  it('POST config with delete_version_after 3000000000h is 400, and writes keep working', async () => {
    const answer = await s.call('POST', '/v1/secret/config', { body: { delete_version_after: '3000000000h' } });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ errors: [expect.stringContaining('delete_version_after')] });
    expect((await s.call('POST', '/v1/secret/data/k', { body: { data: { a: 1 } } })).status).toBe(200);
    expect((await s.call('GET', '/v1/secret/config')).json?.data).toMatchObject({ delete_version_after: '0s' });
  });

  it.each(['9999999999h', '2562048h', 9_223_372_037, '9223372037', '106752d', -9_223_372_037])(
    'POST metadata/k with delete_version_after %j is 400; data and undelete keep working',
    async (value) => {
      const answer = await s.call('POST', '/v1/secret/metadata/k', { body: { delete_version_after: value } });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errors: [expect.any(String)] });
      expect((await s.call('POST', '/v1/secret/data/k', { body: { data: { a: 1 } } })).status).toBe(200);
      expect((await s.call('POST', '/v1/secret/undelete/k', { body: { versions: [1] } })).status).toBe(204);
    },
  );

  it('the largest duration Go accepts (2562047h) is stored and writes keep working', async () => {
    expect((await s.call('POST', '/v1/secret/config', { body: { delete_version_after: '2562047h' } })).status).toBe(204);
    expect((await s.call('POST', '/v1/secret/metadata/k', { body: { delete_version_after: '2562047h' } })).status).toBe(204);
    expect((await s.call('POST', '/v1/secret/data/k', { body: { data: { a: 1 } } })).status).toBe(200);
    expect((await s.call('POST', '/v1/secret/undelete/k', { body: { versions: [1] } })).status).toBe(204);
  });

  it('the library refuses writeConfig/writeMetadata/patchMetadata beyond the bound with InvalidRequestError, and writes keep working', async () => {
    const store = new MemoryKeyValueStore();
    await expect(store.writeConfig({ deleteVersionAfter: 8.64e12 })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(store.writeMetadata('k', { deleteVersionAfter: 9e15 })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(store.patchMetadata('k', { deleteVersionAfter: 9_223_372_037 })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(store.write('k', { a: 1 })).resolves.toMatchObject({ version: 1 });
    await expect(store.undelete('k', { versions: [1] })).resolves.toBeUndefined();
    await store.close();
  });
});

function nestedObject(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('report 5: data nested thousands deep gets a short typed error at every door', () => {
  it.each([3000, 5000, 100_000])('library write and patch refuse data %d deep with invalid_data', async (depth) => {
    const store = new MemoryKeyValueStore();
    await store.write('k', { x: 1 });
    for (const attempt of [() => store.write('k', { d: nestedObject(depth) }), () => store.patch('k', { d: nestedObject(depth) })]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(InvalidRequestError.is(error)).toBe(true);
      expect((error as InvalidRequestError).code).toBe('invalid_data');
      expect((error as Error).message).toMatch(/nested more than 512 levels deep/);
      expect((error as Error).message.length).toBeLessThan(200);
    }
    expect((await store.read('k')).data).toEqual({ x: 1 });
    await store.close();
  });

  it.each([3000, 5000, 1_000_000])('HTTP write and patch refuse arrays %d deep with a short 400', async (depth) => {
    const body = `{"data":{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}}`;
    for (const method of ['POST', 'PATCH']) {
      const answer = await s.call(method, '/v1/secret/data/k', { body });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errors: [expect.stringMatching(/nested more than 512 levels deep/)] });
      expect(answer.text.length).toBeLessThan(300);
    }
  });
});

describe('report 7: a body that is not valid JSON is never quoted back', () => {
  it('names the character and offset, not the content', async () => {
    const answer = await s.call('POST', '/v1/secret/data/x', { body: '{"data":{"password":S3CRET-VALUE}}' });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ errors: ["failed to decode JSON input: invalid character 'S' looking for beginning of value (offset 20)"] });
    expect(answer.text).not.toContain('3CRET');
    expect(answer.text).not.toContain('password');
  });

  it('also for PATCH, and for a truncated body (Go\'s "unexpected EOF")', async () => {
    const patch = await s.call('PATCH', '/v1/secret/data/x', { body: '{"data":{"password":"S3CRET-VALUE"' });
    expect(patch.json).toEqual({ errors: ['failed to decode JSON input: unexpected EOF'] });
    const garbage = await s.call('PATCH', '/v1/secret/data/x', { body: '{"data":{"password":"S3CRET\u0001VALUE"}}' });
    expect(garbage.status).toBe(400);
    expect(garbage.text).not.toContain('S3CRET');
  });
});

/**
 * Sends `payload` on a fresh connection and collects everything until the server closes it.
 * `closed` is false when the server had not closed it after `patienceMs` (then it was waiting).
 */
function exchange(url: string, payload: Buffer | string, patienceMs: number): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, patienceMs);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on('error', () => {});
  });
}

/** The one answer on a closed connection, in OpenBao's error shape. */
function onlyAnswer(result: { text: string; closed: boolean }): { status: number; errors: unknown } {
  expect(result.closed).toBe(true);
  const answers = parseResponses(result.text);
  expect(answers).toHaveLength(1);
  const [answer] = answers as [{ status: number; headers: Record<string, string>; body: string }];
  expect(answer.headers['content-type']).toBe('application/json');
  const body = JSON.parse(answer.body) as { errors: unknown };
  expect(Object.keys(body)).toEqual(['errors']);
  return { status: answer.status, errors: body.errors };
}

// A ClientHello's first bytes: record type 0x16 (handshake), TLS 1.0 record version, length, ClientHello.
const CLIENT_HELLO = Buffer.from(`16030100c4010000c00303${'ab'.repeat(32)}00`, 'hex');

describe('report 4: input that is not HTTP gets a prompt answer, never a 90 s wait', () => {
  // The default header timeout is 10 s: an answer within 5 s is an answer to the input itself.
  const PROMPT = 5000;

  it('a TLS handshake (someone used https://) gets a 400 that says to use http://, and the connection is closed', async () => {
    expect(onlyAnswer(await exchange(s.url, CLIENT_HELLO, PROMPT))).toEqual({ status: 400, errors: [TLS_TO_HTTP_MESSAGE] });
    expect(TLS_TO_HTTP_MESSAGE).toMatch(/this is an HTTP server, use http:\/\//);
  });

  it.each<[string, Buffer | string]>([
    ['5,000 NUL bytes', Buffer.alloc(5000)],
    ['a line of text', 'hello world\r\n\r\n'],
    ['binary noise', Buffer.from('00ff13370a0d0a0d', 'hex')],
    ['a space where the method should be', ' /v1/sys/health HTTP/1.1\r\n\r\n'],
  ])('%s gets a prompt JSON 400', async (_name, payload) => {
    expect(onlyAnswer(await exchange(s.url, payload, PROMPT))).toEqual({ status: 400, errors: ['malformed HTTP request'] });
  });

  it("CONNECT gets 405 in OpenBao's shape instead of a silent close", async () => {
    const result = await exchange(s.url, 'CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n', PROMPT);
    expect(onlyAnswer(result)).toEqual({ status: 405, errors: [] });
  });

  it('a 64- and a 65-character method are treated alike: 405 JSON', async () => {
    for (const method of ['M'.repeat(64), 'M'.repeat(65), 'M'.repeat(1000)]) {
      const answer = await exchange(s.url, `${method} /v1/secret/data/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, PROMPT);
      expect(onlyAnswer(answer).status).toBe(405);
    }
  });

  it("an incomplete request head gets 408 after the header timeout (configurable), in OpenBao's shape", async () => {
    const quick = await start({ headerTimeoutMs: 200 });
    try {
      for (const partial of ['GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n', 'LIST /v1/secret/metadata/ HTTP/1.1\r\n', 'GE', '']) {
        expect(onlyAnswer(await exchange(quick.url, partial, PROMPT))).toEqual({ status: 408, errors: ['timed out reading the request'] });
      }
      // A complete request on a quiet connection is not cut short by the timer.
      expect((await quick.call('GET', '/v1/sys/health')).status).toBe(200);
    } finally {
      await quick.server.close();
    }
  });

  it('refuses a header timeout that is not a positive integer', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(start({ headerTimeoutMs: bad })).rejects.toBeInstanceOf(InvalidRequestError);
    }
  });
});
