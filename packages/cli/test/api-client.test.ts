import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kv2InProcess, removeTempDir, tempDir } from './helpers.js';

// The one client of the server-only commands (policy, token, fault, secrets), seen from a server
// that records what it was sent and answers what the test sets.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

let dir: string;
let server: Server;
let address: string;
let seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{}' };
let redirectTo: string | undefined;
let cutBody = false;

beforeAll(async () => {
  dir = await tempDir();
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      if (cutBody) {
        // Headers promising more than is sent, then the connection closes.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' }).write('{"data":');
        res.socket?.destroy();
        return;
      }
      res
        .writeHead(answer.status, { 'Content-Type': 'application/json', ...(redirectTo === undefined ? {} : { Location: redirectTo }) })
        .end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await removeTempDir(dir);
});
beforeEach(() => {
  seen = [];
  answer = { status: 200, body: '{}' };
});

const TOKEN = 's.client-test-token';

function run(args: string[], env: Record<string, string> = { BAO_ADDR: address, BAO_TOKEN: TOKEN }) {
  return kv2InProcess(args, { cwd: dir, env });
}

describe('ApiClient (policy, token, fault, secrets)', () => {
  it("percent-encodes each path segment (a ? too), lists as bao's client does, and sends the token and namespace headers", async () => {
    answer = { status: 204, body: '' };
    expect((await run(['policy', 'delete', 'a b?c'])).code).toBe(0);
    answer = { status: 200, body: '{"data":{"keys":["x"]}}' };
    expect(await run(['policy', 'list', '-namespace=team/a'])).toMatchObject({ code: 0, stdout: 'x\n' });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['DELETE /v1/sys/policies/acl/a%20b%3Fc', 'GET /v1/sys/policies/acl?list=true']);
    expect(seen[1]?.headers['x-vault-token']).toBe(TOKEN);
    expect(seen[1]?.headers['x-vault-namespace']).toBe('team/a');
    expect(seen[1]?.headers['x-vault-request']).toBe('true');
    expect(seen[0]?.headers['x-vault-namespace']).toBeUndefined();
    // An empty -namespace= is the root namespace, also over BAO_NAMESPACE, as in bao.
    expect((await run(['policy', 'list', '-namespace='], { BAO_ADDR: address, BAO_TOKEN: TOKEN, BAO_NAMESPACE: 'team' })).code).toBe(0);
    expect(seen[2]?.headers['x-vault-namespace']).toBeUndefined();
  });

  it("an error answer is bao's message on a line of its own, exit 1, and never shows the token", async () => {
    answer = { status: 403, body: '{"errors":["permission denied"]}' };
    const result = await run(['secrets', 'list']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error listing secrets engines: Error making API request.\n\nURL: GET ${address}/v1/sys/mounts\nCode: 403. Errors:\n\n* permission denied\n`,
    });
    answer = { status: 500, body: 'not json' };
    const odd = await run(['token', 'lookup']);
    expect(odd.code).toBe(1);
    expect(odd.stderr).toContain('Code: 500. Errors:\n');
    expect(odd.stderr + odd.stdout).not.toContain(TOKEN);
  });

  it('refuses to start without a server, a token, or with an address that is not a URL, and sends nothing', async () => {
    expect(await run(['secrets', 'list'], { BAO_TOKEN: TOKEN })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no server: set BAO_ADDR') as unknown,
    });
    expect(await run(['policy', 'list'], { BAO_ADDR: address })).toMatchObject({ code: 1, stderr: expect.stringContaining('no token') as unknown });
    expect(await run(['fault', 'list'], { BAO_ADDR: 'not a url', BAO_TOKEN: TOKEN })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the server address (baseUrl, BAO_ADDR) must be an absolute http(s) URL') as unknown,
    });
    expect(seen).toEqual([]);
  });

  it('a server that cannot be reached is named by its address only', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await run(['secrets', 'list'], { BAO_ADDR: `http://127.0.0.1:${port}`, BAO_TOKEN: TOKEN });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`network error: GET http://127.0.0.1:${port}/v1/sys/mounts failed`);
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('refuses an address with credentials or without http(s), never echoing the password', async () => {
    const withPassword = await run(['secrets', 'list'], { BAO_ADDR: 'http://admin:hunter2@127.0.0.1:1', BAO_TOKEN: TOKEN });
    expect(withPassword.code).toBe(1);
    expect(withPassword.stderr).toContain('must not contain credentials');
    expect(withPassword.stderr).not.toContain('hunter2');
    const bare = await run(['policy', 'list'], { BAO_ADDR: 'localhost:8200', BAO_TOKEN: TOKEN });
    expect(bare).toMatchObject({ code: 1, stderr: expect.stringContaining('must use http or https') as unknown });
    expect(seen).toEqual([]);
  });

  it('does not follow a redirect (the token would go along) and says where it pointed', async () => {
    answer = { status: 307, body: '' };
    const elsewhere = createServer((req, res) => res.end('{}'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/v1/sys/mounts`;
    let reached = false;
    elsewhere.on('request', () => (reached = true));
    redirectTo = target;
    try {
      const result = await run(['secrets', 'list']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`was redirected to ${target}; kv2 does not follow redirects`);
      // The kv commands' mount lookup and the store do not follow it either.
      expect((await run(['kv', 'get', 'secret/x'])).code).toBe(1);
      expect(reached).toBe(false);
    } finally {
      redirectTo = undefined;
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('an answer cut off in its body is a network error naming the address, not a bare "terminated"', async () => {
    cutBody = true;
    try {
      const result = await run(['secrets', 'list']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`network error: GET ${address}/v1/sys/mounts failed`);
    } finally {
      cutBody = false;
    }
  });

  it('policy write of a file that cannot be read says so as bao does, and sends nothing', async () => {
    expect(await run(['policy', 'write', 'app', ' missing.hcl '])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error opening policy file: open missing.hcl: no such file or directory\n',
    });
    expect(await run(['policy', 'write', 'app', '.'])).toMatchObject({ code: 1, stderr: 'Error reading policy: read .: is a directory\n' });
    expect(seen).toEqual([]);
  });
});
