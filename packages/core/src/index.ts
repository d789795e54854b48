export { BaseKeyValueStore } from './store.js';
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
export { cloneJsonObject, cloneJsonValue, getOwn, isPlainObject, MAX_JSON_DEPTH, setOwn, type JsonObject, type JsonPrimitive, type JsonValue } from './json.js';
export { applyMergePatch } from './merge-patch.js';
export { isPrintable, normalizeSecretPath, type PathIntent } from './paths.js';
export { compareUtf8 } from './sort.js';
export { durationSeconds, formatDuration, MAX_DURATION_SECONDS, parseDuration } from './durations.js';
export {
  booleanValue,
  casOption,
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
