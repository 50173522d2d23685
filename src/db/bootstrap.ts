import pg from 'pg';
import { loadAuditKeys } from '../platform/audit-keys.js';
import type { AppConfig } from '../platform/config.js';
import { Databases } from './databases.js';
import { type EmbeddedCluster, startEmbeddedCluster } from './embedded.js';
import { ensureDatabase, migrateDatabase } from './migrate.js';

/** Owner connection strings of every database this process uses. */
export interface DatabaseTargets {
  controlUrl: string;
  regions: RegionTarget[];
}

/** A region of the catalogue with its owner connection string. */
export interface RegionTarget {
  id: string;
  name: string;
  provider: string | null;
  countries: string[];
  url: string;
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
        regions: config.regions.map(({ databaseUrl, ...r }) => ({ ...r, url: databaseUrl! })),
      },
    };
  }
  const embedded = await startEmbeddedCluster({ dataDir: config.dataDir, port: config.embeddedPort, log });
  return {
    embedded,
    targets: {
      controlUrl: embedded.urlFor(embeddedDatabaseName(null)),
      regions: config.regions.map(({ databaseUrl: _, ...r }) => ({
        ...r,
        url: embedded.urlFor(embeddedDatabaseName(r.id)),
      })),
    },
  };
}

/** Creates missing databases, applies migrations and records the region catalogue. */
export async function prepareDatabases(targets: DatabaseTargets): Promise<void> {
  await ensureDatabase(targets.controlUrl);
  await migrateDatabase(targets.controlUrl, 'control');
  for (const r of targets.regions) await prepareRegionDatabase(r.url);
  const client = new pg.Client({ connectionString: targets.controlUrl });
  await client.connect();
  try {
    for (const r of targets.regions) await recordRegion(client, r);
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

/** Creates and migrates one region database, and guards every tenant table of it for moves. */
export async function prepareRegionDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  await migrateDatabase(url, 'region');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Tables added by later migrations get the write-freeze guard too (see migration move_guards).
    await client.query('select subreg_install_move_guards()');
  } finally {
    await client.end();
  }
}

/** The control database's copy of the catalogue: what the configuration says at this boot. */
export async function recordRegion(client: pg.ClientBase, r: Omit<RegionTarget, 'url'>): Promise<void> {
  await client.query(
    `insert into regions (id, name, provider, countries) values ($1, $2, $3, $4)
     on conflict (id) do update set name = excluded.name, provider = excluded.provider, countries = excluded.countries`,
    [r.id, r.name, r.provider, r.countries],
  );
}
