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
import {
  CAS_MESSAGES,
  decodeResponse,
  decodeVersionMetadata,
  multiErrorItems,
  PATH_MESSAGES,
  REQUEST_MESSAGES,
  type WireResponse,
} from '@kv2/core/wire';
import { displayUrl } from './secrecy.js';
import type { RawResponse } from './transport.js';

// OpenBao's exact messages → kv2 codes. The codec lists the metadata CAS texts before the data CAS
// texts, since "metadata check-and-set parameter required" contains "check-and-set parameter required".
const CAS_CODES = Object.entries(CAS_MESSAGES).map(([code, message]) => [message, code as CheckAndSetCode] as const);

type TextTest = (text: string) => boolean;

function contains(message: string): TextTest {
  return (text) => text.includes(message);
}

// For short texts that other messages could contain: only a message that starts a line counts.
function startsLine(message: string): TextTest {
  return (text) => text.split('\n').some((line) => line.startsWith(message));
}

const INVALID_REQUEST_MESSAGES: ReadonlyArray<readonly [TextTest, InvalidRequestCode]> = [
  [contains(REQUEST_MESSAGES.customMetadata), 'invalid_custom_metadata'],
  [contains(REQUEST_MESSAGES.invalidCas), 'invalid_cas'],
  [startsLine(REQUEST_MESSAGES.noData), 'no_data'],
  // delete and undelete say "No version number provided", destroy "no version…".
  [(text) => text.toLowerCase().includes(REQUEST_MESSAGES.noVersions), 'invalid_versions'],
  [
    (text) => text.includes(PATH_MESSAGES.trailingSlash) || text.includes(PATH_MESSAGES.relative) || startsLine(PATH_MESSAGES.missing)(text),
    'invalid_path',
  ],
  [contains(REQUEST_MESSAGES.jsonComplexity), 'invalid_data'],
  [contains(REQUEST_MESSAGES.fieldValidation), 'invalid_parameter'],
];

/**
 * The typed error for a non-2xx answer, the same class and code a local store throws in the same
 * situation. `path` is the secret's normalised path, for {@link SecretNotFoundError}.
 */
export function errorFromResponse(response: RawResponse, path: string | undefined): KvError {
  const envelope = decodeResponse(response.text);
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
function notFound(envelope: WireResponse | undefined, path: string | undefined): SecretNotFoundError | undefined {
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
    `the server redirected to ${target}; kv2 does not follow redirects (the token would go along): point the server address (baseUrl, BAO_ADDR) at the one that answers`,
  ]);
}

function badRequest(text: string): KvError {
  for (const [message, code] of CAS_CODES) {
    if (text.includes(message)) return new CheckAndSetError(code);
  }
  const problems = multiErrorItems(text);
  for (const [matches, code] of INVALID_REQUEST_MESSAGES) {
    if (matches(text)) return new InvalidRequestError(code === 'invalid_custom_metadata' ? text : problems.join('; '), code, { problems });
  }
  return new InvalidRequestError(problems.join('; ') || 'invalid request', 'invalid_request', { problems });
}

function flattenOne(message: string): string {
  return multiErrorItems(message).join('; ');
}

function flatten(messages: string[]): string {
  return messages.map(flattenOne).join('; ');
}
