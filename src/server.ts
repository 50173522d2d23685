import path from 'node:path';
import { Jobs } from './platform/jobs.js';
import { describeDatabaseUrl, registerRunningServer } from './db/running-servers.js';
import { registerAuditJobs } from './features/audit/audit.jobs.js';
import { registerWebhookJobs } from './features/webhooks/webhooks.jobs.js';
import { registerNoticeJobs } from './features/notices/notices.jobs.js';
import { registerCustomerJobs } from './features/customers/customers.jobs.js';
import { PublicCache } from './features/publishing/public-cache.js';
import type { FastifyInstance } from 'fastify';
import { type DatabaseRuntime, startDatabases } from './db/bootstrap.js';
import { loadDemoData } from './demo/load-demo-data.js';
import { startMetricsListener } from './features/health/metrics-access.js';
import { RegionMoves } from './features/regions/region-moves.js';
import { listenForDirectoryChanges } from './app/directory-listener.js';
import { TenantDirectory } from './features/tenants/tenant-directory.js';
import { buildApp } from './http/app.js';
import type { AppConfig } from './platform/config.js';
import type { AppDeps } from './app/deps.js';
import { createMailer } from './platform/mail/mailer.js';
import { createMetrics } from './platform/metrics.js';

export interface Running {
  app: FastifyInstance;
  runtime: DatabaseRuntime;
  deps: AppDeps;
  stop(): Promise<void>;
}

export function makeDeps(
  config: AppConfig,
  runtime: DatabaseRuntime,
  log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
): AppDeps {
  const deps: AppDeps = {
    config,
    dbs: runtime.dbs,
    directory: new TenantDirectory(runtime.dbs.control),
    metrics: createMetrics(),
    mail: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, log }),
    publicCache: new PublicCache(),
  };
  deps.moves = new RegionMoves(deps, runtime.targets.regions);
  return deps;
}

/** Boots databases (embedded or configured), migrations, demo data and the HTTP server. */
export async function startServer(config: AppConfig, log: (msg: string) => void): Promise<Running> {
  const runtime = await startDatabases(config, log);
  const deps = makeDeps(config, runtime, log);
  log(`audit keys: ${runtime.dbs.auditKeys?.source}`);
  if (config.loadDemoData) {
    const loaded = await loadDemoData(deps);
    if (loaded.length) log(`demo data loaded: ${loaded.map((t) => `/t/${t}`).join(', ')}`);
  }
  const stopListening = await listenForDirectoryChanges(runtime.targets.controlUrl, deps, log);
  const jobs = new Jobs(runtime.targets.regions, log);
  registerAuditJobs(jobs, deps, log);
  registerWebhookJobs(jobs, deps, log);
  registerNoticeJobs(jobs, deps, log);
  registerCustomerJobs(jobs, deps, log);
  if (config.runWorkers) await jobs.start();
  deps.metrics.watchQueues(() => jobs.queueStats());
  const app = await buildApp(deps);
  await app.listen({ port: config.port, host: config.host });
  log(`subreg listening on http://${config.host}:${config.port}  (API reference: /api/docs)`);
  const unregister = registerRunningServer({
    url: `http://${config.host}:${config.port}`,
    dataDir: config.embedded ? path.resolve(config.dataDir) : null,
    databases: config.embedded
      ? `embedded in ${path.resolve(config.dataDir, 'pg')}`
      : describeDatabaseUrl(runtime.targets.controlUrl),
  });
  const metricsListener =
    config.metrics.port !== null ? await startMetricsListener(config.metrics, deps.metrics) : null;
  if (metricsListener) log(`metrics on http://${config.metrics.host}:${metricsListener.port}/metrics`);
  let stopping: Promise<void> | null = null;
  const stop = () => {
    // Drain in-flight requests, then the pools, then the embedded database.
    stopping ??= (async () => {
      unregister();
      await app.close();
      await metricsListener?.close();
      await stopListening();
      await jobs.stop(); // running jobs finish before the pools close
      await runtime.close();
      deps.mail?.close();
    })();
    return stopping;
  };
  return { app, runtime, deps, stop };
}
