import { type SQL, sql } from 'drizzle-orm';

/** The channel on which a change of a tenant's directory entry (region, status) is announced. */
export const DIRECTORY_CHANNEL = 'subreg_directory';

/**
 * Announces a change on the directory channel, through a connection or a transaction (then it
 * is delivered at commit). The payload is one of those the listener below understands.
 */
export async function announceDirectoryChange(
  db: { execute: (query: SQL) => Promise<unknown> },
  payload: unknown,
): Promise<void> {
  await db.execute(sql`select pg_notify(${DIRECTORY_CHANNEL}, ${JSON.stringify(payload)})`);
}
