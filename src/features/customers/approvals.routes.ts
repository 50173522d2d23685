import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, storableString, tenantParams, uuidParam } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError, notFound } from '../../platform/errors.js';
import { humanDay } from '../notices/mail-text.js';
import { problemPage, sendPage, wantsJson } from '../notices/pages.js';
import { html as htmlPage, jsonOrHtml, pageProblems, pub } from '../notices/pages.schemas.js';
import { linkInvalid } from '../notices/subscribers.service.js';
import { html } from '../trust-page/html.js';
import { approvalTarget, decideApproval, listApprovals, recordDecision } from './approvals.service.js';

const BODY_LIMIT = 16 * 1024;
export const APPROVAL_REASON_MAX = 5000;

const decisionInput = z.object({
  token: z.string().max(300, 'token is too long').optional(),
  decision: z.enum(['approve', 'refuse'], { message: 'decision must be "approve" or "refuse"' }),
  reason: storableString()
    .trim()
    .max(APPROVAL_REASON_MAX, `reason must be at most ${APPROVAL_REASON_MAX} characters`)
    .optional()
    .transform((s) => s || null),
});

const tokenOf = (req: FastifyRequest) => {
  const q = (req.query as { token?: unknown }).token;
  const b = (req.body as { token?: unknown } | null)?.token;
  const t = typeof q === 'string' ? q : typeof b === 'string' ? b : '';
  return t.length <= 300 ? t : '';
};

const decisionResult = z.object({
  id: z.string(),
  status: z.enum(['approved', 'refused']),
});

const pageRoutes = {
  form: {
    schema: {
      ...pub('getApprovalForm', "The approve-or-refuse form behind a customer contact's personal link"),
      response: { 200: htmlPage, ...pageProblems(400, 403, 404, 409, 410) },
    },
  },
  decide: {
    schema: {
      ...pub(
        'decideApproval',
        'Approve or refuse a change (specific authorisation) before it takes effect; recorded once',
      ),
      response: { 201: jsonOrHtml(decisionResult), ...pageProblems(400, 403, 404, 409, 410, 413, 415) },
    },
  },
};

/** The page behind an approval request's personal link: a plain form, no script; or JSON. */
export const approvalPages =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: BODY_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    // As the public pages resolve a workspace (publishing/public-read.ts: no suspended one).
    const tenantOr404 = async (req: FastifyRequest) => {
      const slug = (req.params as { tenant: string }).tenant;
      const t = /^[a-z0-9-]{1,48}$/.test(slug) ? await deps.directory.bySlug(slug) : null;
      if (!t || t.status === 'suspended') throw notFound('page', 'PAGE_NOT_FOUND');
      return t;
    };

    app.get('/t/:tenant/approvals/decide', pageRoutes.form, async (req, reply) => {
      const tenant = await tenantOr404(req);
      const token = tokenOf(req);
      try {
        if (!token) throw linkInvalid();
        const t = await approvalTarget(deps, tenant, token);
        const day = humanDay(t.approval.effectiveAt);
        return sendPage(
          reply,
          200,
          'Approve or refuse a sub-processor change',
          html`<p>${t.tenantName} intends to change “${t.listTitle}” (<a href="/t/${tenant.slug}/${t.listSlug}/versions/${t.version}">version ${t.version}</a>) on <strong>${day}</strong>. Under the contract of ${t.approval.organisation} (specific authorisation), it does not take effect for ${t.approval.organisation} until approved.</p>
<p>You decide as ${t.contact.email}, for ${t.approval.organisation}, before ${day}. The decision is recorded once.</p>
<form method="post" action="/t/${tenant.slug}/approvals"><input type="hidden" name="token" value="${token}">
<label for="reason">Reasons (required to refuse)</label><textarea id="reason" name="reason" rows="6" maxlength="${APPROVAL_REASON_MAX}"></textarea>
<p><button type="submit" name="decision" value="approve">Approve the change</button> <button type="submit" name="decision" value="refuse">Refuse the change</button></p></form>`,
        );
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return problemPage(reply, err, 'No decision can be made with this link');
      }
    });

    app.post('/t/:tenant/approvals', { ...pageRoutes.decide, bodyLimit: BODY_LIMIT }, async (req, reply) => {
      const json = wantsJson(req.headers['content-type'], req.headers.accept);
      try {
        const tenant = await tenantOr404(req);
        const parsed = decisionInput.safeParse(req.body ?? {});
        if (!parsed.success)
          throw new AppError(400, 'APPROVAL_INVALID', parsed.error.issues.map((i) => i.message).join('; '));
        const token = tokenOf(req);
        if (!token) throw linkInvalid();
        const r = await decideApproval(deps, tenant, token, parsed.data);
        const status = r.approval.status as 'approved' | 'refused';
        if (json) return reply.code(201).send({ id: r.approval.id, status });
        return sendPage(
          reply,
          201,
          status === 'approved' ? 'You approved the change' : 'You refused the change',
          html`<p>${r.tenantName} has the decision of ${r.approval.organisation} on the change of “${r.listTitle}” due on ${humanDay(r.approval.effectiveAt)}: <strong>${status}</strong>, recorded as yours (${r.contact.email}).</p>`,
        );
      } catch (err) {
        if (json || !(err instanceof AppError) || err.status >= 500) throw err;
        return problemPage(reply, err, 'The decision was not recorded');
      }
    });
  };

export const approvalView = z
  .object({
    id: z.string(),
    noticeId: z.string(),
    customerId: z.string(),
    organisation: z.string(),
    status: z.enum(['requested', 'approved', 'refused']),
    inEffectForCustomer: z
      .boolean()
      .describe('the change applies to this customer: approved, and its effective date has come'),
    effectiveAt: z.string(),
    requestedAt: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable().describe('the contact who decided'),
    reason: z.string().nullable(),
    mail: z.object({
      status: z.enum(['queued', 'sent', 'failed']),
      contacts: z.number().int().describe('contacts the request was sent to'),
      error: z.string().nullable(),
    }),
  })
  .meta({ id: 'ChangeApproval' });

/** Staff see, per notice, which customers under specific authorisation approved it. */
export const approvalsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/notices/:noticeId/approvals',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listNoticeApprovals',
          tags: ['customers'],
          summary: 'Approvals asked for a notice (customers under specific authorisation), by customer',
          params: tenantParams.extend({ noticeId: uuidParam }),
          response: { 200: z.object({ items: z.array(approvalView) }), ...problemResponses },
        },
      },
      async (req) => listApprovals(deps, await tenantContext(req, deps), req.params.noticeId),
    );
    app.post(
      '/tenants/:tenant/approvals/:approvalId/decision',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'recordApprovalDecision',
          tags: ['customers'],
          summary:
            "Record a customer's decision received another way (letter, call), before the effective date",
          params: tenantParams.extend({ approvalId: uuidParam }),
          body: z.strictObject({
            decision: z.enum(['approve', 'refuse'], { message: 'decision must be "approve" or "refuse"' }),
            reason: decisionInput.shape.reason,
            onBehalfOf: storableString()
              .trim()
              .min(1, 'onBehalfOf must name who decided for the customer')
              .max(200, 'onBehalfOf must be at most 200 characters')
              .refine((s) => !/[\r\n]/.test(s), 'onBehalfOf must be one line')
              .describe('who decided for the customer, e.g. "Dana Meyer, DPO (letter of 3 May)"'),
          }),
          response: { 200: approvalView, ...problemResponses },
        },
      },
      async (req) => recordDecision(deps, await tenantContext(req, deps), req.params.approvalId, req.body),
    );
  };
