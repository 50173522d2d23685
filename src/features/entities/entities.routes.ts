import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  idempotentProblems,
  pageOf,
  problemResponses,
  tenantParams,
  uuidParam,
} from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { createEntityBody, entitiesQuery, entityView, updateEntityBody } from './entities.schemas.js';
import { createEntity, deleteEntity, getEntity, listEntities, updateEntity } from './entities.service.js';

const entityParams = tenantParams.extend({ entityId: uuidParam });

export const entitiesRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/entities',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listEntities',
          tags: ['entities'],
          summary: 'Legal entities the workspace works with (search, filter, sort)',
          params: tenantParams,
          querystring: entitiesQuery,
          response: { 200: pageOf(entityView), ...problemResponses },
        },
      },
      async (req) => listEntities(deps, await tenantContext(req, deps), req.query),
    );
    app.post(
      '/tenants/:tenant/entities',
      {
        config: { role: 'editor', idempotentStatus: 201 },
        schema: {
          operationId: 'createEntity',
          tags: ['entities'],
          summary: 'Create an entity',
          params: tenantParams,
          body: createEntityBody,
          response: { 201: entityView, ...problemResponses, ...idempotentProblems },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await createEntity(deps, await tenantContext(req, deps), req.body)),
    );
    app.get(
      '/tenants/:tenant/entities/:entityId',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getEntity',
          tags: ['entities'],
          summary: 'An entity',
          params: entityParams,
          response: { 200: entityView, ...problemResponses },
        },
      },
      async (req) => getEntity(deps, await tenantContext(req, deps), req.params.entityId),
    );
    app.patch(
      '/tenants/:tenant/entities/:entityId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'updateEntity',
          tags: ['entities'],
          summary: 'Change an entity',
          params: entityParams,
          body: updateEntityBody,
          response: { 200: entityView, ...problemResponses },
        },
      },
      async (req) => updateEntity(deps, await tenantContext(req, deps), req.params.entityId, req.body),
    );
    app.delete(
      '/tenants/:tenant/entities/:entityId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'deleteEntity',
          tags: ['entities'],
          summary: 'Delete an entity no entry uses',
          params: entityParams,
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await deleteEntity(deps, await tenantContext(req, deps), req.params.entityId);
        return reply.code(204).send(null);
      },
    );
  };
