import type { TenantTx } from '../../db/databases.js';
import type { TenantContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import * as repo from './idempotency.repo.js';

/** How long a key answers with its stored response (then the same key starts a new request). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Expired keys deleted per new key: the table shrinks as fast as it grows, a little at a time. */
const PURGE_BATCH = 100;

/** Thrown inside the transaction when the key already has a response: the HTTP layer replays it. */
export class IdempotentReplay extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('idempotent replay');
    this.name = 'IdempotentReplay';
  }
}

export const callerKey = (ctx: TenantContext) => `${ctx.actor.type}:${ctx.actor.id}`;

/**
 * First statement of an idempotent change's transaction. Holds a lock on the key until the
 * transaction ends, so a second request with the same key waits for nothing: it is told the
 * first is in flight (409). A key that already has a response replays it (the transaction rolls
 * back, nothing is done twice); the same key with another request is refused (422).
 */
export async function claimIdempotencyKey(tx: TenantTx, ctx: TenantContext): Promise<void> {
  const idem = ctx.idempotency;
  if (!idem) return;
  const id = { tenantId: ctx.tenant.id, actor: callerKey(ctx), key: idem.key };
  if (!(await repo.tryLockKey(tx, id))) {
    throw new AppError(
      409,
      'IDEMPOTENCY_KEY_IN_USE',
      'A request with this Idempotency-Key is still being processed. Retry in a moment to get its answer.',
      undefined,
      1,
    );
  }
  const row = await repo.selectKey(tx, id);
  if (!row) return;
  if (row.expiresAt.getTime() <= Date.now()) {
    await repo.deleteKey(tx, id);
    return;
  }
  if (row.requestHash !== idem.requestHash) {
    throw new AppError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      `This Idempotency-Key was used for a different request (${row.method} ${row.route} with other parameters or body). Use a new key for a new request.`,
    );
  }
  throw new IdempotentReplay(row.responseStatus, JSON.parse(row.responseBody));
}

/** Last statement of the change's transaction: the answer, committed with the change or not at all. */
export async function recordIdempotentResponse(
  tx: TenantTx,
  ctx: TenantContext,
  body: unknown,
): Promise<void> {
  const idem = ctx.idempotency;
  if (!idem) return;
  await repo.purgeExpiredKeys(tx, ctx.tenant.id, PURGE_BATCH);
  await repo.insertKey(tx, {
    tenantId: ctx.tenant.id,
    actor: callerKey(ctx),
    key: idem.key,
    requestHash: idem.requestHash,
    method: idem.method,
    route: idem.route,
    responseStatus: idem.status,
    responseBody: JSON.stringify(body),
    expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_MS),
  });
}
