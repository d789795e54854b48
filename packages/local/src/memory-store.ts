import type { MountConfigUpdate, StoreCapabilities } from '@kv2/core';
import type { Command, CommandResult } from './engine/commands.js';
import { emptyDocument, type StoreDocument } from './engine/document.js';
import { applyChanges, executeCommand } from './engine/engine.js';
import { ListingCache } from './engine/listing.js';
import { EngineKeyValueStore } from './engine/engine-store.js';

/** Options for {@link MemoryKeyValueStore}. */
export interface MemoryStoreOptions {
  /** The initial mount configuration (defaults: max 10 versions, no CAS required). */
  config?: MountConfigUpdate | undefined;
  /** The clock; tests pass their own to move time for `deleteVersionAfter`. */
  now?: (() => Date) | undefined;
}

const CAPABILITIES: StoreCapabilities = Object.freeze({ extensions: true, mountConfig: true, controllableClock: true });

/**
 * The KV v2 engine held in memory: a faithful, fast fake of an OpenBao KV v2 mount for tests
 * and offline work. Nothing survives the process; use `FileKeyValueStore` for that.
 *
 * @example
 * ```ts
 * const store = new MemoryKeyValueStore();
 * await store.write('app/db', { password: 's3cr3t' });
 * const { data } = await store.read('app/db');
 * ```
 */
export class MemoryKeyValueStore extends EngineKeyValueStore {
  // Private fields stay out of util.inspect and JSON.stringify: the store holds secrets.
  readonly #doc: StoreDocument;
  readonly #listings = new ListingCache();
  readonly #now: () => Date;

  constructor(options: MemoryStoreOptions = {}) {
    super();
    this.#now = options.now ?? (() => new Date());
    this.#doc = emptyDocument();
    if (options.config !== undefined) {
      applyChanges(this.#doc, executeCommand(this.#doc, { op: 'writeConfig', update: options.config }, this.#now()).changes);
    }
  }

  override get capabilities(): StoreCapabilities {
    return CAPABILITIES;
  }

  protected override async execute<C extends Command>(command: C): Promise<CommandResult<C>> {
    const outcome = executeCommand(this.#doc, command, this.#now(), this.#listings);
    applyChanges(this.#doc, outcome.changes, this.#listings);
    return outcome.result;
  }

  /** A summary without any secret data. */
  override toString(): string {
    return `MemoryKeyValueStore(${Object.keys(this.#doc.keys).length} keys)`;
  }

  toJSON(): { type: string; keys: number } {
    return { type: 'MemoryKeyValueStore', keys: Object.keys(this.#doc.keys).length };
  }
}
