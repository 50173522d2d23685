import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, requiredText, tenantParams, uuidParam } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { createToken, listTokens, revokeToken } from './tokens.service.js';

const tokenView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scope: z.enum(['read', 'write']),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const tokensRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/tokens',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'listTokens',
          tags: ['tokens'],
          summary: 'API tokens of the workspace (never their secrets)',
          params: tenantParams,
          response: { 200: z.object({ items: z.array(tokenView) }), ...problemResponses },
        },
      },
      async (req) => ({ items: await listTokens(deps, await tenantContext(req, deps)) }),
    );
    app.post(
      '/tenants/:tenant/tokens',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'createToken',
          tags: ['tokens'],
          summary: 'Create an API token; its secret is in this answer only',
          params: tenantParams,
          body: z.strictObject({
            name: requiredText(80),
            scope: z.enum(['read', 'write']),
            expiresAt: z.iso.datetime().nullable().optional(),
          }),
          response: { 201: tokenView.extend({ token: z.string() }), ...problemResponses },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await createToken(deps, await tenantContext(req, deps), req.body)),
    );
    app.delete(
      '/tenants/:tenant/tokens/:tokenId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'revokeToken',
          tags: ['tokens'],
          summary: 'Revoke a token at once',
          params: tenantParams.extend({ tokenId: uuidParam }),
          response: { 200: tokenView, ...problemResponses },
        },
      },
      async (req) => revokeToken(deps, await tenantContext(req, deps), req.params.tokenId),
    );
  };
