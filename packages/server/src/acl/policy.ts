import { parseDuration } from '@kv2/core';
import { formatMultiError } from '@kv2/core/wire';

/** OpenBao's ACL capabilities. `root` is never written in a policy; it is only reported. */
export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'scan' | 'sudo' | 'deny';

/** Capability bits; a rule's grant is their union. */
export const CAP = Object.freeze({
  deny: 1,
  create: 2,
  read: 4,
  update: 8,
  delete: 16,
  list: 32,
  sudo: 64,
  patch: 128,
  scan: 256,
} as const satisfies Record<Capability, number>);

const CAPABILITY_NAMES = Object.keys(CAP) as Capability[];

/** The capability names in a bit set, sorted as the capabilities endpoints report them. */
export function capabilityNames(bits: number): Capability[] {
  if ((bits & CAP.deny) !== 0) return ['deny'];
  return CAPABILITY_NAMES.filter((name) => name !== 'deny' && (bits & CAP[name]) !== 0).sort();
}

/** How a pattern matches (see the reference, 1.4). */
type PatternKind = 'exact' | 'glob' | 'segment';

/** One `path "<pattern>" { … }` block after parsing and normalisation. */
export interface PathRule {
  /** The pattern as written (used in error texts). */
  readonly written: string;
  /** Exact: the path; glob: the prefix (trailing `*` removed); segment: the pattern (`*` kept). */
  readonly pattern: string;
  readonly kind: PatternKind;
  /** Capability bits; `deny` wipes the others. */
  readonly bits: number;
  /** Identity templates (`{{…}}`): this server has no identities, so such rules never match. */
  readonly templated: boolean;
  /** `min_wrapping_ttl`/`max_wrapping_ttl` set: requests are denied (no response wrapping here). */
  readonly wrapping: boolean;
  /** Lower-cased parameter name → allowed values (empty = any). */
  readonly allowed: ReadonlyMap<string, readonly unknown[]>;
  /** Lower-cased parameter name → denied values (empty = every value). */
  readonly denied: ReadonlyMap<string, readonly unknown[]>;
  /** Lower-cased parameter names that must be present. */
  readonly required: readonly string[];
}

/** A policy text OpenBao would refuse; `message` is the detail after `failed to parse policy: `. */
export class PolicyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyParseError';
  }
}

const TOP_KEYS = new Set(['name', 'path']);
const BLOCK_KEYS = new Set([
  'capabilities',
  'policy',
  'comment',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'pagination_limit',
  'expiration',
  'list_scan_response_keys_filter_path',
  'control_group',
]);

const LEGACY: Readonly<Record<string, readonly Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The HCL converter drops positions; find the first line that assigns or opens `key`, which is
// where HCL v1 would have reported it.
function lineOf(text: string, key: string): number {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*"?${escaped}"?\\s*[={"]`);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i] as string)) return i + 1;
  return 1;
}

/** Blocks under one pattern: HCL gives a list of bodies, JSON an object or a list. */
function blocksOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** `path` → (pattern, body) pairs in document order, for both the HCL and the JSON shapes. */
function pathEntries(value: unknown): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (!isObject(item)) throw new PolicyParseError('path: should be an object');
    for (const [pattern, body] of Object.entries(item)) for (const block of blocksOf(body)) out.push([pattern, block]);
  }
  return out;
}

function stringList(value: unknown, what: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) if (typeof item !== 'string') throw new PolicyParseError(`${what}: expected a list of strings`);
  return items as string[];
}

function parameterMap(value: unknown, written: string, key: string): Map<string, unknown[]> {
  const map = new Map<string, unknown[]>();
  for (const obj of Array.isArray(value) ? value : [value]) {
    if (!isObject(obj)) throw new PolicyParseError(`path ${JSON.stringify(written)}: ${key} must be a map`);
    for (const [name, values] of Object.entries(obj)) {
      const list: unknown[] = Array.isArray(values) ? (values as unknown[]) : [values];
      map.set(name.toLowerCase(), [...(map.get(name.toLowerCase()) ?? []), ...list]);
    }
  }
  return map;
}

function wrappingTtl(value: unknown, key: string): number {
  try {
    return parseDuration(typeof value === 'number' ? value : String(value), key);
  } catch (error) {
    throw new PolicyParseError(`error parsing ${key}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function normalisePattern(written: string): { pattern: string; kind: PatternKind } {
  const path = written.startsWith('/') ? written.slice(1) : written;
  if (path.includes('+*')) throw new PolicyParseError(`path ${JSON.stringify(path)}: invalid use of wildcards ('+*' is forbidden)`);
  if (path === '+' || path.startsWith('+/') || path.includes('/+')) return { pattern: path, kind: 'segment' };
  if (path.endsWith('*')) return { pattern: path.slice(0, -1), kind: 'glob' };
  return { pattern: path, kind: 'exact' };
}

function parseBlock(written: string, body: unknown, text: string, now: Date): PathRule | null {
  if (!isObject(body)) throw new PolicyParseError(`path ${JSON.stringify(written)}: should be an object`);
  const invalid = Object.keys(body).filter((key) => !BLOCK_KEYS.has(key));
  if (invalid.length > 0) {
    throw new PolicyParseError(
      formatMultiError(invalid.map((key) => `path ${JSON.stringify(written)}: invalid key ${JSON.stringify(key)} on line ${lineOf(text, key)}`)),
    );
  }
  const { pattern, kind } = normalisePattern(written);
  let bits = 0;
  if (body.policy !== undefined) {
    const word = typeof body.policy === 'string' ? body.policy : JSON.stringify(body.policy);
    const legacy = LEGACY[word];
    if (legacy === undefined) throw new PolicyParseError(`path ${JSON.stringify(written)}: invalid policy ${JSON.stringify(word)}`);
    for (const cap of legacy) bits |= CAP[cap];
  }
  if (body.capabilities !== undefined) {
    for (const cap of stringList(body.capabilities, `path ${JSON.stringify(written)}: capabilities`)) {
      if (!Object.hasOwn(CAP, cap)) throw new PolicyParseError(`path ${JSON.stringify(written)}: invalid capability ${JSON.stringify(cap)}`);
      // A legacy `policy = "deny"` ignores the list; `deny` in the list wipes the rest below.
      if ((bits & CAP.deny) === 0) bits |= CAP[cap as Capability];
    }
  }
  if ((bits & CAP.deny) !== 0) bits = CAP.deny;

  const minWrap = body.min_wrapping_ttl === undefined ? 0 : wrappingTtl(body.min_wrapping_ttl, 'min_wrapping_ttl');
  const maxWrap = body.max_wrapping_ttl === undefined ? 0 : wrappingTtl(body.max_wrapping_ttl, 'max_wrapping_ttl');
  if (minWrap > 0 && maxWrap > 0 && maxWrap < minWrap) throw new PolicyParseError('max_wrapping_ttl cannot be less than min_wrapping_ttl');
  if (body.list_scan_response_keys_filter_path !== undefined && (bits & CAP.list) === 0) {
    throw new PolicyParseError('list_scan_response_keys_filter_path needs to be used on a path with the list capability');
  }
  if (body.expiration !== undefined) {
    const raw = typeof body.expiration === 'string' ? body.expiration : JSON.stringify(body.expiration);
    const when = new Date(raw);
    if (Number.isNaN(when.getTime())) {
      throw new PolicyParseError(`path ${JSON.stringify(written)}: invalid expiration time: cannot parse ${JSON.stringify(raw)}`);
    }
    // OpenBao drops a block whose expiration has passed.
    if (when.getTime() <= now.getTime()) return null;
  }
  return {
    written,
    pattern,
    kind,
    bits,
    templated: written.includes('{{'),
    wrapping: minWrap > 0 || maxWrap > 0,
    allowed: body.allowed_parameters === undefined ? new Map() : parameterMap(body.allowed_parameters, written, 'allowed_parameters'),
    denied: body.denied_parameters === undefined ? new Map() : parameterMap(body.denied_parameters, written, 'denied_parameters'),
    required:
      body.required_parameters === undefined
        ? []
        : stringList(body.required_parameters, `path ${JSON.stringify(written)}: required_parameters`).map((p) => p.toLowerCase()),
  };
}

type HclParse = (filename: string, text: string) => Promise<unknown>;

// Loaded through a computed specifier so that the package's type declarations (which pull in
// the DOM lib and would change global types such as Headers for the whole program) stay out.
const HCL_PACKAGE = '@cdktn/hcl2json';
let hclParser: Promise<HclParse> | undefined;
function parseHcl(filename: string, text: string): Promise<unknown> {
  hclParser ??= (import(HCL_PACKAGE) as Promise<{ parse: HclParse }>).then((module) => module.parse);
  return hclParser.then((parse) => parse(filename, text));
}

/** The document a policy text holds: JSON when the trimmed text starts with `{`, else HCL. */
async function parseDocument(text: string): Promise<unknown> {
  if (text.trim().startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new PolicyParseError(error instanceof Error ? error.message : 'invalid JSON');
    }
  }
  try {
    return await parseHcl('policy.hcl', text);
  } catch (error) {
    // The converter wraps HCL's diagnostics as `parse config: [<diagnostics>]`.
    const message = error instanceof Error ? error.message : String(error);
    throw new PolicyParseError(message.replace(/^parse config: \[(.*)\]$/s, '$1'));
  }
}

/**
 * Parses an ACL policy text (HCL or JSON) into its path rules, with OpenBao's validation and
 * error texts. Throws {@link PolicyParseError}.
 */
export async function parsePolicyText(text: string, now: Date = new Date()): Promise<PathRule[]> {
  const document = await parseDocument(text);
  if (!isObject(document)) throw new PolicyParseError('does not contain a root object');
  const invalid = Object.keys(document).filter((key) => !TOP_KEYS.has(key));
  if (invalid.length > 0)
    throw new PolicyParseError(formatMultiError(invalid.map((key) => `invalid key ${JSON.stringify(key)} on line ${lineOf(text, key)}`)));
  if (document.path === undefined) return [];
  const rules: PathRule[] = [];
  for (const [written, body] of pathEntries(document.path)) {
    const rule = parseBlock(written, body, text, now);
    if (rule !== null) rules.push(rule);
  }
  return rules;
}

/** OpenBao's stock `default` policy text, byte for byte (it is returned verbatim by reads). */
export const DEFAULT_POLICY_TEXT = `
# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Allow tokens to renew themselves
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Allow tokens to revoke themselves
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own entity by id or name
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}


# Allow a token to look up its resultant ACL from all policies. This is useful
# for UIs. It is an internal path because the format may change at any time
# based on how the internal ACL features and capabilities change.
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Allow a token to renew a lease via lease_id in the request body; old path for
# old clients, new path for newer
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Allow looking up lease properties. This requires knowing the lease ID ahead
# of time and does not divulge any sensitive information.
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Allow a token to manage its own cubbyhole
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Allow a token to wrap arbitrary values in a response-wrapping token
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Allow a token to look up the creation time and TTL of a given
# response-wrapping token
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Allow a token to unwrap a response-wrapping token. This is a convenience to
# avoid client token swapping since this is also part of the response wrapping
# policy.
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Allow general purpose tools
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Allow a token to make requests to the Authorization Endpoint for OIDC providers.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
`;
