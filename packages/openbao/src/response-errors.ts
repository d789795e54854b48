import {
  CheckAndSetError,
  InvalidRequestError,
  isPlainObject,
  PermissionDeniedError,
  RequestTooLargeError,
  SecretNotFoundError,
  ServerError,
  UnsupportedOperationError,
  type CheckAndSetCode,
  type InvalidRequestCode,
  type KvError,
} from '@kv2/core';
import { parseEnvelope, type Envelope } from './envelope.js';
import { displayUrl } from './secrecy.js';
import type { RawResponse } from './transport.js';
import { decodeVersionMetadata } from './wire-decode.js';

// OpenBao's exact messages → kv2 codes. The metadata CAS texts are checked before the data CAS
// texts because "metadata check-and-set parameter required" contains "check-and-set parameter required".
const CAS_MESSAGES: ReadonlyArray<readonly [string, CheckAndSetCode]> = [
  ['metadata check-and-set parameter does not match the current version', 'metadata_cas_mismatch'],
  ['metadata check-and-set parameter required for this call', 'metadata_cas_required'],
  ['metadata_cas must be 0 when creating new metadata', 'metadata_cas_not_zero'],
  ['check-and-set parameter did not match the current version', 'cas_mismatch'],
  ['check-and-set parameter required for this call', 'cas_required'],
];

const INVALID_REQUEST_MESSAGES: ReadonlyArray<readonly [RegExp, InvalidRequestCode]> = [
  [/custom_metadata validation failed/, 'invalid_custom_metadata'],
  [/error parsing check-and-set parameter/, 'invalid_cas'],
  [/^no data provided/m, 'no_data'],
  [/no version number provided/i, 'invalid_versions'],
  [/cannot write to a path ending in '\/'|relative paths not supported|^missing path/m, 'invalid_path'],
  [/refused JSON input due to high complexity/, 'invalid_data'],
  [/Field validation failed/, 'invalid_parameter'],
];

/**
 * The typed error for a non-2xx answer, the same class and code a local store throws in the same
 * situation. `path` is the secret's normalised path, for {@link SecretNotFoundError}.
 */
export function errorFromResponse(response: RawResponse, path: string | undefined): KvError {
  const envelope = parseEnvelope(response.text);
  const messages = envelope?.errors ?? [];
  const text = messages.join('\n');
  if (response.status >= 300 && response.status < 400) return redirected(response);
  switch (response.status) {
    case 400:
      return badRequest(text);
    case 403:
      return new PermissionDeniedError(flatten(messages) || 'permission denied');
    case 404:
      return notFound(envelope, path) ?? new ServerError(404, [...messages.map(flattenOne), ...(envelope?.warnings ?? [])]);
    case 405:
      return new UnsupportedOperationError(flatten(messages) || 'unsupported operation');
    case 413:
      return new RequestTooLargeError(flatten(messages) || 'http: request body too large');
    default:
      return new ServerError(response.status, messages.map(flattenOne));
  }
}

/**
 * A 404 that means "no such secret or version": `{"errors":[]}`, an empty body (PATCH of
 * something missing), or a raw envelope carrying the version's metadata — nested under
 * `data.metadata` (data reads, subkeys) or flat in `data` (PATCH). Undefined for other 404s
 * (no mount, no namespace, not a KV v2 path), which are server errors.
 */
function notFound(envelope: Envelope | undefined, path: string | undefined): SecretNotFoundError | undefined {
  if (path === undefined || envelope === undefined) return undefined;
  const { data } = envelope;
  if (data !== null) {
    const wire = isPlainObject(data.metadata) ? data.metadata : 'version' in data ? data : undefined;
    return wire === undefined ? undefined : new SecretNotFoundError(path, decodeVersionMetadata(wire, 'data.metadata'));
  }
  return (envelope.errors ?? []).length === 0 && envelope.warnings.length === 0 ? new SecretNotFoundError(path) : undefined;
}

// Following a redirect would send the token to another address, possibly another host.
function redirected(response: RawResponse): ServerError {
  const target = response.location === undefined ? 'another address' : displayUrl(response.location);
  return new ServerError(response.status, [
    `the server redirected to ${target}; kv2 does not follow redirects (the token would go along): point baseUrl at the address that answers`,
  ]);
}

function badRequest(text: string): KvError {
  for (const [message, code] of CAS_MESSAGES) {
    if (text.includes(message)) return new CheckAndSetError(code);
  }
  const problems = multiErrorItems(text);
  for (const [pattern, code] of INVALID_REQUEST_MESSAGES) {
    if (pattern.test(text)) return new InvalidRequestError(code === 'invalid_custom_metadata' ? text : problems.join('; '), code, { problems });
  }
  return new InvalidRequestError(problems.join('; ') || 'invalid request', 'invalid_request', { problems });
}

// go-multierror's list format: "2 errors occurred:\n\t* first\n\t* second\n\n".
const MULTI_ERROR_HEAD = /^\d+ errors? occurred:\n/;

/** The individual messages of a go-multierror text, or the text itself. */
function multiErrorItems(text: string): string[] {
  if (!MULTI_ERROR_HEAD.test(text)) return text === '' ? [] : [text];
  return text
    .replace(MULTI_ERROR_HEAD, '')
    .split('\n\t* ')
    .map((item) => item.replace(/^\t\* /, '').trim())
    .filter((item) => item !== '');
}

function flattenOne(message: string): string {
  return multiErrorItems(message).join('; ');
}

function flatten(messages: string[]): string {
  return messages.map(flattenOne).join('; ');
}
