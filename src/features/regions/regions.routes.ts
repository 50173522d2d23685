import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, problemSchema, tenantParams, uuidParam } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { requireOperator } from './operator-auth.js';
import type { RegionMoves } from './region-moves.js';
import { listMoves, regionHealth } from './regions.service.js';
import { describeResidency } from './residency.js';
import {
  estimateView,
  moveBody,
  moveView,
  regionView,
  residencyView,
  toMoveView,
} from './regions.schemas.js';

const operatorSecurity = [{ operatorToken: [] }];
const operatorProblems = { ...problemResponses, 503: problemSchema };

/** Where a workspace's data lives (members), and the operator's region moves. */
export const regionsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const moves = (): RegionMoves => {
      if (!deps.moves)
        throw new AppError(503, 'MOVES_UNAVAILABLE', 'Region moves are not available in this process.');
      return deps.moves;
    };
    const region = (id: string) =>
      describeResidency({ regionId: id, status: 'active' }, deps.dbs.regionInfo(id)).region;

    app.get(
      '/tenants/:tenant/residency',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getResidency',
          tags: ['regions'],
          summary: "Where subreg keeps this workspace's data (derived from the directory, never typed)",
          params: tenantParams,
          response: { 200: residencyView, ...problemResponses },
        },
      },
      async (req) => {
        const ctx = await tenantContext(req, deps);
        const r = describeResidency(ctx.tenant, deps.dbs.regionInfo(ctx.tenant.regionId));
        const last = (await listMoves(deps, ctx.tenant.id, 20)).find((m) => m.state === 'completed');
        return {
          tenant: ctx.tenant.slug,
          ...r,
          lastMove: last
            ? { from: last.fromRegion, to: last.toRegion, finishedAt: last.finishedAt?.toISOString() ?? null }
            : null,
        };
      },
    );

    app.get(
      '/operator/regions',
      {
        schema: {
          operationId: 'listOperatorRegions',
          tags: ['operator'],
          summary: 'The region catalogue, whether each database answers, and how many workspaces live there',
          security: operatorSecurity,
          response: {
            200: z.object({
              items: z.array(regionView.extend({ reachable: z.boolean(), tenants: z.number().int() })),
            }),
            ...operatorProblems,
          },
        },
      },
      async (req) => {
        requireOperator(req, deps);
        const health = await regionHealth(deps);
        return { items: health.map((h) => ({ ...region(h.id), ...h })) };
      },
    );

    app.post(
      '/operator/moves/estimate',
      {
        schema: {
          operationId: 'estimateRegionMove',
          tags: ['operator'],
          summary:
            'Estimate a move (row counts, bytes, duration measured on this deployment); changes nothing',
          security: operatorSecurity,
          body: moveBody.omit({ start: true }),
          response: { 200: estimateView, ...operatorProblems },
        },
      },
      async (req) => {
        requireOperator(req, deps);
        return (await moves().estimate(req.body.tenant, req.body.to)).estimate;
      },
    );

    app.post(
      '/operator/moves',
      {
        schema: {
          operationId: 'planRegionMove',
          tags: ['operator'],
          summary: 'Plan a move (recorded with its estimate); with `start: true` it also starts',
          security: operatorSecurity,
          body: moveBody,
          response: { 201: moveView, 202: moveView, ...operatorProblems },
        },
      },
      async (req, reply) => {
        const who = requireOperator(req, deps);
        const m = await moves().plan(req.body.tenant, req.body.to, who);
        if (req.body.start) moves().runInBackground(m.id, (msg) => req.log.info(msg));
        return reply.code(req.body.start ? 202 : 201).send(toMoveView(m, null));
      },
    );

    app.get(
      '/operator/moves',
      {
        schema: {
          operationId: 'listRegionMoves',
          tags: ['operator'],
          summary: 'Moves, newest first (of one workspace with ?tenant=slug)',
          security: operatorSecurity,
          querystring: z.object({ tenant: z.string().max(48).optional() }),
          response: { 200: z.object({ items: z.array(moveView) }), ...operatorProblems },
        },
      },
      async (req) => {
        requireOperator(req, deps);
        let tenantId: string | null = null;
        if (req.query.tenant) {
          const t = await deps.directory.bySlug(req.query.tenant);
          if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${req.query.tenant}" exists.`);
          tenantId = t.id;
        }
        const rows = await listMoves(deps, tenantId);
        return { items: rows.map((m) => toMoveView(m, deps.moves?.progress(m.id) ?? null)) };
      },
    );

    app.get(
      '/operator/moves/:moveId',
      {
        schema: {
          operationId: 'getRegionMove',
          tags: ['operator'],
          summary: 'A move with its progress, steps (state and timings) and per-table counts and checksums',
          security: operatorSecurity,
          params: z.object({ moveId: uuidParam }),
          response: { 200: moveView, ...operatorProblems },
        },
      },
      async (req) => {
        requireOperator(req, deps);
        const m = await moves().get(req.params.moveId);
        return toMoveView(m, moves().progress(m.id));
      },
    );

    app.post(
      '/operator/moves/:moveId/start',
      {
        schema: {
          operationId: 'startRegionMove',
          tags: ['operator'],
          summary: 'Start a planned move, or resume an interrupted one from its step',
          security: operatorSecurity,
          params: z.object({ moveId: uuidParam }),
          response: { 202: moveView, ...operatorProblems },
        },
      },
      async (req, reply) => {
        requireOperator(req, deps);
        const m = await moves().get(req.params.moveId);
        if (m.state === 'completed' || m.state === 'rolled_back')
          throw new AppError(
            409,
            'MOVE_FINISHED',
            `This move is ${m.state.replace('_', ' ')}; plan a new one.`,
          );
        moves().runInBackground(m.id, (msg) => req.log.info(msg));
        return reply.code(202).send(toMoveView(m, null));
      },
    );

    app.post(
      '/operator/moves/:moveId/rollback',
      {
        schema: {
          operationId: 'rollBackRegionMove',
          tags: ['operator'],
          summary:
            'Roll back a move that has not switched: the workspace stays where it was, the copy is removed',
          security: operatorSecurity,
          params: z.object({ moveId: uuidParam }),
          response: { 200: moveView, ...operatorProblems },
        },
      },
      async (req) => {
        requireOperator(req, deps);
        return toMoveView(await moves().rollback(req.params.moveId), null);
      },
    );
  };
