import { CheckAndSetError, InvalidRequestError, KvError, SecretNotFoundError } from '@kv2/core';
import { inspect } from 'node:util';
import type { Behaviour } from '../types.js';
import { expectNotFound } from './helpers.js';

const SECRET = 'hunter2-s3cr3t-value';

/** The error model: stable codes, OpenBao statuses, `is()`, no secrets in messages. */
export const errorBehaviours: readonly Behaviour[] = [
  {
    name: 'errors are KvErrors with a stable code and the HTTP status OpenBao answers',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { a: 1 });
      const cases: Array<[string, () => Promise<unknown>, string, number, (e: unknown) => boolean]> = [
        ['not found', () => store.read('missing'), 'secret_not_found', 404, (e) => SecretNotFoundError.is(e)],
        ['cas mismatch', () => store.write('k', { a: 2 }, { cas: 0 }), 'cas_mismatch', 400, (e) => CheckAndSetError.is(e)],
        ['invalid path', () => store.read('a/../b'), 'invalid_path', 400, (e) => InvalidRequestError.is(e)],
        ['invalid data', () => store.write('k', []), 'invalid_data', 400, (e) => InvalidRequestError.is(e)],
        ['no versions', () => store.delete('k', { versions: [] }), 'invalid_versions', 400, (e) => InvalidRequestError.is(e)],
      ];
      for (const [label, action, code, status, isClass] of cases) {
        const error = await assert.rejects(action, KvError, { code, status }, label);
        assert.ok(isClass(error), `${label}: the specific class's is() accepts it`);
        assert.ok(error instanceof Error, `${label}: an Error`);
        assert.equal(typeof error.message, 'string', `${label}: message`);
        assert.equal(error.toJSON(), { name: error.name, code, status, message: error.message }, `${label}: toJSON`);
        assert.ok(!SecretNotFoundError.is(error) || code === 'secret_not_found', `${label}: SecretNotFoundError.is() rejects other errors`);
        assert.ok(!CheckAndSetError.is(error) || code.startsWith('cas'), `${label}: CheckAndSetError.is() rejects other errors`);
      }
    },
  },
  {
    name: 'SecretNotFoundError carries the normalised path, the reason and the version metadata',
    requires: [],
    async run({ store, assert }) {
      const missing = await expectNotFound(store.read('/dir/key/'), 'missing', 'read of a missing key');
      assert.equal(missing.path, 'dir/key', 'path of a missing key');
      await store.write('dir/key', { a: 1 });
      const written = await store.write('dir/key', { a: 2 });
      await store.delete('dir/key', { versions: [2] });
      const deleted = await expectNotFound(store.read('dir/key'), 'deleted', 'read of a deleted version');
      assert.equal(deleted.path, 'dir/key', 'path of a deleted key');
      assert.equal({ ...deleted.metadata, deletionTime: null }, { ...written, deletionTime: null }, 'metadata of the deleted version');
    },
  },
  {
    name: 'secret values never appear in error messages, toJSON or inspect output',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { password: SECRET });
      const failures: Array<() => Promise<unknown>> = [
        () => store.write('k', { password: SECRET }, { cas: 0 }),
        () => store.write('k', { password: SECRET, bad: Number.NaN }),
        () => store.patch('k', { password: SECRET }, { cas: 7 }),
        () => store.read('k', { version: 5 }),
        async () => {
          await store.delete('k', { versions: [1] });
          return store.read('k');
        },
      ];
      for (const [i, failure] of failures.entries()) {
        let text: string | undefined;
        try {
          await failure();
        } catch (error) {
          text = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
        }
        assert.ok(text !== undefined, `call ${i} should have failed`);
        assert.ok(!(text ?? '').includes(SECRET), `call ${i}: the secret value leaked into ${JSON.stringify((text ?? '').slice(0, 300))}`);
      }
    },
  },
];
