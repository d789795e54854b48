import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeJsonSyntaxError } from '../src/json-syntax.js';

const describeText = (text: string): string => describeJsonSyntaxError(Buffer.from(text, 'utf8'));

describe("describeJsonSyntaxError (Go's wording, never the body)", () => {
  it.each<[string, string]>([
    ['{"data":{"password":S3CRET-VALUE}}', "invalid character 'S' looking for beginning of value (offset 20)"],
    ['{"a":1}x', "invalid character 'x' after top-level value (offset 7)"],
    ['{"a":"\u0001"}', "invalid character '\\x01' in string literal (offset 6)"],
    ['{"a":"abc', 'unexpected EOF'],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string (offset 1)"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair (offset 7)"],
    ['{"a" 1}', "invalid character '1' after object key (offset 5)"],
    ['[1 2]', "invalid character '2' after array element (offset 3)"],
    ['{"a":-}', "invalid character '}' in numeric literal (offset 6)"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal (offset 7)"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal (offset 7)"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code (offset 7)"],
    ['{"a":"\\u12G4"}', "invalid character 'G' in \\u hexadecimal character escape (offset 10)"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e') (offset 8)"],
    ['[1,]', "invalid character ']' looking for beginning of value (offset 3)"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string (offset 7)"],
    ['{"a":01}', "invalid character '1' after object key:value pair (offset 6)"],
    ['{"a":', 'unexpected EOF'],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string (offset 1)"],
  ])('%j: %s', (text, message) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(describeText(text)).toBe(message);
  });

  it('scans a million levels of nesting without a stack overflow', () => {
    expect(describeText(`${'['.repeat(1_000_000)}x`)).toBe("invalid character 'x' looking for beginning of value (offset 1000000)");
  });

  it('never repeats more than one character of any body JSON.parse refuses', () => {
    const secret = 'Zq7SECRETVALUEq7Z';
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.nat(40), (noise, at) => {
        const text = `${noise.slice(0, at)}${secret}${noise.slice(at)}`;
        let refused = false;
        try {
          JSON.parse(text);
        } catch {
          refused = true;
        }
        fc.pre(refused);
        const message = describeText(text);
        for (let i = 0; i + 2 <= secret.length; i++) expect(message).not.toContain(secret.slice(i, i + 2));
      }),
      { numRuns: 2000 },
    );
  });
});
