export { OpenBaoKeyValueStore } from './store.js';
export { OpenBaoClient, type OpenBaoMethod, type OpenBaoResponse } from './client.js';
export type { FetchLike, OpenBaoClientOptions, OpenBaoStoreOptions } from './options.js';
export { maskToken } from './secrecy.js';
