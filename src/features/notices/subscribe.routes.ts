import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app/deps.js';
import { AppError, notFound } from '../../platform/errors.js';
import { publicTenant } from '../publishing/public-read.js';
import { html } from '../trust-page/html.js';
import { problemPage, sendPage, wantsJson } from './pages.js';
import { noticePageOptions as route } from './pages.schemas.js';
import { preferencesRoutes } from './preferences.routes.js';
import { preferencesPath, preferencesUrl } from './preferences.service.js';
import { emailField, organisationField } from './subscriber-fields.js';
import {
  CONFIRM_HOURS,
  confirmSubscription,
  linkInvalid,
  peekUnsubscribe,
  requestSubscription,
  unsubscribe,
} from './subscribers.service.js';

/** Subscription requests per client address, and per email address (subscription bombing). */
export const SUBSCRIBE_LIMITS = { perIpPer10Minutes: 20, perAddressPerHour: 5 };
const FORM_LIMIT = 4096;

const subscribeInput = z.object({
  email: emailField,
  organisation: organisationField.optional().transform((s) => s || null),
});

const field = (body: unknown, name: string) => {
  const v = (body as Record<string, unknown> | null)?.[name];
  return typeof v === 'string' ? v : undefined;
};

const tokenOf = (req: FastifyRequest) => {
  const q = (req.query as { token?: unknown }).token;
  const t = typeof q === 'string' ? q : field(req.body, 'token');
  return t && t.length <= 300 ? t : '';
};

/**
 * The public side of subscriptions: the subscribe form of every trust page (HTML in, HTML out;
 * JSON for API clients), the confirmation link, one-click unsubscribe (RFC 8058), and the
 * preferences page (preferences.routes.ts).
 */
export const subscribeRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app: FastifyInstance) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const perIp = app.createRateLimit({ max: SUBSCRIBE_LIMITS.perIpPer10Minutes, timeWindow: '10 minutes' });
    const perAddress = app.createRateLimit({
      max: SUBSCRIBE_LIMITS.perAddressPerHour,
      timeWindow: '1 hour',
      keyGenerator: (req) =>
        `subscribe:${String(field(req.body, 'email') ?? '')
          .trim()
          .toLowerCase()}`,
    });

    const tenantOr404 = async (slug: string) => {
      const t = await publicTenant(deps, slug);
      if (!t) throw notFound('page', 'PAGE_NOT_FOUND');
      return t;
    };

    const subscribe = async (req: FastifyRequest, reply: FastifyReply, listSlug: string | null) => {
      const json = wantsJson(req.headers['content-type'], req.headers.accept);
      try {
        const tenant = await tenantOr404((req.params as { tenant: string }).tenant);
        for (const limit of [perIp, perAddress]) {
          const r = await limit(req);
          if (!r.isAllowed && r.isExceeded)
            throw new AppError(
              429,
              'RATE_LIMITED',
              'Too many subscription requests; check your inbox (and spam folder) for the link already sent, or try again in an hour.',
              undefined,
              Math.ceil(r.ttlInSeconds ?? 600),
            );
        }
        const parsed = subscribeInput.safeParse(req.body ?? {});
        if (!parsed.success)
          throw new AppError(
            400,
            'SUBSCRIPTION_INVALID',
            parsed.error.issues.map((i) => i.message).join('; '),
          );
        await requestSubscription(deps, tenant, listSlug, parsed.data);
      } catch (err) {
        if (json || !(err instanceof AppError) || err.status >= 500) throw err;
        return problemPage(reply, err, 'You are not subscribed yet');
      }
      const message = `If this address can be subscribed, a confirmation link is on its way to it (valid for ${CONFIRM_HOURS} hours). Nothing more is sent until you open it.`;
      if (json) return reply.code(202).send({ status: 'confirmation-sent', message });
      return sendPage(reply, 202, 'Check your inbox', html`<p>${message}</p>`);
    };

    app.post(
      '/t/:tenant/:list/subscribe',
      { ...route.subscribeToList, bodyLimit: FORM_LIMIT },
      (req, reply) => subscribe(req, reply, (req.params as { list: string }).list),
    );
    app.post('/t/:tenant/subscribe', { ...route.subscribeToWorkspace, bodyLimit: FORM_LIMIT }, (req, reply) =>
      subscribe(req, reply, null),
    );

    // Opening the link only shows a button (mail scanners open links too); the POST confirms.
    app.get('/t/:tenant/subscriptions/confirm', route.confirmPage, async (req, reply) => {
      const token = tokenOf(req);
      return sendPage(
        reply,
        200,
        'Confirm your subscription',
        html`<p>Confirm that you want to be told by email of changes to these sub-processors.</p>
<form method="post" action="/t/${(req.params as { tenant: string }).tenant}/subscriptions/confirm"><input type="hidden" name="token" value="${token}"><button type="submit">Confirm</button></form>`,
      );
    });

    app.post(
      '/t/:tenant/subscriptions/confirm',
      { ...route.confirm, bodyLimit: FORM_LIMIT },
      async (req, reply) => {
        const json = wantsJson(req.headers['content-type'], req.headers.accept);
        try {
          const tenant = await tenantOr404((req.params as { tenant: string }).tenant);
          const token = tokenOf(req);
          if (!token) throw linkInvalid();
          const r = await confirmSubscription(deps, tenant, token);
          if (json)
            return reply.send({
              status: 'confirmed',
              email: r.email,
              preferencesUrl: preferencesUrl(deps, tenant, r.id),
            });
          return sendPage(
            reply,
            200,
            'You are subscribed',
            html`<p>${r.email} will be told of changes before they take effect. Every message has a link to stop them.</p>
<p><a href="${preferencesPath(deps, tenant, r.id)}">Your preferences</a>: change your organisation or what you follow, or unsubscribe.</p>`,
          );
        } catch (err) {
          if (json || !(err instanceof AppError) || err.status >= 500) throw err;
          return problemPage(reply, err, 'The subscription was not confirmed');
        }
      },
    );

    app.get('/t/:tenant/subscriptions/unsubscribe', route.unsubscribePage, async (req, reply) => {
      const tenant = await tenantOr404((req.params as { tenant: string }).tenant);
      const token = tokenOf(req);
      const row = token ? await peekUnsubscribe(deps, tenant, token) : null;
      if (!row) return problemPage(reply, linkInvalid(), 'This unsubscribe link is not valid');
      return sendPage(
        reply,
        200,
        'Stop these notices?',
        html`<p>${row.email} will no longer be told of changes to these sub-processors.</p>
<form method="post" action="/t/${tenant.slug}/subscriptions/unsubscribe?token=${token}"><button type="submit">Unsubscribe</button></form>`,
      );
    });

    preferencesRoutes(app, deps, tenantOr404);

    // RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" to the header's URL.
    app.post(
      '/t/:tenant/subscriptions/unsubscribe',
      { ...route.unsubscribe, bodyLimit: FORM_LIMIT },
      async (req, reply) => {
        const json = wantsJson(req.headers['content-type'], req.headers.accept);
        try {
          const tenant = await tenantOr404((req.params as { tenant: string }).tenant);
          const token = tokenOf(req);
          if (!token) throw linkInvalid();
          const r = await unsubscribe(deps, tenant, token);
          if (json) return reply.send({ status: 'unsubscribed' });
          return sendPage(
            reply,
            200,
            'You are unsubscribed',
            html`<p>${r.email ?? 'This address'} will receive no more notices from this list.</p>`,
          );
        } catch (err) {
          if (json || !(err instanceof AppError) || err.status >= 500) throw err;
          return problemPage(reply, err, 'Not unsubscribed');
        }
      },
    );
  };
