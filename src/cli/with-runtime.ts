import fs from 'node:fs';
import path from 'node:path';
import { startDatabases } from '../db/bootstrap.js';
import { describeDatabaseUrl, runningServers } from '../db/running-servers.js';
import { ConfigError, type AppConfig, loadConfig } from '../platform/config.js';
import type { AppDeps } from '../app/deps.js';
import { makeDeps } from '../server.js';
import { cliFlags } from './output.js';

/**
 * Runs a CLI command against the same databases as the server: the configured ones, or the
 * embedded PostgreSQL of DATA_DIR (a running server's, when it runs; started for the command
 * otherwise). Says which on stderr (not with --json), then closes everything.
 */
export async function withRuntime<T>(fn: (deps: AppDeps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.embedded) refuseSecondEmptyCluster(config);
  const runtime = await startDatabases(config, (m) => process.stderr.write(`${m}\n`));
  if (!cliFlags.json)
    process.stderr.write(`subreg: using ${whichDatabases(config, runtime.targets.controlUrl)}\n`);
  const deps = makeDeps(config, runtime);
  try {
    return await fn(deps);
  } finally {
    deps.mail?.close(); // its pooled SMTP connections would keep the command alive
    await runtime.close();
  }
}

function whichDatabases(config: AppConfig, controlUrl: string): string {
  if (!config.embedded)
    return `${describeDatabaseUrl(controlUrl)} (CONTROL_DATABASE_URL and the region URLs)`;
  const dir = path.resolve(config.dataDir);
  const server = runningServers().find((s) => s.dataDir === dir);
  return `the embedded PostgreSQL in ${path.join(dir, 'pg')}${server ? `, shared with the server at ${server.url} (pid ${server.pid})` : ''}`;
}

/**
 * A command that would initialise a brand-new embedded database while a server runs on another
 * data directory is almost always a mistake (its tokens would be refused by that server): stop
 * and say how to point the command at the server's data.
 */
function refuseSecondEmptyCluster(config: AppConfig): void {
  const dir = path.resolve(config.dataDir);
  if (fs.existsSync(path.join(dir, 'pg', 'PG_VERSION'))) return;
  const other = runningServers().find((s) => s.dataDir && s.dataDir !== dir);
  if (!other) return;
  throw new ConfigError(
    `A subreg server (pid ${other.pid}, ${other.url}) is running with DATA_DIR=${other.dataDir}, ` +
      `but this command would create a new, empty database in ${dir}. ` +
      `Run it with DATA_DIR=${other.dataDir} (or --data-dir ${other.dataDir}), or put DATA_DIR in a .env file both read.`,
  );
}
