import { approvalPages, approvalsRoutes } from '../features/customers/approvals.routes.js';
import { customersRoutes } from '../features/customers/customers.routes.js';
import { deliveriesResendRoutes } from '../features/notices/deliveries-resend.routes.js';
import { evidenceRoutes } from '../features/notices/evidence.routes.js';
import { objectionPages, objectionsRoutes } from '../features/notices/objections.routes.js';
import { noticesRoutes } from '../features/notices/notices.routes.js';
import { subscribersRoutes } from '../features/notices/subscribers.routes.js';
import { subscribeRoutes } from '../features/notices/subscribe.routes.js';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { auditRoutes } from '../features/audit/audit.routes.js';
import { authRoutes } from '../features/auth/auth.routes.js';
import { accountPages } from '../features/auth/account-pages.js';
import { entitiesRoutes } from '../features/entities/entities.routes.js';
import { entriesRoutes } from '../features/entries/entries.routes.js';
import { healthRoutes } from '../features/health/health.routes.js';
import { importsRoutes } from '../features/imports/imports.routes.js';
import { installPublicFastPath } from '../features/publishing/public-fast-path.js';
import { publicRoutes } from '../features/publishing/public.routes.js';
import { regionsRoutes } from '../features/regions/regions.routes.js';
import { versionsRoutes } from '../features/publishing/versions.routes.js';
import { listsRoutes } from '../features/lists/lists.routes.js';
import { membersRoutes } from '../features/members/members.routes.js';
import { outboxRoutes } from '../features/outbox/outbox.routes.js';
import { tenantsRoutes } from '../features/tenants/tenants.routes.js';
import { tokensRoutes } from '../features/tokens/tokens.routes.js';
import { webhooksRoutes } from '../features/webhooks/webhooks.routes.js';
import type { AppDeps } from '../app/deps.js';
import { adminStatic } from '../web/admin-static.js';
import { IdempotentReplay } from '../features/idempotency/idempotency.service.js';
import { AppError } from '../platform/errors.js';
import { loggerOptions } from '../platform/logger.js';
import { addRoleToOperations, collectRouteRoles } from './route-roles.js';
import {
  addIdempotencyParameter,
  collectIdempotentRoutes,
  idempotencyKeyParameter,
} from './idempotency-key.js';
import { serializerCompiler } from './fast-serializer.js';
import { registerJsonParser } from './json-body.js';
import { finishOpenApiDocument } from './openapi-contract.js';
import { frameworkErrorHandler, sendProblem, toAppError } from './problem.js';
import { registerAuthentication } from './request-auth.js';
import { clientRequestIdOf, newRequestId, registerRequestIds } from './request-id.js';
import { docsCsp, registerApiHeaders, registerSecurityHeaders } from './security-headers.js';
import {
  capConnectionsPerClient,
  clientErrorHandler,
  drainUnreadBody,
  transportOptions,
} from './transport.js';

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
  const limits = deps.config.http;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : { ...loggerOptions(deps.config.logLevel), ...(opts.logStream ? { stream: opts.logStream } : {}) },
    bodyLimit: JSON_BODY_LIMIT,
    // The server's own id, always; a caller's x-request-id is kept apart (request-id.ts).
    requestIdHeader: false,
    genReqId: newRequestId,
    childLoggerFactory: (logger, bindings, options, rawReq) => {
      const clientRequestId = clientRequestIdOf(rawReq as Parameters<typeof clientRequestIdOf>[0]);
      return logger.child(clientRequestId ? { ...bindings, clientRequestId } : bindings, options);
    },
    routerOptions: { maxParamLength: 200 },
    ...transportOptions(limits),
    clientErrorHandler: clientErrorHandler(limits),
    frameworkErrors: frameworkErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerJsonParser(app);

  app.setErrorHandler((err, req, reply) => {
    // A retried change whose first attempt committed: its stored answer, through the route's serializer.
    if (err instanceof IdempotentReplay)
      return reply.code(err.status).header('idempotent-replayed', 'true').send(err.body);
    const problem = toAppError(err, req);
    if (problem.code === 'DATABASE_UNAVAILABLE') req.log.warn(driverCause(err), 'database unavailable');
    else if (problem.status >= 500) req.log.error({ err }, 'request failed');
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

  registerRequestIds(app);
  const isRefused = capConnectionsPerClient(app, limits.maxConnectionsPerClient, limits.connectionCapExempt);
  installPublicFastPath(app, deps, { hsts: deps.config.secureCookies, isRefused });
  registerSecurityHeaders(app, { hsts: deps.config.secureCookies });
  app.addHook('onSend', async (req, reply, payload) => {
    drainUnreadBody(req, reply, JSON_BODY_LIMIT);
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpDuration
      .labels(req.method, req.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });
  deps.metrics.watchPools(() => deps.dbs.poolStats());
  const idempotentRoutes = collectIdempotentRoutes(app);
  const routeRoles = collectRouteRoles(app);

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
        parameters: { IdempotencyKey: idempotencyKeyParameter },
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'subreg_session' },
          operatorToken: { type: 'http', scheme: 'bearer', description: 'OPERATOR_TOKEN of the deployment' },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) =>
      finishOpenApiDocument(
        addRoleToOperations(
          addIdempotencyParameter(
            jsonSchemaTransformObject(doc) as unknown as Record<string, unknown>,
            idempotentRoutes,
          ),
          routeRoles,
        ),
      ) as unknown as ReturnType<typeof jsonSchemaTransformObject>,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    transformStaticCSP: docsCsp,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes(deps));
  // Every API route in one scope: authentication and private-response headers are hooks of
  // the scope, so they apply to whatever matched a route here, however its URL was spelled.
  await app.register(
    async (api) => {
      registerAuthentication(api, deps);
      registerApiHeaders(api);
      await api.register(authRoutes(deps, opts.authRateLimit ?? 10));
      await api.register(tenantsRoutes(deps));
      await api.register(tokensRoutes(deps));
      await api.register(membersRoutes(deps));
      await api.register(listsRoutes(deps));
      await api.register(entitiesRoutes(deps));
      await api.register(entriesRoutes(deps));
      await api.register(auditRoutes(deps));
      await api.register(importsRoutes(deps));
      await api.register(webhooksRoutes(deps));
      await api.register(versionsRoutes(deps));
      await api.register(subscribersRoutes(deps));
      await api.register(noticesRoutes(deps));
      await api.register(evidenceRoutes(deps));
      await api.register(deliveriesResendRoutes(deps));
      await api.register(objectionsRoutes(deps));
      await api.register(customersRoutes(deps));
      await api.register(approvalsRoutes(deps));
      await api.register(outboxRoutes(deps));
      await api.register(regionsRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
  await app.register(publicRoutes(deps));
  await app.register(subscribeRoutes(deps));
  await app.register(objectionPages(deps));
  await app.register(approvalPages(deps));
  await app.register(accountPages(deps));
  await app.register(adminStatic(deps));
  return app;
}

/** The driver's own words (drizzle's wrapper repeats the query and its parameters: not logged). */
function driverCause(err: unknown): { code?: string; cause?: string } {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 5 && e?.cause && typeof e.cause === 'object'; i++) e = e.cause as typeof e;
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.message === 'string' ? { cause: e.message.slice(0, 200) } : {}),
  };
}
