export { MemoryKeyValueStore, type MemoryStoreOptions } from './memory-store.js';
export { EngineKeyValueStore } from './engine/engine-store.js';
export { executeCommand, applyChanges } from './engine/engine.js';
export { isMutation, type Change, type Command, type CommandResult, type CommandResults, type Outcome } from './engine/commands.js';
export { DOCUMENT_FORMAT, emptyDocument, type KeyRecord, type StoreDocument, type VersionRecord } from './engine/document.js';
export { validateDocument } from './engine/document-validation.js';
export { writeFileAtomically, syncFolder, type WrittenFile } from './file/index.js';
export {
  FileKeyValueStore,
  DEFAULT_LOCK_SETTINGS,
  lockRecoveryBoundMs,
  type FileStoreOptions,
  type FileLockOptions,
  type FileLockSettings,
  type EncryptionOptions,
} from './file/index.js';
