import { and, eq, inArray } from 'drizzle-orm';
import type pg from 'pg';
import type { RegionTarget } from '../../db/bootstrap.js';
import { type MoveStep, tenants } from '../../db/schema/control.js';
import { auditEvents } from '../../db/schema/region.js';
import { announceDirectoryChange } from '../../platform/directory-channel.js';
import type { AppDeps } from '../../app/deps.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { copyTenantTable, deleteTenantRows, digestTenantTable } from './move-copy.js';
import { moveTenantJobs, purgeTenantJobs, runningTenantJobs } from './move-jobs.js';
import { FREEZE_LOCK_SEED, bypassesRls, inTransaction, withMoveSession } from './move-session.js';
import { type MoveRow, type TableRecord, recordTables, updateMove } from './moves.repo.js';
import { FREEZE_TABLE, listTenantTables } from './tenant-tables.js';

export interface MoveProgress {
  moveId: string;
  step: MoveStep | 'rollback';
  table?: string;
  rowsCopied: number;
  rowsTotal: number;
  bytesCopied: number;
}

/** What the steps share: the move, its two regions (owner URLs) and the app's dependencies. */
export interface StepContext {
  deps: AppDeps;
  move: MoveRow;
  tenant: { id: string; slug: string };
  source: RegionTarget;
  target: RegionTarget;
  purgeGraceMs: number;
  onProgress: (p: MoveProgress) => void;
  /** called after each table is copied (tests interrupt a copy half-way through here) */
  afterTable?: (table: string) => Promise<void> | void;
}

export class MoveVerificationError extends Error {
  readonly code = 'MOVE_VERIFICATION_FAILED';
}

/** Forgets what this process caches about the tenant; other processes hear it on the channel. */
export function invalidateTenantCaches(deps: AppDeps, tenant: { id: string; slug: string }): void {
  deps.directory.forget(tenant.slug);
  deps.publicCache?.forgetTenant(tenant.id);
}

async function setDirectory(
  ctx: StepContext,
  set: Partial<{ regionId: string; status: 'active' | 'moving' }>,
  onlyIf: { regionIds: string[]; statuses: string[] },
): Promise<void> {
  await ctx.deps.dbs.inControl(async (tx) => {
    await tx
      .update(tenants)
      .set(set)
      .where(
        and(
          eq(tenants.id, ctx.tenant.id),
          inArray(tenants.regionId, onlyIf.regionIds),
          inArray(tenants.status, onlyIf.statuses as ('active' | 'moving')[]),
        ),
      );
    // Delivered at commit to every process listening (they drop their cached directory entry).
    await announceDirectoryChange(tx, ctx.tenant);
  });
  invalidateTenantCaches(ctx.deps, ctx.tenant);
}

async function setFreezeRow(client: pg.ClientBase, moveId: string, tenantId: string, on: boolean) {
  if (on)
    await client.query(
      `insert into ${FREEZE_TABLE} (tenant_id, move_id) values ($1, $2) on conflict (tenant_id) do nothing`,
      [tenantId, moveId],
    );
  else await client.query(`delete from ${FREEZE_TABLE} where tenant_id = $1`, [tenantId]);
}

/** Writes refused from here on: the directory says moving, both databases hold a freeze row. */
export async function freezeStep(ctx: StepContext): Promise<Record<string, unknown>> {
  if (!ctx.move.frozenAt) await updateMove(ctx.deps.dbs.control, ctx.move.id, { frozenAt: new Date() });
  await setDirectory(
    ctx,
    { status: 'moving' },
    { regionIds: [ctx.source.id], statuses: ['active', 'moving'] },
  );
  await withMoveSession(ctx.target.url, ctx.tenant.id, (c) =>
    setFreezeRow(c, ctx.move.id, ctx.tenant.id, true),
  );
  const waitedMs = await withMoveSession(ctx.source.url, ctx.tenant.id, async (c) => {
    await setFreezeRow(c, ctx.move.id, ctx.tenant.id, true);
    // Writes that passed the guard before the freeze row existed hold the lock shared: wait for them.
    const t0 = performance.now();
    await inTransaction(c, () =>
      c.query('select pg_advisory_xact_lock(hashtextextended($1, $2))', [ctx.tenant.id, FREEZE_LOCK_SEED]),
    );
    return Math.round(performance.now() - t0);
  });
  return { waitedForWritesMs: waitedMs };
}

/** Counts and checksums of every tenant table in one region database. */
async function digestAll(
  url: string,
  tenantId: string,
): Promise<Record<string, { rows: number; checksum: string }>> {
  return withMoveSession(url, tenantId, async (c) => {
    const out: Record<string, { rows: number; checksum: string }> = {};
    for (const t of await listTenantTables(c)) out[t.name] = await digestTenantTable(c, t, tenantId);
    return out;
  });
}

/**
 * Clears whatever an earlier attempt left in the target, then copies every table in order. The
 * source is frozen, so its checksums are computed meanwhile, on another connection (the verify
 * step then only reads the target).
 */
export async function copyStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const sourceDigests = digestAll(ctx.source.url, ctx.tenant.id);
  sourceDigests.catch(() => {});
  const copied = await withMoveSession(ctx.source.url, ctx.tenant.id, (src) =>
    withMoveSession(ctx.target.url, ctx.tenant.id, async (dst) => {
      const tables = await listTenantTables(src);
      const direct = await bypassesRls(dst);
      const cleared = await deleteTenantRows(dst, tables, ctx.tenant.id);
      const estimate = ctx.move.estimate as { rows?: number };
      let rowsBefore = 0;
      let bytesBefore = 0;
      let lastWrite = 0;
      for (const t of tables) {
        const r = await copyTenantTable(src, dst, t, ctx.tenant.id, {
          direct,
          onProgress: (rows, bytes) => {
            ctx.onProgress({
              moveId: ctx.move.id,
              step: 'copy',
              table: t.name,
              rowsCopied: rowsBefore + rows,
              rowsTotal: estimate.rows ?? 0,
              bytesCopied: bytesBefore + bytes,
            });
            if (Date.now() - lastWrite > 500) {
              lastWrite = Date.now();
              void updateMove(ctx.deps.dbs.control, ctx.move.id, {
                copiedRows: rowsBefore + rows,
                copiedBytes: bytesBefore + bytes,
              }).catch(() => {});
            }
          },
        });
        rowsBefore += r.rows;
        bytesBefore += r.bytes;
        await recordTables(
          ctx.deps.dbs.control,
          ctx.move.id,
          { [t.name]: { copiedRows: r.rows, copiedBytes: r.bytes, copyMs: Math.round(r.ms) } },
          { copiedRows: rowsBefore, copiedBytes: bytesBefore },
        );
        await ctx.afterTable?.(t.name);
      }
      return {
        tables: tables.length,
        rows: rowsBefore,
        bytes: bytesBefore,
        mode: direct
          ? 'COPY into the tables'
          : 'COPY through a temporary table (the owner does not bypass RLS)',
        clearedFromEarlierAttempt: Object.values(cleared).reduce((a, b) => a + b, 0),
      };
    }),
  );
  const digests = await sourceDigests;
  await recordTables(
    ctx.deps.dbs.control,
    ctx.move.id,
    Object.fromEntries(
      Object.entries(digests).map(([t, d]) => [t, { rows: d.rows, sourceChecksum: d.checksum }]),
    ),
  );
  return copied;
}

/** Row counts and checksums of every table, computed on both sides at once. */
export async function verifyStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const known = ctx.move.tables as Record<string, TableRecord>;
  const haveSource = Object.keys(known).length > 0 && Object.values(known).every((t) => t.sourceChecksum);
  const [src, dst] = await Promise.all([
    haveSource
      ? Object.fromEntries(
          Object.entries(known).map(([t, r]) => [t, { rows: r.rows, checksum: r.sourceChecksum! }]),
        )
      : digestAll(ctx.source.url, ctx.tenant.id),
    digestAll(ctx.target.url, ctx.tenant.id),
  ]);
  const tables: Record<string, Partial<TableRecord>> = {};
  const mismatches: string[] = [];
  for (const name of new Set([...Object.keys(src), ...Object.keys(dst)])) {
    const s = src[name];
    const d = dst[name];
    tables[name] = {
      rows: s?.rows ?? 0,
      sourceChecksum: s?.checksum,
      targetChecksum: d?.checksum,
      targetRows: d?.rows,
    };
    if (!s || !d || d.rows !== s.rows || d.checksum !== s.checksum)
      mismatches.push(
        `${name}: ${s?.rows ?? 0} rows (${s?.checksum ?? '-'}) in ${ctx.source.id}, ${d?.rows ?? 0} rows (${d?.checksum ?? '-'}) in ${ctx.target.id}`,
      );
  }
  await recordTables(ctx.deps.dbs.control, ctx.move.id, tables);
  if (mismatches.length > 0)
    throw new MoveVerificationError(`The copy does not match the source: ${mismatches.join('; ')}.`);
  const rows = Object.values(src).reduce((a, s) => a + s.rows, 0);
  return {
    tables: Object.keys(src).length,
    rows,
    verified: 'row counts and md5 checksums equal on both sides',
    sourceChecksums: haveSource ? 'computed during the copy' : 'computed now',
  };
}

/** The one atomic switch: the directory (control database) names the target region. */
export async function switchStep(ctx: StepContext): Promise<Record<string, unknown>> {
  await withMoveSession(ctx.target.url, ctx.tenant.id, (c) =>
    setFreezeRow(c, ctx.move.id, ctx.tenant.id, false),
  );
  await setDirectory(
    ctx,
    { regionId: ctx.target.id },
    { regionIds: [ctx.source.id, ctx.target.id], statuses: ['moving'] },
  );
  return { directory: `${ctx.tenant.slug} -> ${ctx.target.id}` };
}

export async function jobsStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const moved = await withMoveSession(ctx.source.url, ctx.tenant.id, (src) =>
    withMoveSession(ctx.target.url, ctx.tenant.id, (dst) =>
      moveTenantJobs(src, dst, ctx.target.url, ctx.tenant.id),
    ),
  );
  return { ...moved };
}

export async function unfreezeStep(ctx: StepContext): Promise<Record<string, unknown>> {
  await setDirectory(ctx, { status: 'active' }, { regionIds: [ctx.target.id], statuses: ['moving'] });
  await updateMove(ctx.deps.dbs.control, ctx.move.id, { unfrozenAt: ctx.move.unfrozenAt ?? new Date() });
  return {};
}

/**
 * After a grace period (processes that have not heard of the switch use their cached directory
 * for up to its TTL, and read the source meanwhile), the source forgets the tenant: every row,
 * its jobs and the freeze row, in one transaction.
 */
export async function purgeStep(ctx: StepContext): Promise<Record<string, unknown>> {
  const since = Date.now() - (ctx.move.unfrozenAt ?? new Date()).getTime();
  if (since < ctx.purgeGraceMs) await new Promise((r) => setTimeout(r, ctx.purgeGraceMs - since));
  return withMoveSession(ctx.source.url, ctx.tenant.id, async (src) => {
    for (let i = 0; i < 20 && (await runningTenantJobs(src, ctx.tenant.id)) > 0; i++)
      await new Promise((r) => setTimeout(r, 500));
    const stragglers = await withMoveSession(ctx.target.url, ctx.tenant.id, (dst) =>
      moveTenantJobs(src, dst, ctx.target.url, ctx.tenant.id),
    );
    const tables = await listTenantTables(src);
    let jobsLeft = 0;
    const deleted = await deleteTenantRows(src, tables, ctx.tenant.id, async () => {
      jobsLeft = await purgeTenantJobs(src, ctx.tenant.id);
      await setFreezeRow(src, ctx.move.id, ctx.tenant.id, false);
    });
    return {
      rowsDeleted: Object.values(deleted).reduce((a, b) => a + b, 0),
      jobsMovedLate: stragglers.jobs,
      jobsDeleted: jobsLeft,
    };
  });
}

/** Undoes a move that has not switched: the source takes writes again, the target forgets the copy. */
export async function unfreezeSource(ctx: StepContext): Promise<void> {
  await withMoveSession(ctx.source.url, ctx.tenant.id, (c) =>
    setFreezeRow(c, ctx.move.id, ctx.tenant.id, false),
  );
  await setDirectory(ctx, { status: 'active' }, { regionIds: [ctx.source.id], statuses: ['moving'] });
}

export async function clearTarget(ctx: StepContext): Promise<number> {
  return withMoveSession(ctx.target.url, ctx.tenant.id, async (dst) => {
    const tables = await listTenantTables(dst);
    const deleted = await deleteTenantRows(dst, tables, ctx.tenant.id, async () => {
      await purgeTenantJobs(dst, ctx.tenant.id);
      await setFreezeRow(dst, ctx.move.id, ctx.tenant.id, false);
    });
    return Object.values(deleted).reduce((a, b) => a + b, 0);
  });
}

/**
 * Appends a move event to the tenant's audit chain in `regionId` through the normal door (the app
 * role, `withTenant`), once: a resumed step finds its event and does not write it again. Copied
 * events are never rewritten: the chain continues from the last copied one.
 */
export async function auditMoveEvent(
  ctx: Pick<StepContext, 'deps' | 'move' | 'tenant'>,
  regionId: string,
  action: string,
  after: Record<string, unknown>,
): Promise<void> {
  await ctx.deps.dbs.withTenant({ id: ctx.tenant.id, regionId }, async (tx) => {
    const found = await tx
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, ctx.tenant.id),
          eq(auditEvents.action, action),
          eq(auditEvents.objectId, ctx.move.id),
        ),
      )
      .limit(1);
    if (found[0]) return;
    await appendAuditEvent(tx, {
      tenantId: ctx.tenant.id,
      actorType: 'system',
      actorId: ctx.move.requestedBy,
      action,
      objectType: 'region_move',
      objectId: ctx.move.id,
      after,
    });
  });
}
