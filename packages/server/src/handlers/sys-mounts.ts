import { randomUUID } from 'node:crypto';
import { InvalidRequestError, isPlainObject } from '@kv2/core';
import { formatMultiError } from '@kv2/core/wire';
import { envelopeJson } from '../envelope.js';
import { HttpError } from '../errors.js';
import { RequestFields, type Params, type Schema } from '../request-fields.js';
import { newMountRecord, type MountRecord, type MountTuning } from '../mount-record.js';
import { MountGoneError, type MountTable } from '../mounts.js';
import { ConversionError, weakDurationSeconds, weakString } from '../weak-types.js';
import { errors, noContent, ok, type Reply } from '../reply.js';
import type { Operation } from '../target.js';

// `sys/mounts/<path>`, `sys/mounts/<path>/tune` and `sys/remount`, following OpenBao's system
// backend (vault/logical_system.go: handleMount, handleUnmount, handleReadMount,
// handleTuneReadCommon, handleTuneWriteCommon, handleRemount; vault/mount.go: mount, unmount).
// kv2 serves one engine, KV version 2, so every other type is refused with a clear 400.

const PLUGIN_VERSION = 'v2.4.0+builtin';
/** OpenBao's system default and maximum lease TTL (32 days), which tune reads report for 0. */
const SYSTEM_LEASE_TTL = 2_764_800;
/** Paths OpenBao refuses to mount at, unmount or move (`protectedMounts`). */
const PROTECTED = ['audit/', 'auth/', 'sys/', 'cubbyhole/', 'identity/'];
/** OpenBao's built-in mounts that exist on every server; they cannot be unmounted. */
const BUILTIN = ['sys/', 'cubbyhole/', 'identity/', 'auth/token/'];
/** Paths whose tuning OpenBao refuses (`untunableMounts`), except for the audit key lists. */
const UNTUNABLE = ['cubbyhole/', 'sys/', 'audit/', 'identity/'];
/** Types that exist once, built in (`singletonMounts`). */
const SINGLETONS = ['cubbyhole', 'ns_cubbyhole', 'system', 'ns_system', 'token', 'ns_token', 'identity', 'ns_identity'];
const LISTING_VISIBILITY = ['', 'unauth', 'hidden'];

const ENABLE_FIELDS: Schema = {
  path: 'string',
  type: 'string',
  description: 'string',
  config: 'map',
  local: 'bool',
  seal_wrap: 'bool',
  external_entropy_access: 'bool',
  plugin_name: 'string',
  plugin_version: 'string',
};
const TUNE_FIELDS: Schema = {
  path: 'string',
  default_lease_ttl: 'string',
  max_lease_ttl: 'string',
  description: 'string',
  listing_visibility: 'string',
  token_type: 'string',
  plugin_version: 'string',
  user_lockout_config: 'map',
};
/** Tune fields that are comma-separated string lists (TypeCommaStringSlice) or string maps (TypeKVPairs). */
const TUNE_LISTS = ['audit_non_hmac_request_keys', 'audit_non_hmac_response_keys', 'passthrough_request_headers', 'allowed_response_headers'];
const REMOUNT_FIELDS: Schema = { from: 'string', to: 'string' };

/**
 * 200 with the envelope, and the data's fields also at the top level: OpenBao's HTTP layer
 * injects them for everything under `/v1/sys/mounts/` and for `/v1/sys/remount`.
 */
function injected(data: Record<string, unknown>, warnings: readonly string[] | null = null): Reply {
  const envelope = envelopeJson(JSON.stringify(data), warnings, true);
  let top = '';
  for (const [key, value] of Object.entries(data)) top += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  return { status: 200, body: `{${top}${envelope.slice(1)}`, json: true };
}

function badRequest(message: string): HttpError {
  return new HttpError(errors(400, [message]), message);
}

function coded(status: number, message: string): HttpError {
  return new HttpError(errors(status, [message]), message);
}

/** OpenBao's `sanitizePath`: no leading slash, one trailing slash (`''` stays `''`). */
function sanitize(path: string): string {
  let out = path.replace(/^\/+/, '');
  if (out !== '' && !out.endsWith('/')) out += '/';
  return out;
}

function sortKeys<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

/** The `config` object OpenBao's `mountInfo` shows: the set fields only, keys sorted. */
function tuningInfo(config: MountTuning): Record<string, unknown> {
  const out: Record<string, unknown> = {
    default_lease_ttl: config.defaultLeaseTtl,
    force_no_cache: config.forceNoCache,
    max_lease_ttl: config.maxLeaseTtl,
  };
  if (config.auditNonHmacRequestKeys.length > 0) out.audit_non_hmac_request_keys = config.auditNonHmacRequestKeys;
  if (config.auditNonHmacResponseKeys.length > 0) out.audit_non_hmac_response_keys = config.auditNonHmacResponseKeys;
  if (config.listingVisibility !== '') out.listing_visibility = config.listingVisibility;
  if (config.passthroughRequestHeaders.length > 0) out.passthrough_request_headers = config.passthroughRequestHeaders;
  if (config.allowedResponseHeaders.length > 0) out.allowed_response_headers = config.allowedResponseHeaders;
  return sortKeys(out);
}

/** OpenBao's `mountInfo` for a KV v2 mount, keys sorted as Go prints a map. */
export function mountInfo(record: MountRecord): Record<string, unknown> {
  return {
    accessor: record.accessor,
    config: tuningInfo(record.config),
    deprecation_status: 'supported',
    description: record.description,
    external_entropy_access: record.externalEntropyAccess,
    local: record.local,
    options: sortKeys({ ...record.options }),
    plugin_version: '',
    running_plugin_version: PLUGIN_VERSION,
    running_sha256: '',
    seal_wrap: record.sealWrap,
    type: 'kv',
    uuid: record.uuid,
  };
}

/** TypeKVPairs: an object whose values become strings (weakly); null is empty. */
function kvPairs(value: unknown, field: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value))
    throw badRequest(
      `Field validation failed: error converting input for field ${JSON.stringify(field)}: '' expected a map, got '${Array.isArray(value) ? 'slice' : typeof value}'`,
    );
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    try {
      Object.defineProperty(out, key, { value: weakString(item), enumerable: true, writable: true, configurable: true });
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      throw badRequest(`Field validation failed: error converting input for field ${JSON.stringify(field)}: ${error.message}`);
    }
  }
  return out;
}

/** TypeCommaStringSlice: a list of strings, or one string split at commas (trimmed). */
function commaList(value: unknown, field: string): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  try {
    return items.map((item) => weakString(item).trim()).filter((item) => item !== '');
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    throw badRequest(`Field validation failed: error converting input for field ${JSON.stringify(field)}: ${error.message}`);
  }
}

/** A TTL as OpenBao parses `default_lease_ttl`/`max_lease_ttl` (`""` keeps, `system` is 0). */
function ttl(text: string, keep: number, describe: (message: string) => string): number {
  if (text === '') return keep;
  if (text === 'system') return 0;
  try {
    const seconds = weakDurationSeconds(text);
    if (seconds < 0) throw new ConversionError('duration must not be negative');
    return seconds;
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    throw badRequest(describe(error.message));
  }
}

/** A string from a `config` map (OpenBao's APIMountConfig); numbers are taken as their text (TTLs: seconds). */
function configTtl(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw badRequest('unable to convert given mount config information');
}

/** The KV version an enable asks for, after OpenBao's type aliases; throws for what kv2 does not serve. */
function kvOptions(type: string, options: Record<string, string>): Record<string, string> {
  switch (type) {
    case '':
      throw badRequest('backend type must be specified as a string');
    case 'kv-v2':
      return { ...options, version: '2' };
    case 'kv-v1':
      return { ...options, version: '1' };
    case 'kv':
    case 'generic':
      return { ...options };
    default:
      if (SINGLETONS.includes(type)) throw coded(403, `mount type of ${JSON.stringify(type)} is not mountable`);
      if (options.version !== undefined && options.version !== '') {
        throw badRequest(`secrets engine ${JSON.stringify(type)} does not allow setting a version`);
      }
      throw badRequest(
        `kv2 serves KV version 2 mounts only: secrets engine type ${JSON.stringify(type)} is not available (enable "kv-v2", or "kv" with options version "2")`,
      );
  }
}

function checkVersion(options: Record<string, string>): void {
  const version = options.version ?? '';
  if (version === '2') return;
  if (version === '' || version === '1' || version === '0') {
    throw badRequest(
      'kv2 serves KV version 2 only: KV version 1 mounts are not supported; enable the mount with type "kv-v2" (bao secrets enable -version=2 kv), or with options version "2"',
    );
  }
  throw badRequest(`invalid KV version ${JSON.stringify(version)}: kv2 serves KV version 2`);
}

/** The tuning an enable's `config` gives (OpenBao's `APIMountConfig`, as far as kv2 keeps it). */
function enableTuning(config: Record<string, unknown>): MountTuning {
  const defaultLeaseTtl = ttl(
    configTtl(config.default_lease_ttl),
    0,
    (m) => `unable to parse default TTL of ${configTtl(config.default_lease_ttl)}: ${m}`,
  );
  const maxLeaseTtl = ttl(configTtl(config.max_lease_ttl), 0, (m) => `unable to parse max TTL of ${configTtl(config.max_lease_ttl)}: ${m}`);
  if (maxLeaseTtl !== 0 && defaultLeaseTtl > maxLeaseTtl) throw badRequest('given default lease TTL greater than given max lease TTL');
  if (defaultLeaseTtl > SYSTEM_LEASE_TTL && maxLeaseTtl === 0) {
    throw badRequest(`given default lease TTL greater than system max lease TTL of ${SYSTEM_LEASE_TTL}`);
  }
  const listingVisibility = configTtl(config.listing_visibility);
  if (!LISTING_VISIBILITY.includes(listingVisibility)) throw badRequest(`invalid listing_visibility ${listingVisibility}`);
  const forceNoCache = config.force_no_cache;
  return {
    defaultLeaseTtl,
    maxLeaseTtl,
    forceNoCache: forceNoCache === true || forceNoCache === 'true' || forceNoCache === 1,
    listingVisibility,
    auditNonHmacRequestKeys: commaList(config.audit_non_hmac_request_keys, 'config'),
    auditNonHmacResponseKeys: commaList(config.audit_non_hmac_response_keys, 'config'),
    passthroughRequestHeaders: commaList(config.passthrough_request_headers, 'config'),
    allowedResponseHeaders: commaList(config.allowed_response_headers, 'config'),
  };
}

function rootOnly(namespace: string): void {
  if (namespace !== '') throw badRequest('kv2 changes the mount table of the root namespace only');
}

function requireChangeable(table: MountTable): void {
  if (!table.changeable) throw badRequest("this kv2 server's mount table is fixed: it was started without run-time mounts");
}

/** `POST sys/mounts/<path>`: enables a KV v2 mount. */
async function enable(mountPath: string, params: Params | null, table: MountTable, namespace: string): Promise<Reply> {
  const fields = new RequestFields(ENABLE_FIELDS, params);
  const config = fields.map('config') ?? {};
  const tuning = enableTuning(config);
  let type = fields.string('type');
  if (type === 'plugin') {
    const name = typeof config.plugin_name === 'string' && config.plugin_name !== '' ? config.plugin_name : fields.string('plugin_name');
    if (name === '') throw badRequest('plugin_name must be provided for plugin backend');
    type = name;
  }
  const options = kvOptions(type, kvPairs(params?.options, 'options'));
  const path = sanitize(mountPath);
  for (const prefix of PROTECTED) if (path.startsWith(prefix)) throw coded(403, `cannot mount ${JSON.stringify(path)}`);
  checkVersion(options);
  rootOnly(namespace);
  requireChangeable(table);
  const bare = path.slice(0, -1);
  if (bare.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw badRequest(`invalid mount path ${JSON.stringify(path)}`);
  }
  const record = newMountRecord(bare, {
    description: fields.string('description'),
    local: fields.bool('local') ?? false,
    sealWrap: fields.bool('seal_wrap') ?? false,
    externalEntropyAccess: fields.bool('external_entropy_access') ?? false,
    options,
    config: tuning,
  });
  await table.enable(record, () => {
    const other = table.overlapping(bare);
    if (other !== undefined) throw coded(409, `path is already in use at ${other.prefix}`);
  });
  return noContent();
}

/** `DELETE sys/mounts/<path>`: disables a mount and removes its data; 204 also when nothing is there. */
async function disable(mountPath: string, table: MountTable, namespace: string): Promise<Reply> {
  const path = sanitize(mountPath);
  if (BUILTIN.includes(path) || PROTECTED.some((p) => path === p)) throw badRequest(`cannot unmount ${JSON.stringify(path)}`);
  if (path === '') return noContent();
  if (namespace !== '') return noContent();
  // OpenBao answers 204 whether or not a mount was there, so that mounts cannot be probed.
  if (table.exact(path.slice(0, -1)) === undefined) return noContent();
  requireChangeable(table);
  await table.disable(path.slice(0, -1));
  return noContent();
}

/** `GET sys/mounts/<path>`: the mount a path falls in. */
function readMount(mountPath: string, table: MountTable, namespace: string, sysInfo: () => Record<string, unknown>): Reply {
  const path = sanitize(mountPath);
  if (path.startsWith('sys/') && namespace === '') return injected(sysInfo());
  const match = table.match(path, namespace);
  if (match === undefined) return errors(400, [`No secret engine mount at ${path}`]);
  return injected(mountInfo(match.mount.record));
}

/** `GET sys/mounts/<path>/tune`: the tunable settings, TTLs as effective values. */
function readTune(mountPath: string, table: MountTable, namespace: string): Reply {
  const path = sanitize(mountPath);
  if (path.startsWith('sys/') && namespace === '') {
    return injected({
      default_lease_ttl: SYSTEM_LEASE_TTL,
      description: 'system endpoints used for control, policy and debugging',
      force_no_cache: false,
      max_lease_ttl: SYSTEM_LEASE_TTL,
      passthrough_request_headers: ['Accept'],
    });
  }
  const match = table.match(path, namespace);
  if (match === undefined) return errors(400, [`cannot fetch sysview for path ${JSON.stringify(path)}`]);
  const { record } = match.mount;
  const config = record.config;
  const data: Record<string, unknown> = {
    default_lease_ttl: config.defaultLeaseTtl === 0 ? SYSTEM_LEASE_TTL : config.defaultLeaseTtl,
    description: record.description,
    force_no_cache: config.forceNoCache,
    max_lease_ttl: config.maxLeaseTtl === 0 ? SYSTEM_LEASE_TTL : config.maxLeaseTtl,
  };
  if (record.externalEntropyAccess) data.external_entropy_access = true;
  if (config.auditNonHmacRequestKeys.length > 0) data.audit_non_hmac_request_keys = config.auditNonHmacRequestKeys;
  if (config.auditNonHmacResponseKeys.length > 0) data.audit_non_hmac_response_keys = config.auditNonHmacResponseKeys;
  if (config.listingVisibility !== '') data.listing_visibility = config.listingVisibility;
  if (config.passthroughRequestHeaders.length > 0) data.passthrough_request_headers = config.passthroughRequestHeaders;
  if (config.allowedResponseHeaders.length > 0) data.allowed_response_headers = config.allowedResponseHeaders;
  if (Object.keys(record.options).length > 0) data.options = sortKeys({ ...record.options });
  return injected(sortKeys(data));
}

/** `POST sys/mounts/<path>/tune`: changes description, TTLs, listing visibility, header lists, options. */
async function writeTune(mountPath: string, params: Params | null, table: MountTable, namespace: string): Promise<Reply> {
  const path = sanitize(mountPath);
  if (UNTUNABLE.some((p) => path.startsWith(p))) {
    for (const field of Object.keys(params ?? {})) {
      const known = Object.hasOwn(TUNE_FIELDS, field) || TUNE_LISTS.includes(field) || field === 'options';
      if (known && !['path', 'audit_non_hmac_request_keys', 'audit_non_hmac_response_keys'].includes(field)) {
        throw badRequest(`cannot tune parameter ${field} of ${path}`);
      }
    }
    return noContent();
  }
  const fields = new RequestFields(TUNE_FIELDS, params);
  const lists = new Map(TUNE_LISTS.filter((f) => params !== null && Object.hasOwn(params, f)).map((f) => [f, commaList(params?.[f], f)]));
  const options = params !== null && Object.hasOwn(params, 'options') ? kvPairs(params.options, 'options') : undefined;
  const match = table.match(path, namespace);
  if (match === undefined) throw badRequest(`tune of path ${JSON.stringify(path)} failed: no mount entry found`);
  rootOnly(namespace);
  const current = match.mount.record;
  const defaultLeaseTtl = ttl(fields.string('default_lease_ttl'), current.config.defaultLeaseTtl, (m) => m);
  const maxLeaseTtl = ttl(fields.string('max_lease_ttl'), current.config.maxLeaseTtl, (m) => m);
  if (defaultLeaseTtl !== 0 && maxLeaseTtl !== 0 && maxLeaseTtl < defaultLeaseTtl) {
    throw badRequest(`backend max lease TTL of ${maxLeaseTtl} would be less than backend default lease TTL of ${defaultLeaseTtl}`);
  }
  if (Object.keys(fields.map('user_lockout_config') ?? {}).length > 0) {
    throw badRequest('tuning of user lockout configuration for auth type "kv" not allowed');
  }
  if (fields.has('plugin_version') && fields.string('plugin_version') !== '') {
    throw badRequest('kv2 serves its built-in KV version 2 engine only: plugin versions cannot be changed');
  }
  let listingVisibility = current.config.listingVisibility;
  if (fields.has('listing_visibility')) {
    listingVisibility = fields.string('listing_visibility');
    if (!LISTING_VISIBILITY.includes(listingVisibility)) throw badRequest(`invalid listing_visibility ${listingVisibility}`);
  }
  if (fields.has('token_type')) throw badRequest("'token_type' can only be modified on auth mounts");
  let newOptions = current.options;
  if (options !== undefined && Object.keys(options).length > 0) {
    if (Object.hasOwn(options, 'version')) {
      const requested = Number.parseInt(options.version ?? '', 10);
      if (!/^[-+]?[0-9]+$/.test(options.version ?? ''))
        throw badRequest(`unable to parse options: strconv.ParseInt: parsing ${JSON.stringify(options.version)}: invalid syntax`);
      if (requested !== 1 && requested !== 2) throw badRequest(`invalid version provided: ${requested}`);
      if (requested < 2) throw badRequest('cannot downgrade mount from version 2');
    }
    const merged: Record<string, string> = { ...current.options };
    for (const [key, value] of Object.entries(options)) {
      if (value === '' && key !== 'version') delete merged[key];
      else merged[key] = key === 'version' ? '2' : value;
    }
    newOptions = merged;
  }
  const config: MountTuning = {
    ...current.config,
    defaultLeaseTtl,
    maxLeaseTtl,
    listingVisibility,
    auditNonHmacRequestKeys: lists.get('audit_non_hmac_request_keys') ?? current.config.auditNonHmacRequestKeys,
    auditNonHmacResponseKeys: lists.get('audit_non_hmac_response_keys') ?? current.config.auditNonHmacResponseKeys,
    passthroughRequestHeaders: lists.get('passthrough_request_headers') ?? current.config.passthroughRequestHeaders,
    allowedResponseHeaders: lists.get('allowed_response_headers') ?? current.config.allowedResponseHeaders,
  };
  const description = fields.has('description') ? fields.string('description') : current.description;
  await table.tune(match.mount.path, (record) => ({ ...record, description, options: newOptions, config }));
  return noContent();
}

interface Migration {
  readonly source_mount: string;
  readonly status: string;
  readonly target_mount: string;
}

/** Finished moves by migration id, per table (OpenBao keeps them in memory too). */
const MIGRATIONS = new WeakMap<MountTable, Map<string, Migration>>();
const MAX_MIGRATIONS = 100;

/** `GET sys/remount/status/<id>`: a move is finished before `sys/remount` answers, so it reads `success`. */
function remountStatus(id: string, table: MountTable): Reply {
  const migration = MIGRATIONS.get(table)?.get(id);
  if (migration === undefined) return errors(404, []);
  return ok(JSON.stringify({ migration_id: id, migration_info: migration }));
}

/** `POST sys/remount` (`bao secrets move`): moves a mount with its data, before answering. */
async function remount(params: Params | null, table: MountTable, namespace: string): Promise<Reply> {
  const fields = new RequestFields(REMOUNT_FIELDS, params);
  const from = fields.string('from');
  const to = fields.string('to');
  if (from === '' || to === '') throw badRequest("both 'from' and 'to' path must be specified as a string");
  if (from.trim() !== from) throw badRequest("'from' path cannot contain trailing whitespace");
  if (to.trim() !== to) throw badRequest("'to' path cannot contain trailing whitespace");
  const source = sanitize(from);
  const target = sanitize(to);
  for (const prefix of PROTECTED) {
    if (source.startsWith(prefix)) throw badRequest(`cannot remount ${JSON.stringify(source)}`);
    if (target.startsWith(prefix)) throw badRequest(`cannot remount to destination ${target}`);
  }
  if (
    target
      .slice(0, -1)
      .split('/')
      .some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw badRequest(`invalid destination mount: path '${to}' does not match cleaned path`);
  }
  rootOnly(namespace);
  requireChangeable(table);
  await table.remount(source.slice(0, -1), target.slice(0, -1), () => {
    const entry = table.exact(source.slice(0, -1));
    if (entry === undefined) throw badRequest(`no matching mount at ${JSON.stringify(source)}`);
    const other = table.overlapping(target.slice(0, -1));
    if (other !== undefined) throw badRequest(`path already in use at ${JSON.stringify(other.prefix)}`);
    return entry;
  });
  const id = randomUUID();
  let migrations = MIGRATIONS.get(table);
  if (migrations === undefined) MIGRATIONS.set(table, (migrations = new Map<string, Migration>()));
  migrations.set(id, { source_mount: source, status: 'success', target_mount: target });
  if (migrations.size > MAX_MIGRATIONS) migrations.delete(migrations.keys().next().value as string);
  // OpenBao moves in the background and answers at once; kv2's move is done by now.
  return injected({ migration_id: id }, [
    "Mount move has been queued. Progress will be reported in OpenBao's server log, tagged with the returned migration_id",
  ]);
}

/** True for the paths {@link handleMountsEndpoint} answers. */
export function isMountsEndpoint(path: string): boolean {
  return path.startsWith('sys/mounts/') || path === 'sys/remount' || path.startsWith('sys/remount/status/');
}

/**
 * Answers `sys/mounts/<path>[/tune]` and `sys/remount`. Only an authenticated (root) request
 * reaches here; with token policies, the policy on `sys/mounts/<path>` decides, as in OpenBao.
 */
export async function handleMountsEndpoint(
  op: Operation,
  path: string,
  params: Params | null,
  table: MountTable,
  namespace: string,
  sysInfo: () => Record<string, unknown>,
): Promise<Reply> {
  try {
    if (path.startsWith('sys/remount/status/')) {
      if (op !== 'read') throw new HttpError(errors(405, []));
      return remountStatus(path.slice('sys/remount/status/'.length), table);
    }
    if (path === 'sys/remount') {
      if (op !== 'update') throw new HttpError(errors(405, []));
      return await remount(params, table, namespace);
    }
    const rest = path.slice('sys/mounts/'.length);
    // OpenBao's route needs a path after `mounts/`; without one no route matches.
    if (rest === '') return errors(404, [formatMultiError(['unsupported path'])]);
    const tune = /^(.+?)\/tune$/.exec(rest);
    if (tune !== null) {
      const mountPath = tune[1] as string;
      if (op === 'read') return readTune(mountPath, table, namespace);
      if (op === 'update') return await writeTune(mountPath, params, table, namespace);
      throw new HttpError(errors(405, []));
    }
    switch (op) {
      case 'read':
        return readMount(rest, table, namespace, sysInfo);
      case 'update':
        return await enable(rest, params, table, namespace);
      case 'delete':
        return await disable(rest, table, namespace);
      default:
        throw new HttpError(errors(405, []));
    }
  } catch (error) {
    if (error instanceof MountGoneError) return errors(400, [`no mount at ${JSON.stringify(path)}`]);
    if (InvalidRequestError.is(error)) return errors(400, [error.message]);
    throw error;
  }
}
