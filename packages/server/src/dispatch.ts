import type { IncomingMessage } from 'node:http';
import { formatMultiError, PATH_MESSAGES } from '@kv2/core/wire';
import { requestToken, type TokenCheck } from './auth.js';
import { checkPatchContentType, parseBody, readBody } from './body.js';
import { HttpError } from './errors.js';
import type { Params } from './request-fields.js';
import { health, lookupSelf, mounts, sealStatus, sysMountInfo, uiMount, uiMounts, type SysInfo } from './handlers/sys.js';
import { handleMountsEndpoint, isMountsEndpoint } from './handlers/sys-mounts.js';
import { MountGoneError, normalizeNamespace, type MountTable } from './mounts.js';
import { errors, type Reply } from './reply.js';
import { handleKv } from './router.js';
import { hasDotSegment, parseTarget, type Target } from './target.js';

/** Everything the request pipeline needs from the server. */
export interface DispatchContext {
  readonly tokens: TokenCheck;
  readonly mounts: MountTable;
  readonly info: SysInfo;
  readonly maxRequestBytes: number;
  readonly maxJsonStrings: number;
}

const PERMISSION_DENIED = (): HttpError => new HttpError(errors(403, ['permission denied']));
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

  if (path === 'sys/health' || path === 'sys/seal-status') {
    if (namespace !== '') return errors(400, ['operation unavailable in namespaces']);
    return path === 'sys/health' ? health(target, context.info) : sealStatus(target, context.info);
  }
  if (hasDotSegment(path)) return errors(400, [PATH_MESSAGES.relative]);
  if ((op === 'update' || op === 'patch') && path.endsWith('/')) {
    return errors(400, [PATH_MESSAGES.trailingSlash]);
  }
  if (op === 'patch') {
    const problem = checkPatchContentType(req.headers['content-type']);
    if (problem !== null) return errors(problem.status, [problem.message]);
  }

  const token = requestToken(req.headers);
  const authenticated = context.tokens.accepts(token, req.socket);
  if (path === UI_MOUNTS || path === `${UI_MOUNTS}/`) return uiMounts(op, context.mounts, namespace, authenticated, context.info);
  if (!authenticated || token === undefined) throw PERMISSION_DENIED();

  if (path.startsWith(`${UI_MOUNTS}/`)) return uiMount(op, path.slice(UI_MOUNTS.length + 1), context.mounts, namespace);
  if (path === 'sys/mounts') return mounts(target, context.mounts, namespace, context.info);
  if (isMountsEndpoint(path)) {
    const params = await requestParams(req, target, context);
    return handleMountsEndpoint(op, path, params, context.mounts, namespace, () => sysMountInfo(context.info));
  }
  if (path === 'auth/token/lookup-self') return lookupSelf(op, token, context.info);

  const match = context.mounts.match(path, namespace);
  if (match === undefined) {
    if (namespace !== '' && !context.mounts.hasNamespaces) return errors(404, ['namespace not found']);
    if (path.startsWith('sys/') || path.startsWith('auth/token/')) return errors(404, [formatMultiError(['unsupported path'])]);
    return errors(404, [`no handler for route ${JSON.stringify(path)}. route entry not found.`]);
  }
  const store = await context.mounts.store(match.mount, namespace);
  if (store === undefined) return errors(404, ['namespace not found']);
  const params = await requestParams(req, target, context);
  try {
    // Tracked, so that disabling the mount waits for this request before closing the store.
    return await context.mounts.track(match.mount, () => handleKv(op, match.rest, params, store));
  } catch (error) {
    if (error instanceof MountGoneError) return errors(404, [`no handler for route ${JSON.stringify(path)}. route entry not found.`]);
    throw error;
  }
}
