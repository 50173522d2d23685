import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { html, type Html } from '../trust-page/html.js';
import { setSessionCookie } from './session-view.js';
import { confirmPasswordReset, isResetLinkValid, resetLinkInvalid } from './password-reset.service.js';
import { confirmSignUp, peekSignUp, signUpLinkInvalid } from './signup.service.js';

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The token is in this page's URL: never send it on as a Referer.
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
};

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · subreg</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.5rem 1rem}</style>
</head><body><main><h1>${title}</h1>${body}</main></body></html>`.value;
}

const send = (reply: FastifyReply, status: number, title: string, body: Html) =>
  reply.code(status).headers(HEADERS).send(page(title, body));

const problemPage = (reply: FastifyReply, err: AppError, title = 'The workspace was not created') =>
  send(reply, err.status, title, html`<p>${err.message}</p><p><a href="/api/docs">API reference</a></p>`);

/**
 * A form posted from another site must not sign anyone in (login CSRF). Browsers say where a
 * request comes from in Sec-Fetch-Site; it decides when present. These pages send no Referer
 * (their URL holds a token), and under that policy a browser sends `Origin: null` even for a
 * form posted by the page itself, so Origin is only read when Sec-Fetch-Site is absent.
 */
function crossSite(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return origin === 'null';
  try {
    // Both read under the origin's scheme, so a default port (":80") compares equal to none.
    const from = new URL(origin);
    return new URL(`${from.protocol}//${req.headers.host ?? ''}`).host !== from.host;
  } catch {
    return true;
  }
}

const PASSWORD_POLICY = { min: 10, max: 200 };
const formField = (body: unknown, name: string) =>
  String((body as Record<string, unknown> | null)?.[name] ?? '');
const plausibleToken = (token: string) => token.length >= 10 && token.length <= 200;

/**
 * The pages the emails link to (sign-up confirmation, new password). Opening the link only shows what will be created
 * (mail scanners open links too); the button posts the form that creates the workspace and
 * signs in. The JSON API does the same with POST /api/v1/auth/signup/confirm.
 */
export const accountPages =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    app.get('/signup/confirm', { schema: { hide: true } }, async (req, reply) => {
      const token = String((req.query as { token?: unknown }).token ?? '');
      const found = plausibleToken(token) ? await peekSignUp(deps, token) : null;
      if (!found) return problemPage(reply, signUpLinkInvalid());
      return send(
        reply,
        200,
        'Create your workspace',
        html`<p>Confirm that this address is yours and create the workspace <strong>${found.name}</strong> (<code>/t/${found.slug}</code>). You will be signed in as its owner.</p>
<form method="post" action="/signup/confirm"><input type="hidden" name="token" value="${token}"><button type="submit">Create the workspace</button></form>`,
      );
    });

    app.post('/signup/confirm', { schema: { hide: true } }, async (req, reply) => {
      if (crossSite(req))
        return problemPage(
          reply,
          new AppError(403, 'CROSS_SITE', 'Open the link from the email in your browser.'),
        );
      const token = formField(req.body, 'token');
      if (!plausibleToken(token)) return problemPage(reply, signUpLinkInvalid());
      try {
        const { tenant, session } = await confirmSignUp(deps, token, req.id);
        setSessionCookie(deps, reply, session.secret, session.expiresAt);
        return send(
          reply,
          201,
          'Your workspace is ready',
          html`<p>The workspace <strong>${tenant.name}</strong> exists and you are signed in as its owner.</p>
<ul><li>Create and publish your lists in the admin app: <a href="/app">/app</a></li>
<li>Its public trust page: <a href="/t/${tenant.slug}">/t/${tenant.slug}</a> (empty until you publish a list)</li>
<li>The API and how to use it: <a href="/api/docs">/api/docs</a></li></ul>`,
        );
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return problemPage(reply, err);
        throw err;
      }
    });

    const resetFailed = (reply: FastifyReply, err: AppError) =>
      problemPage(reply, err, 'The password was not changed');

    app.get('/password-reset', { schema: { hide: true } }, async (req, reply) => {
      const token = String((req.query as { token?: unknown }).token ?? '');
      if (!plausibleToken(token) || !(await isResetLinkValid(deps, token)))
        return resetFailed(reply, resetLinkInvalid());
      return send(
        reply,
        200,
        'Choose a new password',
        html`<form method="post" action="/password-reset"><input type="hidden" name="token" value="${token}">
<p><label for="password">New password (at least ${PASSWORD_POLICY.min} characters)</label><br>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_POLICY.min}" maxlength="${PASSWORD_POLICY.max}"></p>
<button type="submit">Set the password</button></form>
<p>Every other session of your account is signed out.</p>`,
      );
    });

    app.post('/password-reset', { schema: { hide: true } }, async (req, reply) => {
      if (crossSite(req))
        return resetFailed(
          reply,
          new AppError(403, 'CROSS_SITE', 'Open the link from the email in your browser.'),
        );
      const token = formField(req.body, 'token');
      const password = formField(req.body, 'password');
      if (!plausibleToken(token)) return resetFailed(reply, resetLinkInvalid());
      if (password.length < PASSWORD_POLICY.min || password.length > PASSWORD_POLICY.max) {
        return resetFailed(
          reply,
          new AppError(
            400,
            'PASSWORD_INVALID',
            `A password is ${PASSWORD_POLICY.min} to ${PASSWORD_POLICY.max} characters; go back and choose another.`,
          ),
        );
      }
      try {
        const { session } = await confirmPasswordReset(deps, token, password);
        setSessionCookie(deps, reply, session.secret, session.expiresAt);
        return send(
          reply,
          200,
          'Your password is set',
          html`<p>You are signed in, and every other session of your account was signed out.</p>
<p><a href="/api/docs">API reference</a></p>`,
        );
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return resetFailed(reply, err);
        throw err;
      }
    });
  };
