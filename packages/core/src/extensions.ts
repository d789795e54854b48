import type { ExtensionOperation } from './operations.js';
import type { BaseKeyValueStore } from './store.js';

/**
 * The KV v2 operations beyond the core contract: metadata, `deleteLatest`, `subkeys` and the
 * mount config. They are methods of {@link BaseKeyValueStore}; a store opts in by declaring
 * `capabilities.extensions` and overriding their hooks.
 */
export type KvV2Extensions = Pick<BaseKeyValueStore, ExtensionOperation>;

/**
 * A store used for the whole KV v2 surface. Every store has the methods; one that does not
 * declare the extensions answers them with {@link UnsupportedOperationError}.
 */
export type KvV2Store = BaseKeyValueStore;

/** True when the store declares the {@link KvV2Extensions} (its extension methods then work). */
export function hasKvV2Extensions(store: BaseKeyValueStore): boolean {
  return store.capabilities.extensions;
}
