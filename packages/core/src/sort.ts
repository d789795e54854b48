/**
 * Orders strings by their UTF-8 bytes, as Go's `sort.Strings` (and so OpenBao's LIST) does.
 *
 * JavaScript's default comparison uses UTF-16 code units, which disagrees with UTF-8 only when
 * a surrogate pair (an astral character) meets a character in U+E000–U+FFFF; this comparator
 * shifts the code units so that the order is the code point (= UTF-8 byte) order.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000; // surrogates sort after U+FFFF
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
