import { InvalidRequestError } from '@kv2/core';
import { MemoryKeyValueStore } from '@kv2/local';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { start, type Running } from './helpers.js';

// Each test here reproduces one report of issue 12 (hostile input) before its fix.

let s: Running;
beforeEach(async () => {
  s = await start();
});
afterEach(async () => {
  await s.server.close();
});

describe('report 1: a duration beyond Go\'s int64 nanoseconds is refused, never stored', () => {
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
