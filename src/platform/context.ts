import type { AuthCache } from '../features/auth/auth-cache.js';
import type { PublicCache } from '../features/publishing/public-cache.js';
import type { RegionMoves } from '../features/regions/region-moves.js';
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

/** What the route learned from the `Idempotency-Key` header (see src/http/idempotency-key.ts). */
export interface IdempotencyRequest {
  key: string;
  /** sha256 of method, route, tenant, caller, parameters and body */
  requestHash: string;
  method: string;
  route: string;
  /** the status the route answers on success */
  status: number;
}

/** What every tenant-scoped operation receives. */
export interface TenantContext {
  tenant: TenantRecord;
  actor: Actor;
  role: Role;
  requestId: string | null;
  /** the request's Idempotency-Key, on routes that accept one */
  idempotency?: IdempotencyRequest | null;
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
  /** seconds of memory for token, session and role lookups (made on first use: auth-cache.ts) */
  authCache?: AuthCache;
  /** region moves (the operator's); absent where no owner connections are at hand */
  moves?: RegionMoves;
  /** the clock of notice periods, effective dates and links (tests move it; default: real time) */
  now?: () => Date;
  /** wakes the notice worker after a commit that queued messages (absent: the periodic sweep) */
  noticeKick?: (tenant: TenantRecord) => void;
  /** sends the approval requests a publish asked for, right after it commits (features/customers) */
  approvalKick?: (tenant: TenantRecord) => void;
}

/** What time it is for the rules of notices (injectable, so tests can reach an effective date). */
export const nowOf = (deps: Pick<AppDeps, 'now'>): Date => (deps.now ? deps.now() : new Date());

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

export function requireRole(ctx: TenantContext, min: Role): void {
  if (RANK[ctx.role] < RANK[min]) throw forbidden(roleRefusal(ctx, min));
}

/** Why the caller may not, in words that are true for a token and for a person. */
function roleRefusal(ctx: TenantContext, min: Role): string {
  if (ctx.actor.type !== 'token') return `This needs the ${min} role; ask an owner of this workspace.`;
  if (min === 'owner') {
    return 'This needs the owner role, and API tokens act as editors at most (write tokens) or viewers (read tokens). Sign in as an owner of this workspace to do it.';
  }
  return 'This API token is read-only (it acts as a viewer); use a write token.';
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
