import type { Acl } from '../acl/acl.js';
import { envelopeJson } from '../envelope.js';
import { formatMultiError } from '@kv2/core/wire';
import { HttpError } from '../errors.js';
import { mountInfo } from './sys-mounts.js';
import type { Mount, MountTable } from '../mounts.js';
import { document, empty, errors, ok, type Reply } from '../reply.js';
import type { Operation, Target } from '../target.js';

/** Facts about the server that the `sys/` endpoints report. */
export interface SysInfo {
  readonly version: string;
  readonly clusterName: string;
  readonly clusterId: string;
  /** When the server was created, in Unix seconds (the root token's creation time). */
  readonly startedAt: number;
  readonly tokenAccessor: string;
}

const PLUGIN_VERSION = 'v2.4.0+builtin';

function methodNotAllowed(): HttpError {
  return new HttpError(errors(405, []));
}

// OpenBao's fetchStatusCode: a missing parameter keeps the default; a non-integer is a 400.
function statusCodeParam(query: Target['query'], name: string, fallback: number): number {
  const raw = query?.[name];
  if (raw === undefined) return fallback;
  const text = Array.isArray(raw) ? (raw[0] as string) : (raw as string);
  if (!/^[-+]?[0-9]+$/.test(text)) throw new HttpError(errors(400, []));
  return Number.parseInt(text, 10);
}

/**
 * `GET`/`HEAD sys/health` (unauthenticated): this server is always initialised and active, so
 * the status is `activecode` (default 200) — or, sealed (kv2's fault mode, `sys/seal`),
 * `sealedcode` (default 503) with `sealed` and `standby` true and no cluster name or id, as
 * OpenBao reports a sealed node.
 */
export function health(target: Target, info: SysInfo, sealed = false): Reply {
  if (target.op !== 'read' && target.op !== 'head') throw methodNotAllowed();
  const active = statusCodeParam(target.query, 'activecode', 200);
  const sealedCode = statusCodeParam(target.query, 'sealedcode', 503);
  for (const name of ['standbycode', 'uninitcode', 'perfstandbyokcode']) statusCodeParam(target.query, name, 0);
  const status = sealed ? sealedCode : active;
  const body = {
    initialized: true,
    sealed,
    standby: sealed,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000),
    version: info.version,
    ...(sealed ? {} : { cluster_name: info.clusterName, cluster_id: info.clusterId }),
  };
  return target.op === 'head' ? empty(status, true) : document(status, body);
}

/** `GET sys/seal-status` (unauthenticated): one-of-one Shamir; sealed only in kv2's fault mode. */
export function sealStatus(target: Target, info: SysInfo, sealed = false): Reply {
  if (target.op !== 'read') throw methodNotAllowed();
  return sealStatusReply(info, sealed);
}

/** The seal status document, as `sys/seal-status` and `sys/unseal` answer it (no cluster name or id while sealed). */
export function sealStatusReply(info: SysInfo, sealed: boolean): Reply {
  return document(200, {
    type: 'shamir',
    initialized: true,
    sealed,
    t: 1,
    n: 1,
    progress: 0,
    nonce: '',
    version: info.version,
    build_date: '',
    migration: false,
    ...(sealed ? {} : { cluster_name: info.clusterName, cluster_id: info.clusterId }),
    recovery_seal: false,
    storage_type: 'kv2',
  });
}

/** OpenBao's `mountInfo` for a KV v2 mount, keys sorted as Go prints a map. */
function kvMountInfo(mount: Mount): Record<string, unknown> {
  return mountInfo(mount.record);
}

/** OpenBao's `mountInfo` for the `sys/` mount. */
export function sysMountInfo(info: SysInfo): Record<string, unknown> {
  return {
    accessor: `system_${info.clusterId.slice(0, 8)}`,
    config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0, passthrough_request_headers: ['Accept'] },
    description: 'system endpoints used for control, policy and debugging',
    external_entropy_access: false,
    local: false,
    options: null,
    plugin_version: '',
    running_plugin_version: PLUGIN_VERSION,
    running_sha256: '',
    seal_wrap: true,
    type: 'system',
    uuid: info.clusterId,
  };
}

function tokenMountInfo(info: SysInfo): Record<string, unknown> {
  return {
    accessor: info.tokenAccessor,
    config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0, token_type: 'default-service' },
    description: 'token based credentials',
    external_entropy_access: false,
    local: false,
    options: null,
    plugin_version: '',
    running_plugin_version: PLUGIN_VERSION,
    running_sha256: '',
    seal_wrap: false,
    type: 'token',
    uuid: info.clusterId,
  };
}

function sortedObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * `GET sys/mounts` (authenticated): the KV v2 mounts and `sys/`. Like OpenBao, the mounts
 * appear both in `data` and at the top level of the response.
 */
export function mounts(target: Target, table: MountTable, namespace: string, info: SysInfo): Reply {
  if (target.op !== 'read') throw methodNotAllowed();
  const entries: Array<[string, unknown]> = table.visible(namespace).map((m) => [m.prefix, kvMountInfo(m)]);
  if (namespace === '') entries.push(['sys/', sysMountInfo(info)]);
  const data = sortedObject(entries);
  const envelope = envelopeJson(JSON.stringify(data), null, true);
  let top = '';
  for (const [key, value] of Object.entries(data)) top += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  return { status: 200, body: `{${top}${envelope.slice(1)}`, json: true };
}

/**
 * `GET sys/internal/ui/mounts/<path>`: the mount a path falls in, as the `bao kv` CLI asks
 * before every command (it reads `data.path` and `data.options.version`). A path outside every
 * mount is a 403, as in OpenBao (so that mounts cannot be probed).
 */
export function uiMount(op: Operation, path: string, table: MountTable, namespace: string, acl: Acl): Reply {
  if (op !== 'read') throw methodNotAllowed();
  if (path === '' || path === '/') return errors(400, [formatMultiError(['path not set'])]);
  let sanitized = path.endsWith('/') ? path : `${path}/`;
  if (sanitized.startsWith('/')) sanitized = sanitized.slice(1);
  const match = table.match(sanitized, namespace);
  // Like OpenBao, a token without any access under the mount gets the same answer as a path outside every mount.
  if (match === undefined || !acl.hasMountAccess(namespace === '' ? match.mount.prefix : `${namespace}/${match.mount.prefix}`)) {
    return errors(403, [
      `preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(sanitized)}`,
    ]);
  }
  return ok(JSON.stringify(sortedObject([...Object.entries(kvMountInfo(match.mount)), ['path', match.mount.prefix]])));
}

/**
 * `GET sys/internal/ui/mounts`: the mounts the token has access to (`secret` and `auth` groups).
 * Without a token the groups are empty, as for an OpenBao whose mounts are not listed unauthenticated.
 */
export function uiMounts(op: Operation, table: MountTable, namespace: string, acl: Acl | undefined, info: SysInfo): Reply {
  if (op !== 'read') throw methodNotAllowed();
  const visible = (prefix: string): boolean => acl !== undefined && acl.hasMountAccess(namespace === '' ? prefix : `${namespace}/${prefix}`);
  const secret = sortedObject(
    table
      .visible(namespace)
      .filter((m) => visible(m.prefix))
      .map((m) => [m.prefix, kvMountInfo(m)]),
  );
  const auth = visible('auth/token/') ? { 'token/': tokenMountInfo(info) } : {};
  return ok(JSON.stringify({ auth, secret }));
}
