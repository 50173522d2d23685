import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/common-schemas.js';
import type { AppDeps } from '../../app/deps.js';
import { checkMetricsAccess } from './metrics-access.js';

export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          operationId: 'getHealth',
          tags: ['operations'],
          summary: 'The process is up',
          security: [],
          response: { 200: z.object({ status: z.literal('ok') }), ...problems(400) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          operationId: 'getReadiness',
          tags: ['operations'],
          summary: 'Every region database (and the control database) answers',
          security: [],
          response: {
            200: z.object({
              status: z.enum(['ready', 'unavailable']),
              control: z.boolean(),
              regions: z.record(z.string(), z.boolean()),
            }),
            503: z.object({
              status: z.enum(['ready', 'unavailable']),
              control: z.boolean(),
              regions: z.record(z.string(), z.boolean()),
            }),
            ...problems(400),
          },
        },
      },
      async (_req, reply) => {
        const r = await deps.dbs.ping();
        const ok = r.control && Object.values(r.regions).every(Boolean);
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', ...r });
      },
    );
    // With METRICS_PORT, /metrics lives on its own listener only (metrics-access.ts).
    if (deps.config.metrics.port !== null) return;
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      checkMetricsAccess(
        deps.config.metrics,
        req.headers.authorization,
        req.socket.remoteAddress,
        req.headers,
      );
      reply.header('cache-control', 'no-store');
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
