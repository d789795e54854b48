import { KvError } from '@kv2/core';
import { HttpError } from '../errors.js';
import { ruleFromParams, type ServerFaults } from '../faults.js';
import { errors, noContent, ok, type Reply } from '../reply.js';
import type { Params } from '../request-fields.js';
import type { Operation } from '../target.js';

// The kv2-only endpoint `sys/kv2/faults` and OpenBao's `sys/seal`/`sys/unseal`.

/** OpenBao's bare error answer (`respondError(w, status, nil)`): `{"errors":[]}`. */
function bare(status: number): Reply {
  return errors(status, []);
}

/**
 * `sys/kv2/faults` (root token only; not part of OpenBao): `GET`/`LIST` the rules and the seal
 * state, `POST`/`PUT` a rule (answers its `id`), `DELETE` every rule, `DELETE …/<id>` one rule.
 */
export function handleFaultsEndpoint(op: Operation, path: string, params: Params | null, faults: ServerFaults): Reply {
  const id = path === 'sys/kv2/faults' ? '' : path.slice('sys/kv2/faults/'.length);
  if (id === '') {
    switch (op) {
      case 'read':
      case 'list':
        return ok(JSON.stringify({ sealed: faults.sealed, rules: faults.list() }));
      case 'update':
        try {
          return ok(JSON.stringify({ id: faults.add(ruleFromParams(params)) }));
        } catch (error) {
          if (KvError.is(error)) return errors(400, [error.message]);
          throw error;
        }
      case 'delete':
        faults.clear();
        return noContent();
      default:
        return bare(405);
    }
  }
  if (op !== 'delete') return bare(405);
  return faults.remove(id) ? noContent() : errors(404, [`no fault rule ${JSON.stringify(id)}`]);
}

/**
 * `PUT sys/seal`: seals when `allowed` (the token has `sudo` on sys/seal); already sealed, it
 * answers 204 whatever the token, as OpenBao's `SealWithRequest` returns before looking at it.
 */
export function handleSeal(op: Operation, allowed: boolean, faults: ServerFaults): Reply {
  if (op !== 'update') return bare(405);
  if (faults.sealed) return noContent();
  if (!allowed) throw new HttpError(errors(403, ['permission denied']));
  faults.sealed = true;
  return noContent();
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `PUT sys/unseal` (unauthenticated). kv2 has no barrier key: any well-formed key (hex or
 * base64, as OpenBao decodes it) unseals at once, as with a one-of-one Shamir seal.
 * Answers the seal status, like OpenBao.
 */
export function handleUnseal(op: Operation, params: Params | null, faults: ServerFaults, sealStatus: () => Reply): Reply {
  if (op !== 'update') return bare(405);
  // Go's JSON decoding matches field names case-insensitively.
  const field = (name: string): unknown => {
    for (const [key, value] of Object.entries(params ?? {})) if (key.toLowerCase() === name) return value;
    return undefined;
  };
  const key = field('key');
  const reset = field('reset');
  if ((key !== undefined && typeof key !== 'string') || (reset !== undefined && typeof reset !== 'boolean')) {
    return errors(400, ['json: cannot unmarshal the request body']);
  }
  if (reset === true) {
    if (!faults.sealed) return errors(400, ['vault is unsealed']);
    return sealStatus();
  }
  if (key === undefined || key === '') return errors(400, ["'key' must be specified in request body as JSON, or 'reset' set to true"]);
  if (!HEX.test(key) && !BASE64.test(key)) return errors(400, ["'key' must be a valid hex or base64 string"]);
  faults.sealed = false;
  return sealStatus();
}
