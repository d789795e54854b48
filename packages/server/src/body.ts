import type { IncomingMessage } from 'node:http';
import { InvalidRequestError, RequestTooLargeError } from '@kv2/core';
import type { Params } from './request-fields.js';
import { describeJsonSyntaxError } from '@kv2/core';

/** OpenBao's default `max_request_size`: 32 MiB. */
export const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** OpenBao's default `max_request_json_strings`. */
export const DEFAULT_MAX_JSON_STRINGS = 1000;

const EMPTY = Buffer.alloc(0);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The client went away before its request body was complete: there is nobody to answer. */
export class RequestAbortedError extends Error {
  constructor() {
    super('the client aborted the request');
    this.name = 'RequestAbortedError';
  }
}

/**
 * True when the declared `Content-Length` already exceeds the limit, so the request can be
 * refused before a single body byte is read.
 */
export function declaresTooLarge(req: IncomingMessage, limit: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > limit;
}

/**
 * Reads the whole request body, refusing it with a 413 as soon as it grows past `limit` bytes:
 * nothing beyond the limit is ever buffered, and a too-large `Content-Length` is refused
 * before reading at all.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaresTooLarge(req, limit)) return Promise.reject(new RequestTooLargeError());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        reject(new RequestTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size));
    };
    const onAborted = (): void => {
      cleanup();
      reject(new RequestAbortedError());
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onClose);
    };
    const onClose = (): void => {
      if (!req.complete) onAborted();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onClose);
  });
}

/**
 * Counts the JSON strings (object keys and string values) in `body` without parsing it, stopping
 * at `max + 1`. Only the quote characters are visited (`indexOf` is native), so even a 32 MiB
 * body costs little. Malformed JSON is counted approximately; the parser rejects it next.
 */
export function countJsonStrings(body: Buffer, max: number): number {
  let count = 0;
  let open = body.indexOf(QUOTE);
  while (open >= 0) {
    count += 1;
    if (count > max) return count;
    let close = body.indexOf(QUOTE, open + 1);
    while (close >= 0 && isEscaped(body, close)) close = body.indexOf(QUOTE, close + 1);
    if (close < 0) return count;
    open = body.indexOf(QUOTE, close + 1);
  }
  return count;
}

function isEscaped(body: Buffer, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && body[i] === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

function firstSignificantByte(body: Buffer): number | undefined {
  for (const byte of body) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte;
  }
  return undefined;
}

// Go's encoding/json names the JSON kind it could not put into a map.
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** How to read a write body. */
export interface BodyOptions {
  /** The `Content-Type` header, if any. */
  contentType: string | undefined;
  /** True for PATCH, whose body is always JSON (no form fallback). */
  jsonOnly: boolean;
  /** The JSON string limit (1000 in OpenBao). */
  maxJsonStrings: number;
}

/**
 * Turns a write body into request parameters as OpenBao does: empty (or `null`) is "no
 * parameters"; a form when the content type says so and the body does not look like JSON;
 * otherwise a JSON object. Errors are OpenBao's 400 texts.
 */
export function parseBody(body: Buffer, options: BodyOptions): Params | null {
  if (body.length === 0) return null;
  const first = firstSignificantByte(body);
  if (first === undefined) return null;
  if (!options.jsonOnly && first !== 0x7b && first !== 0x5b && isFormContentType(options.contentType)) {
    return parseForm(body.toString('utf8'));
  }
  if (countJsonStrings(body, options.maxJsonStrings) > options.maxJsonStrings) {
    throw new InvalidRequestError('refused JSON input due to high complexity: exceeded maximum number of strings', 'invalid_request');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // Never V8's message: it quotes the body around the error, secrets included.
    throw new InvalidRequestError(`failed to decode JSON input: ${describeJsonSyntaxError(body)}`, 'invalid_request');
  }
  if (parsed === null) return null;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidRequestError(
      `failed to decode JSON input: json: cannot unmarshal ${jsonKind(parsed)} into Go value of type map[string]interface {}`,
      'invalid_request',
    );
  }
  return parsed as Params;
}

function isFormContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded';
}

// Repeated form fields are joined with commas, as OpenBao's parseFormRequest does.
function parseForm(text: string): Params | null {
  const fields = new URLSearchParams(text);
  const out: Record<string, string> = {};
  let any = false;
  for (const [key, value] of fields) {
    any = true;
    const previous = Object.hasOwn(out, key) ? out[key] : undefined;
    Object.defineProperty(out, key, {
      value: previous === undefined ? value : `${previous},${value}`,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return any ? out : null;
}

/**
 * The media type of a PATCH request, checked as OpenBao does: missing → 400 `mime: no media
 * type`; anything but `application/merge-patch+json` (parameters allowed) → 415.
 */
export function checkPatchContentType(contentType: string | undefined): { status: number; message: string } | null {
  const raw = contentType ?? '';
  const semicolon = raw.indexOf(';');
  const mediaType = (semicolon < 0 ? raw : raw.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === '') return { status: 400, message: 'mime: no media type' };
  if (mediaType === 'application/merge-patch+json') return null;
  return {
    status: 415,
    message: `PATCH requires Content-Type of application/merge-patch+json, provided ${mediaType}`,
  };
}
