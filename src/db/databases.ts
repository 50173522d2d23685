import {
  type ExtractTablesWithRelations,
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
} from 'drizzle-orm';
import { NodePgDatabase, NodePgSession, drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { AuditKeys } from '../platform/audit-keys.js';
import * as controlSchema from './schema/control.js';
import * as regionSchema from './schema/region.js';

export type ControlDb = NodePgDatabase<typeof controlSchema>;
/** A region database handle inside a transaction scoped to one tenant (RLS applies). */
export type TenantTx = NodePgDatabase<typeof regionSchema>;

/**
 * What `drizzle(client, { schema })` works out from the schema on every call (0.2 ms, every
 * transaction), worked out once: a region handle per transaction then costs two allocations.
 */
const regionTables = extractTablesRelationalConfig(regionSchema, createTableRelationsHelpers);
const regionRelational = {
  fullSchema: regionSchema,
  schema: regionTables.tables as ExtractTablesWithRelations<typeof regionSchema>,
  tableNamesMap: regionTables.tableNamesMap,
};
const regionDialect = new PgDialect();
function regionHandle(client: pg.PoolClient): TenantTx {
  const session = new NodePgSession(client, regionDialect, regionRelational, {});
  const db = new NodePgDatabase(regionDialect, session, regionRelational) as TenantTx & { $client: unknown };
  db.$client = client;
  return db;
}

export const APP_ROLE = 'subreg_app';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * BEGIN and the tenant setting in one round trip: the id is a validated UUID, so it can be
 * inlined (set_config(..., true) is local to the transaction).
 */
const beginFor = (tenant: TenantRef, begin: 'BEGIN' | 'BEGIN READ ONLY') =>
  `${begin}; SELECT set_config('app.tenant_id', '${tenant.id}', true)`;

/** What `withTenant` keeps for one transaction: work to run once it has committed. */
interface TxState {
  dbs: Databases;
  afterCommit: Map<string, () => Promise<void>>;
}
const txStates = new WeakMap<object, TxState>();

/** The pg client under a drizzle handle (the same for nested transactions of one withTenant). */
function clientOf(tx: TenantTx): object | undefined {
  const t = tx as unknown as { $client?: object; session?: { client?: object } };
  return t.$client ?? t.session?.client;
}

function txState(tx: TenantTx): TxState {
  const client = clientOf(tx);
  const state = client && txStates.get(client);
  if (!state) throw new Error('This needs a transaction opened by Databases.withTenant.');
  return state;
}

/**
 * Runs `fn` after the transaction of `tx` has committed (never if it rolls back), before
 * `withTenant` returns. A later registration under the same key replaces an earlier one. The
 * commit has happened whatever `fn` does: its errors are reported, not thrown.
 */
export function afterCommit(tx: TenantTx, key: string, fn: () => Promise<void>): void {
  const s = txState(tx);
  s.afterCommit.delete(key);
  s.afterCommit.set(key, fn);
}

/**
 * Rows of one plain SQL statement in this transaction, as pg parses them (no ORM mapping): for
 * the few hot reads that map their rows once themselves. Values go as parameters, never inline.
 */
export async function queryRows<R>(tx: TenantTx, text: string, values: readonly unknown[]): Promise<R[]> {
  const client = clientOf(tx) as pg.PoolClient | undefined;
  if (!client) throw new Error('queryRows needs a transaction opened by Databases.withTenant.');
  return (await client.query(text, values as unknown[])).rows as R[];
}

/** The Databases a withTenant transaction belongs to (for its control database and keys). */
export function databasesOf(tx: TenantTx): Databases {
  return txState(tx).dbs;
}

export interface TenantRef {
  id: string;
  regionId: string;
}

/** A region of the catalogue as people read it: label, hosting provider, data-centre countries. */
export interface RegionInfo {
  id: string;
  name: string;
  provider: string | null;
  countries: string[];
}

interface RegionHandle extends RegionInfo {
  pool: pg.Pool;
}

/** Connections as the application role: it owns nothing and cannot bypass row-level security. */
function appPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    options: `-c role=${APP_ROLE}`,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 30_000,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/**
 * The only way to reach the databases. Region databases are reached only through
 * `withTenant`, which opens a transaction with `app.tenant_id` set for row-level security.
 */
export class Databases {
  readonly controlPool: pg.Pool;
  readonly control: ControlDb;
  private readonly regions = new Map<string, RegionHandle>();
  /** The keys that seal audit events and sign checkpoints (null: appending audit events fails). */
  readonly auditKeys: AuditKeys | null;

  constructor(
    controlUrl: string,
    regions: (Pick<RegionInfo, 'id' | 'name'> & Partial<RegionInfo> & { url: string })[],
    poolSize: number,
    opts: { auditKeys?: AuditKeys } = {},
  ) {
    this.auditKeys = opts.auditKeys ?? null;
    this.controlPool = appPool(controlUrl, poolSize);
    this.control = drizzle(this.controlPool, { schema: controlSchema });
    for (const r of regions)
      this.regions.set(r.id, {
        id: r.id,
        name: r.name,
        provider: r.provider ?? null,
        countries: r.countries ?? [],
        pool: appPool(r.url, poolSize),
      });
  }

  regionIds(): string[] {
    return [...this.regions.keys()];
  }

  /** The region catalogue of this process (from the configuration). */
  regionInfo(id: string): RegionInfo | null {
    const r = this.regions.get(id);
    return r ? { id: r.id, name: r.name, provider: r.provider, countries: r.countries } : null;
  }

  hasRegion(id: string): boolean {
    return this.regions.has(id);
  }

  /** A connection of the tenant's region, with the state its transaction keeps. */
  private async borrow(tenant: TenantRef): Promise<{ client: pg.PoolClient; state: TxState }> {
    if (!UUID_RE.test(tenant.id)) throw new Error('A tenant transaction needs a tenant UUID.');
    const region = this.regions.get(tenant.regionId);
    if (!region) throw new Error(`Region "${tenant.regionId}" is not configured in this process.`);
    const client = await region.pool.connect();
    const state: TxState = { dbs: this, afterCommit: new Map() };
    txStates.set(client, state);
    return { client, state };
  }

  /** Runs `fn` in one transaction of the tenant's region database, scoped to that tenant. */
  async withTenant<T>(tenant: TenantRef, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    const { client, state } = await this.borrow(tenant);
    let result: T;
    try {
      await client.query(beginFor(tenant, 'BEGIN'));
      result = await fn(regionHandle(client));
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      txStates.delete(client);
      client.release();
    }
    for (const run of state.afterCommit.values()) {
      await run().catch((e: unknown) =>
        process.emitWarning(`after-commit work failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
    return result;
  }

  /**
   * A read-only transaction for one tenant (as `withTenant`, but writes are refused), whose
   * answer is returned without waiting for its COMMIT: a read-only transaction has nothing to
   * commit, and the COMMIT is queued on the connection before anyone else can use it (node-pg
   * runs a client's queries in order), so the next borrower still starts outside a transaction.
   * Saves one of the three round trips of a hot read (the entries API's pages).
   */
  async withTenantRead<T>(tenant: TenantRef, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    const { client, state } = await this.borrow(tenant);
    let result: T;
    try {
      await client.query(beginFor(tenant, 'BEGIN READ ONLY'));
      result = await fn(regionHandle(client));
      if (state.afterCommit.size > 0) throw new Error('withTenantRead has no commit to run work after.');
    } catch (e) {
      txStates.delete(client);
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      throw e;
    }
    txStates.delete(client);
    // Only a lost connection fails here; the pool drops it on its error event, and its next
    // borrower sees the loss as with any connection lost between two queries.
    client.query('COMMIT').catch(() => {});
    client.release();
    return result;
  }

  /** A transaction on the control database. */
  async inControl<T>(fn: (tx: ControlDb) => Promise<T>): Promise<T> {
    return this.control.transaction(async (tx) => fn(tx as unknown as ControlDb));
  }

  /** For readiness: every database answers. */
  async ping(): Promise<{ control: boolean; regions: Record<string, boolean> }> {
    const check = (pool: pg.Pool) =>
      pool
        .query('select 1')
        .then(() => true)
        .catch(() => false);
    const entries = await Promise.all(
      [...this.regions.values()].map(async (r) => [r.id, await check(r.pool)] as const),
    );
    return { control: await check(this.controlPool), regions: Object.fromEntries(entries) };
  }

  /** Pool counters, read by /metrics on scrape. */
  poolStats(): { database: string; total: number; idle: number; waiting: number }[] {
    const stats = (database: string, p: pg.Pool) => ({
      database,
      total: p.totalCount,
      idle: p.idleCount,
      waiting: p.waitingCount,
    });
    return [
      stats('control', this.controlPool),
      ...[...this.regions.values()].map((r) => stats(r.id, r.pool)),
    ];
  }

  /** Raw access for tests and benchmarks that must prove what the app role can and cannot see. */
  regionPoolForTests(regionId: string): pg.Pool {
    const r = this.regions.get(regionId);
    if (!r) throw new Error(`unknown region ${regionId}`);
    return r.pool;
  }

  async close(): Promise<void> {
    await Promise.all([this.controlPool.end(), ...[...this.regions.values()].map((r) => r.pool.end())]);
  }
}
