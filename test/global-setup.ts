import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type DatabaseTargets, prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { loadConfig } from '../src/platform/config.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dbTargets: DatabaseTargets;
  }
}

/**
 * With CONTROL_DATABASE_URL (and region URLs) set, the suite runs against those servers, exactly
 * as a production deployment is configured. Without, it starts an embedded PostgreSQL of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = !!process.env.CONTROL_DATABASE_URL;
  const dataDir = external ? '' : await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-test-'));
  const config = loadConfig(external ? process.env : { ...process.env, DATA_DIR: dataDir });
  const { targets, embedded } = await resolveTargets(config, () => {});
  await prepareDatabases(targets);
  project.provide('dbTargets', targets);
  return async () => {
    await embedded?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  };
}
