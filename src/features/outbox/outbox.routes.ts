import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, tenantParams } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { notFound } from '../../platform/errors.js';
import { OUTBOX_NAME, listOutbox, readOutboxMessage } from '../../platform/mail/outbox.js';

const outboxMessage = z
  .object({
    file: z.string(),
    subject: z.string(),
    to: z.string(),
    date: z.string(),
    size: z.number().int(),
  })
  .meta({ id: 'OutboxMessage' });

/**
 * The mail outbox of this server, as far as it concerns one workspace: when no SMTP_URL is set,
 * messages are files under DATA_DIR/outbox, and those written for the workspace carry its id in
 * X-Subreg-Tenant. Owners see those only (sign-up and password-reset mail is nobody's workspace).
 */
export const outboxRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/outbox',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'listOutbox',
          tags: ['members'],
          summary:
            "Mail written for this workspace to the server's outbox (used when no SMTP server is configured), newest first",
          params: tenantParams,
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: {
            200: z.object({
              smtpConfigured: z
                .boolean()
                .describe('true: mail goes to an SMTP server and the outbox receives nothing new'),
              items: z.array(outboxMessage),
            }),
            ...problemResponses,
          },
        },
      },
      async (req) => {
        const ctx = await tenantContext(req, deps);
        const items = await listOutbox(
          deps.config.dataDir,
          req.query.limit,
          (e) => e.tenantId === ctx.tenant.id,
        );
        return {
          smtpConfigured: Boolean(deps.config.smtpUrl),
          items: items.map((e) => ({
            file: e.name,
            subject: e.subject,
            to: e.to,
            date: e.date,
            size: e.size,
          })),
        };
      },
    );
    app.get(
      '/tenants/:tenant/outbox/:file',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'getOutboxMessage',
          tags: ['members'],
          summary: 'One message of the outbox, as the .eml file it was written to',
          params: tenantParams.extend({
            file: z
              .string()
              .max(64)
              .regex(
                OUTBOX_NAME,
                'file must be a name from the outbox list, like 20261202T045012345Z-1a2b3c4d.eml',
              ),
          }),
          response: { 200: z.any(), ...problemResponses },
        },
      },
      async (req, reply) => {
        const ctx = await tenantContext(req, deps);
        const raw = await readOutboxMessage(deps.config.dataDir, req.params.file, ctx.tenant.id);
        if (!raw) throw notFound('outbox message', 'OUTBOX_MESSAGE_NOT_FOUND');
        return reply
          .header('content-type', 'message/rfc822')
          .header('content-disposition', `attachment; filename="${req.params.file}"`)
          .header('x-content-type-options', 'nosniff')
          .send(raw);
      },
    );
  };
