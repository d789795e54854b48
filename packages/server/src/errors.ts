import { KvError, ServerError, SecretNotFoundError } from '@kv2/core';
import { formatMultiError } from '@kv2/core/wire';
import { errors, type Reply } from './reply.js';

/** An HTTP-level refusal that is not a store error (bad method, bad path, bad token…). */
export class HttpError extends Error {
  /** The reply to send. */
  readonly reply: Reply;

  constructor(reply: Reply, message = `HTTP ${reply.status}`) {
    super(message);
    this.name = 'HttpError';
    this.reply = reply;
  }
}

/** 405 for an operation the matched endpoint does not support, worded as OpenBao does. */
export function unsupportedOperation(): HttpError {
  return new HttpError(errors(405, [formatMultiError(['unsupported operation'])]), 'unsupported operation');
}

/** What to do with an error nobody expected. */
export interface UnexpectedError {
  /** The reply: always `500 {"errors":["internal error"]}`. */
  reply: Reply;
  /** True: the caller should log it (without secrets). */
  log: true;
}

/**
 * Converts anything a handler threw into OpenBao's status and body. kv2 errors keep their
 * status and message (their messages never contain secrets); server-side failures are
 * worded in go-multierror form as OpenBao's core does; anything else is a bare 500.
 */
export function errorReply(error: unknown): Reply | UnexpectedError {
  if (error instanceof HttpError) return error.reply;
  if (SecretNotFoundError.is(error)) return errors(404, []);
  if (ServerError.is(error)) {
    // An upstream (proxied) server's messages, or the engine's "could not find version data".
    return errors(error.status, error.status >= 500 ? [formatMultiError(error.errors.length > 0 ? error.errors : [error.message])] : error.errors);
  }
  if (KvError.is(error)) {
    if (error.code === 'unsupported_operation') return errors(405, [formatMultiError([error.message])]);
    if (error.status >= 500) return errors(error.status, [formatMultiError([error.message])]);
    return errors(error.status, [error.message]);
  }
  return { reply: errors(500, ['internal error']), log: true };
}

/** True for the result of {@link errorReply} that must be logged. */
export function isUnexpected(result: Reply | UnexpectedError): result is UnexpectedError {
  return 'log' in result;
}
