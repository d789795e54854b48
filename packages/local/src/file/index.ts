export { FileKeyValueStore, type FileStoreOptions } from './file-store.js';
export { DEFAULT_LOCK_SETTINGS, lockRecoveryBoundMs, type FileLockOptions, type FileLockSettings } from './lock.js';
export type { EncryptionOptions } from './encryption.js';
export { writeFileAtomically, syncFolder, type WrittenFile } from './atomic-write.js';
