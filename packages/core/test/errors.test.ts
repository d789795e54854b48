import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CheckAndSetError,
  InvalidRequestError,
  KvError,
  PermissionDeniedError,
  SecretNotFoundError,
  TransportError,
  type CheckAndSetCode,
} from '../src/errors.js';

describe('the error model', () => {
  it('gives every error a stable code, an HTTP status, a name and instanceof', () => {
    const error = new CheckAndSetError('cas_mismatch');
    expect(error).toBeInstanceOf(KvError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CheckAndSetError');
    expect(error.code).toBe('cas_mismatch');
    expect(error.status).toBe(400);
    expect(error.message).toBe('check-and-set parameter did not match the current version');
  });

  it.each<[CheckAndSetCode, string]>([
    ['cas_required', 'check-and-set parameter required for this call'],
    ['metadata_cas_mismatch', 'metadata check-and-set parameter does not match the current version'],
    ['metadata_cas_required', 'metadata check-and-set parameter required for this call'],
    ['metadata_cas_not_zero', 'metadata_cas must be 0 when creating new metadata'],
  ])('uses OpenBao’s message for %s', (code, message) => {
    expect(new CheckAndSetError(code).message).toBe(message);
  });

  it('recognises errors by brand, also from another copy of the library', () => {
    const foreign = Object.assign(new Error('x'), { code: 'secret_not_found', status: 404 });
    Object.defineProperty(foreign, Symbol.for('@kv2/core:KvError'), { value: ['SecretNotFoundError', 'KvError'] });
    expect(SecretNotFoundError.is(foreign)).toBe(true);
    expect(KvError.is(foreign)).toBe(true);
    expect(CheckAndSetError.is(foreign)).toBe(false);
    expect(KvError.is(new Error('plain'))).toBe(false);
    expect(KvError.is(null)).toBe(false);
    expect(KvError.is({ code: 'secret_not_found' })).toBe(false);
  });

  it('narrows subclasses: is() of a class accepts only that class and its subclasses', () => {
    const notFound = new SecretNotFoundError('a');
    expect(SecretNotFoundError.is(notFound)).toBe(true);
    expect(InvalidRequestError.is(notFound)).toBe(false);
    expect(KvError.is(notFound)).toBe(true);
  });

  it('describes a deleted version in a not-found error, with its metadata', () => {
    const metadata = { version: 3, createdTime: new Date(0), deletionTime: new Date(1), destroyed: false, customMetadata: null };
    const error = new SecretNotFoundError('a/b', metadata);
    expect(error.reason).toBe('deleted');
    expect(error.metadata).toBe(metadata);
    expect(error.status).toBe(404);
    expect(new SecretNotFoundError('a/b', { ...metadata, destroyed: true }).reason).toBe('destroyed');
    expect(new SecretNotFoundError('a/b').reason).toBe('missing');
  });

  it('keeps the cause, and serialises to name, code, status and message only', () => {
    const cause = new Error('socket hang up');
    const error = new TransportError('request to http://127.0.0.1:1/ failed', 'network_error', { cause });
    expect(error.cause).toBe(cause);
    expect(error.status).toBe(502);
    expect(new TransportError('slow', 'timeout').status).toBe(504);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'TransportError',
      code: 'network_error',
      status: 502,
      message: 'request to http://127.0.0.1:1/ failed',
    });
  });

  it('lists every problem of a multi-problem request', () => {
    const error = new InvalidRequestError('2 errors occurred', 'invalid_custom_metadata', { problems: ['a', 'b'] });
    expect(error.problems).toEqual(['a', 'b']);
    expect(new InvalidRequestError('one').problems).toEqual(['one']);
    expect(new PermissionDeniedError().message).toBe('permission denied');
    expect(inspect(new PermissionDeniedError())).toContain('permission_denied');
  });
});
