import type { VersionMetadata } from './types.js';
import { CAS_MESSAGES } from './wire/messages.js';

/**
 * Every stable error code kv2 uses. Codes never change once released; messages may.
 * The README has the table with the meaning of each.
 */
export type KvErrorCode =
  | 'secret_not_found'
  | 'cas_mismatch'
  | 'cas_required'
  | 'metadata_cas_mismatch'
  | 'metadata_cas_required'
  | 'metadata_cas_not_zero'
  | 'invalid_request'
  | 'invalid_path'
  | 'invalid_data'
  | 'no_data'
  | 'invalid_versions'
  | 'invalid_cas'
  | 'invalid_parameter'
  | 'invalid_custom_metadata'
  | 'permission_denied'
  | 'unsupported_operation'
  | 'request_too_large'
  | 'store_corrupted'
  | 'store_locked'
  | 'lock_compromised'
  | 'store_closed'
  | 'store_inaccessible'
  | 'encryption_key_required'
  | 'encryption_key_invalid'
  | 'network_error'
  | 'timeout'
  | 'server_error';

// Marks kv2 errors so that `is()` works when two copies of @kv2/core are installed side by side
// (where `instanceof` fails). The value is the class lineage, most derived first.
const BRAND = Symbol.for('@kv2/core:KvError');

/** Options shared by every kv2 error constructor. */
export interface KvErrorOptions {
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/**
 * The base of every error a kv2 store throws. `code` is stable and machine-readable;
 * `status` is the HTTP status OpenBao answers in the same situation.
 */
export class KvError extends Error {
  /** The stable, documented error code. */
  readonly code: KvErrorCode;
  /** The HTTP status OpenBao would answer for this error. */
  readonly status: number;

  /** @param message - human-readable; never contains secret values or tokens. */
  constructor(message: string, code: KvErrorCode, status: number, options?: KvErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.name = new.target.name;
    const lineage: string[] = [];
    for (let p: unknown = new.target; typeof p === 'function' && p !== Error; p = Object.getPrototypeOf(p)) {
      lineage.push((p as { name: string }).name);
    }
    Object.defineProperty(this, BRAND, { value: lineage, enumerable: false });
  }

  /**
   * True when `value` is an error of this class (or a subclass), also across duplicated
   * installs of `@kv2/core`. `KvError.is(e)` accepts any kv2 error,
   * `SecretNotFoundError.is(e)` only that kind.
   */
  static is<T extends KvError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (typeof value !== 'object' || value === null) return false;
    const lineage = (value as { [BRAND]?: unknown })[BRAND];
    return Array.isArray(lineage) && lineage.includes(this.name);
  }

  /** A plain object for logs and wire formats: name, code, status and message only. */
  toJSON(): { name: string; code: KvErrorCode; status: number; message: string } {
    return { name: this.name, code: this.code, status: this.status, message: this.message };
  }
}

/** Why a version could not be read. */
export type NotFoundReason = 'missing' | 'deleted' | 'destroyed';

/**
 * 404: the secret, the version or the metadata does not exist — or the version exists but is
 * soft-deleted or destroyed, in which case `metadata` describes it (as OpenBao's 404 body does).
 */
export class SecretNotFoundError extends KvError {
  /** The normalised path that was asked for. */
  readonly path: string;
  /** `missing` when there is nothing; `deleted`/`destroyed` when the version exists. */
  readonly reason: NotFoundReason;
  /** The version's metadata when it exists but is deleted or destroyed; otherwise null. */
  readonly metadata: VersionMetadata | null;

  constructor(path: string, metadata: VersionMetadata | null = null, options?: KvErrorOptions) {
    const reason: NotFoundReason = metadata === null ? 'missing' : metadata.destroyed ? 'destroyed' : 'deleted';
    const message =
      metadata === null ? `no secret at ${JSON.stringify(path)}` : `version ${metadata.version} of ${JSON.stringify(path)} is ${reason}`;
    super(message, 'secret_not_found', 404, options);
    this.path = path;
    this.reason = reason;
    this.metadata = metadata;
  }
}

/** The codes a {@link CheckAndSetError} can carry. */
export type CheckAndSetCode = 'cas_mismatch' | 'cas_required' | 'metadata_cas_mismatch' | 'metadata_cas_required' | 'metadata_cas_not_zero';

/** 400: a check-and-set condition on data (`cas`) or on metadata (`metadataCas`) failed. */
export class CheckAndSetError extends KvError {
  declare readonly code: CheckAndSetCode;

  /** The message is OpenBao's exact string for `code`. */
  constructor(code: CheckAndSetCode, options?: KvErrorOptions) {
    super(CAS_MESSAGES[code], code, 400, options);
  }
}

/** The codes an {@link InvalidRequestError} can carry. */
export type InvalidRequestCode =
  | 'invalid_request'
  | 'invalid_path'
  | 'invalid_data'
  | 'no_data'
  | 'invalid_versions'
  | 'invalid_cas'
  | 'invalid_parameter'
  | 'invalid_custom_metadata';

/** 400: the request itself is malformed; nothing was changed. */
export class InvalidRequestError extends KvError {
  declare readonly code: InvalidRequestCode;
  /** Each individual problem, when several were found at once (custom metadata validation). */
  readonly problems: readonly string[];

  constructor(message: string, code: InvalidRequestCode = 'invalid_request', options?: KvErrorOptions & { problems?: readonly string[] }) {
    super(message, code, 400, options);
    this.problems = options?.problems ?? [message];
  }
}

/** 403: the token is missing, wrong, or not allowed to do this. */
export class PermissionDeniedError extends KvError {
  constructor(message = 'permission denied', options?: KvErrorOptions) {
    super(message, 'permission_denied', 403, options);
  }
}

/** 405: the store or endpoint does not support this operation. */
export class UnsupportedOperationError extends KvError {
  constructor(message = 'unsupported operation', options?: KvErrorOptions) {
    super(message, 'unsupported_operation', 405, options);
  }
}

/** 413: a request body over the size limit. */
export class RequestTooLargeError extends KvError {
  constructor(message = 'http: request body too large', options?: KvErrorOptions) {
    super(message, 'request_too_large', 413, options);
  }
}

/** 500: a store file that kv2 cannot parse; the file is left exactly as it was. */
export class StoreCorruptedError extends KvError {
  /** The file that could not be read. */
  readonly file: string;

  constructor(file: string, problem: string, options?: KvErrorOptions) {
    super(`store file ${JSON.stringify(file)} is unreadable: ${problem}; it was not modified`, 'store_corrupted', 500, options);
    this.file = file;
  }
}

/**
 * 503: the store cannot be used right now (lock held too long, lock lost, store closed, or its
 * files cannot be opened: no permission, not a regular file, a symbolic link loop).
 */
export class StoreUnavailableError extends KvError {
  declare readonly code: 'store_locked' | 'lock_compromised' | 'store_closed' | 'store_inaccessible';

  constructor(message: string, code: 'store_locked' | 'lock_compromised' | 'store_closed' | 'store_inaccessible', options?: KvErrorOptions) {
    super(message, code, 503, options);
  }
}

/** 500: an encrypted store opened without its key, or with the wrong one; nothing was changed. */
export class EncryptionKeyError extends KvError {
  declare readonly code: 'encryption_key_required' | 'encryption_key_invalid';

  constructor(message: string, code: 'encryption_key_required' | 'encryption_key_invalid', options?: KvErrorOptions) {
    super(message, code, 500, options);
  }
}

/** The request never got an answer: a network failure (502) or a timeout (504). */
export class TransportError extends KvError {
  declare readonly code: 'network_error' | 'timeout';

  constructor(message: string, code: 'network_error' | 'timeout', options?: KvErrorOptions) {
    super(message, code, code === 'timeout' ? 504 : 502, options);
  }
}

/** A server answered with an error that maps to no more specific class (5xx, unexpected bodies). */
export class ServerError extends KvError {
  /** The messages from the server's `errors` array, if any. */
  readonly errors: readonly string[];

  constructor(status: number, errors: readonly string[], options?: KvErrorOptions) {
    super(errors.length > 0 ? errors.join('; ') : `server answered ${status}`, 'server_error', status, options);
    this.errors = errors;
  }
}
