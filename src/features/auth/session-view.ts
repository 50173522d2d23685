import { eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import { memberships, tenants, users } from '../../db/schema/control.js';
import { SESSION_COOKIE } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';

/** The session cookie: HTTP only, same-site lax, Secure behind HTTPS. */
export function setSessionCookie(deps: AppDeps, reply: FastifyReply, secret: string, expires: Date) {
  return reply.setCookie(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
    path: '/',
    expires,
  });
}

/** What sign-in answers: the user, the CSRF token for changes, the workspaces and roles. */
export async function sessionBody(deps: AppDeps, userId: string, csrfToken: string) {
  const [user] = await deps.dbs.control.select().from(users).where(eq(users.id, userId));
  const rows = await deps.dbs.control
    .select({ slug: tenants.slug, name: tenants.name, region: tenants.regionId, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(tenants.slug);
  return { user: { id: user!.id, email: user!.email, name: user!.name }, csrfToken, tenants: rows };
}
