import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorFromSession, actorFromToken, roleInTenant } from '../features/auth/auth.service.js';
import type { AppDeps } from '../app/deps.js';
import type { Actor, Role, TenantContext } from '../platform/context.js';
import { requireRole } from '../platform/context.js';
import { AppError, tenantMoving, unauthorized } from '../platform/errors.js';
import { safeEqual } from '../platform/ids.js';
import { idempotencyOf } from './idempotency-key.js';

export const SESSION_COOKIE = 'subreg_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/**
 * Identifies the caller of every route of the scope it is registered in (the /api/v1 plugin):
 * bearer token first, then the session cookie. Being a hook of the scope, it runs for every
 * route that matched there, however the URL was spelled (`/%61pi/...`), never by URL prefix.
 */
export function registerAuthentication(app: FastifyInstance, deps: AppDeps): void {
  app.decorateRequest('actor', null);
  app.addHook('preHandler', async (req) => {
    // Operator routes authenticate with the operator token, checked by those routes themselves.
    if (req.routeOptions.url?.startsWith('/api/v1/operator/')) return;
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = m ? await actorFromToken(deps, m[1]!, { ip: req.ip, requestId: req.id }) : null;
      if (!actor)
        throw new AppError(
          401,
          'INVALID_TOKEN',
          'The API token is not valid, expired or revoked. Create a new one.',
        );
      req.actor = actor;
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const actor = await actorFromSession(deps, cookie);
    if (!actor) return;
    // Cookies ride along on cross-site requests: mutations must prove they come from our pages.
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, actor.csrfToken ?? '')) {
        throw new AppError(
          403,
          'CSRF_TOKEN_INVALID',
          'Send the x-csrf-token header you received at sign-in with every change.',
        );
      }
    }
    req.actor = actor;
  });
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

const tenantNotFound = () =>
  new AppError(404, 'TENANT_NOT_FOUND', 'No workspace with that slug exists, or you have no access to it.');

/**
 * The tenant named in the path, if the caller may see it. A tenant the caller has no access to
 * answers 404, exactly like one that does not exist.
 */
export async function tenantContext(
  req: FastifyRequest,
  deps: AppDeps,
  minRole: Role = 'viewer',
): Promise<TenantContext> {
  const actor = requireActor(req);
  const tenant = await deps.directory.bySlug((req.params as { tenant: string }).tenant);
  if (!tenant) throw tenantNotFound();
  const role = await roleInTenant(deps, actor, tenant.id);
  if (!role) throw tenantNotFound();
  if (tenant.status === 'suspended')
    throw new AppError(423, 'TENANT_SUSPENDED', 'This workspace is suspended.');
  // A region move freezes writes (the database refuses them too, on every path).
  if (tenant.status === 'moving' && !SAFE_METHODS.has(req.method)) throw tenantMoving();
  const ctx: TenantContext = { tenant, actor, role, requestId: req.id };
  requireRole(ctx, minRole);
  ctx.idempotency = idempotencyOf(req, ctx);
  return ctx;
}
