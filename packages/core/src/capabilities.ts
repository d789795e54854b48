/**
 * What a store supports beyond the core contract. The conformance suite reads this manifest:
 * behaviours that need a capability the store lacks are listed as skipped, never dropped.
 */
export interface StoreCapabilities {
  /**
   * Implements the KV v2 extensions (metadata, deleteLatest, subkeys, config); without it they
   * throw `UnsupportedOperationError`.
   */
  readonly extensions: boolean;
  /** `writeConfig` changes mount-wide behaviour and the suite may change it freely. */
  readonly mountConfig: boolean;
  /** Honours a `now` clock given at creation, so time can be moved in tests. */
  readonly controllableClock: boolean;
}

/** The capabilities of a store that implements only the core contract. */
export const CORE_ONLY: StoreCapabilities = Object.freeze({
  extensions: false,
  mountConfig: false,
  controllableClock: false,
});
