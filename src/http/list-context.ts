import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { resolveListId } from '../features/lists/lists.service.js';
import type { AppDeps } from '../app/deps.js';
import type { TenantContext } from '../platform/context.js';
import { tenantParams } from './common-schemas.js';
import { tenantContext } from './request-auth.js';

/** `/tenants/:tenant/lists/:listId/...`: the list by its slug or its id, the same as in the CLI. */
export const listParams = tenantParams.extend({
  listId: z
    .string()
    .min(1)
    .max(60, 'must be a list slug or id')
    .describe("The list's slug (such as `platform`) or its id"),
});

/**
 * The tenant of the path (as `tenantContext`) and the id of the list it names by slug or id,
 * as the first two arguments of a list's operations: `listEntries(deps, ...(await listContext(req, deps)))`.
 */
export async function listContext(
  req: FastifyRequest,
  deps: AppDeps,
): Promise<[ctx: TenantContext, listId: string]> {
  const ctx = await tenantContext(req, deps);
  const ref = (req.params as { listId: string }).listId;
  return [ctx, await resolveListId(deps, ctx, ref)];
}
