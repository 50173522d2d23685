/**
 * Fan-out of one change notice to N confirmed subscribers (the notice worker: claim, render,
 * send, record) to a local SMTP sink that accepts and discards, against raw nodemailer pooled
 * sending of the same N messages (same subject, text, HTML) to the same sink, in the same run.
 * Prints both rates and their ratio (target >= 0.5), and how long the publish request that
 * queued the N messages took (target < 1 s).
 * Run: npm run bench -- notice-fanout     (FANOUT_N=100000 by default; FANOUT_N=2000 to try)
 */
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { Databases } from '../src/db/databases.js';
import { deliverDue } from '../src/features/notices/notice-worker.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { createTenant } from '../src/features/tenants/tenants.service.js';
import { issueToken } from '../src/features/tokens/tokens.service.js';
import { buildApp } from '../src/http/app.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import type { AppDeps } from '../src/app/deps.js';
import { POOL_CONNECTIONS, createMailer } from '../src/platform/mail/mailer.js';
import { createMetrics } from '../src/platform/metrics.js';

const N = Number(process.env.FANOUT_N ?? 100_000);
const RAW_LANES = 64;
const secondsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/**
 * CPU seconds used so far by this process and by the embedded PostgreSQL (its postmaster, its
 * backends, and the ones it reaped): on a machine shared with other work the rates move with
 * the load, the CPU each message costs much less.
 */
async function cpuSeconds(pgDir: string): Promise<{ node: number; pg: number }> {
  const node = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  let pg = 0;
  try {
    const postmaster = Number((await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    for (const entry of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      if (pid !== postmaster && Number(f[1]) !== postmaster) continue;
      pg += Number(f[11]) + Number(f[12]) + (pid === postmaster ? Number(f[13]) + Number(f[14]) : 0);
    }
  } catch {
    return { node, pg: Number.NaN };
  }
  return { node, pg: pg / 100 };
}

// The sink: accepts every message and discards it, keeping only the first one (to copy it).
let accepted = 0;
let first: Buffer | null = null;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 1000,
  // a sink, not a relay: no reverse DNS of each connection (that would time the resolver)
  disableReverseLookup: true,
  onData(stream, _s, cb) {
    const chunks: Buffer[] | null = first ? null : [];
    stream.on('data', (c: Buffer) => chunks?.push(c));
    stream.on('end', () => {
      accepted++;
      if (chunks && !first) first = Buffer.concat(chunks);
      cb();
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-bench-fanout-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SMTP_URL: smtpUrl });
const { targets, embedded } = await resolveTargets(config, () => {});
try {
  await prepareDatabases(targets);
  const dbs = new Databases(targets.controlUrl, targets.regions, 10, { auditKeys: loadAuditKeys(config) });
  const mail = createMailer({ smtpUrl, from: config.mailFrom, dataDir, log: () => {} });
  const deps: AppDeps = {
    config,
    dbs,
    directory: new TenantDirectory(dbs.control),
    metrics: createMetrics(),
    mail,
  };
  const app = await buildApp(deps, { logger: false });
  const { tenant, ownerId } = await createTenant(deps, {
    slug: 'fanout',
    name: 'Fan-out Ltd',
    regionId: 'eu-west',
    owner: { email: 'owner@fanout.test', password: 'a long password' },
  });
  const audit = { actorType: 'system' as const, actorId: 'bench', requestId: null };
  const { token } = await issueToken(
    deps,
    { tenantId: tenant.id, regionId: 'eu-west', createdBy: ownerId, name: 'w', scope: 'write' },
    audit,
  );
  const headers = { authorization: `Bearer ${token}` };
  const call = async (method: 'POST', url: string, payload: object, want = 201) => {
    const res = await app.inject({ method, url: `/api/v1/tenants/fanout${url}`, headers, payload });
    if (res.statusCode !== want) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const list = await call('POST', '/lists', { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 });
  const entry = (legalName: string) =>
    call('POST', `/lists/${list.id}/entries`, {
      entity: { legalName },
      group: 'Platform',
      purpose: `${legalName}: hosting of the platform`,
      locations: ['Germany'],
    });
  await entry('Acme Hosting GmbH');
  await call('POST', `/lists/${list.id}/versions`, {});
  await dbs.withTenant(tenant, (tx) =>
    tx.execute(sql`insert into subscribers (tenant_id, id, list_id, email, status, added_by, confirmed_at)
      select ${tenant.id}::uuid, gen_random_uuid(), null, 'dpo-' || g || '@customer-' || (g % 997) || '.test',
             'confirmed', 'staff', now()
      from generate_series(1, ${N}) g`),
  );
  await dbs.withTenant(tenant, (tx) => tx.execute(sql`analyze subscribers`));
  await entry('Gamma Support Inc');

  let t0 = process.hrtime.bigint();
  await call('POST', `/lists/${list.id}/versions`, { summary: 'Gamma joins for support' });
  const publishSeconds = secondsSince(t0);

  const pgDir = path.join(dataDir, 'pg');
  let cpu0 = await cpuSeconds(pgDir);
  t0 = process.hrtime.bigint();
  const run = await deliverDue(deps, tenant);
  const fanSeconds = secondsSince(t0);
  let cpu1 = await cpuSeconds(pgDir);
  const fanCpu = { node: cpu1.node - cpu0.node, pg: cpu1.pg - cpu0.pg };
  if (run.sent !== N) throw new Error(`the worker sent ${run.sent} of ${N}: ${JSON.stringify(run)}`);
  const fanRate = N / fanSeconds;

  // The same message, N times, through nodemailer's pool, as fast as the pool takes them: the
  // same sink and as many connections as the platform's mailer opens.
  const model = await simpleParser(first!);
  const raw = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: POOL_CONNECTIONS,
    maxMessages: Infinity,
  });
  const before = accepted;
  cpu0 = await cpuSeconds(pgDir);
  t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: RAW_LANES }, async () => {
      while (next < N) {
        const i = next++;
        await raw.sendMail({
          from: config.mailFrom,
          to: `dpo-${i}@customer.test`,
          subject: model.subject,
          text: model.text,
          html: model.html || undefined,
          messageId: `<raw.${i}@bench.test>`,
        });
      }
    }),
  );
  const rawSeconds = secondsSince(t0);
  cpu1 = await cpuSeconds(pgDir);
  const rawCpu = { node: cpu1.node - cpu0.node, pg: cpu1.pg - cpu0.pg };
  raw.close();
  if (accepted - before !== N) throw new Error(`raw: the sink accepted ${accepted - before} of ${N}`);
  const rawRate = N / rawSeconds;
  const ratio = fanRate / rawRate;
  console.log(
    `publish with ${N} subscribers: ${(publishSeconds * 1000).toFixed(0)} ms (target < 1000 ms: ${publishSeconds < 1 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `fan-out of one notice to ${N}: ${fanSeconds.toFixed(1)} s, ${fanRate.toFixed(0)} msg/s; raw nodemailer pool: ${rawSeconds.toFixed(1)} s, ${rawRate.toFixed(0)} msg/s; ratio ${ratio.toFixed(2)} (target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}); message ${first!.length} bytes`,
  );
  const perMessage = (c: { node: number; pg: number }) =>
    `${((c.node * 1e6) / N).toFixed(0)} µs node + ${((c.pg * 1e6) / N).toFixed(0)} µs PostgreSQL`;
  console.log(
    `CPU per message: fan-out ${perMessage(fanCpu)}; raw ${perMessage(rawCpu)}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (2 CPUs here: ${os.cpus().length})`,
  );
  await app.close();
  mail.close();
  await dbs.close();
} finally {
  await embedded?.stop();
  sink.close();
  await fs.rm(dataDir, { recursive: true, force: true });
}
