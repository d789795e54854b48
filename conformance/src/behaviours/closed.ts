import { hasKvV2Extensions, KvError, StoreUnavailableError, type BaseKeyValueStore } from '@kv2/core';
import type { Behaviour } from '../types.js';

// What close() means is the store's to say: the contract (BaseKeyValueStore.close) only
// promises that it releases what the store holds, and its default does nothing. A store that
// holds nothing to release (MemoryKeyValueStore, a scoped view) keeps serving; a store that
// does (FileKeyValueStore's files, a client's sockets) refuses. What the suite requires is that
// a store picks one: after close() either every operation still works, or every operation fails
// with StoreUnavailableError `store_closed` (503) — never a raw error, never half-closed.

type Call = readonly [string, (store: BaseKeyValueStore) => Promise<unknown>];

function callsAfterClose(store: BaseKeyValueStore): Call[] {
  const core: Call[] = [
    ['read', (s) => s.read('k')],
    ['write', (s) => s.write('k', { n: 2 })],
    ['patch', (s) => s.patch('k', { m: 1 })],
    ['delete', (s) => s.delete('k', { versions: [1] })],
    ['undelete', (s) => s.undelete('k', { versions: [1] })],
    ['destroy', (s) => s.destroy('k', { versions: [1] })],
    ['list', (s) => s.list('')],
  ];
  if (!hasKvV2Extensions(store)) return core;
  return [
    ...core,
    ['readMetadata', (s) => s.readMetadata('k')],
    ['writeMetadata', (s) => s.writeMetadata('k', { maxVersions: 3 })],
    ['patchMetadata', (s) => s.patchMetadata('k', { casRequired: false })],
    ['subkeys', (s) => s.subkeys('k')],
    ['deleteLatest', (s) => s.deleteLatest('k')],
    ['readConfig', (s) => s.readConfig()],
    ['deleteMetadata', (s) => s.deleteMetadata('k')],
  ];
}

/** The closed-store behaviours. */
export const closedStoreBehaviours: readonly Behaviour[] = [
  {
    name: 'after close() a store either keeps serving or refuses every operation with store_closed (503); a second close() resolves',
    requires: [],
    async run({ store, assert }) {
      await store.write('k', { n: 1 });
      await store.close();
      const outcomes: { op: string; refused: boolean }[] = [];
      for (const [op, call] of callsAfterClose(store)) {
        try {
          await call(store);
          outcomes.push({ op, refused: false });
        } catch (error) {
          if (!StoreUnavailableError.is(error) || (error as KvError).code !== 'store_closed' || (error as KvError).status !== 503) {
            const shown = KvError.is(error) ? `${error.name}(${error.code}, ${error.status})` : String(error);
            assert.fail(`${op} after close(): expected it to work or to fail with StoreUnavailableError (store_closed, 503), got ${shown}`);
          }
          outcomes.push({ op, refused: true });
        }
      }
      const refused = outcomes.filter((o) => o.refused).map((o) => o.op);
      const served = outcomes.filter((o) => !o.refused).map((o) => o.op);
      if (refused.length > 0 && served.length > 0) {
        assert.fail(`half-closed: after close() ${refused.join(', ')} failed with store_closed but ${served.join(', ')} still worked`);
      }
      await store.close();
      assert.ok(true, 'a second close() resolves');
    },
  },
];
