import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, storableString, tenantParams, uuidParam } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError, notFound } from '../../platform/errors.js';
import { publicTenant } from '../publishing/public-read.js';
import { html } from '../trust-page/html.js';
import { humanDay } from './mail-text.js';
import {
  answerObjection,
  listObjections,
  listWorkspaceObjections,
  objectionTarget,
  submitObjection,
} from './objections.service.js';
import { problemPage, sendPage, wantsJson } from './pages.js';
import { noticePageOptions as route } from './pages.schemas.js';
import { linkInvalid } from './subscribers.service.js';

const BODY_LIMIT = 16 * 1024;
export const REASON_MAX = 5000;

const oneLine = (name: string, max: number) =>
  storableString()
    .trim()
    .max(max, `${name} must be at most ${max} characters`)
    .refine((s) => !/[\r\n]/.test(s), `${name} must be one line`)
    .optional()
    .transform((s) => s || null);

const objectionInput = z.object({
  token: z.string().max(300, 'token is too long').optional(),
  reason: storableString()
    .trim()
    .min(1, 'reason must say why you object')
    .max(REASON_MAX, `reason must be at most ${REASON_MAX} characters`),
  organisation: oneLine('organisation', 200),
  contact: oneLine('contact', 200),
});

const tokenOf = (req: FastifyRequest) => {
  const q = (req.query as { token?: unknown }).token;
  const b = (req.body as { token?: unknown } | null)?.token;
  const t = typeof q === 'string' ? q : typeof b === 'string' ? b : '';
  return t.length <= 300 ? t : '';
};

/** The objection form behind a notice's personal link: HTML without script, or JSON. */
export const objectionPages =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: BODY_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const tenantOr404 = async (req: FastifyRequest) => {
      const t = await publicTenant(deps, (req.params as { tenant: string }).tenant);
      if (!t) throw notFound('page', 'PAGE_NOT_FOUND');
      return t;
    };

    app.get('/t/:tenant/objections/new', route.objectionForm, async (req, reply) => {
      const tenant = await tenantOr404(req);
      const token = tokenOf(req);
      try {
        if (!token) throw linkInvalid();
        const t = await objectionTarget(deps, tenant, token);
        return sendPage(
          reply,
          200,
          'Object to a sub-processor change',
          html`<p>${t.tenantName} will change “${t.listTitle}” on <strong>${humanDay(t.notice.effectiveAt)}</strong>. Tell them why you object before that date; they answer by email to ${t.delivery.email}.</p>
<form method="post" action="/t/${tenant.slug}/objections"><input type="hidden" name="token" value="${token}">
<label for="organisation">Organisation</label><input id="organisation" name="organisation" maxlength="200" autocomplete="organization">
<label for="contact">Contact person</label><input id="contact" name="contact" maxlength="200" autocomplete="name">
<label for="reason">Why you object (required)</label><textarea id="reason" name="reason" rows="8" required maxlength="${REASON_MAX}"></textarea>
<p><button type="submit">Send the objection</button></p></form>`,
        );
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return problemPage(reply, err, 'No objection can be made with this link');
      }
    });

    app.post(
      '/t/:tenant/objections',
      { ...route.submitObjection, bodyLimit: BODY_LIMIT },
      async (req, reply) => {
        const json = wantsJson(req.headers['content-type'], req.headers.accept);
        try {
          const tenant = await tenantOr404(req);
          const parsed = objectionInput.safeParse(req.body ?? {});
          if (!parsed.success)
            throw new AppError(
              400,
              'OBJECTION_INVALID',
              parsed.error.issues.map((i) => i.message).join('; '),
            );
          const token = tokenOf(req);
          if (!token) throw linkInvalid();
          const r = await submitObjection(deps, tenant, token, parsed.data);
          if (json) return reply.code(201).send({ id: r.id, status: 'open' });
          return sendPage(
            reply,
            201,
            'Your objection is recorded',
            html`<p>${r.tenantName} has your objection to the change of “${r.listTitle}” taking effect on ${humanDay(r.notice.effectiveAt)}. Their answer comes by email.</p>`,
          );
        } catch (err) {
          if (json || !(err instanceof AppError) || err.status >= 500) throw err;
          return problemPage(reply, err, 'The objection was not recorded');
        }
      },
    );
  };

export const objectionView = z
  .object({
    id: z.string(),
    noticeId: z.string(),
    email: z.string(),
    organisation: z.string().nullable(),
    contact: z.string().nullable(),
    reason: z.string(),
    status: z.enum(['open', 'resolved', 'withdrawn', 'upheld']),
    answer: z.string().nullable(),
    answeredAt: z.string().nullable(),
    answerMailedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Objection' });

const statusEnum = z.enum(['open', 'resolved', 'withdrawn', 'upheld']);

export const inboxObjection = objectionView
  .extend({
    listId: z.string(),
    listTitle: z.string(),
    versionNumber: z.number().int(),
    effectiveAt: z.string(),
  })
  .meta({ id: 'InboxObjection' });

/** Staff's objections inbox per notice, and answers (emailed to the objector). */
export const objectionsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/objections',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listObjections',
          tags: ['notices'],
          summary: "The workspace's objections, newest first, each with its notice, list and version",
          params: tenantParams,
          querystring: z.strictObject({
            status: statusEnum.optional(),
            cursor: z.string().max(300, 'cursor is too long').optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({ items: z.array(inboxObjection), next: z.string().nullable() }),
            ...problemResponses,
          },
        },
      },
      async (req) => listWorkspaceObjections(deps, await tenantContext(req, deps), req.query),
    );
    app.get(
      '/tenants/:tenant/notices/:noticeId/objections',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listNoticeObjections',
          tags: ['notices'],
          summary: 'Objections to a notice, oldest first',
          params: tenantParams.extend({ noticeId: uuidParam }),
          response: { 200: z.object({ items: z.array(objectionView) }), ...problemResponses },
        },
      },
      async (req) => listObjections(deps, await tenantContext(req, deps), req.params.noticeId),
    );
    app.patch(
      '/tenants/:tenant/objections/:objectionId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'answerObjection',
          tags: ['notices'],
          summary: 'Answer an objection and set its status; the answer is emailed to the objector',
          params: tenantParams.extend({ objectionId: uuidParam }),
          body: z.strictObject({
            status: z.enum(['open', 'resolved', 'withdrawn', 'upheld']),
            answer: storableString().trim().min(1, 'answer must not be empty').max(REASON_MAX),
          }),
          response: { 200: objectionView, ...problemResponses },
        },
      },
      async (req) => answerObjection(deps, await tenantContext(req, deps), req.params.objectionId, req.body),
    );
  };
