import stringWidth from 'string-width';

// Table output that looks like bao's (`columnize` with a 4-space glue, `n/a` for empty cells,
// `==== Title ====` headers), so people and scripts used to `bao kv get` read it the same way.

const GLUE = '    ';

/**
 * Aligns rows into columns: every column but the last is padded to its widest cell, cells are
 * trimmed, and an empty cell shows `n/a` (as bao's columnize config does).
 */
export function columns(rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => row.map((cell) => (cell.trim() === '' ? 'n/a' : cell.trim())));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  }
  return cells
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell)))).join(GLUE))
    .join('\n');
}

/** A table whose first row is the header, underlined with dashes (bao's `tableOutput`). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return columns([header, header.map((h) => '-'.repeat(width(h))), ...rows]);
}

/** A `Key | Value` table of a map, keys sorted, values rendered as Go's `%v` would. */
export function keyValueTable(data: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(data).sort();
  return table(
    ['Key', 'Value'],
    keys.map((key) => [key, goValue(data[key])]),
  );
}

/** `=== Title ===` sized like bao's `padEqualSigns`. */
export function padEqualSigns(title: string, totalLength: number): string {
  let signs = totalLength - (width(title) + 2);
  if (signs <= 0) signs = 4;
  if (signs % 2 !== 0) signs += 1;
  const side = '='.repeat(signs / 2);
  return `${side} ${title} ${side}`;
}

/** The header bao prints above a map's table: as wide as the longest key plus the value column. */
export function headerForMap(title: string, data: Readonly<Record<string, unknown>>): string {
  const longest = Math.max(0, ...Object.keys(data).map((k) => width(k)));
  return padEqualSigns(title, longest + GLUE.length + 5);
}

/** bao's `outputPath`: a title as wide as the path, the path, and a blank line. */
export function pathHeader(title: string, path: string): string {
  return `${padEqualSigns(title, width(path))}\n${path}\n`;
}

/**
 * A value as Go's `fmt` `%v` prints what bao decoded from JSON: strings bare, `<nil>` for null,
 * `map[a:1 b:2]` with sorted keys, `[1 2]` for arrays.
 */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `map[${Object.keys(record)
      .sort()
      .map((k) => `${k}:${goValue(record[k])}`)
      .join(' ')}]`;
  }
  return typeof value === 'bigint' ? value.toString() : '';
}

/**
 * The columns a string takes on a terminal: East Asian wide characters and emoji count two,
 * combining marks and zero-width characters none, so CJK or emoji keys line up. bao counts
 * bytes or code points here; for ASCII all agree.
 */
function width(text: string): number {
  return stringWidth(text);
}
