import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { auditRoutes } from '../features/audit/audit.routes.js';
import { authRoutes } from '../features/auth/auth.routes.js';
import { accountPages } from '../features/auth/account-pages.js';
import { entitiesRoutes } from '../features/entities/entities.routes.js';
import { entriesRoutes } from '../features/entries/entries.routes.js';
import { healthRoutes } from '../features/health/health.routes.js';
import { importsRoutes } from '../features/imports/imports.routes.js';
import { publicRoutes } from '../features/publishing/public.routes.js';
import { versionsRoutes } from '../features/publishing/versions.routes.js';
import { listsRoutes } from '../features/lists/lists.routes.js';
import { membersRoutes } from '../features/members/members.routes.js';
import { tenantsRoutes } from '../features/tenants/tenants.routes.js';
import { tokensRoutes } from '../features/tokens/tokens.routes.js';
import type { AppDeps } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { loggerOptions } from '../platform/logger.js';
import { sendProblem, toAppError } from './problem.js';
import { registerAuthentication } from './request-auth.js';

export const API_VERSION = '0.1.0';
const JSON_BODY_LIMIT = 1024 * 1024;

export interface BuildAppOptions {
  logger?: boolean;
  /** sign-in and sign-up attempts per minute per client address */
  authRateLimit?: number;
  /** where log lines go (tests capture them); stdout when absent */
  logStream?: DestinationStream;
}

export async function buildApp(deps: AppDeps, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger === false ? false : { ...loggerOptions(deps.config.logLevel), stream: opts.logStream },
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err, req, reply) => {
    const problem = toAppError(err);
    if (problem.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: problem.code, status: problem.status }, 'request refused');
    return sendProblem(reply, req, problem);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(
      reply,
      req,
      new AppError(
        404,
        'ROUTE_NOT_FOUND',
        `There is no ${req.method} ${req.url.split('?')[0]}. See /api/docs.`,
      ),
    ),
  );

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpDuration
      .labels(req.method, req.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'subreg API',
        version: API_VERSION,
        description:
          'Sub-processor registry: lists, entities, entries, audit. Authenticate with `Authorization: Bearer <token>` ' +
          '(tokens are created per workspace) or a session cookie plus the `x-csrf-token` header for changes.',
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'subreg_session' },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuthentication(app, deps);
  await app.register(healthRoutes(deps));
  await app.register(authRoutes(deps, opts.authRateLimit ?? 10), { prefix: '/api/v1' });
  await app.register(tenantsRoutes(deps), { prefix: '/api/v1' });
  await app.register(tokensRoutes(deps), { prefix: '/api/v1' });
  await app.register(membersRoutes(deps), { prefix: '/api/v1' });
  await app.register(listsRoutes(deps), { prefix: '/api/v1' });
  await app.register(entitiesRoutes(deps), { prefix: '/api/v1' });
  await app.register(entriesRoutes(deps), { prefix: '/api/v1' });
  await app.register(auditRoutes(deps), { prefix: '/api/v1' });
  await app.register(importsRoutes(deps), { prefix: '/api/v1' });
  await app.register(versionsRoutes(deps), { prefix: '/api/v1' });
  await app.register(publicRoutes(deps));
  await app.register(accountPages(deps));
  return app;
}
