import type pg from 'pg';
import PgBoss from 'pg-boss';
import { inTransaction } from './move-session.js';

/**
 * A tenant's background jobs live in its region database (pg-boss, schema `pgboss`) and carry
 * `tenantId` in their data. A move takes them along, generically, whatever their queue: every job
 * that is not running right now (queued, retrying, and the finished ones as history), and the
 * archived ones. Running jobs finish where they are; the purge removes what they leave.
 */

const hasPgBoss = async (c: pg.ClientBase) =>
  (await c.query<{ r: string | null }>(`select to_regclass('pgboss.job')::text as r`)).rows[0]?.r != null;

async function ensurePgBoss(target: pg.ClientBase, targetUrl: string): Promise<void> {
  if (await hasPgBoss(target)) return;
  // pg-boss creates (and versions) its own schema on start.
  const boss = new PgBoss({
    connectionString: targetUrl,
    schema: 'pgboss',
    supervise: false,
    schedule: false,
    max: 1,
  });
  boss.on('error', () => {});
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
}

/** Creates in the target every queue the jobs need, with the source's options. */
async function ensureQueues(source: pg.ClientBase, target: pg.ClientBase, names: string[]): Promise<void> {
  const { rows } = await source.query<Record<string, unknown>>(
    `select name, policy, retry_limit, retry_delay, retry_backoff, expire_seconds, retention_minutes, dead_letter
       from pgboss.queue where name = any($1::text[]) or name in (select dead_letter from pgboss.queue where name = any($1::text[]))
       order by dead_letter nulls first`,
    [names],
  );
  for (const q of rows) {
    await target.query('select pgboss.create_queue($1, $2::json)', [
      q.name,
      JSON.stringify({
        policy: q.policy,
        retryLimit: q.retry_limit,
        retryDelay: q.retry_delay,
        retryBackoff: q.retry_backoff,
        expireInSeconds: q.expire_seconds,
        retentionMinutes: q.retention_minutes,
        deadLetter: q.dead_letter,
      }),
    ]);
  }
}

export interface JobsMoved {
  jobs: number;
  archived: number;
  running: number;
}

/**
 * Moves the tenant's jobs: locks them in the source, inserts them in the target (same ids, so a
 * repeat after a crash inserts nothing twice), then deletes them from the source.
 */
export async function moveTenantJobs(
  source: pg.Client,
  target: pg.Client,
  targetUrl: string,
  tenantId: string,
): Promise<JobsMoved> {
  if (!(await hasPgBoss(source))) return { jobs: 0, archived: 0, running: 0 };
  return inTransaction(source, async () => {
    // As JSON made by PostgreSQL itself, so no value changes on the way (timestamps, enums).
    const pick = async (table: string, where: string) =>
      (
        await source.query<{ rows: string; ids: string[]; names: string[]; n: number }>(
          `with sel as (select * from pgboss.${table} where data->>'tenantId' = $1 ${where} for update)
           select coalesce(json_agg(sel), '[]')::text as rows, coalesce(array_agg(id::text), '{}') as ids,
                  coalesce(array_agg(distinct name), '{}') as names, count(*)::int as n from sel`,
          [tenantId],
        )
      ).rows[0]!;
    const jobs = await pick('job', "and state <> 'active'");
    const archived = await pick('archive', '');
    const running = await source.query<{ n: number }>(
      `select count(*)::int as n from pgboss.job where data->>'tenantId' = $1 and state = 'active'`,
      [tenantId],
    );
    if (jobs.n + archived.n > 0) {
      await ensurePgBoss(target, targetUrl);
      await ensureQueues(source, target, [...new Set([...jobs.names, ...archived.names])]);
      for (const [table, sel] of [
        ['job', jobs],
        ['archive', archived],
      ] as const) {
        if (sel.n === 0) continue;
        await target.query(
          `insert into pgboss.${table} select * from json_populate_recordset(null::pgboss.${table}, $1::json) on conflict do nothing`,
          [sel.rows],
        );
        await source.query(
          `delete from pgboss.${table} where data->>'tenantId' = $1 and id = any($2::uuid[])`,
          [tenantId, sel.ids],
        );
      }
    }
    return { jobs: jobs.n, archived: archived.n, running: running.rows[0]?.n ?? 0 };
  });
}

/** Jobs of the tenant still running in the source (the purge waits a little for them). */
export async function runningTenantJobs(source: pg.ClientBase, tenantId: string): Promise<number> {
  if (!(await hasPgBoss(source))) return 0;
  const r = await source.query<{ n: number }>(
    `select count(*)::int as n from pgboss.job where data->>'tenantId' = $1 and state = 'active'`,
    [tenantId],
  );
  return r.rows[0]?.n ?? 0;
}

/** Whatever of the tenant's jobs is left in the source (ran to an end during the move). */
export async function purgeTenantJobs(source: pg.ClientBase, tenantId: string): Promise<number> {
  if (!(await hasPgBoss(source))) return 0;
  const a = await source.query(`delete from pgboss.job where data->>'tenantId' = $1`, [tenantId]);
  const b = await source.query(`delete from pgboss.archive where data->>'tenantId' = $1`, [tenantId]);
  return (a.rowCount ?? 0) + (b.rowCount ?? 0);
}
