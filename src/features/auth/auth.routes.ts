import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, tenants, users } from '../../db/schema/control.js';
import { problemResponses } from '../../http/common-schemas.js';
import { SESSION_COOKIE, requireActor } from '../../http/request-auth.js';
import type { AppDeps } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { createTenant } from '../tenants/tenants.service.js';
import { createSession, findUserByEmail, logIn, logOut } from './auth.service.js';
import { logInBody, sessionView, signUpBody } from './auth.schemas.js';

async function sessionBody(deps: AppDeps, userId: string, csrfToken: string) {
  const [user] = await deps.dbs.control.select().from(users).where(eq(users.id, userId));
  const rows = await deps.dbs.control
    .select({ slug: tenants.slug, name: tenants.name, region: tenants.regionId, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(tenants.slug);
  return { user: { id: user!.id, email: user!.email, name: user!.name }, csrfToken, tenants: rows };
}

export const authRoutes =
  (deps: AppDeps, attemptsPerMinute: number): FastifyPluginAsyncZod =>
  async (app) => {
    const setCookie = (reply: FastifyReply, secret: string, expires: Date) =>
      reply.setCookie(SESSION_COOKIE, secret, {
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.secureCookies,
        path: '/',
        expires,
      });
    const limited = { rateLimit: { max: attemptsPerMinute, timeWindow: '1 minute' } };

    app.post(
      '/auth/signup',
      {
        config: limited,
        schema: {
          tags: ['auth'],
          summary: 'Create a workspace (tenant) in a region, and its owner',
          body: signUpBody,
          response: { 201: sessionView, ...problemResponses },
        },
      },
      async (req, reply) => {
        const b = req.body;
        if (await findUserByEmail(deps, b.email)) {
          // Same words whatever the cause: sign-up does not reveal which emails have accounts.
          throw new AppError(
            400,
            'SIGNUP_FAILED',
            'Sign-up failed. If you already have an account, sign in and create the workspace from there.',
          );
        }
        const { ownerId } = await createTenant(
          deps,
          {
            slug: b.tenant.slug,
            name: b.tenant.name,
            regionId: b.tenant.region,
            owner: { email: b.email, name: b.name, password: b.password },
          },
          req.id,
        );
        const s = await createSession(deps, ownerId);
        setCookie(reply, s.secret, s.expiresAt);
        return reply.code(201).send(await sessionBody(deps, ownerId, s.csrfToken));
      },
    );

    app.post(
      '/auth/login',
      {
        config: limited,
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password; sets the session cookie',
          body: logInBody,
          response: { 200: sessionView, ...problemResponses },
        },
      },
      async (req, reply) => {
        const meta = { ip: req.ip, requestId: req.id };
        const { user, session } = await logIn(deps, req.body.email, req.body.password, meta);
        setCookie(reply, session.secret, session.expiresAt);
        return sessionBody(deps, user.id, session.csrfToken);
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'End the session',
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        const cookie = req.cookies[SESSION_COOKIE];
        if (cookie) await logOut(deps, cookie, { ip: req.ip, requestId: req.id });
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/auth/session',
      {
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user, its workspaces and CSRF token',
          response: { 200: sessionView, ...problemResponses },
        },
      },
      async (req) => {
        const actor = requireActor(req);
        if (actor.type !== 'user')
          throw new AppError(
            400,
            'NOT_A_SESSION',
            'API tokens have no session; call the workspace routes directly.',
          );
        return sessionBody(deps, actor.id, actor.csrfToken ?? '');
      },
    );
  };
