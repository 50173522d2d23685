import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idempotentProblems, problemResponses, uuidParam } from '../../http/common-schemas.js';
import { listContext, listParams } from '../../http/list-context.js';
import type { AppDeps } from '../../app/deps.js';
import { createEntryBody, entriesPage, entriesQuery, entryView, updateEntryBody } from './entries.schemas.js';
import { createEntry, deleteEntry, getEntry, listEntries, updateEntry } from './entries.service.js';

const entryParams = listParams.extend({ entryId: uuidParam });

export const entriesRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/lists/:listId/entries',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listEntries',
          tags: ['entries'],
          summary: 'Entries of a list (filter by group, type, country; search; sort)',
          params: listParams,
          querystring: entriesQuery,
          response: { 200: entriesPage, ...problemResponses },
        },
      },
      async (req) => listEntries(deps, ...(await listContext(req, deps)), req.query),
    );
    app.post(
      '/tenants/:tenant/lists/:listId/entries',
      {
        config: { role: 'editor', idempotentStatus: 201 },
        schema: {
          operationId: 'createEntry',
          tags: ['entries'],
          summary: 'Add an entry (an entity used in this list)',
          params: listParams,
          body: createEntryBody,
          response: { 201: entryView, ...problemResponses, ...idempotentProblems },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await createEntry(deps, ...(await listContext(req, deps)), req.body)),
    );
    app.get(
      '/tenants/:tenant/lists/:listId/entries/:entryId',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getEntry',
          tags: ['entries'],
          summary: 'An entry',
          params: entryParams,
          response: { 200: entryView, ...problemResponses },
        },
      },
      async (req) => getEntry(deps, ...(await listContext(req, deps)), req.params.entryId),
    );
    app.patch(
      '/tenants/:tenant/lists/:listId/entries/:entryId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'updateEntry',
          tags: ['entries'],
          summary: 'Change an entry',
          params: entryParams,
          body: updateEntryBody,
          response: { 200: entryView, ...problemResponses },
        },
      },
      async (req) => updateEntry(deps, ...(await listContext(req, deps)), req.params.entryId, req.body),
    );
    app.delete(
      '/tenants/:tenant/lists/:listId/entries/:entryId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'deleteEntry',
          tags: ['entries'],
          summary: 'Remove an entry from the list',
          params: entryParams,
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await deleteEntry(deps, ...(await listContext(req, deps)), req.params.entryId);
        return reply.code(204).send(null);
      },
    );
  };
