export { OpenBaoKeyValueStore } from './store.js';
export type { FetchLike, OpenBaoStoreOptions } from './options.js';
export { maskToken } from './secrecy.js';
