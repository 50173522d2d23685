import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor } from '../../platform/context.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { WebhookAddressError, parseWebhookUrl, resolveWebhookHost } from './webhook-address.js';
import { deliverWebhook } from './webhook-delivery.js';
import { TEST_EVENT, type WebhookEvent, testPayload } from './webhook-events.js';
import { newWebhookSecret, sealSecret, webhookIdFor } from './webhook-signing.js';
import { versionPublishedKey } from './webhook-enqueue.js';
import * as repo from './webhooks.repo.js';

/** Endpoints per workspace: enough for every integration, not a fan-out amplifier. */
export const MAX_ENDPOINTS = 20;

const endpointNotFound = () => notFound('webhook endpoint', 'WEBHOOK_NOT_FOUND');
const deliveryNotFound = () => notFound('webhook delivery', 'WEBHOOK_DELIVERY_NOT_FOUND');

export function endpointView(e: repo.EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    failureCount: e.failureCount,
    secretPrefix: e.secretPrefix,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function deliveryView(d: repo.DeliveryRow, attempts: repo.AttemptRow[]) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventType: d.eventType,
    webhookId: d.webhookId,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAt.toISOString() : null,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    payload: d.payload,
    attemptLog: attempts
      .filter((a) => a.deliveryId === d.id)
      .map((a) => ({
        attemptedAt: a.attemptedAt.toISOString(),
        success: a.success,
        httpStatus: a.httpStatus,
        error: a.error,
        durationMs: a.durationMs,
        responseExcerpt: a.responseExcerpt,
      })),
  };
}

/** Refuses a URL that is malformed, not https, or reaches a non-public address (422). */
async function checkUrl(deps: AppDeps, raw: string): Promise<string> {
  const allowPrivate = deps.config.webhooks.allowPrivate;
  try {
    const url = parseWebhookUrl(raw, allowPrivate);
    await resolveWebhookHost(url.hostname, allowPrivate);
    return url.toString();
  } catch (err) {
    if (err instanceof WebhookAddressError) throw new AppError(422, 'WEBHOOK_URL_REFUSED', err.message);
    throw err;
  }
}

export async function listEndpoints(deps: AppDeps, ctx: TenantContext) {
  const rows = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectEndpoints(tx));
  return rows.map(endpointView);
}

export async function getEndpoint(deps: AppDeps, ctx: TenantContext, id: string) {
  const row = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectEndpoint(tx, id));
  if (!row) throw endpointNotFound();
  return endpointView(row);
}

export interface EndpointInput {
  url: string;
  events: WebhookEvent[];
  description?: string | null | undefined;
}

/** Creates an endpoint; its signing secret is in this answer only. */
export async function createEndpoint(deps: AppDeps, ctx: TenantContext, input: EndpointInput) {
  const url = await checkUrl(deps, input.url); // name resolution: before the transaction
  const keys = deps.dbs.auditKeys;
  if (!keys) throw new Error('audit keys are needed to seal webhook secrets');
  const id = newId();
  const secret = newWebhookSecret();
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    if ((await repo.countEndpoints(tx)) >= MAX_ENDPOINTS)
      throw conflict(
        'WEBHOOK_LIMIT',
        `A workspace may have at most ${MAX_ENDPOINTS} webhook endpoints; delete one you no longer use.`,
      );
    const row = await repo.insertEndpoint(tx, {
      tenantId: ctx.tenant.id,
      id,
      url,
      description: input.description ?? null,
      events: [...new Set(input.events)],
      secretSealed: sealSecret(keys, id, secret),
      secretPrefix: secret.slice(0, 10),
    });
    const view = endpointView(row);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'webhook.created',
      objectType: 'webhook_endpoint',
      objectId: id,
      after: view,
    });
    return { ...view, secret };
  });
}

export interface EndpointPatch {
  url?: string | undefined;
  events?: WebhookEvent[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

/** Changes an endpoint; enabling it again starts a fresh run (no failures counted). */
export async function updateEndpoint(deps: AppDeps, ctx: TenantContext, id: string, patch: EndpointPatch) {
  const url = patch.url === undefined ? undefined : await checkUrl(deps, patch.url);
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectEndpoint(tx, id, { lock: true });
    if (!before) throw endpointNotFound();
    const enabling = patch.enabled === true && !before.enabled;
    const row = await repo.updateEndpoint(tx, id, {
      ...(url !== undefined && { url }),
      ...(patch.events !== undefined && { events: [...new Set(patch.events)] }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled }),
      ...(enabling && { disabledReason: null, disabledAt: null, failureCount: 0, failingSince: null }),
      ...(patch.enabled === false &&
        before.enabled && { disabledReason: 'Disabled by a person.', disabledAt: new Date() }),
    });
    const view = endpointView(row!);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'webhook.updated',
      objectType: 'webhook_endpoint',
      objectId: id,
      before: endpointView(before),
      after: view,
    });
    return view;
  });
}

/**
 * A new signing secret, in this answer only; calls are signed with it from now on (the old one
 * stops at once: update the receiver first, or accept both there for a moment).
 */
export async function rotateSecret(deps: AppDeps, ctx: TenantContext, id: string) {
  const keys = deps.dbs.auditKeys;
  if (!keys) throw new Error('audit keys are needed to seal webhook secrets');
  const secret = newWebhookSecret();
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectEndpoint(tx, id, { lock: true });
    if (!before) throw endpointNotFound();
    const row = await repo.updateEndpoint(tx, id, {
      secretSealed: sealSecret(keys, id, secret),
      secretPrefix: secret.slice(0, 10),
    });
    const view = endpointView(row!);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'webhook.secret_rotated',
      objectType: 'webhook_endpoint',
      objectId: id,
      before: { secretPrefix: before.secretPrefix },
      after: { secretPrefix: view.secretPrefix },
    });
    return { ...view, secret };
  });
}

export async function deleteEndpoint(deps: AppDeps, ctx: TenantContext, id: string) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const row = await repo.deleteEndpoint(tx, id);
    if (!row) throw endpointNotFound();
    const view = endpointView(row);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'webhook.deleted',
      objectType: 'webhook_endpoint',
      objectId: id,
      before: view,
    });
    return view;
  });
}

async function loadDelivery(tx: TenantTx, endpointId: string, deliveryId: string) {
  const d = await repo.selectDelivery(tx, deliveryId);
  if (!d || d.endpointId !== endpointId) throw deliveryNotFound();
  return deliveryView(d, await repo.selectAttemptsOf(tx, [d.id]));
}

/**
 * Sends a `webhook.test` delivery now and answers with its attempt (the receiver's status and
 * the first bytes of its answer). It is attempted once: no retries, no effect on the endpoint's
 * failure count. Works for a disabled endpoint too, to check it before enabling it again.
 */
export async function testEndpoint(deps: AppDeps, ctx: TenantContext, endpointId: string) {
  const deliveryId = newId();
  await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const endpoint = await repo.selectEndpoint(tx, endpointId);
    if (!endpoint) throw endpointNotFound();
    const key = `${TEST_EVENT}:${deliveryId}`;
    await repo.insertDeliveries(tx, [
      {
        tenantId: ctx.tenant.id,
        id: deliveryId,
        endpointId,
        eventType: TEST_EVENT,
        eventKey: key,
        webhookId: webhookIdFor(endpointId, key),
        payload: testPayload(endpointId, new Date()),
      },
    ]);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'webhook.tested',
      objectType: 'webhook_endpoint',
      objectId: endpointId,
      after: { deliveryId },
    });
  });
  await deliverWebhook(deps, { tenantId: ctx.tenant.id, deliveryId });
  return deps.dbs.withTenant(ctx.tenant, (tx) => loadDelivery(tx, endpointId, deliveryId));
}

/** The endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  deps: AppDeps,
  ctx: TenantContext,
  endpointId: string,
  page: { limit: number; offset: number },
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    if (!(await repo.selectEndpoint(tx, endpointId))) throw endpointNotFound();
    const rows = await repo.selectDeliveriesOf(tx, endpointId, page.limit, page.offset);
    const attempts = await repo.selectAttemptsOf(
      tx,
      rows.map((r) => r.delivery.id),
    );
    const total = rows[0]?.total ?? 0;
    return {
      items: rows.map((r) => deliveryView(r.delivery, attempts)),
      total,
      limit: page.limit,
      offset: page.offset,
      nextOffset: page.offset + page.limit < total ? page.offset + page.limit : null,
    };
  });
}

export async function getDelivery(deps: AppDeps, ctx: TenantContext, endpointId: string, deliveryId: string) {
  return deps.dbs.withTenant(ctx.tenant, (tx) => loadDelivery(tx, endpointId, deliveryId));
}

/**
 * Queues a delivery again (same payload, same webhook-id, so the receiver can tell it is a
 * repeat), with a fresh retry schedule. The endpoint must be enabled.
 */
export async function resendDelivery(
  deps: AppDeps,
  ctx: TenantContext,
  endpointId: string,
  deliveryId: string,
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const endpoint = await repo.selectEndpoint(tx, endpointId);
    if (!endpoint) throw endpointNotFound();
    const d = await repo.selectDelivery(tx, deliveryId, { lock: true });
    if (!d || d.endpointId !== endpointId) throw deliveryNotFound();
    if (!endpoint.enabled)
      throw conflict('WEBHOOK_DISABLED', 'The endpoint is disabled; enable it first, then re-send.');
    if (d.status === 'sending')
      throw conflict(
        'DELIVERY_IN_PROGRESS',
        'This delivery is being attempted right now; look again in a minute.',
      );
    if (d.eventType === TEST_EVENT)
      throw conflict('TEST_NOT_RESENT', 'Test deliveries are not re-sent; send a new test instead.');
    const now = new Date();
    const row = await repo.updateDelivery(tx, d.id, {
      status: 'pending',
      nextAt: now,
      queuedAt: now,
      lastError: null,
    });
    await repo.enqueueDeliveryJob(tx, { tenantId: ctx.tenant.id, deliveryId: d.id }, now);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'webhook.delivery_resent',
      objectType: 'webhook_delivery',
      objectId: d.id,
      before: { status: d.status, attempts: d.attempts },
      after: { status: 'pending', endpointId, eventType: d.eventType, webhookId: d.webhookId },
    });
    return deliveryView(row!, await repo.selectAttemptsOf(tx, [d.id]));
  });
}

/** One webhook call about a published version, as notice evidence shows it. */
export interface VersionWebhookCall {
  endpointUrl: string;
  webhookId: string;
  status: string;
  deliveredAt: string | null;
  lastError: string | null;
  attempts: { at: string; httpStatus: number | null; error: string | null }[];
}

/**
 * The calls of every endpoint about one published version, with each attempt, in the caller's
 * transaction (the evidence of a change notice: who was told, here by webhook, and what came back).
 */
export async function versionWebhookCallsInTx(
  tx: TenantTx,
  listId: string,
  versionNumber: number,
): Promise<VersionWebhookCall[]> {
  const rows = await repo.selectDeliveriesOfEvent(tx, versionPublishedKey(listId, versionNumber));
  const attempts = await repo.selectAttemptsOf(
    tx,
    rows.map((r) => r.delivery.id),
  );
  return rows.map(({ delivery: d, url }) => ({
    endpointUrl: url,
    webhookId: d.webhookId,
    status: d.status,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    lastError: d.lastError,
    attempts: attempts
      .filter((a) => a.deliveryId === d.id)
      .map((a) => ({ at: a.attemptedAt.toISOString(), httpStatus: a.httpStatus, error: a.error })),
  }));
}
