import { startDatabases } from '../db/bootstrap.js';
import { loadConfig } from '../platform/config.js';
import type { AppDeps } from '../platform/context.js';
import { makeDeps } from '../server.js';

/** Runs a CLI command against the configured (or embedded) databases, then closes everything. */
export async function withRuntime<T>(fn: (deps: AppDeps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await startDatabases(config, (m) => process.stderr.write(`${m}\n`));
  try {
    return await fn(makeDeps(config, runtime));
  } finally {
    await runtime.close();
  }
}
