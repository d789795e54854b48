import { CAP, capabilityNames, type PathRule } from './policy.js';

/** The operations an ACL decides on (the server's operations plus `create`, from the existence check). */
export type AclOperation = 'read' | 'list' | 'scan' | 'create' | 'update' | 'patch' | 'delete' | 'head' | 'help';

/** Rules merged per identical pattern (reference 2.4). */
interface MergedRule {
  readonly pattern: string;
  bits: number;
  wrapping: boolean;
  allowed: Map<string, unknown[]>;
  denied: Map<string, unknown[]>;
  required: Set<string>;
}

interface SegmentRule extends MergedRule {
  /** The pattern's segments, the trailing `*` removed from the last. */
  readonly segments: readonly string[];
  readonly glob: boolean;
  /** Index of the first `+` or `*` in the pattern. */
  readonly firstWildcard: number;
  readonly plusCount: number;
  /** Length without the trailing `*`. */
  readonly length: number;
}

/** The outcome of one ACL check. */
export interface AclDecision {
  readonly allowed: boolean;
  /** The selected rule carries `sudo` (or the token is root). */
  readonly sudo: boolean;
}

const OPERATION_BIT: Readonly<Record<AclOperation, number>> = {
  read: CAP.read,
  list: CAP.list,
  scan: CAP.scan,
  create: CAP.create,
  update: CAP.update,
  patch: CAP.patch,
  delete: CAP.delete,
  head: 0,
  help: 0,
};

/** OpenBao's root-protected paths (a trailing `*` matches by prefix). */
const SUDO_PATHS = [
  'sys/auth/*',
  'sys/audit',
  'sys/audit/*',
  'sys/raw',
  'sys/raw/*',
  'sys/remount',
  'sys/rotate',
  'sys/rotate/keyring',
  'sys/rotate/root',
  'sys/config/cors',
  'sys/config/auditing/*',
  'sys/config/ui/headers/*',
  'sys/plugins/catalog/*',
  'sys/revoke-prefix/*',
  'sys/revoke-force/*',
  'sys/leases/revoke-prefix/*',
  'sys/leases/revoke-force/*',
  'sys/leases/lookup/*',
  'sys/leases',
  'sys/internal/inspect/*',
  'auth/token/accessors*',
];

/** True when `path` is root-protected and needs `sudo` besides the operation's capability. */
function isSudoPath(path: string): boolean {
  return SUDO_PATHS.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p));
}

function newRule(pattern: string): MergedRule {
  return { pattern, bits: 0, wrapping: false, allowed: new Map(), denied: new Map(), required: new Set() };
}

function mergeInto(target: MergedRule, rule: PathRule): void {
  // Deny is sticky: once a pattern is denied, nothing merged later adds to it.
  target.bits = (target.bits & CAP.deny) !== 0 || (rule.bits & CAP.deny) !== 0 ? CAP.deny : target.bits | rule.bits;
  target.wrapping ||= rule.wrapping;
  for (const [source, into] of [
    [rule.allowed, target.allowed],
    [rule.denied, target.denied],
  ] as const) {
    for (const [name, values] of source) {
      const before = into.get(name);
      // An empty list means "any value" and wins over any list.
      into.set(name, before === undefined ? [...values] : before.length === 0 || values.length === 0 ? [] : [...before, ...values]);
    }
  }
  for (const name of rule.required) target.required.add(name);
}

function segmentRule(pattern: string): SegmentRule {
  const glob = pattern.endsWith('*');
  const stripped = glob ? pattern.slice(0, -1) : pattern;
  const plus = pattern.indexOf('+');
  const star = glob ? pattern.length - 1 : -1;
  const firstWildcard = plus < 0 ? star : star < 0 ? plus : Math.min(plus, star);
  const segments = stripped.split('/');
  return {
    ...newRule(pattern),
    segments,
    glob,
    firstWildcard,
    plusCount: segments.filter((s) => s === '+').length,
    length: stripped.length,
  };
}

function segmentMatches(rule: SegmentRule, parts: readonly string[]): boolean {
  const segs = rule.segments;
  if (!rule.glob && segs.length !== parts.length) return false;
  if (rule.glob && parts.length < segs.length) return false;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const part = parts[i] as string;
    if (seg === '+') continue;
    if (rule.glob && i === segs.length - 1) return part.startsWith(seg);
    if (seg !== part) return false;
  }
  return true;
}

/** A candidate of the non-exact match, with what the priority comparison needs. */
interface Candidate {
  readonly rule: MergedRule;
  readonly firstWildcard: number;
  readonly glob: boolean;
  readonly plusCount: number;
  readonly length: number;
  readonly pattern: string;
}

/** True when `a` has higher priority than `b` (reference 2.3). */
function beats(a: Candidate, b: Candidate): boolean {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard > b.firstWildcard;
  if (a.glob !== b.glob) return !a.glob;
  if (a.plusCount !== b.plusCount) return a.plusCount < b.plusCount;
  if (a.length !== b.length) return a.length > b.length;
  return a.pattern > b.pattern;
}

/** Request parameters as the parameter rules see them: top-level names → values. */
export type AclParams = Readonly<Record<string, unknown>> | null;

function valueMatches(allowedValue: unknown, value: unknown): boolean {
  if (typeof allowedValue === 'string' && typeof value === 'string') {
    const lead = allowedValue.startsWith('*');
    const trail = allowedValue.length > 1 && allowedValue.endsWith('*');
    if (lead && trail) return value.includes(allowedValue.slice(1, -1));
    if (lead) return value.endsWith(allowedValue.slice(1));
    if (trail) return value.startsWith(allowedValue.slice(0, -1));
    return value === allowedValue;
  }
  return JSON.stringify(allowedValue) === JSON.stringify(value);
}

function inList(list: readonly unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.every((v) => list.some((allowed) => valueMatches(allowed, v)));
}

/** OpenBao's allowed/denied/required parameter checks, on top-level parameter names. */
function parametersAllowed(rule: MergedRule, params: AclParams): boolean {
  const names = params === null ? [] : Object.keys(params);
  const lower = new Map(names.map((n) => [n.toLowerCase(), (params as Record<string, unknown>)[n]]));
  for (const name of rule.required) if (!lower.has(name)) return false;
  if (lower.size === 0) return true;
  if (rule.denied.has('*')) return false;
  for (const [name, value] of lower) {
    const denied = rule.denied.get(name);
    if (denied !== undefined && (denied.length === 0 || inList(denied, value))) return false;
  }
  if (rule.allowed.size === 0) return true;
  const star = rule.allowed.get('*');
  if (rule.allowed.size === 1 && star !== undefined && star.length === 0) return true;
  for (const [name, value] of lower) {
    const allowed = rule.allowed.get(name);
    if (allowed === undefined) {
      if (star === undefined) return false;
      continue;
    }
    if (allowed.length > 0 && !inList(allowed, value)) return false;
  }
  return true;
}

/**
 * The access control list built from a token's policies: evaluates (path, operation) exactly as
 * OpenBao selects one rule — exact, list fallback, the highest-priority of the longest glob and
 * the matching `+` rules, list fallback — and reports capability lists.
 */
export class Acl {
  readonly #exact = new Map<string, MergedRule>();
  readonly #glob = new Map<string, MergedRule>();
  readonly #segment = new Map<string, SegmentRule>();
  /** True for a token holding the `root` policy: everything is allowed. */
  readonly root: boolean;

  /** @param policies - each policy's parsed rules; `root` says the token has the root policy. */
  constructor(policies: ReadonlyArray<readonly PathRule[]>, root = false) {
    this.root = root;
    for (const rules of policies) {
      for (const rule of rules) {
        if (rule.templated) continue;
        let target: MergedRule | undefined;
        if (rule.kind === 'exact') {
          target = this.#exact.get(rule.pattern) ?? newRule(rule.pattern);
          this.#exact.set(rule.pattern, target);
        } else if (rule.kind === 'glob') {
          target = this.#glob.get(rule.pattern) ?? newRule(rule.pattern);
          this.#glob.set(rule.pattern, target);
        } else {
          const existing = this.#segment.get(rule.pattern) ?? segmentRule(rule.pattern);
          this.#segment.set(rule.pattern, existing);
          target = existing;
        }
        mergeInto(target, rule);
      }
    }
  }

  #nonExact(path: string): MergedRule | undefined {
    let best: Candidate | undefined;
    let longest: MergedRule | undefined;
    for (const [prefix, rule] of this.#glob) {
      if (path.startsWith(prefix) && (longest === undefined || prefix.length > longest.pattern.length)) longest = rule;
    }
    if (longest !== undefined) {
      best = {
        rule: longest,
        firstWildcard: longest.pattern.length,
        glob: true,
        plusCount: 0,
        length: longest.pattern.length,
        pattern: `${longest.pattern}*`,
      };
    }
    if (this.#segment.size === 0) return best?.rule;
    const parts = path.split('/');
    for (const rule of this.#segment.values()) {
      if (!segmentMatches(rule, parts)) continue;
      const candidate: Candidate = {
        rule,
        firstWildcard: rule.firstWildcard,
        glob: rule.glob,
        plusCount: rule.plusCount,
        length: rule.length,
        pattern: rule.pattern,
      };
      if (best === undefined || beats(candidate, best)) best = candidate;
    }
    return best?.rule;
  }

  /** The one rule that decides for `path` (reference 2.2), or undefined. */
  #select(path: string, listLike: boolean): MergedRule | undefined {
    const exact = this.#exact.get(path);
    if (exact !== undefined) return exact;
    if (listLike && path.endsWith('/')) {
      const trimmed = this.#exact.get(path.slice(0, -1));
      if (trimmed !== undefined) return trimmed;
    }
    const nonExact = this.#nonExact(path);
    if (nonExact !== undefined) return nonExact;
    if (listLike && path.endsWith('/')) return this.#nonExact(path.slice(0, -1));
    return undefined;
  }

  /**
   * Whether `operation` on `path` is allowed (sudo paths need `sudo` too; rules setting wrapping
   * TTLs deny, as for an unwrapped request in OpenBao; parameter rules apply to read and writes).
   */
  allowOperation(path: string, operation: AclOperation, params: AclParams = null): AclDecision {
    const clean = path.replace(/^\/+/, '');
    if (this.root) return { allowed: true, sudo: true };
    if (operation === 'help') return { allowed: true, sudo: false };
    const rule = this.#select(clean, operation === 'list' || operation === 'scan');
    if (rule === undefined) return { allowed: false, sudo: false };
    const sudo = (rule.bits & CAP.sudo) !== 0;
    if ((rule.bits & CAP.deny) !== 0) return { allowed: false, sudo: false };
    const bit = OPERATION_BIT[operation];
    if (bit === 0 || (rule.bits & bit) === 0) return { allowed: false, sudo };
    if (isSudoPath(clean) && !sudo) return { allowed: false, sudo };
    if (rule.wrapping) return { allowed: false, sudo };
    if ((operation === 'read' || operation === 'create' || operation === 'update' || operation === 'patch') && !parametersAllowed(rule, params)) {
      return { allowed: false, sudo };
    }
    return { allowed: true, sudo };
  }

  /** The capability list the capabilities endpoints report for `path` (sorted; `root`/`deny` special). */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    const rule = this.#select(path.replace(/^\/+/, ''), true);
    if (rule === undefined || rule.bits === 0) return ['deny'];
    return capabilityNames(rule.bits);
  }

  /**
   * Whether the token has any access under a mount (`mountPath` with trailing `/`), as OpenBao's
   * UI-mount preflight decides (reference 4.3).
   */
  hasMountAccess(mountPath: string): boolean {
    if (this.root) return true;
    if (this.capabilities(mountPath)[0] !== 'deny') return true;
    const grants = (r: MergedRule): boolean => r.bits !== 0 && (r.bits & CAP.deny) === 0;
    for (const [pattern, rule] of this.#exact) if (pattern.startsWith(mountPath) && grants(rule)) return true;
    for (const [prefix, rule] of this.#glob) if (prefix.startsWith(mountPath) && grants(rule)) return true;
    const mountParts = mountPath.replace(/\/$/, '').split('/');
    for (const rule of this.#segment.values()) {
      if (!grants(rule)) continue;
      let compatible = true;
      const count = Math.min(mountParts.length, rule.segments.length);
      for (let i = 0; i < count && compatible; i++) {
        const seg = rule.segments[i] as string;
        const part = mountParts[i] as string;
        if (seg === '+') continue;
        if (rule.glob && i === rule.segments.length - 1) {
          compatible = part.startsWith(seg);
          break;
        }
        compatible = seg === part;
      }
      if (compatible) return true;
    }
    return false;
  }
}
