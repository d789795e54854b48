import { METHODS } from 'node:http';

/**
 * The header added to a rewritten request. Its value is the method the client really sent
 * (`LIST`, `SCAN`, or any other token Node's parser does not know).
 */
export const ORIGINAL_METHOD_HEADER = 'x-kv2-original-method';

// Node's HTTP parser (llhttp) knows a fixed list of methods and answers everything else with a
// 400 before any handler runs — including LIST, which curl, hvac, node-vault and the bao CLI
// send. The framer sits between the socket and the parser: it follows the byte stream request
// by request (heads, Content-Length bodies, chunked bodies) and rewrites the request line of a
// request whose method the parser does not know to `GET`, adding ORIGINAL_METHOD_HEADER. Bodies
// are never touched, and on anything it does not fully understand the framer stops rewriting
// and passes the bytes through unchanged (the parser then answers 400 as it would anyway).

const KNOWN_METHODS: ReadonlySet<string> = new Set(METHODS);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^[0-9]{1,15}$/;
const HEX = /^[0-9a-fA-F]{1,13}$/;
/** Heads larger than this are not interpreted (Node's own limit is 16 KiB; it answers 431). */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 16 * 1024;
/**
 * Longer methods are not rewritten (Node's parser then refuses the request). Go has no limit of
 * its own below the head size, so any plausible length gets the same 405 as a short one.
 */
export const MAX_METHOD_BYTES = 1024;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

const HEAD = 0;
const BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_DATA_END = 4;
const TRAILERS = 5;
const PASSTHROUGH = 6;
type State = typeof HEAD | typeof BODY | typeof CHUNK_SIZE | typeof CHUNK_DATA | typeof CHUNK_DATA_END | typeof TRAILERS | typeof PASSTHROUGH;

const GET = Buffer.from('GET', 'latin1');

// RFC 9110 token characters, the only bytes a method may contain.
const TOKEN_BYTE = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TOKEN_BYTE[c.charCodeAt(0)] = 1;

/**
 * False when `buf[start, end)` cannot be the start of a request line: a byte that is not a token
 * character before the first space, an empty method, or a method longer than MAX_METHOD_BYTES.
 * Input that is not HTTP (a TLS handshake, NUL bytes, a binary protocol) is then forwarded to
 * the parser at once, which refuses it, instead of being held while waiting for a line end.
 */
function couldBeRequestLine(buf: Buffer, start: number, end: number): boolean {
  const limit = Math.min(end, start + MAX_METHOD_BYTES + 1);
  for (let i = start; i < limit; i++) {
    const c = buf[i] as number;
    if (c === SP) return i > start;
    if (TOKEN_BYTE[c] !== 1) return false;
  }
  return limit - start <= MAX_METHOD_BYTES;
}

/**
 * Finds the end of a request head in `buf[from, limit)`: the index just past the line feed of
 * the first empty line after `headStart`, or -1 with `lineStart` set to where scanning can
 * resume. Lines may end in CRLF or a bare LF.
 */
function findHeadEnd(buf: Buffer, headStart: number, from: number, limit: number): { end: number; lineStart: number } {
  let lineStart = from;
  for (;;) {
    const nl = buf.indexOf(LF, lineStart);
    if (nl < 0 || nl >= limit) return { end: -1, lineStart };
    const length = nl - lineStart - (nl > lineStart && buf[nl - 1] === CR ? 1 : 0);
    if (length === 0 && lineStart > headStart) return { end: nl + 1, lineStart };
    lineStart = nl + 1;
  }
}

function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === SP || text.charCodeAt(start) === HT)) start++;
  while (end > start && (text.charCodeAt(end - 1) === SP || text.charCodeAt(end - 1) === HT)) end--;
  return text.slice(start, end);
}

/** What a request head says about the bytes that follow it. */
interface HeadInfo {
  /** The rewritten head, or null to forward it unchanged. */
  rewritten: Buffer | null;
  /** The state after the head. */
  next: State;
  /** Body bytes to skip in state BODY. */
  length: number;
}

/**
 * Reads one request head: its method (rewritten when the parser would refuse it) and the
 * framing of its body. Anything ambiguous — duplicate or malformed Content-Length, a
 * Transfer-Encoding that is not chunked-last, both at once, folded header lines, an Upgrade
 * or CONNECT — ends interpretation for the connection.
 */
function readHead(head: Buffer): HeadInfo {
  const firstLf = head.indexOf(LF);
  const space = head.indexOf(SP);
  if (space <= 0 || space > firstLf || space > MAX_METHOD_BYTES) return { rewritten: null, next: PASSTHROUGH, length: 0 };
  const method = head.toString('latin1', 0, space);
  const known = KNOWN_METHODS.has(method);
  if (!known && !TOKEN.test(method)) return { rewritten: null, next: PASSTHROUGH, length: 0 };

  let contentLength = -1;
  let transferEncoding: string | undefined;
  let ambiguous = method === 'CONNECT';
  let lineStart = firstLf + 1;
  while (lineStart < head.length) {
    const nl = head.indexOf(LF, lineStart);
    const lineEnd = nl > lineStart && head[nl - 1] === CR ? nl - 1 : nl;
    if (lineEnd <= lineStart) break;
    const first = head[lineStart];
    if (first === SP || first === HT) {
      ambiguous = true;
    } else {
      const colon = head.indexOf(COLON, lineStart);
      const nameLength = colon < 0 || colon > lineEnd ? -1 : colon - lineStart;
      if (nameLength === 14 || nameLength === 17 || nameLength === 7) {
        const name = head.toString('latin1', lineStart, colon).toLowerCase();
        const value = trimOws(head.toString('latin1', colon + 1, lineEnd));
        if (name === 'content-length') {
          if (contentLength >= 0 || !DIGITS.test(value)) ambiguous = true;
          else contentLength = Number(value);
        } else if (name === 'transfer-encoding') {
          if (transferEncoding !== undefined) ambiguous = true;
          transferEncoding = value.toLowerCase();
        } else if (name === 'upgrade') {
          ambiguous = true;
        }
      }
    }
    lineStart = nl + 1;
  }

  let next: State = HEAD;
  let length = 0;
  if (ambiguous) {
    next = PASSTHROUGH;
  } else if (transferEncoding !== undefined) {
    const codings = transferEncoding.split(',');
    const last = trimOws(codings[codings.length - 1] as string);
    next = last === 'chunked' && contentLength < 0 ? CHUNK_SIZE : PASSTHROUGH;
  } else if (contentLength > 0) {
    next = BODY;
    length = contentLength;
  }
  const rewritten = known
    ? null
    : Buffer.concat([
        GET,
        head.subarray(space, firstLf + 1),
        Buffer.from(`${ORIGINAL_METHOD_HEADER}: ${method}\r\n`, 'latin1'),
        head.subarray(firstLf + 1),
      ]);
  return { rewritten, next, length };
}

/**
 * Follows an HTTP/1.1 request stream and rewrites the request line of each request whose
 * method Node's parser does not know (see the comment above). One framer per connection;
 * feed it the socket's chunks in order.
 */
export class RequestFramer {
  #state: State = HEAD;
  /** Bytes left of a Content-Length body or of a chunk. */
  #remaining = 0;
  /** A request head that is still incomplete (withheld until it is). */
  #pending: Buffer = Buffer.alloc(0);
  #pendingLength = 0;
  /** Where to resume looking for the end of the pending head. */
  #scanFrom = 0;
  /** An incomplete chunk-size or trailer line. */
  #line = '';

  /** True while an incomplete request head is held back (the header timeout runs meanwhile). */
  get holdingHead(): boolean {
    return this.#pendingLength > 0;
  }

  /** True once the framer has stopped interpreting the stream. */
  get passthrough(): boolean {
    return this.#state === PASSTHROUGH;
  }

  /**
   * Processes the next chunk of the connection and hands the bytes for the HTTP parser to
   * `emit`, in order (usually the chunk itself, unchanged).
   */
  transform(chunk: Buffer, emit: (bytes: Buffer) => void): void {
    const n = chunk.length;
    let pos = 0;
    let runStart = 0;
    while (pos < n) {
      switch (this.#state) {
        case PASSTHROUGH:
          pos = n;
          break;
        case HEAD: {
          if (this.#pendingLength > 0) {
            const info = this.#continueHead(chunk, pos);
            if (info === null) {
              pos = n;
              runStart = n;
              break;
            }
            emit(info.head);
            pos += info.consumed;
            runStart = pos;
            break;
          }
          while (pos < n && (chunk[pos] === CR || chunk[pos] === LF)) pos++;
          if (pos === n) break;
          if (!couldBeRequestLine(chunk, pos, n)) {
            this.#state = PASSTHROUGH;
            pos = n;
            break;
          }
          const { end } = findHeadEnd(chunk, pos, pos, n);
          if (end < 0) {
            if (pos > runStart) emit(chunk.subarray(runStart, pos));
            if (n - pos > MAX_HEAD_BYTES) {
              this.#state = PASSTHROUGH;
              runStart = pos;
              pos = n;
              break;
            }
            this.#hold(chunk.subarray(pos));
            this.#scanFrom = 0;
            pos = n;
            runStart = n;
            break;
          }
          if (end - pos > MAX_HEAD_BYTES) {
            // Too large to interpret (Node itself will refuse it): forward it as it is.
            this.#state = PASSTHROUGH;
            pos = n;
            break;
          }
          const info = this.#enterHead(chunk.subarray(pos, end));
          if (info !== null) {
            if (pos > runStart) emit(chunk.subarray(runStart, pos));
            emit(info);
            runStart = end;
          }
          pos = end;
          break;
        }
        case BODY:
        case CHUNK_DATA: {
          const take = Math.min(this.#remaining, n - pos);
          pos += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = this.#state === BODY ? HEAD : CHUNK_DATA_END;
          break;
        }
        default: {
          const nl = chunk.indexOf(LF, pos);
          if (nl < 0) {
            this.#line += chunk.toString('latin1', pos, n);
            pos = n;
            if (this.#line.length > MAX_LINE_BYTES) this.#state = PASSTHROUGH;
            break;
          }
          const line = this.#line + chunk.toString('latin1', pos, nl > pos && chunk[nl - 1] === CR ? nl - 1 : nl);
          this.#line = '';
          pos = nl + 1;
          this.#onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
        }
      }
    }
    if (runStart < n) emit(runStart === 0 ? chunk : chunk.subarray(runStart));
  }

  /** Reads a complete head; returns its rewritten bytes or null to forward it unchanged. */
  #enterHead(head: Buffer): Buffer | null {
    const info = readHead(head);
    this.#state = info.next;
    this.#remaining = info.length;
    return info.rewritten;
  }

  /**
   * Adds bytes to a withheld head. Returns the head to forward and how many bytes of `chunk`
   * it used, or null when the head is still incomplete (or too large: then the framer passes
   * the withheld bytes on as they are and stops interpreting).
   */
  #continueHead(chunk: Buffer, pos: number): { head: Buffer; consumed: number } | null {
    const before = this.#pendingLength;
    const room = MAX_HEAD_BYTES + 4 - before;
    const appended = Math.min(chunk.length - pos, room);
    this.#hold(chunk.subarray(pos, pos + appended));
    if (!couldBeRequestLine(this.#pending, 0, this.#pendingLength)) {
      const withheld = Buffer.from(this.#pending.subarray(0, before));
      this.#pendingLength = 0;
      this.#state = PASSTHROUGH;
      return { head: withheld, consumed: 0 };
    }
    const { end, lineStart } = findHeadEnd(this.#pending, 0, this.#scanFrom, this.#pendingLength);
    if (end < 0) {
      this.#scanFrom = lineStart;
      if (this.#pendingLength <= MAX_HEAD_BYTES) return null;
      // Too large to interpret: forward everything as it is.
      const withheld = Buffer.from(this.#pending.subarray(0, before));
      this.#pendingLength = 0;
      this.#state = PASSTHROUGH;
      return { head: withheld, consumed: 0 };
    }
    if (end > MAX_HEAD_BYTES) {
      const withheld = Buffer.from(this.#pending.subarray(0, before));
      this.#pendingLength = 0;
      this.#state = PASSTHROUGH;
      return { head: withheld, consumed: 0 };
    }
    const head = Buffer.from(this.#pending.subarray(0, end));
    this.#pendingLength = 0;
    this.#scanFrom = 0;
    return { head: this.#enterHead(head) ?? head, consumed: end - before };
  }

  #hold(bytes: Buffer): void {
    const needed = this.#pendingLength + bytes.length;
    if (needed > this.#pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#pending.length * 2, 1024));
      this.#pending.copy(grown, 0, 0, this.#pendingLength);
      this.#pending = grown;
    }
    bytes.copy(this.#pending, this.#pendingLength);
    this.#pendingLength = needed;
  }

  /** One line of chunked framing: a chunk size, the end of a chunk's data, or a trailer. */
  #onLine(line: string): void {
    switch (this.#state) {
      case CHUNK_SIZE: {
        let end = 0;
        while (end < line.length && line[end] !== ';' && line[end] !== ' ' && line[end] !== '\t') end++;
        const size = line.slice(0, end);
        if (!HEX.test(size)) {
          this.#state = PASSTHROUGH;
          return;
        }
        this.#remaining = Number.parseInt(size, 16);
        this.#state = this.#remaining === 0 ? TRAILERS : CHUNK_DATA;
        return;
      }
      case CHUNK_DATA_END:
        this.#state = line === '' ? CHUNK_SIZE : PASSTHROUGH;
        return;
      case TRAILERS:
        if (line === '') this.#state = HEAD;
        return;
      default:
        this.#state = PASSTHROUGH;
    }
  }
}
