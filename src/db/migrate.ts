import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS = {
  control: path.join(here, 'migrations', 'control'),
  region: path.join(here, 'migrations', 'region'),
} as const;

/** Creates the database named in `url` if it does not exist yet (needs CREATEDB on that server). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!dbName) throw new Error(`The database URL ${redactUrl(url)} names no database.`);
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (e) {
    if ((e as { code?: string }).code !== '3D000') throw describeConnectError(url, e);
  } finally {
    await probe.end().catch(() => {});
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42P04') {
      throw new Error(
        `Could not create database "${dbName}" (${(e as Error).message}). Create it, or grant CREATEDB.`,
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Applies the committed SQL migrations, one migrator at a time per database (advisory lock). */
export async function migrateDatabase(url: string, kind: keyof typeof MIGRATIONS): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((e) => {
    throw describeConnectError(url, e);
  });
  try {
    await client.query('select pg_advisory_lock(872346001)');
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS[kind] });
  } finally {
    await client.query('select pg_advisory_unlock(872346001)').catch(() => {});
    await client.end();
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export function describeConnectError(url: string, e: unknown): Error {
  return new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`);
}
