import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { inTransaction } from './move-session.js';
import { type TenantTable, quoteIdent } from './tenant-tables.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tenantLiteral(tenantId: string): string {
  // COPY takes no bind parameters; the id is a validated UUID, so it can be inlined.
  if (!UUID_RE.test(tenantId)) throw new Error('a tenant id is a UUID');
  return `'${tenantId}'::uuid`;
}

const columnList = (t: TenantTable) => t.columns.map(quoteIdent).join(', ');

/** COPY of one tenant's rows of one table, as text rows (one line per row). */
export const copyOutSql = (t: TenantTable, tenantId: string) =>
  `COPY (SELECT ${columnList(t)} FROM ${quoteIdent(t.name)} WHERE tenant_id = ${tenantLiteral(tenantId)}) TO STDOUT`;

/** Counts rows and bytes as they stream past (text COPY ends every row with one newline). */
class CopyCounter extends Transform {
  rows = 0;
  bytes = 0;
  constructor(private readonly onChunk: (rows: number, bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void) {
    let n = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
    this.rows += n;
    this.bytes += chunk.length;
    this.onChunk(this.rows, this.bytes);
    cb(null, chunk);
  }
}

/**
 * Streams the tenant's rows of `table` from the source into the target with COPY, in one target
 * transaction: either all of the table's rows arrive or none do. `direct` when the target
 * session bypasses row-level security (COPY FROM refuses tables with forced RLS otherwise: then
 * the rows go through a temporary table and one INSERT ... SELECT, which RLS checks).
 */
export async function copyTenantTable(
  source: pg.Client,
  target: pg.Client,
  table: TenantTable,
  tenantId: string,
  opts: { direct: boolean; onProgress?: (rows: number, bytes: number) => void },
): Promise<{ rows: number; bytes: number; ms: number }> {
  const started = performance.now();
  const counter = new CopyCounter(opts.onProgress ?? (() => {}));
  const cols = columnList(table);
  await inTransaction(target, async () => {
    let into = quoteIdent(table.name);
    if (!opts.direct) {
      into = '_subreg_move_stage';
      await target.query(`CREATE TEMP TABLE ${into} (LIKE ${quoteIdent(table.name)}) ON COMMIT DROP`);
    }
    const reading = source.query(copyTo(copyOutSql(table, tenantId)));
    const writing = target.query(copyFrom(`COPY ${into} (${cols}) FROM STDIN`));
    await pipeline(reading, counter, writing);
    if (!opts.direct)
      await target.query(`INSERT INTO ${quoteIdent(table.name)} (${cols}) SELECT ${cols} FROM ${into}`);
  });
  return { rows: counter.rows, bytes: counter.bytes, ms: performance.now() - started };
}

/**
 * Deletes the tenant's rows of every table (children first), in one transaction. Used to clear a
 * target before a (re)copy and to purge the source after the switch; only a move session gets
 * past the append-only triggers, and only for its tenant.
 */
export async function deleteTenantRows(
  client: pg.Client,
  tables: TenantTable[],
  tenantId: string,
  extra?: () => Promise<void>,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  await inTransaction(client, async () => {
    for (const t of [...tables].reverse()) {
      const r = await client.query(`DELETE FROM ${quoteIdent(t.name)} WHERE tenant_id = $1`, [tenantId]);
      deleted[t.name] = r.rowCount ?? 0;
    }
    await extra?.();
  });
  return deleted;
}

/**
 * The rows' md5s in primary-key order, from an ordered subquery (the primary key starts with
 * tenant_id, so an index scan delivers them sorted, with no sort of the whole set), then md5 over
 * their concatenation.
 */
export const digestSql = (table: TenantTable, from = quoteIdent(table.name), limit?: number) =>
  `SELECT count(*)::bigint AS n, md5(coalesce(string_agg(h, ''), '')) AS sum FROM (
     SELECT md5(row(${columnList(table)})::text) AS h FROM ${from} WHERE tenant_id = $1
      ORDER BY ${table.key.map(quoteIdent).join(', ')}${limit === undefined ? '' : ` LIMIT ${Math.floor(limit)}`}) AS rows_in_order`;

export interface TableDigest {
  rows: number;
  checksum: string;
}

/**
 * Row count and a checksum of one tenant's rows of one table: md5 over the md5 of every row's
 * text in primary-key order, computed by PostgreSQL on each side (the sessions fix the settings
 * that shape the text: time zone, date style, float digits, bytea output).
 */
export async function digestTenantTable(
  client: pg.ClientBase,
  table: TenantTable,
  tenantId: string,
): Promise<TableDigest> {
  const { rows } = await client.query<{ n: string; sum: string }>(digestSql(table), [tenantId]);
  return { rows: Number(rows[0]!.n), checksum: rows[0]!.sum };
}

/** Row counts of a tenant's rows per table (cheap: every primary key starts with tenant_id). */
export async function countTenantRows(
  client: pg.ClientBase,
  tables: TenantTable[],
  tenantId: string,
): Promise<Record<string, number>> {
  if (tables.length === 0) return {};
  const sql = tables
    .map(
      (t) =>
        `SELECT '${t.name.replace(/'/g, "''")}' AS t, count(*)::bigint AS n FROM ${quoteIdent(t.name)} WHERE tenant_id = $1`,
    )
    .join(' UNION ALL ');
  const { rows } = await client.query<{ t: string; n: string }>(sql, [tenantId]);
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}
