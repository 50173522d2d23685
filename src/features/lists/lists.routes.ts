import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  idempotentProblems,
  pageOf,
  paginationQuery,
  problemResponses,
  tenantParams,
} from '../../http/common-schemas.js';
import { listContext, listParams } from '../../http/list-context.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { createListBody, listView, updateListBody } from './lists.schemas.js';
import { createList, deleteList, getList, listLists, updateList } from './lists.service.js';

export const listsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/lists',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listLists',
          tags: ['lists'],
          summary: 'Sub-processor lists of the workspace',
          params: tenantParams,
          querystring: paginationQuery,
          response: { 200: pageOf(listView), ...problemResponses },
        },
      },
      async (req) => listLists(deps, await tenantContext(req, deps), req.query),
    );
    app.post(
      '/tenants/:tenant/lists',
      {
        config: { role: 'editor', idempotentStatus: 201 },
        schema: {
          operationId: 'createList',
          tags: ['lists'],
          summary: 'Create a list (one per platform or product)',
          params: tenantParams,
          body: createListBody,
          response: { 201: listView, ...problemResponses, ...idempotentProblems },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await createList(deps, await tenantContext(req, deps), req.body)),
    );
    app.get(
      '/tenants/:tenant/lists/:listId',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getList',
          tags: ['lists'],
          summary: 'A list and its document metadata',
          params: listParams,
          response: { 200: listView, ...problemResponses },
        },
      },
      async (req) => getList(deps, ...(await listContext(req, deps))),
    );
    app.patch(
      '/tenants/:tenant/lists/:listId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'updateList',
          tags: ['lists'],
          summary: "Change a list's metadata",
          params: listParams,
          body: updateListBody,
          response: { 200: listView, ...problemResponses },
        },
      },
      async (req) => updateList(deps, ...(await listContext(req, deps)), req.body),
    );
    app.delete(
      '/tenants/:tenant/lists/:listId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'deleteList',
          tags: ['lists'],
          summary: 'Delete a list and its entries',
          params: listParams,
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await deleteList(deps, ...(await listContext(req, deps)));
        return reply.code(204).send(null);
      },
    );
  };
