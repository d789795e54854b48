import type { IncomingMessage } from 'node:http';
import { SecretNotFoundError } from '@kv2/core';
import { formatMultiError, PATH_MESSAGES } from '@kv2/core/wire';
import type { AclOperation } from './acl/acl.js';
import type { AuthStore } from './acl/tokens.js';
import { requestToken } from './auth.js';
import { checkPatchContentType, parseBody, readBody, RequestAbortedError } from './body.js';
import { HttpError } from './errors.js';
import { isFaultsEndpoint, type ServerFaults } from './faults.js';
import { handleFaultsEndpoint, handleSeal, handleUnseal } from './handlers/faults.js';
import type { Params } from './request-fields.js';
import { handleCapabilities, handlePolicies, handleTokenEndpoint, type Caller } from './handlers/auth-endpoints.js';
import { health, mounts, sealStatus, sealStatusReply, sysMountInfo, uiMount, uiMounts, type SysInfo } from './handlers/sys.js';
import { handleMountsEndpoint, isMountsEndpoint } from './handlers/sys-mounts.js';
import { MountGoneError, normalizeNamespace, type Mount, type MountMatch, type MountTable } from './mounts.js';
import { errors, type Reply } from './reply.js';
import { handleKv } from './router.js';
import { hasDotSegment, parseTarget, type Target } from './target.js';

/** Everything the request pipeline needs from the server. */
export interface DispatchContext {
  /** Policies and tokens; every request is checked against the caller's ACL. */
  readonly auth: AuthStore;
  readonly mounts: MountTable;
  readonly info: SysInfo;
  readonly maxRequestBytes: number;
  readonly maxJsonStrings: number;
  /** Injected faults and the seal state (kv2-specific; see `sys/kv2/faults`). */
  readonly faults: ServerFaults;
}

const PERMISSION_DENIED = (): HttpError => new HttpError(errors(403, ['permission denied']));
/** The ACL's refusal, go-multierror framed as OpenBao's request pipeline words it. */
const ACL_DENIED = (): HttpError => new HttpError(errors(403, [formatMultiError(['permission denied'])]));
const UI_MOUNTS = 'sys/internal/ui/mounts';

/** Body parameters of a write (read within the size limit), or the query parameters otherwise. */
async function requestParams(req: IncomingMessage, target: Target, context: DispatchContext): Promise<Params | null> {
  if (target.op !== 'update' && target.op !== 'patch') return target.query;
  const body = await readBody(req, context.maxRequestBytes);
  return parseBody(body, {
    contentType: req.headers['content-type'],
    jsonOnly: target.op === 'patch',
    maxJsonStrings: context.maxJsonStrings,
  });
}

/**
 * Answers one request, in OpenBao's order of checks: the target (404/400/405), the
 * unauthenticated `sys/` endpoints, relative paths, writes to a path ending in `/`, the PATCH
 * content type, the token (403, before any body byte is read), the namespace, the route, the
 * body, then the handler. Throws {@link HttpError} or store errors; the caller turns them into
 * replies.
 */
export async function dispatch(req: IncomingMessage, context: DispatchContext): Promise<Reply> {
  const target = parseTarget(req);
  const { op, path } = target;
  const namespaceHeader = req.headers['x-vault-namespace'];
  const namespace = normalizeNamespace(typeof namespaceHeader === 'string' ? namespaceHeader : undefined);

  // Injected faults come first, like a failing proxy in front of OpenBao; they are answered
  // before any store is reached, so they never change stored data.
  const fault = context.faults.take(path, op);
  if (fault !== null) {
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.drop) {
      req.socket.destroy();
      throw new RequestAbortedError();
    }
    if (fault.reply !== null) return errors(fault.reply.status, fault.reply.errors);
  }

  const { sealed } = context.faults;
  if (path === 'sys/health' || path === 'sys/seal-status') {
    if (namespace !== '') return errors(400, ['operation unavailable in namespaces']);
    return path === 'sys/health' ? health(target, context.info, sealed) : sealStatus(target, context.info, sealed);
  }
  if (path === 'sys/unseal') {
    const params = op === 'update' ? await requestParams(req, target, context) : null;
    return handleUnseal(op, params, context.faults, () => sealStatusReply(context.info, context.faults.sealed));
  }
  // A sealed OpenBao answers every other request 503 before looking at the token; sealing
  // again is a no-op.
  if (sealed && !isFaultsEndpoint(path)) return path === 'sys/seal' ? handleSeal(op, false, context.faults) : errors(503, ['Vault is sealed']);
  if (hasDotSegment(path)) return errors(400, [PATH_MESSAGES.relative]);
  if ((op === 'update' || op === 'patch') && path.endsWith('/')) {
    return errors(400, [PATH_MESSAGES.trailingSlash]);
  }
  if (op === 'patch') {
    const problem = checkPatchContentType(req.headers['content-type']);
    if (problem !== null) return errors(problem.status, [problem.message]);
  }

  const token = requestToken(req.headers);
  const entry = token === undefined ? undefined : await context.auth.lookup(token, req.socket);
  // The UI mount endpoints are unauthenticated routes that judge the token themselves and
  // never consume a use.
  if (path === UI_MOUNTS || path === `${UI_MOUNTS}/`) {
    if (token !== undefined && entry === undefined) throw PERMISSION_DENIED();
    return uiMounts(op, context.mounts, namespace, entry === undefined ? undefined : context.auth.acl(entry.policies), context.info);
  }
  if (entry === undefined || token === undefined) throw PERMISSION_DENIED();
  const acl = context.auth.acl(entry.policies);
  if (path === 'sys/seal' && namespace === '') {
    // As in OpenBao, sealing needs `sudo` on sys/seal (the root token has it).
    const decision = acl.root ? undefined : acl.allowOperation(path, 'update');
    return handleSeal(op, acl.root || (decision !== undefined && decision.allowed && decision.sudo), context.faults);
  }
  if (isFaultsEndpoint(path)) {
    // kv2's fault rules: root token only, in the root namespace, outside the ACL's path rules.
    if (!acl.root || namespace !== '') throw PERMISSION_DENIED();
    return handleFaultsEndpoint(op, path, await requestParams(req, target, context), context.faults);
  }
  if (path.startsWith(`${UI_MOUNTS}/`)) return uiMount(op, path.slice(UI_MOUNTS.length + 1), context.mounts, namespace, acl);

  const match = context.mounts.match(path, namespace);
  // Parameter rules and the existence check need the body; OpenBao also parses it before the ACL.
  const params = await requestParams(req, target, context);
  let allowed = true;
  if (!acl.root) {
    let aclOp: AclOperation = op === 'options' ? 'read' : op;
    if (op === 'update' && match !== undefined && (await keyExists(match.rest, match.mount, namespace, context)) === false) aclOp = 'create';
    // In a namespace, a root-namespace policy names the path with the namespace in front.
    const aclPath = namespace === '' ? path : `${namespace}/${path}`;
    allowed = acl.allowOperation(aclPath, aclOp, params).allowed;
  }
  // A use is consumed whether or not the ACL allows; the last use is served, then the token goes.
  const lastUse = await context.auth.consumeUse(entry);
  try {
    if (!allowed) throw ACL_DENIED();
    return await route(target, match, params, { token, entry, acl }, namespace, context);
  } finally {
    if (lastUse) await context.auth.revokeTree(entry.hash);
  }
}

/** KV v2's existence check for `data/<key>` and `metadata/<key>`: exists ⇔ the key has metadata. Undefined when the route has none. */
async function keyExists(rest: string, mount: Mount, namespace: string, context: DispatchContext): Promise<boolean | undefined> {
  const prefix = rest.startsWith('data/') ? 'data/' : rest.startsWith('metadata/') ? 'metadata/' : undefined;
  if (prefix === undefined) return undefined;
  const key = rest.slice(prefix.length);
  if (key === '' || key.endsWith('/')) return undefined;
  const store = await context.mounts.store(mount, namespace);
  if (store === undefined) return undefined;
  try {
    await store.readMetadata(key);
    return true;
  } catch (error) {
    if (SecretNotFoundError.is(error)) return false;
    // Anything else (a bad path) is left for the handler to answer.
    return undefined;
  }
}

async function route(
  target: Target,
  match: MountMatch | undefined,
  params: Params | null,
  caller: Caller,
  namespace: string,
  context: DispatchContext,
): Promise<Reply> {
  const { op, path } = target;
  if (path === 'sys/mounts') return mounts(target, context.mounts, namespace, context.info);
  if (isMountsEndpoint(path)) return handleMountsEndpoint(op, path, params, context.mounts, namespace, () => sysMountInfo(context.info));
  if (namespace === '') {
    if (path === 'sys/policies/acl' || path.startsWith('sys/policies/acl/')) {
      return handlePolicies(op, path.slice('sys/policies/acl'.length).replace(/^\//, ''), params, context.auth, false);
    }
    if (path === 'sys/policy' || path.startsWith('sys/policy/')) {
      return handlePolicies(op, path.slice('sys/policy'.length).replace(/^\//, ''), params, context.auth, true);
    }
    if (path === 'sys/capabilities-self') return handleCapabilities(op, 'self', params, caller, context.auth);
    if (path === 'sys/capabilities') return handleCapabilities(op, 'token', params, caller, context.auth);
    if (path === 'sys/capabilities-accessor') return handleCapabilities(op, 'accessor', params, caller, context.auth);
    if (path.startsWith('auth/token/')) return handleTokenEndpoint(op, path.slice('auth/token/'.length), params, caller, context.auth);
  }

  if (match === undefined) {
    if (namespace !== '' && !context.mounts.hasNamespaces) return errors(404, ['namespace not found']);
    if (path.startsWith('sys/') || path.startsWith('auth/token/')) return errors(404, [formatMultiError(['unsupported path'])]);
    return errors(404, [`no handler for route ${JSON.stringify(path)}. route entry not found.`]);
  }
  const store = await context.mounts.store(match.mount, namespace);
  if (store === undefined) return errors(404, ['namespace not found']);
  try {
    // Tracked, so that disabling the mount waits for this request before closing the store.
    return await context.mounts.track(match.mount, () => handleKv(op, match.rest, params, store));
  } catch (error) {
    if (error instanceof MountGoneError) return errors(404, [`no handler for route ${JSON.stringify(path)}. route entry not found.`]);
    throw error;
  }
}
