import type { PublicCache } from '../features/publishing/public-cache.js';
import type { Databases } from '../db/databases.js';
import type { TenantDirectory, TenantRecord } from '../features/tenants/tenant-directory.js';
import type { AppConfig } from './config.js';
import { forbidden } from './errors.js';
import { type Mailer, createMailer } from './mail/mailer.js';
import type { Metrics } from './metrics.js';

export type Role = 'owner' | 'editor' | 'viewer';

/** Who is calling: a signed-in user (session cookie) or an API token. */
export interface Actor {
  type: 'user' | 'token' | 'system';
  /** user id or token id */
  id: string;
  userId: string | null;
  /** tokens belong to one tenant */
  tokenTenantId?: string;
  tokenScope?: 'read' | 'write';
  /** set for cookie sessions: mutations must echo it in x-csrf-token */
  csrfToken?: string;
}

/** What every tenant-scoped operation receives. */
export interface TenantContext {
  tenant: TenantRecord;
  actor: Actor;
  role: Role;
  requestId: string | null;
}

/** The few things services need; passed explicitly, never a bag of fifty. */
export interface AppDeps {
  config: AppConfig;
  dbs: Databases;
  directory: TenantDirectory;
  metrics: Metrics;
  /** email: SMTP when configured, else .eml files in DATA_DIR/outbox (see `mailerOf`) */
  mail?: Mailer;
  /** renderings of published versions (optional: tests and the CLI may go without) */
  publicCache?: PublicCache;
}

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

export function requireRole(ctx: TenantContext, min: Role): void {
  if (RANK[ctx.role] < RANK[min]) {
    throw forbidden(
      ctx.actor.type === 'token'
        ? 'This API token is read-only; use a write token.'
        : `This needs the ${min} role; ask an owner of this workspace.`,
    );
  }
}

/** The audit fields of the caller. */
export const auditActor = (ctx: TenantContext) => ({
  tenantId: ctx.tenant.id,
  actorType: ctx.actor.type,
  actorId: ctx.actor.id,
  requestId: ctx.requestId,
});

/** The deps' mailer, made from the configuration the first time one is needed. */
export function mailerOf(deps: AppDeps): Mailer {
  deps.mail ??= createMailer({
    smtpUrl: deps.config.smtpUrl,
    from: deps.config.mailFrom,
    dataDir: deps.config.dataDir,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  return deps.mail;
}
