import pg from 'pg';
import { redactUrl } from '../../db/migrate.js';

/** Hash key of a tenant's write lock: the guard trigger takes it shared, the freeze exclusive. */
export const FREEZE_LOCK_SEED = 8731;

/**
 * A move's own connection to a region database, as the owner (the copy must write rows the app
 * role may not, e.g. append-only ones). It sets `app.tenant_id` (row-level security) and
 * `subreg.move_tenant`, the one setting the freeze guard and the append-only triggers honour, and
 * only for this tenant and never for the app role (migration `move_guards`). Formatting settings
 * are fixed so both sides of a move render rows as the same text for the checksums.
 */
export async function openMoveSession(
  url: string,
  tenantId: string,
  connectTimeoutMs = 10_000,
): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'subreg-region-move',
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new RegionUnreachableError(url, e);
  }
  await client.query(
    `select set_config('app.tenant_id', $1, false), set_config('subreg.move_tenant', $1, false),
            set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, YMD', false),
            set_config('IntervalStyle', 'postgres', false), set_config('extra_float_digits', '1', false),
            set_config('bytea_output', 'hex', false), set_config('statement_timeout', '0', false)`,
    [tenantId],
  );
  return client;
}

export async function withMoveSession<T>(
  url: string,
  tenantId: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await openMoveSession(url, tenantId);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `fn` in one transaction of the session. */
export async function inTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const r = await fn();
    await client.query('COMMIT');
    return r;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/**
 * Whether the session's user skips row-level security (a superuser or BYPASSRLS): then COPY FROM
 * writes straight into the tables; otherwise PostgreSQL refuses COPY FROM on tables with forced
 * RLS, and the copy goes through a temporary table.
 */
export async function bypassesRls(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ b: boolean }>(
    'select rolsuper or rolbypassrls as b from pg_roles where rolname = current_user',
  );
  return rows[0]?.b ?? false;
}

export class RegionUnreachableError extends Error {
  readonly code = 'REGION_UNREACHABLE';
  constructor(url: string, cause: unknown) {
    super(`The region database at ${redactUrl(url)} does not answer: ${(cause as Error)?.message ?? cause}`);
  }
}
