import pg from 'pg';
import { loadAuditKeys } from '../platform/audit-keys.js';
import type { AppConfig } from '../platform/config.js';
import { Databases } from './databases.js';
import { type EmbeddedCluster, startEmbeddedCluster } from './embedded.js';
import { ensureDatabase, migrateDatabase } from './migrate.js';

/** Owner connection strings of every database this process uses. */
export interface DatabaseTargets {
  controlUrl: string;
  regions: { id: string; name: string; url: string }[];
}

export interface DatabaseRuntime {
  targets: DatabaseTargets;
  dbs: Databases;
  embedded: EmbeddedCluster | null;
  close(): Promise<void>;
}

export const embeddedDatabaseName = (regionId: string | null) =>
  regionId ? `subreg_region_${regionId.replace(/-/g, '_')}` : 'subreg_control';

/** Resolves where the databases are: the embedded cluster (started here) or the configured servers. */
export async function resolveTargets(
  config: AppConfig,
  log: (msg: string) => void,
): Promise<{ targets: DatabaseTargets; embedded: EmbeddedCluster | null }> {
  if (!config.embedded) {
    return {
      embedded: null,
      targets: {
        controlUrl: config.controlDatabaseUrl!,
        regions: config.regions.map((r) => ({ id: r.id, name: r.name, url: r.databaseUrl! })),
      },
    };
  }
  const embedded = await startEmbeddedCluster({ dataDir: config.dataDir, port: config.embeddedPort, log });
  return {
    embedded,
    targets: {
      controlUrl: embedded.urlFor(embeddedDatabaseName(null)),
      regions: config.regions.map((r) => ({
        id: r.id,
        name: r.name,
        url: embedded.urlFor(embeddedDatabaseName(r.id)),
      })),
    },
  };
}

/** Creates missing databases, applies migrations and records the region catalogue. */
export async function prepareDatabases(targets: DatabaseTargets): Promise<void> {
  await ensureDatabase(targets.controlUrl);
  await migrateDatabase(targets.controlUrl, 'control');
  for (const r of targets.regions) {
    await ensureDatabase(r.url);
    await migrateDatabase(r.url, 'region');
  }
  const client = new pg.Client({ connectionString: targets.controlUrl });
  await client.connect();
  try {
    for (const r of targets.regions) {
      await client.query(
        'insert into regions (id, name) values ($1, $2) on conflict (id) do update set name = excluded.name',
        [r.id, r.name],
      );
    }
  } finally {
    await client.end();
  }
}

export async function startDatabases(
  config: AppConfig,
  log: (msg: string) => void,
  opts: { migrate: boolean } = { migrate: true },
): Promise<DatabaseRuntime> {
  // Before anything starts: a deployment without its audit keys fails here, with what to set.
  const auditKeys = loadAuditKeys(config);
  const { targets, embedded } = await resolveTargets(config, log);
  try {
    if (opts.migrate) await prepareDatabases(targets);
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  const dbs = new Databases(targets.controlUrl, targets.regions, config.dbPoolSize, { auditKeys });
  return {
    targets,
    dbs,
    embedded,
    async close() {
      await dbs.close();
      await embedded?.stop();
    },
  };
}
