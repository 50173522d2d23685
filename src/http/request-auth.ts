import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorFromSession, actorFromToken, roleInTenant } from '../features/auth/auth.service.js';
import type { AppDeps } from '../app/deps.js';
import type { Actor, TenantContext } from '../platform/context.js';
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
  // Before validation: who calls, and whether they may, is answered before what they sent.
  app.addHook('preValidation', async (req) => {
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
  // Workspace routes: the workspace and the declared role are checked here, once, for every route.
  // (A malformed path, such as a slug no workspace can have, is left to validation's 400.)
  app.addHook('preValidation', async (req) => {
    if (!req.routeOptions.config.role) return;
    if (!pathIsValid(req)) return;
    await tenantContext(req, deps);
  });
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

const tenantNotFound = () =>
  new AppError(404, 'TENANT_NOT_FOUND', 'No workspace with that slug exists, or you have no access to it.');

/**
 * The tenant named in the path, if the caller may see it, with the caller's role checked against
 * the route's declared one (route-roles.ts). A tenant the caller has no access to answers 404,
 * exactly like one that does not exist. Resolved once per request: first by the scope's
 * preValidation hook (so a refusal comes before any complaint about the body), then handed to the
 * route's handler.
 */
export async function tenantContext(req: FastifyRequest, deps: AppDeps): Promise<TenantContext> {
  let resolving = resolved.get(req);
  if (!resolving) {
    resolving = resolveTenantContext(req, deps);
    resolved.set(req, resolving);
  }
  const ctx = await resolving;
  // The fingerprint of an Idempotency-Key is taken of the validated request, in the handler.
  if (ctx.idempotency === undefined) ctx.idempotency = idempotencyOf(req, ctx);
  return ctx;
}

/** The path parameters pass the route's schema (zod's compiler answers `{ error }`, Ajv's `false`). */
function pathIsValid(req: FastifyRequest): boolean {
  const validate = req.getValidationFunction('params');
  if (!validate) return true;
  const result: unknown = validate(req.params);
  return (
    result !== false && !(typeof result === 'object' && result !== null && 'error' in result && result.error)
  );
}

const resolved = new WeakMap<FastifyRequest, Promise<TenantContext>>();

async function resolveTenantContext(req: FastifyRequest, deps: AppDeps): Promise<TenantContext> {
  const minRole = req.routeOptions.config.role;
  if (!minRole) throw new Error(`${req.method} ${req.routeOptions.url} declares no role.`);
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
  return ctx;
}
