import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  pageOf,
  paginationQuery,
  problemResponses,
  requiredText,
  tenantParams,
  uuidParam,
} from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { getNotice, listDeliveries, listNotices, withdrawNotice } from './notices.service.js';

const counts = z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int() });

export const noticeView = z
  .object({
    id: z.string(),
    listId: z.string(),
    version: z.number().int().describe('the version it announces'),
    baseVersion: z.number().int().describe('the version its changes are against'),
    publishedAt: z.string(),
    effectiveAt: z.string(),
    emergencyReason: z.string().nullable(),
    status: z.enum(['scheduled', 'withdrawn', 'effective']),
    withdrawnAt: z.string().nullable(),
    withdrawnReason: z.string().nullable(),
    counts,
    fanout: z
      .enum(['pending', 'done'])
      .describe(
        "pending: the worker is still making the recipients' messages (the delivery counts still grow); done: every recipient has one (or the notice was withdrawn first)",
      ),
    deliveries: z.object({ recipients: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
  })
  .meta({ id: 'ChangeNotice' });

export const deliveryView = z
  .object({
    id: z.string(),
    noticeId: z.string(),
    kind: z.enum(['notice', 'withdrawal', 'in_effect']),
    email: z.string(),
    status: z.enum(['queued', 'sending', 'sent', 'failed', 'skipped']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z
      .string()
      .nullable()
      .describe(
        "the SMTP server's answer or the connection error; for a skipped message, why (e.g. 'skipped: unsubscribed')",
      ),
    sentAt: z.string().nullable(),
    messageId: z.string().describe('stable per (notice, recipient): a repeat is recognisable'),
  })
  .meta({ id: 'NoticeDelivery' });

const noticeParams = tenantParams.extend({ noticeId: uuidParam });

/** Change notices (created by publishing) and their deliveries; withdrawal before the date. */
export const noticesRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/notices',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listNotices',
          tags: ['notices'],
          summary: 'Change notices, newest first, with their delivery counts',
          params: tenantParams,
          querystring: paginationQuery.extend({ listId: uuidParam.optional() }),
          response: { 200: pageOf(noticeView), ...problemResponses },
        },
      },
      async (req) => {
        const { listId, ...page } = req.query;
        return listNotices(deps, await tenantContext(req, deps), listId, page);
      },
    );
    app.get(
      '/tenants/:tenant/notices/:noticeId',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getNotice',
          tags: ['notices'],
          summary: 'One change notice',
          params: noticeParams,
          response: { 200: noticeView, ...problemResponses },
        },
      },
      async (req) => getNotice(deps, await tenantContext(req, deps), req.params.noticeId),
    );
    app.post(
      '/tenants/:tenant/notices/:noticeId/withdraw',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'withdrawNotice',
          tags: ['notices'],
          summary: 'Withdraw a notice before it takes effect; everyone it reached is told',
          params: noticeParams,
          body: z.strictObject({ reason: requiredText(2000).describe('shown to recipients') }),
          response: {
            200: noticeView.extend({ withdrawalRecipients: z.number().int() }),
            ...problemResponses,
          },
        },
      },
      async (req) =>
        withdrawNotice(deps, await tenantContext(req, deps), req.params.noticeId, req.body.reason),
    );
    app.get(
      '/tenants/:tenant/deliveries',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listNoticeDeliveries',
          tags: ['notices'],
          summary: 'Messages of change notices: who, when, the result of the last attempt',
          params: tenantParams,
          querystring: paginationQuery.extend({
            noticeId: uuidParam.optional(),
            failed: z
              .enum(['true', 'false'])
              .optional()
              .transform((v) => v === 'true')
              .describe('only messages that failed or are being retried'),
          }),
          response: { 200: pageOf(deliveryView), ...problemResponses },
        },
      },
      async (req) => {
        const { limit, offset, ...f } = req.query;
        return listDeliveries(deps, await tenantContext(req, deps), f, { limit, offset });
      },
    );
  };
