import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/common-schemas.js';
import { SESSION_COOKIE, requireActor } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { logIn, logOut } from './auth.service.js';
import {
  logInBody,
  passwordResetAccepted,
  passwordResetBody,
  passwordResetConfirmBody,
  sessionView,
  signUpAccepted,
  signUpBody,
  signUpConfirmBody,
} from './auth.schemas.js';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.service.js';
import { sessionBody, setSessionCookie } from './session-view.js';
import { confirmSignUp, requestSignUp } from './signup.service.js';

/** Sign-ups per address per hour: enough for typos and a lost email, not for flooding an inbox. */
export const SIGNUPS_PER_ADDRESS_PER_HOUR = 5;

export const authRoutes =
  (deps: AppDeps, attemptsPerMinute: number): FastifyPluginAsyncZod =>
  async (app) => {
    const limited = { rateLimit: { max: attemptsPerMinute, timeWindow: '1 minute' } };
    const perAddress = app.createRateLimit({
      max: SIGNUPS_PER_ADDRESS_PER_HOUR,
      timeWindow: '1 hour',
      keyGenerator: (req) =>
        `${req.routeOptions.url}:${String((req.body as { email?: unknown })?.email).toLowerCase()}`,
    });
    /** Sign-up and password reset email an address: a few times an hour at most. */
    const limitPerAddress = async (req: FastifyRequest) => {
      const limit = await perAddress(req);
      if (!limit.isAllowed && limit.isExceeded) {
        throw new AppError(
          429,
          'RATE_LIMITED',
          'Too many requests for this address in the last hour; check your inbox (and spam folder), or try again later.',
        );
      }
    };

    app.post(
      '/auth/signup',
      {
        config: limited,
        schema: {
          operationId: 'signUp',
          tags: ['auth'],
          summary:
            'Ask for a workspace (tenant) in a region and its owner; a link to confirm the address follows by email',
          description:
            'The answer is the same whether or not the address has an account: a new address receives a link ' +
            '(single use, 24 hours) that creates the workspace and signs in (POST /auth/signup/confirm); an address ' +
            'that has an account is told so by email. Slug, region and password are checked first (400/409).',
          security: [],
          body: signUpBody,
          response: { 202: signUpAccepted, ...problemResponses },
        },
      },
      async (req, reply) => {
        await limitPerAddress(req);
        return reply.code(202).send(await requestSignUp(deps, req.body));
      },
    );

    app.post(
      '/auth/signup/confirm',
      {
        config: limited,
        schema: {
          operationId: 'confirmSignUp',
          tags: ['auth'],
          summary:
            "Confirm a sign-up with the emailed link's token: creates the workspace and its owner, signs in",
          security: [],
          body: signUpConfirmBody,
          response: { 201: sessionView, ...problemResponses },
        },
      },
      async (req, reply) => {
        const { ownerId, session } = await confirmSignUp(deps, req.body.token, req.id);
        setSessionCookie(deps, reply, session.secret, session.expiresAt);
        return reply.code(201).send(await sessionBody(deps, ownerId, session.csrfToken));
      },
    );

    app.post(
      '/auth/password-reset',
      {
        config: limited,
        schema: {
          operationId: 'requestPasswordReset',
          tags: ['auth'],
          summary: 'Forgot the password: a single-use link to set a new one follows by email',
          description:
            'The answer is the same whether or not the address has an account; an address without one is told so by email.',
          security: [],
          body: passwordResetBody,
          response: { 202: passwordResetAccepted, ...problemResponses },
        },
      },
      async (req, reply) => {
        await limitPerAddress(req);
        return reply.code(202).send(await requestPasswordReset(deps, req.body.email));
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        config: limited,
        schema: {
          operationId: 'confirmPasswordReset',
          tags: ['auth'],
          summary: "Set a new password with the emailed link's token; ends every other session, signs in",
          security: [],
          body: passwordResetConfirmBody,
          response: { 200: sessionView, ...problemResponses },
        },
      },
      async (req, reply) => {
        const { userId, session } = await confirmPasswordReset(deps, req.body.token, req.body.password);
        setSessionCookie(deps, reply, session.secret, session.expiresAt);
        return sessionBody(deps, userId, session.csrfToken);
      },
    );

    app.post(
      '/auth/login',
      {
        config: limited,
        schema: {
          operationId: 'signIn',
          tags: ['auth'],
          summary: 'Sign in with email and password; sets the session cookie',
          security: [],
          body: logInBody,
          response: { 200: sessionView, ...problemResponses },
        },
      },
      async (req, reply) => {
        const meta = { ip: req.ip, requestId: req.id };
        const { user, session } = await logIn(deps, req.body.email, req.body.password, meta);
        setSessionCookie(deps, reply, session.secret, session.expiresAt);
        return sessionBody(deps, user.id, session.csrfToken);
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          operationId: 'signOut',
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
          operationId: 'getSession',
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
