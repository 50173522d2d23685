import type { AppConfig } from './config.js';
import { forbidden } from './errors.js';
import { type Mailer, createMailer } from './mail/mailer.js';

export type Role = 'owner' | 'editor' | 'viewer';

/** A workspace as the directory knows it: where its data lives and whether it takes writes. */
export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  regionId: string;
  status: 'active' | 'moving' | 'suspended';
}

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

/** What time it is for the rules of notices (injectable, so tests can reach an effective date). */
export const nowOf = (deps: { now?: () => Date }): Date => (deps.now ? deps.now() : new Date());

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
export function mailerOf(deps: { mail?: Mailer; config: AppConfig }): Mailer {
  deps.mail ??= createMailer({
    smtpUrl: deps.config.smtpUrl,
    from: deps.config.mailFrom,
    dataDir: deps.config.dataDir,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  return deps.mail;
}
