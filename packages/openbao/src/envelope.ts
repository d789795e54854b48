import { decodeResponse, unexpected, type WireResponse } from '@kv2/core/wire';
import type { RawResponse } from './transport.js';

/** The envelope of a 2xx answer; an unreadable body is a ServerError (502). */
export function successEnvelope(response: RawResponse): WireResponse {
  const envelope = decodeResponse(response.text);
  if (envelope === undefined) throw unexpected(`the ${response.status} answer is not a JSON object`);
  return envelope;
}

/** The `data` object of a 2xx answer, which must be there. */
export function successData(response: RawResponse): Record<string, unknown> {
  const { data } = successEnvelope(response);
  if (data === null) throw unexpected(`the ${response.status} answer has no data`);
  return data;
}
