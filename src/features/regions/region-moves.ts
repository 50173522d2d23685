import type pg from 'pg';
import type { RegionTarget } from '../../db/bootstrap.js';
import { MOVE_STEPS, type MoveStep } from '../../db/schema/control.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { TenantRecord } from '../../platform/context.js';
import { type MoveEstimate, estimateMove } from './move-estimate.js';
import { countTenantRows } from './move-copy.js';
import { RegionUnreachableError, withMoveSession } from './move-session.js';
import {
  type MoveProgress,
  type StepContext,
  auditMoveEvent,
  clearTarget,
  copyStep,
  freezeStep,
  jobsStep,
  purgeStep,
  switchStep,
  unfreezeSource,
  unfreezeStep,
  verifyStep,
} from './move-steps.js';
import {
  type MoveRow,
  type StepRecord,
  insertMove,
  recordStep,
  selectMeasuredThroughput,
  selectMove,
  selectOpenMove,
  updateMove,
} from './moves.repo.js';
import { listTenantTables, schemaDifferences } from './tenant-tables.js';

/** Thrown by a test hook to stop a move where a killed process would: no clean-up runs. */
export class MoveInterrupted extends Error {}

export interface MoveHooks {
  /** before each step runs; a throw stops the move there */
  beforeStep?: (step: MoveStep, move: MoveRow) => Promise<void> | void;
  afterTable?: (table: string) => Promise<void> | void;
  onProgress?: (p: MoveProgress) => void;
  onStep?: (step: MoveStep | 'rollback', record: StepRecord) => void;
}

const STEP_FNS: Record<MoveStep, (ctx: StepContext) => Promise<Record<string, unknown>>> = {
  freeze: freezeStep,
  copy: copyStep,
  verify: verifyStep,
  switch: switchStep,
  jobs: jobsStep,
  unfreeze: unfreezeStep,
  purge: purgeStep,
};
const SWITCH_INDEX = MOVE_STEPS.indexOf('switch');
const AUDIT_ACTIONS: Record<MoveStep, string> = {
  freeze: 'region.move.frozen',
  copy: 'region.move.copied',
  verify: 'region.move.verified',
  switch: 'region.move.switched',
  jobs: 'region.move.jobs_moved',
  unfreeze: 'region.move.unfrozen',
  purge: 'region.move.purged',
};
/** How long a process may serve a tenant from its cached directory entry (TenantDirectory TTL). */
const DIRECTORY_TTL_MS = 5_000;
const MOVE_LOCK_SEED = 8732;

/**
 * Moves tenants between regions: estimate, freeze, copy, verify, switch, jobs, unfreeze, purge.
 * Each step is idempotent and recorded in the control database, so a move stopped anywhere
 * (killed process, database down) is resumed or rolled back by one call.
 */
export class RegionMoves {
  private readonly live = new Map<string, MoveProgress>();

  constructor(
    private readonly deps: AppDeps,
    private readonly regions: readonly RegionTarget[],
    private readonly opts: { purgeGraceMs?: number } = {},
  ) {}

  region(id: string): RegionTarget {
    const r = this.regions.find((x) => x.id === id);
    if (!r)
      throw new AppError(
        400,
        'UNKNOWN_REGION',
        `Region "${id}" is not configured. Choose one of: ${this.regions.map((x) => x.id).join(', ')}.`,
      );
    return r;
  }

  /** Live progress of a move run by this process (between the database writes). */
  progress(moveId: string): MoveProgress | null {
    return this.live.get(moveId) ?? null;
  }

  private async tenantBySlug(slug: string): Promise<TenantRecord> {
    this.deps.directory.forget(slug);
    const t = await this.deps.directory.bySlug(slug);
    if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${slug}" exists.`);
    return t;
  }

  /** Checks both regions answer and agree on the tables; measures and times the move. */
  async estimate(
    tenantSlug: string,
    toRegion: string,
  ): Promise<{ tenant: TenantRecord; estimate: MoveEstimate }> {
    const tenant = await this.tenantBySlug(tenantSlug);
    const to = this.region(toRegion);
    if (tenant.regionId === to.id)
      throw new AppError(409, 'ALREADY_IN_REGION', `Workspace "${tenant.slug}" already lives in ${to.id}.`);
    if (tenant.status === 'suspended')
      throw new AppError(409, 'TENANT_SUSPENDED', 'A suspended workspace is not moved; reactivate it first.');
    const from = this.region(tenant.regionId);
    const estimate = await withMoveSession(from.url, tenant.id, async (src) =>
      withMoveSession(to.url, tenant.id, async (dst) => {
        const [tables, targetTables] = await Promise.all([listTenantTables(src), listTenantTables(dst)]);
        const diff = schemaDifferences(tables, targetTables);
        if (diff.length > 0)
          throw new AppError(
            409,
            'REGION_SCHEMA_MISMATCH',
            `The two regions' databases differ (${diff.join('; ')}). Run \`subreg migrate\` with both configured, then try again.`,
          );
        const left = Object.entries(await countTenantRows(dst, targetTables, tenant.id)).filter(
          ([, n]) => n > 0,
        );
        if (left.length > 0)
          throw new AppError(
            409,
            'TARGET_HOLDS_TENANT_ROWS',
            `${to.id} still holds rows of this workspace (${left.map(([t, n]) => `${t}: ${n}`).join(', ')}) from an earlier move; roll that move back first.`,
          );
        const jobs = await src
          .query<{ n: number }>(
            `select count(*)::int as n from pgboss.job where data->>'tenantId' = $1 and state <> 'active'`,
            [tenant.id],
          )
          .then((r) => r.rows[0]?.n ?? 0)
          .catch(() => 0);
        return estimateMove(src, dst, tables, tenant.id, {
          jobs,
          earlierMovesBytesPerSecond: await selectMeasuredThroughput(this.deps.dbs.control),
          purgeGraceMs: this.purgeGraceMs(),
        });
      }),
    ).catch((e) => {
      throw e instanceof RegionUnreachableError
        ? new AppError(
            503,
            'REGION_UNREACHABLE',
            `${e.message}. Nothing was changed; the workspace works where it is.`,
          )
        : e;
    });
    return { tenant, estimate };
  }

  /** Records a planned move with its estimate. Nothing changes for the tenant until `run`. */
  async plan(tenantSlug: string, toRegion: string, requestedBy: string): Promise<MoveRow> {
    const { tenant, estimate } = await this.estimate(tenantSlug, toRegion);
    const open = await selectOpenMove(this.deps.dbs.control, tenant.id);
    if (open)
      throw new AppError(
        409,
        'MOVE_IN_PROGRESS',
        `Workspace "${tenant.slug}" has an unfinished move (${open.id}, ${open.state} at ${open.step ?? 'start'}): resume it or roll it back.`,
      );
    return insertMove(this.deps.dbs.control, {
      id: newId(),
      tenantId: tenant.id,
      fromRegion: tenant.regionId,
      toRegion,
      state: 'planned',
      requestedBy,
      estimate,
    }).catch((e) => {
      if ((e as { cause?: { code?: string } }).cause?.code === '23505')
        throw new AppError(409, 'MOVE_IN_PROGRESS', `Workspace "${tenant.slug}" has an unfinished move.`);
      throw e;
    });
  }

  async get(moveId: string): Promise<MoveRow> {
    const m = await selectMove(this.deps.dbs.control, moveId);
    if (!m) throw new AppError(404, 'MOVE_NOT_FOUND', 'No region move with that id exists.');
    return m;
  }

  private purgeGraceMs() {
    return this.opts.purgeGraceMs ?? DIRECTORY_TTL_MS + 1_000;
  }

  private async context(move: MoveRow, hooks: MoveHooks): Promise<StepContext> {
    const t = await this.deps.directory.byId(move.tenantId);
    if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', 'The workspace of this move no longer exists.');
    return {
      deps: this.deps,
      move,
      tenant: { id: t.id, slug: t.slug },
      source: this.region(move.fromRegion),
      target: this.region(move.toRegion),
      purgeGraceMs: this.purgeGraceMs(),
      onProgress: (p) => {
        this.live.set(move.id, p);
        hooks.onProgress?.(p);
      },
      afterTable: hooks.afterTable,
    };
  }

  /** One process at a time runs a move: a session lock in the control database, freed if it dies. */
  private async withMoveLock<T>(moveId: string, fn: () => Promise<T>): Promise<T> {
    const client: pg.PoolClient = await this.deps.dbs.controlPool.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, $2)) as ok',
        [moveId, MOVE_LOCK_SEED],
      );
      if (!rows[0]?.ok)
        throw new AppError(
          409,
          'MOVE_RUNNING',
          'Another process is running this move right now; follow its progress instead.',
        );
      try {
        return await fn();
      } finally {
        await client.query('select pg_advisory_unlock(hashtextextended($1, $2))', [moveId, MOVE_LOCK_SEED]);
      }
    } finally {
      client.release();
    }
  }

  /**
   * Runs a planned move, or resumes an interrupted one from its step. A failure before the switch
   * rolls the move back (the tenant keeps working where it was); after the switch the move can
   * only go forward, and a failure leaves it for `run` again.
   */
  async run(moveId: string, hooks: MoveHooks = {}): Promise<MoveRow> {
    return this.withMoveLock(moveId, async () => {
      let move = await this.get(moveId);
      if (move.state === 'completed' || move.state === 'rolled_back') return move;
      if (move.state === 'rolling_back')
        throw new AppError(
          409,
          'MOVE_ROLLING_BACK',
          'This move is being rolled back; finish that with --rollback.',
        );
      const ctx = await this.context(move, hooks);
      const done = (s: MoveStep) => (move.steps as Record<string, StepRecord>)[s]?.state === 'done';
      if (!move.startedAt) {
        await auditMoveEvent(ctx, move.fromRegion, 'region.move.started', {
          from: move.fromRegion,
          to: move.toRegion,
          estimate: move.estimate,
        });
      }
      await updateMove(this.deps.dbs.control, move.id, {
        state: 'running',
        error: null,
        startedAt: move.startedAt ?? new Date(),
      });
      for (const [i, step] of MOVE_STEPS.entries()) {
        if (done(step)) continue;
        move = await this.get(moveId);
        ctx.move = move;
        await hooks.beforeStep?.(step, move);
        const started = new Date();
        await recordStep(
          this.deps.dbs.control,
          move.id,
          step,
          { state: 'running', startedAt: started.toISOString() },
          { step },
        );
        let details: Record<string, unknown>;
        try {
          details = await STEP_FNS[step](ctx);
        } catch (e) {
          if (e instanceof MoveInterrupted) throw e;
          return this.failed(move, step, i, started, e, hooks);
        }
        const record: StepRecord = {
          state: 'done',
          startedAt: started.toISOString(),
          finishedAt: new Date().toISOString(),
          ms: Date.now() - started.getTime(),
          ...details,
        };
        await recordStep(this.deps.dbs.control, move.id, step, record);
        hooks.onStep?.(step, record);
        (move.steps as Record<string, StepRecord>)[step] = record;
        if (step === 'unfreeze')
          await this.auditSteps(ctx, await this.get(moveId), [
            'freeze',
            'copy',
            'verify',
            'switch',
            'jobs',
            'unfreeze',
          ]);
        if (step === 'purge') await this.auditSteps(ctx, await this.get(moveId), ['purge']);
      }
      move = await this.get(moveId);
      ctx.move = move;
      await auditMoveEvent(ctx, move.toRegion, 'region.move.completed', {
        from: move.fromRegion,
        to: move.toRegion,
        rows: move.copiedRows,
        bytes: move.copiedBytes,
      });
      await updateMove(this.deps.dbs.control, move.id, { state: 'completed', finishedAt: new Date() });
      return this.get(moveId);
    });
  }

  /** The frozen steps could not write the (frozen) audit log: their records go in at the unfreeze. */
  private async auditSteps(ctx: StepContext, move: MoveRow, steps: MoveStep[]): Promise<void> {
    const records = move.steps as Record<string, StepRecord>;
    for (const s of steps) {
      const after: Record<string, unknown> = { from: move.fromRegion, to: move.toRegion, ...records[s] };
      if (s === 'verify') after.tables = move.tables;
      await auditMoveEvent(ctx, move.toRegion, AUDIT_ACTIONS[s], after);
    }
  }

  private async failed(
    move: MoveRow,
    step: MoveStep,
    index: number,
    started: Date,
    e: unknown,
    hooks: MoveHooks,
  ): Promise<MoveRow> {
    const message = e instanceof Error ? e.message : String(e);
    await recordStep(
      this.deps.dbs.control,
      move.id,
      step,
      {
        state: 'failed',
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        error: message,
      },
      { state: 'failed', error: `${step}: ${message}` },
    );
    const directory = await this.deps.directory.byId(move.tenantId);
    if (index < SWITCH_INDEX || (index === SWITCH_INDEX && directory?.regionId === move.fromRegion)) {
      // Not switched: the source is still the tenant's home. Give it back its writes at once.
      return this.rollback(move.id, hooks, { alreadyLocked: true, cause: `${step}: ${message}` });
    }
    return this.get(move.id);
  }

  /**
   * Undoes a move that has not switched: the source takes writes again first, then the target
   * forgets the copy. If the target does not answer, the tenant works anyway and the move stays
   * `failed` until `rollback` runs again.
   */
  async rollback(
    moveId: string,
    hooks: MoveHooks = {},
    opts: { alreadyLocked?: boolean; cause?: string } = {},
  ): Promise<MoveRow> {
    const body = async () => {
      const move = await this.get(moveId);
      if (move.state === 'rolled_back') return move;
      if (move.state === 'completed')
        throw new AppError(
          409,
          'MOVE_COMPLETED',
          'This move is complete; to go back, move the workspace again.',
        );
      const directory = await this.deps.directory.byId(move.tenantId);
      if (directory?.regionId === move.toRegion)
        throw new AppError(
          409,
          'MOVE_SWITCHED',
          `The directory already points at ${move.toRegion}: this move can only go forward. Resume it, then move the workspace back if needed.`,
        );
      const ctx = await this.context(move, hooks);
      const started = new Date();
      await updateMove(this.deps.dbs.control, move.id, { state: 'rolling_back' });
      await unfreezeSource(ctx);
      let cleared = 0;
      try {
        cleared = await clearTarget(ctx);
      } catch (e) {
        const message = `The workspace works again in ${move.fromRegion}, but ${move.toRegion} could not be cleaned (${(e as Error).message}); run the rollback again when it answers.`;
        await recordStep(
          this.deps.dbs.control,
          move.id,
          'rollback',
          {
            state: 'failed',
            startedAt: started.toISOString(),
            error: message,
          },
          { state: 'rolling_back', error: opts.cause ? `${opts.cause}. ${message}` : message },
        );
        return this.get(moveId);
      }
      const record: StepRecord = {
        state: 'done',
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        ms: Date.now() - started.getTime(),
        targetRowsDeleted: cleared,
        ...(opts.cause ? { cause: opts.cause } : {}),
      };
      await recordStep(this.deps.dbs.control, move.id, 'rollback', record, {
        state: 'rolled_back',
        finishedAt: new Date(),
        unfrozenAt: new Date(),
      });
      hooks.onStep?.('rollback', record);
      await auditMoveEvent(ctx, move.fromRegion, 'region.move.rolled_back', {
        from: move.fromRegion,
        to: move.toRegion,
        cause: opts.cause ?? 'asked by the operator',
        steps: move.steps,
      });
      return this.get(moveId);
    };
    return opts.alreadyLocked ? body() : this.withMoveLock(moveId, body);
  }

  /** Starts (or resumes) a move in this process without waiting; progress is in the record. */
  runInBackground(moveId: string, log: (msg: string) => void = () => {}): void {
    void this.run(moveId).then(
      (m) => log(`region move ${moveId}: ${m.state}`),
      (e) => log(`region move ${moveId} stopped: ${(e as Error).message}`),
    );
  }
}
