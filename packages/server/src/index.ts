export { createServer, type KvServer, type ListenOptions, type ServerAddress } from './server.js';
export type { MountSource, ServerLogEntry, ServerLogger, ServerOptions, StoreFactory } from './options.js';
export { DEFAULT_MAX_JSON_STRINGS, DEFAULT_MAX_REQUEST_BYTES } from './body.js';
export { ORIGINAL_METHOD_HEADER } from './request-framer.js';
export { DEFAULT_TUNING, newMountRecord, type MountRecord, type MountTableChange, type MountTableHandler, type MountTuning } from './mount-record.js';
