/**
 * Sign-up must not tell, by its time, whether an address has an account: POST /auth/signup
 * for a new address and for a known one, interleaved, through the app with its mail going
 * to a real SMTP server in this process. Prints both medians and their ratio (target: within
 * 0.8-1.25).
 * Run: npm run bench -- signup
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { Databases } from '../src/db/databases.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { createTenant } from '../src/features/tenants/tenants.service.js';
import { buildApp } from '../src/http/app.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import { createMailer } from '../src/platform/mail/mailer.js';
import { createMetrics } from '../src/platform/metrics.js';

const ROUNDS = 15;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _s, cb) {
    stream.resume();
    stream.on('end', () => cb());
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-bench-signup-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SMTP_URL: smtpUrl });
const { targets, embedded } = await resolveTargets(config, () => {});
try {
  await prepareDatabases(targets);
  const dbs = new Databases(targets.controlUrl, targets.regions, 5, { auditKeys: loadAuditKeys(config) });
  const mail = createMailer({ smtpUrl, from: config.mailFrom, dataDir, log: () => {} });
  const deps = { config, dbs, directory: new TenantDirectory(dbs.control), metrics: createMetrics(), mail };
  const app = await buildApp(deps, { logger: false, authRateLimit: 100_000 });
  const known: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const email = `known-${i}@example.test`;
    await createTenant(deps, {
      slug: `known-${i}`,
      name: 'Known',
      regionId: 'eu-west',
      owner: { email, password: 'a long password' },
    });
    known.push(email);
  }
  const signUp = async (email: string, slug: string) => {
    const t0 = process.hrtime.bigint();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email, password: 'a long password', tenant: { slug, name: 'Bench', region: 'eu-west' } },
    });
    if (res.statusCode !== 202) throw new Error(res.body);
    return ms(t0);
  };
  await signUp('warm-up@example.test', 'warm-up'); // first use: connections, argon2, templates
  const fresh: number[] = [];
  const existing: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    fresh.push(await signUp(`new-${i}@example.test`, `new-${i}`));
    existing.push(await signUp(known[i]!, `again-${i}`));
  }
  const ratio = median(existing) / median(fresh);
  console.log(
    `sign-up, ${ROUNDS} each, interleaved: new address median ${median(fresh).toFixed(1)} ms, known address median ${median(existing).toFixed(1)} ms; known/new ${ratio.toFixed(2)}x (target 0.8-1.25: ${ratio >= 0.8 && ratio <= 1.25 ? 'met' : 'NOT met'})`,
  );
  await app.close();
  mail.close();
  await dbs.close();
} finally {
  await embedded?.stop();
  smtp.close();
  await fs.rm(dataDir, { recursive: true, force: true });
}
