import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, problems, requiredText, tenantParams, text } from '../../http/common-schemas.js';
import { requireActor, tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { createTenantForUser, getProfile, replaceProfile } from './tenants.service.js';

const tenantView = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    region: z.string(),
    status: z.string(),
    role: z.string(),
  })
  .meta({ id: 'Tenant' });

const profileBody = z.strictObject({
  displayName: requiredText(120),
  hostingProvider: text(200).nullable().optional(),
  hostingRegion: text(200).nullable().optional(),
  segregation: text(5000).nullable().optional(),
  dataStored: text(2000).nullable().optional(),
  regionMoveInfo: text(5000).nullable().optional(),
  contactEmail: z.email().max(254).nullable().optional(),
});
const profileView = profileBody.required().extend({ updatedAt: z.string() }).meta({ id: 'HostingProfile' });

export const tenantsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/regions',
      {
        schema: {
          operationId: 'listRegions',
          tags: ['tenants'],
          summary: 'Regions a workspace can live in',
          security: [],
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  provider: z.string().nullable(),
                  countries: z.array(z.string()).describe('ISO codes of the data centre countries'),
                }),
              ),
            }),
            ...problems(400, 429, 503),
          },
        },
      },
      async () => ({
        // The regions this process serves, as configured (the control table keeps every region ever seen).
        items: deps.dbs
          .regionIds()
          .sort()
          .map((id) => {
            const r = deps.dbs.regionInfo(id)!;
            return { id, name: r.name, provider: r.provider, countries: r.countries };
          }),
      }),
    );

    app.post(
      '/tenants',
      {
        schema: {
          operationId: 'createTenant',
          tags: ['tenants'],
          summary: 'Create another workspace; the signed-in user becomes its owner',
          body: z.strictObject({
            slug: z.string().min(1).max(48),
            name: requiredText(120),
            region: z.string().min(1).max(40),
          }),
          response: { 201: tenantView, ...problemResponses },
        },
      },
      async (req, reply) => {
        const { slug, name, region: regionId } = req.body;
        const { tenant } = await createTenantForUser(
          deps,
          requireActor(req),
          { slug, name, regionId },
          req.id,
        );
        return reply.code(201).send({ ...tenant, region: tenant.regionId, role: 'owner' });
      },
    );

    app.get(
      '/tenants/:tenant',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getTenant',
          tags: ['tenants'],
          summary: 'A workspace you belong to',
          params: tenantParams,
          response: { 200: tenantView, ...problemResponses },
        },
      },
      async (req) => {
        const ctx = await tenantContext(req, deps);
        return { ...ctx.tenant, region: ctx.tenant.regionId, role: ctx.role };
      },
    );

    app.get(
      '/tenants/:tenant/profile',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getHostingProfile',
          tags: ['tenants'],
          summary: 'The hosting statement shown on the trust page',
          params: tenantParams,
          response: { 200: profileView, ...problemResponses },
        },
      },
      async (req) => getProfile(deps, await tenantContext(req, deps)),
    );

    app.put(
      '/tenants/:tenant/profile',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'replaceHostingProfile',
          tags: ['tenants'],
          summary: 'Replace the hosting statement',
          params: tenantParams,
          body: profileBody,
          response: { 200: profileView, ...problemResponses },
        },
      },
      async (req) => replaceProfile(deps, await tenantContext(req, deps), req.body),
    );
  };
