import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HEAD_BYTES, MAX_METHOD_BYTES, ORIGINAL_METHOD_HEADER, RequestFramer } from '../src/request-framer.js';

/** Runs `chunks` through one framer and returns everything it emitted, as text. */
function frame(chunks: Array<string | Buffer>): { output: string; passthrough: boolean } {
  const framer = new RequestFramer();
  const out: Buffer[] = [];
  for (const chunk of chunks) framer.transform(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk, (b) => out.push(Buffer.from(b)));
  return { output: Buffer.concat(out).toString('latin1'), passthrough: framer.passthrough };
}

/** Every way of cutting `text` into pieces at the given offsets. */
function cut(text: string, offsets: number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(text.slice(last, p));
    last = p;
  }
  parts.push(text.slice(last));
  return parts;
}

const rewritten = (method: string, rest: string): string => `GET${rest}\r\n${ORIGINAL_METHOD_HEADER}: ${method}\r\n`;

describe('RequestFramer', () => {
  it('passes requests with known methods through byte for byte', () => {
    const stream = 'GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\nPOST /v1/b HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}';
    expect(frame([stream])).toEqual({ output: stream, passthrough: false });
  });

  it('rewrites LIST and SCAN to GET with the original method in a header', () => {
    const { output } = frame(['LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: x\r\n\r\nSCAN /v1/s HTTP/1.1\r\n\r\n']);
    expect(output).toBe(`${rewritten('LIST', ' /v1/secret/metadata/ HTTP/1.1')}Host: x\r\n\r\n${rewritten('SCAN', ' /v1/s HTTP/1.1')}\r\n`);
  });

  it('never rewrites body bytes that look like a request line', () => {
    const body = 'LIST /v1/x HTTP/1.1\r\n\r\n';
    const stream = `POST /v1/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /v1/b HTTP/1.1\r\n\r\n`;
    expect(frame([stream]).output).toBe(stream);
    const chunked = `POST /v1/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nLIST \r\n${body.length.toString(16)};ext=1\r\n${body}\r\n0\r\nTrailer: 1\r\n\r\nLIST /v1/c HTTP/1.1\r\n\r\n`;
    expect(frame([chunked]).output).toBe(`${chunked.slice(0, chunked.lastIndexOf('LIST /v1/c'))}${rewritten('LIST', ' /v1/c HTTP/1.1')}\r\n`);
  });

  it('accepts blank lines between requests and bare LF line endings', () => {
    expect(frame(['\r\n\r\nLIST /a HTTP/1.1\n\n']).output).toBe(`\r\n\r\nGET /a HTTP/1.1\n${ORIGINAL_METHOD_HEADER}: LIST\r\n\n`);
  });

  it('stops interpreting (and changes nothing) on ambiguous framing', () => {
    for (const head of [
      'POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'POST /a HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n',
      'POST /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n',
      'POST /a HTTP/1.1\r\nContent-Length: +2\r\n\r\n',
      'GET /a HTTP/1.1\r\nX: 1\r\n folded\r\n\r\n',
      'GET /a HTTP/1.1\r\nUpgrade: websocket\r\n\r\n',
      'CONNECT a:1 HTTP/1.1\r\n\r\n',
      'BAD(METHOD /a HTTP/1.1\r\n\r\n',
    ]) {
      const stream = `${head}LIST /b HTTP/1.1\r\n\r\n`;
      expect(frame([stream])).toEqual({ output: stream, passthrough: true });
    }
  });

  it('withholds an incomplete head and forwards it whole once complete', () => {
    const framer = new RequestFramer();
    const out: string[] = [];
    const emit = (b: Buffer): void => void out.push(b.toString('latin1'));
    framer.transform(Buffer.from('LI'), emit);
    framer.transform(Buffer.from('ST /x HTTP/1.1\r\nHost: y\r'), emit);
    expect(out).toEqual([]);
    framer.transform(Buffer.from('\n\r\nGET /z HTTP/1.1\r\n\r\n'), emit);
    expect(out.join('')).toBe(`${rewritten('LIST', ' /x HTTP/1.1')}Host: y\r\n\r\nGET /z HTTP/1.1\r\n\r\n`);
  });

  it('forwards input that cannot be a request line at once instead of waiting for a line end (TLS, NUL bytes)', () => {
    const hello = Buffer.from('16030100c4010000c00303abababab', 'hex');
    for (const input of [
      hello,
      Buffer.alloc(5000),
      Buffer.from(' /a HTTP/1.1'),
      Buffer.from('GE\u0000T /a'),
      Buffer.from('A'.repeat(MAX_METHOD_BYTES + 1)),
    ]) {
      const framer = new RequestFramer();
      const out: Buffer[] = [];
      framer.transform(input, (b) => out.push(Buffer.from(b)));
      expect(Buffer.concat(out).equals(input)).toBe(true);
      expect(framer.passthrough).toBe(true);
      expect(framer.holdingHead).toBe(false);
    }
  });

  it('also once a held head turns out not to be a request line', () => {
    const framer = new RequestFramer();
    const out: Buffer[] = [];
    framer.transform(Buffer.from('LIS'), (b) => out.push(Buffer.from(b)));
    expect(framer.holdingHead).toBe(true);
    framer.transform(Buffer.from('T\u0016\u0003'), (b) => out.push(Buffer.from(b)));
    expect(Buffer.concat(out).toString('latin1')).toBe('LIST\u0016\u0003');
    expect(framer.passthrough).toBe(true);
  });

  it('rewrites long methods the same way as short ones (64 and 65 characters alike)', () => {
    for (const method of ['A'.repeat(64), 'A'.repeat(65), 'B'.repeat(MAX_METHOD_BYTES)]) {
      expect(frame([`${method} /a HTTP/1.1\r\n\r\n`]).output).toBe(`${rewritten(method, ' /a HTTP/1.1')}\r\n`);
    }
  });

  it('says when it holds an incomplete head (for the header timeout)', () => {
    const framer = new RequestFramer();
    const emit = (): void => {};
    expect(framer.holdingHead).toBe(false);
    framer.transform(Buffer.from('GET /a HTTP/1.1\r\nHo'), emit);
    expect(framer.holdingHead).toBe(true);
    framer.transform(Buffer.from('st: x\r\n\r\n'), emit);
    expect(framer.holdingHead).toBe(false);
  });

  it('gives up on heads larger than the limit instead of buffering them', () => {
    const huge = `LIST /a HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`;
    for (const pieces of [[huge], cut(huge, [10, 5000, 40_000, 70_000])]) {
      const result = frame(pieces);
      // Compared as booleans: a diff of 64 KiB strings helps nobody.
      expect(result.output === huge).toBe(true);
      expect(result.passthrough).toBe(true);
    }
  });

  it('frames any sequence of requests the same way however the stream is cut (property)', () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'LIST', 'SCAN', 'FOO');
    const body = fc.string({ unit: fc.constantFrom('a', 'L', 'I', 'S', 'T', ' ', '\r', '\n', '0', '/'), maxLength: 40 });
    const request = fc.record({ method, body, chunked: fc.boolean(), chunkSize: fc.integer({ min: 1, max: 7 }) });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (requests, offsets) => {
        let input = '';
        let expected = '';
        for (const r of requests) {
          const line = ` /v1/${r.method.toLowerCase()} HTTP/1.1`;
          let framing: string;
          let payload: string;
          if (r.chunked) {
            framing = 'Transfer-Encoding: chunked\r\n';
            payload = '';
            for (let i = 0; i < r.body.length; i += r.chunkSize) {
              const piece = r.body.slice(i, i + r.chunkSize);
              payload += `${piece.length.toString(16)}\r\n${piece}\r\n`;
            }
            payload += '0\r\n\r\n';
          } else {
            framing = `Content-Length: ${r.body.length}\r\n`;
            payload = r.body;
          }
          const rest = `Host: h\r\n${framing}\r\n${payload}`;
          input += `${r.method}${line}\r\n${rest}`;
          expected += ['LIST', 'SCAN', 'FOO'].includes(r.method) ? `${rewritten(r.method, line)}${rest}` : `${r.method}${line}\r\n${rest}`;
        }
        const result = frame(cut(input, offsets));
        expect(result.output).toBe(expected);
        expect(result.passthrough).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
