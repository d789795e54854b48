import { randomUUID } from 'node:crypto';
import { compareUtf8 } from '@kv2/core';
import { cliSecret, goEscape, goJson } from '@kv2/core/wire';
import { stringify as yamlStringify, type Pair } from 'yaml';

// `-format json|yaml` print what `bao ... -format=json|yaml` prints, so scripts written for one
// work with the other. The shapes themselves come from the wire codec (@kv2/core/wire).

/** The object bao prints for a response, with a fresh `request_id` (local stores have none). */
export function envelope(data: unknown, warnings: readonly string[] = []): Record<string, unknown> {
  return cliSecret(randomUUID(), data, warnings);
}

/** Options for {@link toJson}. */
export interface JsonOptions {
  /**
   * The top-level object is a Go struct (bao's `Secret` envelope): its members stay in the
   * order given. Everything below is a Go map and is sorted.
   */
  struct?: boolean;
}

/**
 * JSON as bao prints it (Go's `json.MarshalIndent(v, "", "  ")`): two-space indent, the keys
 * of every map sorted bytewise (`"1","10","2"`), and `<`, `>`, `&`, U+2028, U+2029 escaped as
 * `\u003c` and so on. No trailing newline.
 */
export function toJson(value: unknown, options: JsonOptions = {}): string {
  return goEscape(indented(value, '', options.struct === true));
}

function indented(value: unknown, pad: string, keepOrder: boolean): string {
  if (value === null || typeof value !== 'object') return goJson(value);
  const inner = `${pad}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item: unknown) => inner + indented(item ?? null, inner, false)).join(',\n')}\n${pad}]`;
  }
  const record = value as Readonly<Record<string, unknown>>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined);
  if (!keepOrder) keys.sort(compareUtf8);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${indented(record[key], inner, false)}`).join(',\n')}\n${pad}}`;
}

// Go's yaml (which bao's sigs.k8s.io/yaml uses) orders map keys "naturally": runs of digits
// by their value, so versions come 1, 2, 10.
function naturalCompare(a: string, b: string): number {
  const left = a.match(/\d+|\D+/g) ?? [];
  const right = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as string;
    const y = right[i] as string;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff < 0 ? -1 : 1;
    }
    return compareUtf8(x, y);
  }
  return left.length - right.length;
}

/**
 * YAML as bao prints it (`-format=yaml`, Go's yaml v2): the same object as JSON, every map's keys
 * sorted (the envelope's too), sequences not indented under their key, no trailing newline.
 * Written with YAML 1.1 rules as Go's yaml does, so strings a YAML 1.1 reader would take for
 * something else (`yes`, `on`, timestamps, `1:20`) are quoted and read back as strings everywhere.
 */
export function toYaml(value: unknown): string {
  const text = yamlStringify(value, {
    sortMapEntries: (a: Pair, b: Pair) => naturalCompare(String(a.key), String(b.key)),
    indentSeq: false,
    lineWidth: 0,
    version: '1.1',
  });
  return text.trim();
}
