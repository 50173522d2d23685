import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, tenantParams, uuidParam } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { resendDelivery, resendFailedOfNotice } from './deliveries-resend.service.js';
import { deliveryView } from './notices.routes.js';

const noticeParams = tenantParams.extend({ noticeId: uuidParam });

/** Owners send a failed message of a notice again (same Message-ID), one or all of a notice. */
export const deliveriesResendRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/tenants/:tenant/notices/:noticeId/deliveries/:deliveryId/resend',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'resendNoticeDelivery',
          tags: ['notices'],
          summary:
            'Queue a failed message again, due now (same Message-ID, attempts kept); not for a withdrawn notice',
          params: noticeParams.extend({ deliveryId: uuidParam }),
          response: { 202: deliveryView, ...problemResponses },
        },
      },
      async (req, reply) =>
        reply
          .code(202)
          .send(
            await resendDelivery(
              deps,
              await tenantContext(req, deps),
              req.params.noticeId,
              req.params.deliveryId,
            ),
          ),
    );
    app.post(
      '/tenants/:tenant/notices/:noticeId/deliveries/resend-failed',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'resendFailedNoticeDeliveries',
          tags: ['notices'],
          summary: 'Queue every failed message of a notice again; says which stay failed and why',
          params: noticeParams,
          response: {
            202: z
              .object({
                resent: z.number().int().describe('messages queued again, due now'),
                notResent: z.array(
                  z.object({ deliveryId: z.string(), email: z.string(), reason: z.string() }),
                ),
              })
              .meta({ id: 'NoticeResendResult' }),
            ...problemResponses,
          },
        },
      },
      async (req, reply) =>
        reply
          .code(202)
          .send(await resendFailedOfNotice(deps, await tenantContext(req, deps), req.params.noticeId)),
    );
  };
