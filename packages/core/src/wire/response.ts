import { isPlainObject } from '../json.js';
import { goEscape } from './go-json.js';

// OpenBao's response envelope (`logical.HTTPResponse`), written by kv2's server and read by the
// adapter, and the object `bao ... -format=json` prints (the API client's `Secret`), which the
// CLI writes. The envelope is a Go struct, so its members are in struct order, not sorted.

/** What {@link encodeResponse} needs besides the data. */
export interface ResponseParts {
  /** A fresh request id (OpenBao: a UUID per request). */
  requestId: string;
  /** The `data` member as JSON text (Go's order, see goJson), or null. */
  dataJson: string | null;
  /** OpenBao writes no warnings as `null`. */
  warnings: readonly string[] | null;
  /**
   * True for normal responses (Go's `json.Encoder` adds a newline), false for the raw 404
   * bodies OpenBao builds with `json.Marshal`.
   */
  trailingNewline: boolean;
}

/** OpenBao's response envelope as text, HTML-unsafe characters escaped as Go does. */
export function encodeResponse(parts: ResponseParts): string {
  return goEscape(
    `{"request_id":${JSON.stringify(parts.requestId)},"lease_id":"","renewable":false,"lease_duration":0,` +
      `"data":${parts.dataJson ?? 'null'},"wrap_info":null,"warnings":${warningsJson(parts.warnings)},"auth":null}` +
      (parts.trailingNewline ? '\n' : ''),
  );
}

function warningsJson(warnings: readonly string[] | null): string {
  return warnings === null || warnings.length === 0 ? 'null' : JSON.stringify(warnings);
}

/** OpenBao's error body: `{"errors":[…]}` and a newline. */
export function encodeErrors(messages: readonly string[]): string {
  return goEscape(`{"errors":${JSON.stringify(messages)}}\n`);
}

/** OpenBao's response envelope, reduced to what a client reads. */
export interface WireResponse {
  /** The `data` member: an object, or null when absent or not an object. */
  data: Record<string, unknown> | null;
  /** The string `warnings`; `[]` when none. */
  warnings: string[];
  /** The string `errors`; undefined when the body has none (success bodies, raw 404 envelopes). */
  errors: string[] | undefined;
}

/**
 * Reads a response body. An empty body gives an empty response; a body that is not a JSON
 * object gives undefined (proxies answer HTML, servers can crash mid-body).
 */
export function decodeResponse(text: string): WireResponse | undefined {
  if (text.trim() === '') return { data: null, warnings: [], errors: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(body)) return undefined;
  return {
    data: isPlainObject(body.data) ? body.data : null,
    warnings: strings(body.warnings),
    errors: body.errors === undefined ? undefined : strings(body.errors),
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * The object `bao ... -format=json` prints for a response: the API client's `Secret` in its
 * struct order, without `auth` and `wrap_info` (empty for kv commands, and omitted when empty).
 */
export function cliSecret(requestId: string, data: unknown, warnings: readonly string[] = []): Record<string, unknown> {
  return {
    request_id: requestId,
    lease_id: '',
    lease_duration: 0,
    renewable: false,
    data,
    warnings: warnings.length > 0 ? [...warnings] : null,
  };
}
