import type { AppDeps } from '../../app/deps.js';
import { type MoveRow, countTenantsByRegion, selectMoves, selectOpenMove } from './moves.repo.js';

/** What other callers (the CLI, the operator routes) read of regions and moves. */

/** Moves of one workspace (or all, with null), newest first. */
export function listMoves(deps: AppDeps, tenantId: string | null, limit?: number): Promise<MoveRow[]> {
  return selectMoves(deps.dbs.control, tenantId, limit);
}

/** The workspace's move that has not finished, if any. */
export function openMove(deps: AppDeps, tenantId: string): Promise<MoveRow | null> {
  return selectOpenMove(deps.dbs.control, tenantId);
}

/** Each region this process serves: whether its database answers, and how many workspaces it holds. */
export async function regionHealth(deps: AppDeps) {
  const [ping, counts] = await Promise.all([deps.dbs.ping(), countTenantsByRegion(deps.dbs.control)]);
  return deps.dbs.regionIds().map((id) => ({
    id,
    reachable: ping.regions[id] ?? false,
    tenants: counts.get(id) ?? 0,
  }));
}
