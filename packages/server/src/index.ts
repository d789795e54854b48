export { createServer, type KvServer, type ListenOptions, type ServerAddress } from './server.js';
export type { InitialToken, MountSource, ServerLogEntry, ServerLogger, ServerOptions, StoreFactory } from './options.js';
export type { AuthStorage } from './acl/tokens.js';
export { fileAuthStorage, type AuthEncryption, type FileAuthStorageOptions } from './acl/file-storage.js';
export { parsePolicyText, PolicyParseError, DEFAULT_POLICY_TEXT, type Capability, type PathRule } from './acl/policy.js';
export { Acl, type AclOperation, type AclDecision } from './acl/acl.js';
export { DEFAULT_MAX_JSON_STRINGS, DEFAULT_MAX_REQUEST_BYTES } from './body.js';
export { ORIGINAL_METHOD_HEADER } from './request-framer.js';
export { DEFAULT_TUNING, newMountRecord, type MountRecord, type MountTableChange, type MountTableHandler, type MountTuning } from './mount-record.js';
