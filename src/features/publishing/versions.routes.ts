import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idempotentProblems, pageOf, paginationQuery, problemResponses } from '../../http/common-schemas.js';
import { listContext, listParams } from '../../http/list-context.js';
import type { AppDeps } from '../../app/deps.js';
import {
  changeSetView,
  publishBody,
  versionNumberParam,
  versionSummaryView,
  versionView,
} from './versions.schemas.js';
import { diffVersions, draftChanges, getVersion, listVersions, publishList } from './versions.service.js';

const versionParams = listParams.extend({ number: versionNumberParam });
const diffParams = listParams.extend({ number: versionNumberParam, other: versionNumberParam });

/** Versions are created by publishing and then only read: there is no PUT, PATCH or DELETE. */
export const versionsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/tenants/:tenant/lists/:listId/versions',
      {
        config: { role: 'editor', idempotentStatus: 201 },
        schema: {
          operationId: 'publishVersion',
          tags: ['versions'],
          summary: 'Publish the draft as the next immutable version',
          params: listParams,
          body: publishBody,
          response: { 201: versionView, ...problemResponses, ...idempotentProblems },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await publishList(deps, ...(await listContext(req, deps)), req.body)),
    );
    app.get(
      '/tenants/:tenant/lists/:listId/draft/changes',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getDraftChanges',
          tags: ['versions'],
          summary: 'What publishing now would do: the draft against the latest version (nothing is written)',
          params: listParams,
          response: {
            200: z.object({
              latestVersion: z.number().int().nullable(),
              entryCount: z.number().int(),
              noticePeriodDays: z.number().int(),
              effectiveAt: z.string().describe('now plus the notice period: the default of a publish'),
              changes: changeSetView,
              counts: z.object({
                added: z.number().int(),
                removed: z.number().int(),
                changed: z.number().int(),
              }),
              publishable: z.boolean().describe('false when the draft is empty or equals the latest version'),
            }),
            ...problemResponses,
          },
        },
      },
      async (req) => draftChanges(deps, ...(await listContext(req, deps))),
    );
    app.get(
      '/tenants/:tenant/lists/:listId/versions',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listVersions',
          tags: ['versions'],
          summary: 'Version history, newest first',
          params: listParams,
          querystring: paginationQuery,
          response: { 200: pageOf(versionSummaryView), ...problemResponses },
        },
      },
      async (req) => listVersions(deps, ...(await listContext(req, deps)), req.query),
    );
    app.get(
      '/tenants/:tenant/lists/:listId/versions/:number',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getVersion',
          tags: ['versions'],
          summary: 'One version: its frozen entries and document, and what changed',
          params: versionParams,
          response: { 200: versionView, ...problemResponses },
        },
      },
      async (req) => getVersion(deps, ...(await listContext(req, deps)), req.params.number),
    );
    app.get(
      '/tenants/:tenant/lists/:listId/versions/:number/diff/:other',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'diffVersions',
          tags: ['versions'],
          summary: 'What changed between any two versions (always from the older to the newer)',
          params: diffParams,
          response: {
            200: z.object({ from: z.number().int(), to: z.number().int(), changes: changeSetView }),
            ...problemResponses,
          },
        },
      },
      async (req) =>
        diffVersions(deps, ...(await listContext(req, deps)), req.params.number, req.params.other),
    );
  };
