import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { digestSql } from './move-copy.js';
import { type TenantTable, quoteIdent } from './tenant-tables.js';

/** What a move will carry and how long it should take, shown before anything happens. */
export interface MoveEstimate {
  tables: { name: string; rows: number; bytes: number }[];
  rows: number;
  /** on-disk size of the rows (pg_column_size), the unit the rates below are measured in */
  bytes: number;
  jobs: number;
  measured: {
    basis: 'calibration' | 'nothing to copy';
    sampleRows: number;
    sampleBytes: number;
    copyBytesPerSecond: number | null;
    /** copy speed of earlier completed moves of this deployment, for comparison */
    earlierMovesBytesPerSecond: number[];
    /** tables whose purge was timed on the source's real rows (rolled back); others on the scratch copy */
    purgeTimedOnSource: string[];
  };
  /** milliseconds per step; `frozen` is how long writes are refused, `total` adds the purge */
  durationMs: {
    freeze: number;
    copy: number;
    verify: number;
    switch: number;
    jobs: number;
    unfreeze: number;
    purge: number;
    frozen: number;
    total: number;
  };
  measuredAt: string;
}

/** Fixed costs of the short steps (a few round trips each), measured on the development machine. */
const FIXED_MS = { freeze: 60, perTable: 8, switch: 40, jobs: 60, unfreeze: 30 };
/** A calibration sample: every row of a small table, a slice of a large one. */
const SAMPLE_MIN = 2_000;
const SAMPLE_MAX = 25_000;
const SAMPLE_SHARE = 0.02;

const sampleSize = (rows: number) =>
  Math.min(rows, Math.max(SAMPLE_MIN, Math.min(SAMPLE_MAX, Math.ceil(rows * SAMPLE_SHARE))));
/**
 * The timed delete of a sample on the source's real table gives up after this long, or when a row
 * it needs is locked by a writer for longer than the lock limit: the estimate then uses the
 * scratch table's rate. Both keep a busy workspace from waiting on its own estimate.
 */
const SOURCE_PURGE_PROBE = { statementTimeoutMs: 5_000, lockTimeoutMs: 200 };

/** Row counts and on-disk bytes of the tenant's rows, per table. */
export async function measureTenantData(
  source: pg.ClientBase,
  tables: TenantTable[],
  tenantId: string,
): Promise<{ name: string; rows: number; bytes: number }[]> {
  const out: { name: string; rows: number; bytes: number }[] = [];
  for (const t of tables) {
    const { rows } = await source.query<{ n: string; b: string | null }>(
      `select count(*)::bigint as n, sum(pg_column_size(x.*))::bigint as b from ${quoteIdent(t.name)} x where tenant_id = $1`,
      [tenantId],
    );
    out.push({ name: t.name, rows: Number(rows[0]!.n), bytes: Number(rows[0]!.b ?? 0) });
  }
  return out;
}

interface TableRates {
  copyMsPerByte: number;
  /** the checksum query's cost that does not grow with the rows (planning, start-up) */
  verifyFixedMs: number;
  verifyMsPerByte: number;
  purgeMsPerRow: number;
  /** where the purge rate was timed: the source's real table, or the scratch copy */
  purgeMeasuredOn: 'source' | 'scratch';
  sampleRows: number;
  sampleBytes: number;
}

/**
 * Times a real copy of a sample of each table from the source into a scratch copy of the table in
 * the target (same columns, indexes, checks and row triggers, WAL-logged like the real one), the
 * checksum query over it, and deleting it; then rolls everything back, so nothing is left.
 */
async function calibrateTable(
  source: pg.Client,
  target: pg.Client,
  t: TenantTable,
  tenantId: string,
  rows: number,
  bytes: number,
  referenced: boolean,
): Promise<TableRates> {
  const n = sampleSize(rows);
  const scratch = quoteIdent(`_subreg_calibrate_${t.name}`.slice(0, 63));
  const cols = t.columns.map(quoteIdent).join(', ');
  const order = t.key.map(quoteIdent).join(', ');
  await target.query('BEGIN');
  try {
    await target.query(`CREATE TABLE ${scratch} (LIKE ${quoteIdent(t.name)} INCLUDING ALL)`);
    const { rows: triggers } = await target.query<{ name: string; fn: string }>(
      `select tgname as name, tgfoid::regproc::text as fn from pg_trigger
        where tgrelid = $1::regclass and not tgisinternal and tgname <> 'subreg_move_guard' and (tgtype & 1) = 1`,
      [t.name],
    );
    for (const tr of triggers)
      await target.query(
        `CREATE TRIGGER ${quoteIdent(tr.name)} BEFORE DELETE ON ${scratch} FOR EACH ROW EXECUTE FUNCTION ${tr.fn}()`,
      );
    const c0 = performance.now();
    await pipeline(
      source.query(
        copyTo(
          `COPY (SELECT ${cols} FROM ${quoteIdent(t.name)} WHERE tenant_id = '${tenantId}'::uuid ORDER BY ${order} LIMIT ${n}) TO STDOUT`,
        ),
      ),
      target.query(copyFrom(`COPY ${scratch} (${cols}) FROM STDIN`)),
    );
    const copyMs = performance.now() - c0;
    const { rows: size } = await target.query<{ b: string | null }>(
      `select sum(pg_column_size(x.*))::bigint as b from ${scratch} x`,
    );
    const sampleBytes = Math.max(1, Number(size[0]!.b ?? 0));
    // Statistics first (not timed), so the checksum query plans as it will on the real table.
    await target.query(`ANALYZE ${scratch}`);
    // Timed over a quarter of the sample and over all of it: the difference is the cost per
    // byte, the rest a fixed cost per query that must not be multiplied by the table's size.
    const quarter = Math.max(1, Math.floor(n / 4));
    const q0 = performance.now();
    await target.query(digestSql(t, scratch, quarter), [tenantId]);
    const quarterMs = performance.now() - q0;
    const v0 = performance.now();
    await target.query(digestSql(t, scratch), [tenantId]);
    const verifyMs = performance.now() - v0;
    const slope = n > quarter ? (verifyMs - quarterMs) / (sampleBytes * (1 - quarter / n)) : 0;
    const verify =
      slope > 0 && slope * sampleBytes <= verifyMs
        ? { fixed: verifyMs - slope * sampleBytes, perByte: slope }
        : { fixed: 0, perByte: verifyMs / sampleBytes };
    const p0 = performance.now();
    await target.query(`DELETE FROM ${scratch} WHERE tenant_id = $1`, [tenantId]);
    const scratchPurgeMs = performance.now() - p0;
    void bytes;
    const onSource = referenced ? null : await timeSourceDelete(source, t, tenantId, n);
    return {
      copyMsPerByte: copyMs / sampleBytes,
      verifyFixedMs: verify.fixed,
      verifyMsPerByte: verify.perByte,
      purgeMsPerRow: onSource ? onSource.ms / onSource.rows : scratchPurgeMs / Math.max(1, n),
      purgeMeasuredOn: onSource ? 'source' : 'scratch',
      sampleRows: n,
      sampleBytes,
    };
  } finally {
    await target.query('ROLLBACK').catch(() => {});
  }
}

/**
 * Times deleting the tenant's first `n` rows (in key order) of the source's real table, inside a
 * transaction that is rolled back, so nothing changes. The purge deletes from that table, with its
 * size, its pages' state and its write-ahead log; a fresh scratch copy of a sample deletes about
 * three times faster than the real table does (measured on a 980,000-row audit table), which made
 * the purge estimate half the actual. Null when the sample cannot be timed there (a row is
 * referenced by another table, locked by a writer, or the probe runs too long).
 */
async function timeSourceDelete(
  source: pg.Client,
  t: TenantTable,
  tenantId: string,
  n: number,
): Promise<{ ms: number; rows: number } | null> {
  const types = new Map(t.signature.map((s) => [s.slice(0, s.indexOf(' ')), s.slice(s.indexOf(' ') + 1)]));
  const keyList = t.key.map(quoteIdent).join(', ');
  await source.query('BEGIN');
  try {
    await source.query(
      `SET LOCAL statement_timeout = ${SOURCE_PURGE_PROBE.statementTimeoutMs}; SET LOCAL lock_timeout = ${SOURCE_PURGE_PROBE.lockTimeoutMs}`,
    );
    const { rows: last } = await source.query<Record<string, string>>(
      `SELECT ${t.key.map((k) => `${quoteIdent(k)}::text AS ${quoteIdent(k)}`).join(', ')} FROM ${quoteIdent(t.name)}
        WHERE tenant_id = $1 ORDER BY ${keyList} OFFSET ${Math.max(0, n - 1)} LIMIT 1`,
      [tenantId],
    );
    if (!last[0]) return null;
    const bound = t.key.map((k, i) => `$${i + 2}::${types.get(k) ?? 'text'}`).join(', ');
    const p0 = performance.now();
    const r = await source.query(
      `DELETE FROM ${quoteIdent(t.name)} WHERE tenant_id = $1 AND (${keyList}) <= (${bound})`,
      [tenantId, ...t.key.map((k) => last[0]![k])],
    );
    const ms = performance.now() - p0;
    return (r.rowCount ?? 0) > 0 ? { ms, rows: r.rowCount ?? 0 } : null;
  } catch {
    return null;
  } finally {
    await source.query('ROLLBACK').catch(() => {});
  }
}

/** Measures the tenant's data and this deployment's speed, and adds up the steps. */
export async function estimateMove(
  source: pg.Client,
  target: pg.Client,
  tables: TenantTable[],
  tenantId: string,
  opts: { jobs: number; earlierMovesBytesPerSecond: number[]; purgeGraceMs: number },
): Promise<MoveEstimate> {
  const sizes = await measureTenantData(source, tables, tenantId);
  let copy = 0;
  let verify = 0;
  let purge = 0;
  let sampleRows = 0;
  let sampleBytes = 0;
  let sampleCopyMs = 0;
  const purgeTimedOnSource: string[] = [];
  for (const t of tables) {
    const size = sizes.find((s) => s.name === t.name)!;
    copy += FIXED_MS.perTable;
    if (size.rows === 0) continue;
    const referenced = tables.some((o) => o.name !== t.name && o.dependsOn.includes(t.name));
    const r = await calibrateTable(source, target, t, tenantId, size.rows, size.bytes, referenced);
    copy += r.copyMsPerByte * size.bytes;
    verify += r.verifyFixedMs + r.verifyMsPerByte * size.bytes;
    purge += r.purgeMsPerRow * size.rows;
    if (r.purgeMeasuredOn === 'source') purgeTimedOnSource.push(t.name);
    sampleRows += r.sampleRows;
    sampleBytes += r.sampleBytes;
    sampleCopyMs += r.copyMsPerByte * r.sampleBytes;
  }
  const rows = sizes.reduce((a, s) => a + s.rows, 0);
  const bytes = sizes.reduce((a, s) => a + s.bytes, 0);
  const d = {
    freeze: FIXED_MS.freeze,
    copy: Math.round(copy),
    verify: Math.round(verify),
    switch: FIXED_MS.switch,
    jobs: FIXED_MS.jobs,
    unfreeze: FIXED_MS.unfreeze,
    purge: Math.round(purge + opts.purgeGraceMs),
  };
  const frozen = d.freeze + d.copy + d.verify + d.switch + d.jobs + d.unfreeze;
  return {
    tables: sizes,
    rows,
    bytes,
    jobs: opts.jobs,
    measured: {
      basis: rows > 0 ? 'calibration' : 'nothing to copy',
      sampleRows,
      sampleBytes,
      copyBytesPerSecond: sampleCopyMs > 0 ? Math.round(sampleBytes / (sampleCopyMs / 1000)) : null,
      earlierMovesBytesPerSecond: opts.earlierMovesBytesPerSecond.map(Math.round),
      purgeTimedOnSource,
    },
    durationMs: { ...d, frozen, total: frozen + d.purge },
    measuredAt: new Date().toISOString(),
  };
}
