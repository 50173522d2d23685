import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { safeEqual, sha256Hex } from '../../platform/ids.js';

/**
 * Operators run the deployment; they are not members of any workspace. The operator API takes
 * `Authorization: Bearer <OPERATOR_TOKEN>` (set in the configuration; unset = the API is off).
 * Who asked is recorded on every move as "operator" plus the optional `x-operator-name` header.
 */
export function requireOperator(req: FastifyRequest, deps: AppDeps): string {
  const expected = deps.config.operatorToken;
  if (!expected)
    throw new AppError(
      403,
      'OPERATOR_API_DISABLED',
      'The operator API is off on this deployment: set OPERATOR_TOKEN (32 characters or more) and restart, or use the `subreg region` commands on the server.',
    );
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  // Compare hashes: equal length, constant time, whatever was sent.
  if (!m || !safeEqual(sha256Hex(m[1]!), sha256Hex(expected)))
    throw new AppError(
      401,
      'OPERATOR_TOKEN_INVALID',
      'Send the operator token: Authorization: Bearer <OPERATOR_TOKEN>.',
    );
  const name = req.headers['x-operator-name'];
  return typeof name === 'string' && /^[\w .@-]{1,80}$/.test(name) ? `operator:${name}` : 'operator';
}
