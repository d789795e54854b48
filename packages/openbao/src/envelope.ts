import { isPlainObject, ServerError } from '@kv2/core';
import type { RawResponse } from './transport.js';

/** OpenBao's response envelope, reduced to what kv2 reads. */
export interface Envelope {
  /** The `data` field: an object, or null when absent/null. */
  data: Record<string, unknown> | null;
  warnings: string[];
  /** The `errors` field; undefined when the body has none (success bodies, raw 404 envelopes). */
  errors: string[] | undefined;
}

/**
 * Parses a body into an {@link Envelope}. An empty body gives an empty envelope; a body that is
 * not a JSON object gives undefined (proxies answer HTML, servers can crash mid-body).
 */
export function parseEnvelope(text: string): Envelope | undefined {
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

/** The envelope of a 2xx answer; an unreadable body is a {@link ServerError} (502). */
export function successEnvelope(response: RawResponse): Envelope {
  const envelope = parseEnvelope(response.text);
  if (envelope === undefined) throw unexpected(`the ${response.status} answer is not a JSON object`);
  return envelope;
}

/** The `data` object of a 2xx answer, which must be there. */
export function successData(response: RawResponse): Record<string, unknown> {
  const { data } = successEnvelope(response);
  if (data === null) throw unexpected(`the ${response.status} answer has no data`);
  return data;
}

/** A {@link ServerError} (502) for an answer kv2 cannot interpret. */
export function unexpected(problem: string): ServerError {
  return new ServerError(502, [`unexpected answer from the server: ${problem}`]);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
