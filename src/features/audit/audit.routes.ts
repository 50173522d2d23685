import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, tenantParams } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../platform/context.js';
import { listAudit, verifyAuditChain } from './audit.service.js';

const auditEvent = z
  .object({
    seq: z.number().int(),
    id: z.uuid(),
    occurredAt: z.string(),
    actorType: z.enum(['user', 'token', 'system']),
    actorId: z.string().nullable(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    hash: z.string(),
    prevHash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const auditRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'The append-only audit log, oldest first (page with afterSeq)',
          params: tenantParams,
          querystring: z.object({
            afterSeq: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({ items: z.array(auditEvent), nextAfterSeq: z.number().int().nullable() }),
            ...problemResponses,
          },
        },
      },
      async (req) => {
        const ctx = await tenantContext(req, deps, 'owner');
        return listAudit(deps, ctx.tenant, req.query.afterSeq, req.query.limit);
      },
    );
    app.get(
      '/tenants/:tenant/audit/verify',
      {
        schema: {
          tags: ['audit'],
          summary: 'Recompute the hash chain of the audit log',
          params: tenantParams,
          response: {
            200: z.object({
              ok: z.boolean(),
              checked: z.number().int(),
              brokenAtSeq: z.number().int().optional(),
              reason: z.string().optional(),
            }),
            ...problemResponses,
          },
        },
      },
      async (req) => verifyAuditChain(deps, (await tenantContext(req, deps, 'viewer')).tenant),
    );
  };
