import { formatDuration } from '@kv2/core';
import { formatMultiError, goEscape } from '@kv2/core/wire';
import type { Acl } from '../acl/acl.js';
import { PolicyParseError, parsePolicyText } from '../acl/policy.js';
import { hashToken, randomBase62, type AuthStore, type TokenEntry } from '../acl/tokens.js';
import { envelopeJson } from '../envelope.js';
import { HttpError } from '../errors.js';
import type { Params } from '../request-fields.js';
import { ConversionError, weakBool, weakDurationSeconds, weakInt, weakString } from '../weak-types.js';
import { errors, noContent, ok, type Reply } from '../reply.js';
import type { Operation } from '../target.js';

/** The caller of an authenticated request. */
export interface Caller {
  /** The token as presented (echoed by lookup-self). */
  readonly token: string;
  readonly entry: TokenEntry;
  readonly acl: Acl;
}

/** OpenBao's default and maximum token TTL: 768h. */
const MAX_TTL = 768 * 3600;

const NOT_ALLOWED = (): HttpError => new HttpError(errors(405, []));
const bad = (message: string): HttpError => new HttpError(errors(400, [message]));
const badMulti = (message: string): HttpError => new HttpError(errors(400, [formatMultiError([message])]));

function param(params: Params | null, name: string): unknown {
  return params !== null && Object.hasOwn(params, name) ? params[name] : undefined;
}

function converted<T>(convert: () => T, message: string): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof ConversionError) throw badMulti(message);
    throw error;
  }
}

function stringParam(params: Params | null, name: string): string | undefined {
  const value = param(params, name);
  if (value === undefined || value === null) return undefined;
  return converted(() => weakString(value, name), `error converting input ${name}`);
}

function sortedJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** 200 whose `data` keys are also copied to the top level (OpenBao's injectDataIntoTopRoutes). */
function okInjected(data: Record<string, unknown>, warnings: readonly string[] | null = null): Reply {
  const dataJson = sortedJson(data);
  const envelope = envelopeJson(dataJson, warnings, true);
  let top = '';
  for (const [key, value] of Object.entries(JSON.parse(dataJson) as Record<string, unknown>))
    top += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  return { status: 200, body: goEscape(`{${top}${envelope.slice(1)}`), json: true };
}

/** A comma string or a list of strings (OpenBao's TypeCommaStringSlice). */
function commaList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : value.split(',');
  if (Array.isArray(value)) return value.map((v) => converted(() => weakString(v, name), `error converting input ${name}`));
  return [converted(() => weakString(value, name), `error converting input ${name}`)];
}

/** Trim, lower-case, de-duplicate, sort; `root` collapses the list to `["root"]`. */
export function sanitizePolicies(names: readonly string[]): string[] {
  const clean = [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))].sort();
  return clean.includes('root') ? ['root'] : clean;
}

// ---------------------------------------------------------------- policies

function policyName(raw: string): string {
  return raw.trim().toLowerCase();
}

function decodeMaybeBase64(text: string): string {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return text;
  return Buffer.from(text, 'base64').toString('utf8');
}

/**
 * `sys/policies/acl[/…]` and the legacy `sys/policy[/…]` (`legacy`): list, read, write,
 * delete, with OpenBao's name normalisation, protected names, CAS and error texts.
 */
export async function handlePolicies(op: Operation, rest: string, params: Params | null, auth: AuthStore, legacy: boolean): Promise<Reply> {
  const listing = op === 'list' || (legacy && op === 'read' && rest === '');
  if (listing) {
    if (rest === '' || rest === '/') {
      const keys = [...auth.policyNames(), 'root'];
      return legacy ? okInjected({ keys, policies: keys }) : ok(JSON.stringify({ keys }));
    }
    const prefix = rest.endsWith('/') ? rest : `${rest}/`;
    const keys = auth.policyNames().filter((n) => n.startsWith(prefix));
    return legacy ? okInjected({ keys, policies: keys }) : ok(JSON.stringify({ keys }));
  }
  if (rest === '') throw NOT_ALLOWED();
  const name = policyName(rest);
  switch (op) {
    case 'read': {
      const textKey = legacy ? 'rules' : 'policy';
      if (name === 'root') {
        return legacy
          ? okInjected({ name, rules: '' })
          : ok(
              sortedJson({
                name,
                policy: '',
                version: 0,
                cas_required: false,
                allow_slashes_in_identity_templates: false,
                allow_wildcards_in_identity_templates: false,
              }),
            );
      }
      const policy = auth.getPolicy(name);
      if (policy === undefined) return errors(404, []);
      if (legacy) return okInjected({ name, [textKey]: policy.text });
      return ok(
        sortedJson({
          name,
          policy: policy.text,
          version: policy.version,
          cas_required: policy.casRequired,
          modified: policy.modified,
          allow_slashes_in_identity_templates: false,
          allow_wildcards_in_identity_templates: false,
        }),
      );
    }
    case 'update': {
      const warnings: string[] = [];
      let text = stringParam(params, 'policy');
      if ((text === undefined || text === '') && legacy) {
        text = stringParam(params, 'rules');
        if (text !== undefined && text !== '') warnings.push("'rules' is deprecated, please use 'policy' instead");
      }
      if (text === undefined || text === '') return errors(400, ["'policy' parameter not supplied or empty"]);
      if (param(params, 'ttl') !== undefined && param(params, 'expiration') !== undefined)
        return errors(400, ["cannot supply both 'expiration' and 'ttl' for policies"]);
      text = decodeMaybeBase64(text);
      if (name !== rest) warnings.push(`policy name was converted to ${name}`);
      if (name === 'root' || name === 'response-wrapping') return errors(400, [`cannot update ${JSON.stringify(name)} policy`]);
      try {
        await parsePolicyText(text, auth.now());
      } catch (error) {
        if (error instanceof PolicyParseError) return errors(400, [`failed to parse policy: ${error.message}`]);
        throw error;
      }
      const casRaw = param(params, 'cas');
      const cas = casRaw === undefined || casRaw === null ? undefined : converted(() => weakInt(casRaw, 'cas'), 'error converting input cas');
      const casRequiredRaw = param(params, 'cas_required');
      const casRequired = casRequiredRaw === undefined ? undefined : converted(() => weakBool(casRequiredRaw), 'error converting input cas_required');
      const problem = await auth.setPolicy(name, text, cas, casRequired === undefined ? {} : { casRequired });
      if (problem !== null) return errors(400, [problem]);
      return warnings.length === 0 ? noContent() : ok(null, warnings);
    }
    case 'delete': {
      if (name === 'default') return errors(400, ['cannot delete default policy']);
      if (name === 'root' || name === 'response-wrapping') return errors(400, [`cannot delete ${JSON.stringify(name)} policy`]);
      await auth.deletePolicy(name);
      return noContent();
    }
    default:
      throw NOT_ALLOWED();
  }
}

// ---------------------------------------------------------------- capabilities

function pathsParam(params: Params | null): string[] {
  let paths = commaList(param(params, 'paths'), 'paths');
  if (paths.length === 0) paths = commaList(param(params, 'path'), 'path');
  return paths;
}

function capabilitiesReply(acl: Acl, paths: readonly string[]): Reply {
  const data: Record<string, unknown> = {};
  for (const path of paths) data[path] = acl.capabilities(path);
  if (paths.length === 1) data.capabilities = data[paths[0] as string];
  return okInjected(data);
}

/** `sys/capabilities-self`, `sys/capabilities`, `sys/capabilities-accessor` (POST/PUT). */
export async function handleCapabilities(
  op: Operation,
  which: 'self' | 'token' | 'accessor',
  params: Params | null,
  caller: Caller,
  auth: AuthStore,
): Promise<Reply> {
  if (op !== 'update') throw NOT_ALLOWED();
  const paths = pathsParam(params);
  if (paths.length === 0) return errors(400, ['paths must be supplied']);
  if (paths.some((p) => p === '')) return errors(400, [formatMultiError(['missing path'])]);
  if (which === 'self') return capabilitiesReply(caller.acl, paths);
  if (which === 'token') {
    const token = stringParam(params, 'token');
    if (token === undefined || token === '') return errors(500, [formatMultiError(['no token found'])]);
    const entry = await auth.lookup(token);
    if (entry === undefined) return errors(400, [formatMultiError(['invalid token'])]);
    return capabilitiesReply(auth.acl(entry.policies), paths);
  }
  const accessor = stringParam(params, 'accessor');
  if (accessor === undefined || accessor === '') return errors(400, [formatMultiError(['missing accessor'])]);
  const entry = await auth.lookupAccessor(accessor);
  if (entry === undefined) return errors(400, [formatMultiError(['invalid accessor'])]);
  return capabilitiesReply(auth.acl(entry.policies), paths);
}

// ---------------------------------------------------------------- tokens

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `data` of a token lookup (keys sorted, as Go encodes a map). */
function lookupData(entry: TokenEntry, id: string, now: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: entry.creationTime,
    creation_ttl: entry.creationTtl,
    display_name: entry.displayName,
    entity_id: '',
    expire_time: entry.expireTime === null ? null : iso(entry.expireTime),
    explicit_max_ttl: entry.explicitMaxTtl,
    id,
    meta: entry.meta,
    num_uses: entry.numUses,
    orphan: entry.parent === null,
    path: entry.path,
    policies: entry.policies,
    ttl: entry.expireTime === null ? 0 : Math.max(0, Math.round((entry.expireTime - now) / 1000)),
    type: 'service',
  };
  if (entry.issueTime !== null) {
    data.issue_time = iso(entry.issueTime);
    data.renewable = entry.renewable;
  }
  if (entry.period > 0) data.period = entry.period;
  if (entry.lastRenewal !== null) {
    data.last_renewal_time = Math.floor(entry.lastRenewal / 1000);
    data.last_renewal = iso(entry.lastRenewal);
  }
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function authReply(entry: TokenEntry, clientToken: string, leaseDuration: number, warnings: readonly string[]): Reply {
  const auth = {
    client_token: clientToken,
    accessor: entry.accessor,
    policies: entry.policies,
    token_policies: entry.policies,
    metadata: entry.meta,
    lease_duration: leaseDuration,
    renewable: entry.renewable,
    entity_id: '',
    token_type: 'service',
    orphan: entry.parent === null,
    mfa_requirement: null,
    num_uses: entry.numUses,
  };
  const envelope = envelopeJson(null, warnings.length === 0 ? null : warnings, true);
  const body = envelope.replace(/"auth":null}\n$/, `"auth":${JSON.stringify(auth)}}\n`);
  return { status: 200, body: goEscape(body), json: true };
}

function durationParam(params: Params | null, name: string): number {
  const value = param(params, name);
  if (value === undefined || value === null || value === '') return 0;
  const seconds = converted(() => weakDurationSeconds(value), `error converting input ${name}`);
  if (seconds < 0) throw bad(`${name} must be positive`);
  return seconds;
}

function displayName(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'token';
  return `token-${raw}`.replace(/[^A-Za-z0-9-]/g, '-').replace(/-$/, '');
}

function metaParam(params: Params | null): Record<string, string> | null {
  const value = param(params, 'meta');
  if (value === undefined || value === null) return null;
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq <= 0) throw badMulti('error converting input meta');
      out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      out[k] = converted(() => weakString(v, 'meta'), 'error converting input meta');
  } else {
    throw badMulti('error converting input meta');
  }
  return Object.keys(out).length === 0 ? null : out;
}

function hasSudo(caller: Caller, path: string): boolean {
  return caller.acl.root || caller.acl.allowOperation(path, 'update').sudo;
}

/** `auth/token/create` and `auth/token/create-orphan`. */
async function createToken(params: Params | null, caller: Caller, auth: AuthStore, orphanPath: boolean): Promise<Reply> {
  const path = orphanPath ? 'auth/token/create-orphan' : 'auth/token/create';
  const parent = caller.entry;
  if (parent.numUses === -1) return errors(400, ['parent token lookup failed: no parent found']);
  if (parent.numUses > 0) return errors(400, ['restricted use token cannot generate child tokens']);
  const type = stringParam(params, 'type') ?? '';
  if (type === 'batch') return errors(400, ['batch tokens are not supported by this server']);
  if (type !== '' && type !== 'service') return errors(400, ["invalid 'token_type' value"]);
  const numUsesRaw = param(params, 'num_uses');
  const numUses =
    numUsesRaw === undefined || numUsesRaw === null ? 0 : converted(() => weakInt(numUsesRaw, 'num_uses'), 'error converting input num_uses');
  if (numUses < 0) return errors(400, ['number of uses cannot be negative']);
  if (stringParam(params, 'entity_alias')) return errors(400, ["'entity_alias' is only allowed in combination with token role"]);
  const sudo = hasSudo(caller, path);
  const warnings: string[] = [];
  const id = stringParam(params, 'id') ?? '';
  if (id !== '') {
    if (!sudo) return errors(400, ['root or sudo privileges required to specify token id']);
    if (id.startsWith('s.')) return errors(400, ["custom token ID cannot have the 's.' prefix"]);
    if (id.startsWith('hvs.')) return errors(400, ["custom token ID cannot have the 'hvs.' prefix"]);
    if (id.includes('.')) return errors(400, ["custom token ID cannot have a '.' in the value"]);
    if (auth.hasTokenId(id)) return errors(400, ['cannot create a token with a duplicate ID']);
    warnings.push(
      'Supplying a custom ID for the token uses the weaker SHA1 hashing instead of the more secure SHA2-256 HMAC for token obfuscation. SHA1 hashed tokens on the wire leads to less secure lookups.',
    );
  }

  const parentPolicies = sanitizePolicies(parent.policies);
  const requested = param(params, 'policies');
  const noDefault =
    param(params, 'no_default_policy') === undefined
      ? false
      : converted(() => weakBool(param(params, 'no_default_policy')), 'error converting input no_default_policy');
  let policies: string[];
  if (requested === undefined || requested === null || commaList(requested, 'policies').length === 0) {
    policies = [...parentPolicies];
  } else {
    policies = sanitizePolicies(commaList(requested, 'policies'));
    if (!sudo) {
      if (!policies.every((p) => parentPolicies.includes(p))) return errors(400, ['child policies must be subset of parent']);
    }
    if (!policies.includes('root') && (sudo || parentPolicies.includes('default')) && !noDefault)
      policies = sanitizePolicies([...policies, 'default']);
  }
  if (noDefault) policies = policies.filter((p) => p !== 'default');
  if (policies.includes('root') && !parentPolicies.includes('root'))
    return errors(400, ['root tokens may not be created without parent token being root']);
  if (policies.includes('response-wrapping')) return errors(400, ['cannot assign policy "response-wrapping"']);
  for (const name of policies) if (!auth.policyExists(name)) warnings.push(`Policy ${JSON.stringify(name)} does not exist`);

  const noParentRaw = param(params, 'no_parent');
  const noParent = orphanPath || (noParentRaw !== undefined && converted(() => weakBool(noParentRaw), 'error converting input no_parent'));
  if (noParent && !orphanPath && !sudo) return errors(400, ['root or sudo privileges required to create orphan token']);
  const period = durationParam(params, 'period');
  if (period > 0 && !sudo) return errors(400, ['root or sudo privileges required to create periodic token']);
  const explicitMaxTtl = durationParam(params, 'explicit_max_ttl');
  let ttl = durationParam(params, 'ttl') || durationParam(params, 'lease');
  const isRoot = policies.length === 1 && policies[0] === 'root';
  const cap = explicitMaxTtl > 0 ? Math.min(MAX_TTL, explicitMaxTtl) : MAX_TTL;
  if (period > 0) {
    ttl = Math.min(period, cap);
  } else if (ttl === 0 && isRoot) {
    ttl = explicitMaxTtl;
  } else {
    const wanted = ttl === 0 ? MAX_TTL : ttl;
    ttl = Math.min(wanted, cap);
    if (wanted > cap)
      warnings.push(
        `TTL of ${JSON.stringify(goShort(wanted))} exceeded the effective max_ttl of ${JSON.stringify(goShort(cap))}; TTL value is capped accordingly`,
      );
  }
  if (isRoot && ttl === 0 && parent.expireTime !== null) return errors(400, ['expiring root tokens cannot create non-expiring root tokens']);
  const renewableRaw = param(params, 'renewable');
  const renewable = ttl > 0 && (renewableRaw === undefined || converted(() => weakBool(renewableRaw), 'error converting input renewable'));

  const now = auth.now().getTime();
  const tokenId = id !== '' ? id : `s.${randomBase62()}`;
  const entry: TokenEntry = {
    hash: hashToken(tokenId),
    accessor: randomBase62(),
    parent: noParent ? null : parent.hash,
    policies,
    path,
    meta: metaParam(params),
    displayName: displayName(stringParam(params, 'display_name')),
    numUses,
    creationTime: Math.floor(now / 1000),
    creationTtl: ttl,
    explicitMaxTtl,
    period,
    renewable,
    issueTime: now,
    expireTime: ttl > 0 ? now + ttl * 1000 : null,
    lastRenewal: null,
    leaseTtl: ttl,
    ephemeral: false,
  };
  await auth.addToken(entry);
  return authReply(entry, tokenId, ttl, warnings);
}

/** Go's duration text with zero units trimmed (`1h`, `30m`, `1h30m`), as OpenBao's TTL warnings print. */
function goShort(seconds: number): string {
  const text = formatDuration(seconds);
  return text.replace(/(\d)h0m0s$/, '$1h').replace(/(\d)m0s$/, '$1m');
}

async function renewToken(entry: TokenEntry | undefined, clientToken: string, params: Params | null, auth: AuthStore): Promise<Reply> {
  if (entry === undefined) return errors(400, ['token not found']);
  if (entry.issueTime === null) return errors(400, ['invalid lease ID']);
  if (!entry.renewable || entry.leaseTtl === 0) return errors(400, ['lease is not renewable']);
  const increment = durationParam(params, 'increment');
  const warnings: string[] = [];
  let ttl = entry.period > 0 ? entry.period : increment > 0 ? increment : entry.leaseTtl;
  const now = auth.now().getTime();
  const cap = entry.explicitMaxTtl > 0 ? Math.min(MAX_TTL, entry.explicitMaxTtl) : MAX_TTL;
  const left = Math.floor((entry.issueTime + cap * 1000 - now) / 1000);
  if (left <= 0) return errors(400, ['past the max TTL, cannot renew']);
  if (ttl > left) {
    warnings.push(
      `TTL of ${JSON.stringify(goShort(ttl))} exceeded the effective max_ttl of ${JSON.stringify(goShort(left))}; TTL value is capped accordingly`,
    );
    ttl = left;
  }
  await auth.renew(entry, ttl);
  return authReply(entry, clientToken, ttl, warnings);
}

/** Routes `auth/token/<endpoint>` for an authenticated caller. */
export async function handleTokenEndpoint(op: Operation, endpoint: string, params: Params | null, caller: Caller, auth: AuthStore): Promise<Reply> {
  const now = (): number => auth.now().getTime();
  switch (endpoint) {
    case 'create':
    case 'create-orphan':
      if (op !== 'update') throw NOT_ALLOWED();
      return createToken(params, caller, auth, endpoint === 'create-orphan');
    case 'lookup-self':
      if (op !== 'read' && op !== 'update') throw NOT_ALLOWED();
      return ok(JSON.stringify(lookupData(caller.entry, caller.token, now())));
    case 'lookup': {
      if (op !== 'read' && op !== 'update') throw NOT_ALLOWED();
      const raw = param(params, 'token');
      if (raw !== undefined && typeof raw !== 'string' && !Array.isArray(raw)) return errors(403, ['invalid token']);
      const token = Array.isArray(raw) ? String(raw[0]) : raw;
      if (token === undefined || token === '') {
        if (op === 'update') return errors(400, ['missing token ID']);
        return ok(JSON.stringify(lookupData(caller.entry, caller.token, now())));
      }
      const entry = await auth.lookup(token);
      if (entry === undefined) return errors(403, ['bad token']);
      return ok(JSON.stringify(lookupData(entry, token, now())));
    }
    case 'lookup-accessor': {
      if (op !== 'update') throw NOT_ALLOWED();
      const accessor = stringParam(params, 'accessor');
      if (accessor === undefined || accessor === '') return errors(400, [formatMultiError(['missing accessor'])]);
      const entry = await auth.lookupAccessor(accessor);
      if (entry === undefined) return errors(400, [formatMultiError(['invalid accessor'])]);
      return ok(JSON.stringify(lookupData(entry, '', now())));
    }
    case 'renew-self':
      if (op !== 'update') throw NOT_ALLOWED();
      return renewToken(caller.entry, caller.token, params, auth);
    case 'renew': {
      if (op !== 'update') throw NOT_ALLOWED();
      const token = stringParam(params, 'token');
      if (token === undefined || token === '') return errors(400, ['missing token ID']);
      return renewToken(await auth.lookup(token), token, params, auth);
    }
    case 'renew-accessor': {
      if (op !== 'update') throw NOT_ALLOWED();
      const accessor = stringParam(params, 'accessor');
      if (accessor === undefined || accessor === '') return errors(400, [formatMultiError(['missing accessor'])]);
      return renewToken(await auth.lookupAccessor(accessor), '', params, auth);
    }
    case 'revoke-self':
      if (op !== 'update') throw NOT_ALLOWED();
      await auth.revokeTree(caller.entry.hash);
      return noContent();
    case 'revoke': {
      if (op !== 'update') throw NOT_ALLOWED();
      const token = stringParam(params, 'token');
      if (token === undefined || token === '') return errors(400, ['missing token ID']);
      await auth.revokeTree(hashToken(token));
      return noContent();
    }
    case 'revoke-accessor': {
      if (op !== 'update') throw NOT_ALLOWED();
      const accessor = stringParam(params, 'accessor');
      if (accessor === undefined || accessor === '') return errors(400, [formatMultiError(['missing accessor'])]);
      const entry = await auth.lookupAccessor(accessor);
      if (entry === undefined) return ok(null, ['No token found with this accessor']);
      await auth.revokeTree(entry.hash);
      return noContent();
    }
    case 'revoke-orphan': {
      if (op !== 'update') throw NOT_ALLOWED();
      if (!hasSudo(caller, 'auth/token/revoke-orphan')) return errors(400, ['root or sudo privileges required to revoke and orphan']);
      const token = stringParam(params, 'token');
      if (token === undefined || token === '') return errors(400, ['missing token ID']);
      const entry = await auth.lookup(token);
      if (entry === undefined) return errors(400, ['token to revoke not found']);
      await auth.revokeOrphan(entry.hash);
      return noContent();
    }
    default:
      return errors(404, [formatMultiError(['unsupported path'])]);
  }
}

/** Builds the init root token's entry (no lease, never expires, not persisted). */
export function rootTokenEntry(token: string, accessor: string, startedAt: number): TokenEntry {
  return {
    hash: hashToken(token),
    accessor,
    parent: null,
    policies: ['root'],
    path: 'auth/token/root',
    meta: null,
    displayName: 'root',
    numUses: 0,
    creationTime: startedAt,
    creationTtl: 0,
    explicitMaxTtl: 0,
    period: 0,
    renewable: false,
    issueTime: null,
    expireTime: null,
    lastRenewal: null,
    leaseTtl: 0,
    ephemeral: true,
  };
}
