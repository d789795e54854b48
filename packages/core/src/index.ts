export { BaseKeyValueStore, requireExtensions } from './store.js';
export {
  FaultInjector,
  faultErrors,
  faultPathPattern,
  type FaultCall,
  type FaultCallRecord,
  type FaultHandle,
  type FaultInjectorOptions,
  type FaultPathPattern,
  type FaultRule,
} from './faults.js';
export {
  EXTENSION_OPERATION_NAMES,
  isStoreOperation,
  STORE_OPERATION_NAMES,
  STORE_OPERATIONS,
  type CoreOperation,
  type ExtensionOperation,
  type OperationArgs,
  type OperationGroup,
  type OperationInfo,
  type OperationKind,
  type OperationResults,
  type StoreOperation,
} from './operations.js';
export { deleteKeysUnder, walkKeys } from './walk.js';
export { hasKvV2Extensions, type KvV2Extensions, type KvV2Store } from './extensions.js';
export { CORE_ONLY, type StoreCapabilities } from './capabilities.js';
export type {
  KeyMetadata,
  MetadataPatch,
  MetadataUpdate,
  MetadataWriteResult,
  MountConfig,
  MountConfigUpdate,
  ReadOptions,
  Secret,
  SecretData,
  Subkeys,
  SubkeysOptions,
  VersionMetadata,
  VersionState,
  VersionsOptions,
  WriteOptions,
} from './types.js';
export {
  CheckAndSetError,
  EncryptionKeyError,
  InvalidRequestError,
  KvError,
  PermissionDeniedError,
  RequestTooLargeError,
  SecretNotFoundError,
  ServerError,
  StoreCorruptedError,
  StoreUnavailableError,
  TransportError,
  UnsupportedOperationError,
  type CheckAndSetCode,
  type InvalidRequestCode,
  type KvErrorCode,
  type KvErrorOptions,
  type NotFoundReason,
} from './errors.js';
export {
  cloneJsonObject,
  cloneJsonValue,
  getOwn,
  isPlainObject,
  MAX_JSON_DEPTH,
  setOwn,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from './json.js';
export { applyMergePatch } from './merge-patch.js';
export { isPrintable, normalizeSecretPath, type PathIntent } from './paths.js';
export { compareUtf8 } from './sort.js';
export { isDeletedAt } from './deletion.js';
export { describeJsonSyntaxError } from './json-syntax.js';
export { durationSeconds, formatDuration, MAX_DURATION_SECONDS, parseDuration } from './durations.js';
export { DEFAULT_MOUNT_CONFIG, UINT32_MAX } from './constants.js';
export {
  booleanValue,
  casOption,
  changesNoField,
  checkedConfigUpdate,
  checkedMetadataPatch,
  checkedMetadataUpdate,
  keyDeleteAfter,
  maxVersionsValue,
  mountDeleteAfter,
  objectParameter,
  optionalCount,
  optionalInteger,
  secretData,
  versionList,
} from './inputs.js';
export { validateCustomMetadata } from './custom-metadata.js';
