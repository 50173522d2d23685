import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { inject } from 'vitest';
import type { RegionTarget } from '../../src/db/bootstrap.js';
import { Databases } from '../../src/db/databases.js';
import { RegionMoves } from '../../src/features/regions/region-moves.js';
import { TenantDirectory } from '../../src/features/tenants/tenant-directory.js';
import type { TenantRecord } from '../../src/platform/context.js';
import { createTenant } from '../../src/features/tenants/tenants.service.js';
import { issueToken } from '../../src/features/tokens/tokens.service.js';
import { buildApp } from '../../src/http/app.js';
import { loadAuditKeys } from '../../src/platform/audit-keys.js';
import { loadConfig } from '../../src/platform/config.js';
import type { AppDeps } from '../../src/app/deps.js';
import { createMailer } from '../../src/platform/mail/mailer.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { TEST_AUDIT_ENV } from './audit-keys.js';
import { Mailbox, confirmationLink } from './smtp.js';

export interface Harness {
  deps: AppDeps;
  app: FastifyInstance;
  /** the SMTP server the app's mail goes to (a real one, in this process) */
  mailbox: Mailbox;
  close(): Promise<void>;
}

/** A real app on the suite's real databases; requests go through `app.inject()`. */
export async function createHarness(
  opts: {
    authRateLimit?: number;
    /** configuration variables on top of the defaults (timeouts, metrics access ...) */
    env?: Record<string, string>;
    /** region id -> database URL, in place of the suite's (a dead port, to see an outage) */
    regionUrls?: Record<string, string>;
    /** collect the app's log lines (JSON) here */
    logLines?: string[];
    /** or send them to this stream */
    logStream?: DestinationStream;
    /** regions beyond the suite's (a second server, for moves) */
    extraRegions?: RegionTarget[];
    operatorToken?: string;
  } = {},
): Promise<Harness> {
  const targets = inject('dbTargets');
  const regions = [
    ...targets.regions.map((r) => ({ ...r, url: opts.regionUrls?.[r.id] ?? r.url })),
    ...(opts.extraRegions ?? []),
  ];
  const logLines = opts.logLines;
  const logStream: DestinationStream | undefined =
    opts.logStream ?? (logLines ? { write: (line: string) => void logLines.push(line) } : undefined);
  const mailbox = await Mailbox.start();
  const config = {
    ...loadConfig({
      DATA_DIR: '/nonexistent',
      LOG_LEVEL: logStream ? 'info' : 'silent',
      SMTP_URL: mailbox.url,
      ...TEST_AUDIT_ENV,
      ...opts.env,
    }),
    embedded: false,
    operatorToken: opts.operatorToken ?? null,
  };
  const dbs = new Databases(targets.controlUrl, regions, 5, { auditKeys: loadAuditKeys(config) });
  const deps: AppDeps = {
    config,
    dbs,
    directory: new TenantDirectory(dbs.control),
    metrics: createMetrics(),
    mail: createMailer({
      smtpUrl: mailbox.url,
      from: config.mailFrom,
      dataDir: config.dataDir,
      log: () => {},
    }),
  };
  // One process: the move forgets its own caches at the switch, so no grace before the purge.
  deps.moves = new RegionMoves(deps, regions, { purgeGraceMs: 0 });
  const app = await buildApp(deps, {
    logger: !!logStream,
    logStream,
    authRateLimit: opts.authRateLimit ?? 10_000,
  });
  await app.ready();
  return {
    deps,
    app,
    mailbox,
    async close() {
      await app.close();
      await dbs.close();
      deps.mail?.close();
      await mailbox.close();
    },
  };
}

export const uniqueSlug = (prefix = 't') => `${prefix}-${crypto.randomBytes(5).toString('hex')}`;

export interface TestTenant {
  tenant: TenantRecord;
  ownerId: string;
  ownerEmail: string;
  password: string;
  write: string;
  read: string;
}

/** Each test makes its own tenant: no test depends on another's data. */
export async function makeTenant(h: Harness, regionId = 'eu-west'): Promise<TestTenant> {
  const slug = uniqueSlug();
  const ownerEmail = `${slug}@example.test`;
  const password = 'correct horse battery';
  const { tenant, ownerId } = await createTenant(h.deps, {
    slug,
    name: `Tenant ${slug}`,
    regionId,
    owner: { email: ownerEmail, password },
  });
  const audit = { actorType: 'system' as const, actorId: 'test', requestId: null };
  const base = { tenantId: tenant.id, regionId, createdBy: ownerId };
  const write = await issueToken(h.deps, { ...base, name: 'w', scope: 'write' }, audit);
  const read = await issueToken(h.deps, { ...base, name: 'r', scope: 'read' }, audit);
  return { tenant, ownerId, ownerEmail, password, write: write.token, read: read.token };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Creates a list with one entry through the API; returns their ids. */
export async function seedList(h: Harness, t: TestTenant, legalName = 'Acme Hosting GmbH') {
  const list = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists`,
    headers: bearer(t.write),
    payload: { slug: 'main', title: 'Sub-processors' },
  });
  if (list.statusCode !== 201) throw new Error(`seedList: ${list.body}`);
  const listId = list.json().id as string;
  const entry = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/entries`,
    headers: bearer(t.write),
    payload: {
      entity: { legalName, tradingNames: ['Acme'], kind: 'infrastructure' },
      group: 'Hosting',
      purpose: 'Hosting of the platform',
      locations: ['Germany', 'EU'],
    },
  });
  if (entry.statusCode !== 201) throw new Error(`seedList entry: ${entry.body}`);
  return { listId, entryId: entry.json().id as string, entityId: entry.json().entity.id as string };
}

export interface SignedUp {
  slug: string;
  email: string;
  password: string;
  /** `subreg_session=...` */
  cookie: string;
  csrfToken: string;
  /** the session answer of the confirmation */
  session: { user: { id: string; email: string }; tenants: { slug: string; role: string }[] };
}

/** Signs up through the API as a person does: the request, the emailed link, its confirmation. */
export async function signUp(
  h: Harness,
  opts: { slug?: string; email?: string; region?: string; name?: string } = {},
): Promise<SignedUp> {
  const slug = opts.slug ?? uniqueSlug('su');
  const email = opts.email ?? `${slug}@example.test`;
  const password = 'a long password';
  const asked = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: {
      email,
      password,
      tenant: { slug, name: opts.name ?? `Workspace ${slug}`, region: opts.region ?? 'eu-west' },
    },
  });
  if (asked.statusCode !== 202) throw new Error(`signUp: ${asked.statusCode} ${asked.body}`);
  const mails = h.mailbox.to(email);
  const { token } = confirmationLink(mails[mails.length - 1]!);
  const confirmed = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup/confirm',
    payload: { token },
  });
  if (confirmed.statusCode !== 201)
    throw new Error(`signUp confirm: ${confirmed.statusCode} ${confirmed.body}`);
  const value = confirmed.cookies.find((c) => c.name === 'subreg_session')?.value;
  return {
    slug,
    email,
    password,
    cookie: `subreg_session=${value}`,
    csrfToken: confirmed.json().csrfToken,
    session: confirmed.json(),
  };
}
