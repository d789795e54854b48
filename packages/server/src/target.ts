import type { IncomingMessage } from 'node:http';
import { isPrintable } from '@kv2/core';
import { HttpError } from './errors.js';
import type { Params } from './request-fields.js';
import { ORIGINAL_METHOD_HEADER } from './request-framer.js';
import { parseBoolSwitch } from './weak-types.js';
import { empty, errors } from './reply.js';

/** OpenBao's logical operations, derived from the HTTP method (and `?list=`/`?scan=`). */
export type Operation = 'read' | 'list' | 'scan' | 'update' | 'patch' | 'delete' | 'head' | 'options';

/** Where a request goes and what it asks for. */
export interface Target {
  /** The logical operation. */
  readonly op: Operation;
  /**
   * The percent-decoded path after `/v1/` (`secret/data/foo`); list and scan requests get a
   * trailing `/`, as OpenBao adds one.
   */
  readonly path: string;
  /** Query parameters (`help` excluded, `list`/`scan` removed when they switched the operation); null when none. */
  readonly query: Params | null;
}

const ESCAPE = /%(?![0-9a-fA-F]{2})/;

/** Go's `unicode.IsPrint`, with a fast path for plain ASCII. */
function printablePath(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return isPrintable(path);
  }
  return true;
}

function decodePath(raw: string): string {
  if (!raw.includes('%')) return raw;
  const bad = ESCAPE.exec(raw);
  if (bad !== null) {
    throw new HttpError(errors(400, [`invalid URL escape ${JSON.stringify(raw.slice(bad.index, bad.index + 3))}`]));
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(errors(400, ['invalid URL escape: not UTF-8']));
  }
}

function parseQuery(raw: string): Record<string, string | string[]> | null {
  const out: Record<string, string | string[]> = {};
  let any = false;
  for (const [key, value] of new URLSearchParams(raw)) {
    if (key === 'help') continue;
    any = true;
    const previous = Object.hasOwn(out, key) ? out[key] : undefined;
    const next = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
    Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return any ? out : null;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function methodOperation(req: IncomingMessage): Operation | 'get' {
  switch (req.method) {
    case 'GET': {
      const original = req.headers[ORIGINAL_METHOD_HEADER];
      if (original === undefined) return 'get';
      const method = (Array.isArray(original) ? (original[0] as string) : original).split(',')[0]?.trim();
      if (method === 'LIST') return 'list';
      if (method === 'SCAN') return 'scan';
      throw new HttpError(errors(405, []));
    }
    case 'POST':
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    case 'HEAD':
      return 'head';
    case 'OPTIONS':
      return 'options';
    default:
      throw new HttpError(errors(405, []));
  }
}

/**
 * Reads the request target as OpenBao's HTTP layer does: only `/v1/…` exists (else 404
 * `{"errors":[]}`); the path is percent-decoded and must be printable (else 400 with an empty
 * body); the method (or `?list=`/`?scan=` on a GET) gives the operation, and unknown methods get
 * 405 `{"errors":[]}`.
 */
export function parseTarget(req: IncomingMessage): Target {
  let url = req.url ?? '/';
  if (!url.startsWith('/')) {
    // Absolute-form targets (through a proxy): keep the path.
    const scheme = url.indexOf('://');
    const slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
    url = slash < 0 ? '/' : url.slice(slash);
  }
  const mark = url.indexOf('?');
  const rawPath = mark < 0 ? url : url.slice(0, mark);
  if (!rawPath.startsWith('/v1/')) throw new HttpError(errors(404, []));
  const decoded = decodePath(rawPath);
  if (!printablePath(decoded)) throw new HttpError(empty(400, false));
  let path = decoded.slice(4);

  const query = mark < 0 || mark === url.length - 1 ? null : parseQuery(url.slice(mark + 1));
  let op = methodOperation(req);
  if (op === 'get') {
    op = 'read';
    if (query !== null) {
      const list = firstValue(query.list);
      const scan = firstValue(query.scan);
      const listOn = list === undefined || list === '' ? false : parseBoolSwitch(list);
      const scanOn = scan === undefined || scan === '' ? false : parseBoolSwitch(scan);
      if (listOn === undefined || scanOn === undefined || (listOn && scanOn)) throw new HttpError(errors(400, []));
      if (listOn) {
        op = 'list';
        delete query.list;
      } else if (scanOn) {
        op = 'scan';
        delete query.scan;
      }
    }
  }
  if ((op === 'list' || op === 'scan') && !path.endsWith('/')) path += '/';
  const params = query !== null && Object.keys(query).length > 0 ? query : null;
  return { op, path, query: params };
}

/** True when a path has a `.` or `..` segment (OpenBao: `relative paths not supported`). */
export function hasDotSegment(path: string): boolean {
  if (!path.includes('.')) return false;
  for (const segment of path.split('/')) if (segment === '.' || segment === '..') return true;
  return false;
}
