// Why a JSON body could not be parsed, worded like Go's encoding/json ("invalid character 'S'
// looking for beginning of value"), with the byte offset. V8's own messages quote up to ten
// characters around the error ("...\"password\":S3CRET-VAL\"..."), which would echo a client's
// secret back to it and into any log that records the answer; this scanner names only the one
// offending character. It runs only after JSON.parse has failed, and it is iterative, so input
// nested a million levels deep costs no stack.

const enum Expect {
  /** A value (after `:`, `[`, `,` in an array, or at the top). */
  Value,
  /** A value or `]` (just after `[`). */
  ValueOrArrayEnd,
  /** A key string or `}` (just after `{`). */
  KeyOrObjectEnd,
  /** A key string (after `,` in an object). */
  Key,
  /** `:` after a key. */
  Colon,
  /** `,` or `}` after a member's value. */
  ObjectNext,
  /** `,` or `]` after an element. */
  ArrayNext,
  /** Only whitespace after the top-level value. */
  End,
}

const OBJECT = 0;
const ARRAY = 1;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && (isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
}

/** The character as Go's scanner quotes it: `'S'`, `'\''`, `'\x01'`. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `'\\x${c.toString(16).padStart(2, '0')}'`;
}

function invalid(c: number, context: string, offset: number): string {
  return `invalid character ${quoteChar(c)} ${context} (offset ${offset})`;
}

const LITERALS: Readonly<Record<number, string>> = { 0x74: 'true', 0x66: 'false', 0x6e: 'null' };

/**
 * Describes the first syntax error in `body` without quoting it: Go's wording plus the byte
 * offset of the offending character, or `unexpected EOF` when the input ends too early.
 * Returns a generic sentence if the scanner finds nothing wrong (JSON.parse refused the body for
 * a reason the scanner does not model).
 */
export function describeJsonSyntaxError(body: Uint8Array): string {
  const stack: number[] = [];
  let expect: Expect = Expect.Value;
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body[i] as number;
    if (isSpace(c)) {
      i++;
      continue;
    }
    switch (expect) {
      case Expect.End:
        return invalid(c, 'after top-level value', i);
      case Expect.Colon:
        if (c !== 0x3a) return invalid(c, 'after object key', i);
        expect = Expect.Value;
        i++;
        continue;
      case Expect.ObjectNext:
      case Expect.ArrayNext: {
        const inObject: boolean = expect === Expect.ObjectNext;
        if (c === 0x2c) {
          expect = inObject ? Expect.Key : Expect.Value;
          i++;
          continue;
        }
        if (c === (inObject ? 0x7d : 0x5d)) {
          stack.pop();
          expect = after(stack);
          i++;
          continue;
        }
        return invalid(c, inObject ? 'after object key:value pair' : 'after array element', i);
      }
      case Expect.Key:
      case Expect.KeyOrObjectEnd:
        if (c === 0x7d && expect === Expect.KeyOrObjectEnd) {
          stack.pop();
          expect = after(stack);
          i++;
          continue;
        }
        if (c !== 0x22) return invalid(c, 'looking for beginning of object key string', i);
        {
          const end = scanString(body, i);
          if (typeof end === 'string') return end;
          i = end;
          expect = Expect.Colon;
        }
        continue;
      default: {
        // A value (or `]` right after `[`).
        if (c === 0x5d && expect === Expect.ValueOrArrayEnd) {
          stack.pop();
          expect = after(stack);
          i++;
          continue;
        }
        if (c === 0x7b || c === 0x5b) {
          stack.push(c === 0x7b ? OBJECT : ARRAY);
          expect = c === 0x7b ? Expect.KeyOrObjectEnd : Expect.ValueOrArrayEnd;
          i++;
          continue;
        }
        let end: number | string;
        if (c === 0x22) end = scanString(body, i);
        else if (c === 0x2d || isDigit(c)) end = scanNumber(body, i);
        else if (LITERALS[c] !== undefined) end = scanLiteral(body, i, LITERALS[c]);
        else return invalid(c, 'looking for beginning of value', i);
        if (typeof end === 'string') return end;
        i = end;
        expect = after(stack);
      }
    }
  }
  if (expect === Expect.End) return 'the body is not valid JSON';
  return 'unexpected EOF';
}

function after(stack: readonly number[]): Expect {
  if (stack.length === 0) return Expect.End;
  return stack[stack.length - 1] === OBJECT ? Expect.ObjectNext : Expect.ArrayNext;
}

/** Scans a string starting at its opening quote; returns the index past it, or an error. */
function scanString(body: Uint8Array, start: number): number | string {
  let i = start + 1;
  const n = body.length;
  while (i < n) {
    const c = body[i] as number;
    if (c === 0x22) return i + 1;
    if (c < 0x20) return invalid(c, 'in string literal', i);
    if (c === 0x5c) {
      const e = body[i + 1];
      if (e === undefined) return 'unexpected EOF';
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) {
          const h = body[i + k];
          if (h === undefined) return 'unexpected EOF';
          if (!isHex(h)) return invalid(h, 'in \\u hexadecimal character escape', i + k);
        }
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) return invalid(e, 'in string escape code', i + 1);
      i += 2;
      continue;
    }
    i++;
  }
  return 'unexpected EOF';
}

/** Scans a number as Go's scanner does (no leading zeros, digits after `.` and `e`). */
function scanNumber(body: Uint8Array, start: number): number | string {
  let i = start;
  if (body[i] === 0x2d) {
    i++;
    if (i >= body.length) return 'unexpected EOF';
    if (!isDigit(body[i])) return invalid(body[i] as number, 'in numeric literal', i);
  }
  if (body[i] === 0x30) i++;
  else while (isDigit(body[i])) i++;
  if (body[i] === 0x2e) {
    i++;
    if (i >= body.length) return 'unexpected EOF';
    if (!isDigit(body[i])) return invalid(body[i] as number, 'after decimal point in numeric literal', i);
    while (isDigit(body[i])) i++;
  }
  if (body[i] === 0x65 || body[i] === 0x45) {
    i++;
    if (body[i] === 0x2b || body[i] === 0x2d) i++;
    if (i >= body.length) return 'unexpected EOF';
    if (!isDigit(body[i])) return invalid(body[i] as number, 'in exponent of numeric literal', i);
    while (isDigit(body[i])) i++;
  }
  return i;
}

function scanLiteral(body: Uint8Array, start: number, word: string): number | string {
  for (let k = 1; k < word.length; k++) {
    const c = body[start + k];
    if (c === undefined) return 'unexpected EOF';
    if (c !== word.charCodeAt(k)) return invalid(c, `in literal ${word} (expecting ${quoteChar(word.charCodeAt(k))})`, start + k);
  }
  return start + word.length;
}
