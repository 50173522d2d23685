import type { TenantTx } from '../../db/databases.js';
import { afterCommit } from '../../db/databases.js';
import type { WebhookSettings } from '../../platform/config.js';
import type { AppDeps } from '../../app/deps.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { WebhookAddressError, type Resolver, resolveWebhookHost } from './webhook-address.js';
import { TEST_EVENT } from './webhook-events.js';
import { type AttemptResult, postWebhook } from './webhook-http.js';
import { notifyOwnersOfDisabling } from './webhook-mail.js';
import { openSecret, signWebhook } from './webhook-signing.js';
import * as repo from './webhooks.repo.js';

export interface DeliveryJob {
  tenantId: string;
  deliveryId: string;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'skipped';

const HOUR_MS = 3_600_000;

/** The wait before the next attempt: the schedule's step for this attempt, +-20 % jitter. */
export function retryDelayMs(settings: WebhookSettings, attemptsMade: number, random = Math.random): number {
  const steps = settings.retryDelaysSeconds;
  const base = steps[Math.min(Math.max(attemptsMade - 1, 0), steps.length - 1)]! * 1000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * One attempt at one delivery, as the worker runs it. Three short steps, and no transaction
 * open while the receiver is called: claim the delivery (so no other worker takes it), call the
 * receiver, record the attempt with what comes next (done, a retry with its job, or given up;
 * the endpoint's failure run, and disabling it). A process that dies between the call and the
 * record leaves the claim to expire; the sweep then repeats the call with the same webhook-id.
 */
export async function deliverWebhook(
  deps: AppDeps,
  job: DeliveryJob,
  opts: { resolve?: Resolver } = {},
): Promise<DeliveryOutcome> {
  const tenant = await deps.directory.byId(job.tenantId);
  if (!tenant || !deps.dbs.hasRegion(tenant.regionId)) return 'skipped';
  const settings = deps.config.webhooks;
  const keys = deps.dbs.auditKeys;
  if (!keys) throw new Error('audit keys are needed to open webhook secrets');
  const claimed = await deps.dbs.withTenant(tenant, async (tx) => {
    const delivery = await repo.claimDelivery(
      tx,
      job.deliveryId,
      new Date(Date.now() + settings.timeoutMs + 60_000),
    );
    if (!delivery) return null;
    const endpoint = await repo.selectEndpoint(tx, delivery.endpointId);
    if (!endpoint?.enabled && delivery.eventType !== TEST_EVENT) {
      await repo.updateDelivery(tx, delivery.id, {
        status: 'failed',
        nextAt: new Date(),
        lastError: 'The endpoint is disabled; enable it and re-send the delivery.',
      });
      return null;
    }
    return endpoint
      ? { delivery, endpoint, secret: openSecret(keys, endpoint.id, endpoint.secretSealed) }
      : null;
  });
  if (!claimed) return 'skipped';
  const { delivery, endpoint, secret } = claimed;

  const attemptedAt = new Date();
  const result = await attempt(
    settings,
    endpoint.url,
    delivery.webhookId,
    secret,
    delivery.payload,
    opts.resolve,
  );

  return deps.dbs.withTenant(tenant, (tx) =>
    recordAttempt(deps, tx, { tenant, delivery, endpoint, attemptedAt, result }),
  );
}

async function attempt(
  settings: WebhookSettings,
  rawUrl: string,
  webhookId: string,
  secret: string,
  payload: unknown,
  resolve?: Resolver,
): Promise<AttemptResult> {
  const started = performance.now();
  const url = new URL(rawUrl);
  let address: Awaited<ReturnType<typeof resolveWebhookHost>>;
  try {
    if (url.protocol !== 'https:' && !settings.allowPrivate)
      throw new WebhookAddressError('The URL is not https; webhooks are not sent over plain http.');
    address = await resolveWebhookHost(url.hostname, settings.allowPrivate, resolve);
  } catch (err) {
    if (!(err instanceof WebhookAddressError)) throw err;
    return {
      success: false,
      httpStatus: null,
      error: `refused: ${err.message}`,
      durationMs: Math.round(performance.now() - started),
      responseExcerpt: null,
    };
  }
  const body = JSON.stringify(payload);
  return postWebhook({
    url,
    address,
    body,
    timeoutMs: settings.timeoutMs,
    headers: { ...signWebhook(secret, webhookId, new Date(), body) },
  });
}

async function recordAttempt(
  deps: AppDeps,
  tx: TenantTx,
  a: {
    tenant: { id: string; slug: string; name: string };
    delivery: repo.DeliveryRow;
    endpoint: repo.EndpointRow;
    attemptedAt: Date;
    result: AttemptResult;
  },
): Promise<DeliveryOutcome> {
  const settings = deps.config.webhooks;
  const { delivery, result } = a;
  const now = new Date();
  await repo.insertAttempt(tx, {
    tenantId: a.tenant.id,
    id: newId(),
    deliveryId: delivery.id,
    attemptedAt: a.attemptedAt,
    ...result,
  });
  const attempts = delivery.attempts + 1;
  const isTest = delivery.eventType === TEST_EVENT;
  let outcome: DeliveryOutcome;
  if (result.success) {
    outcome = 'delivered';
    await repo.updateDelivery(tx, delivery.id, {
      status: 'delivered',
      attempts,
      deliveredAt: now,
      nextAt: now,
      lastError: null,
    });
  } else {
    const nextAt = new Date(now.getTime() + retryDelayMs(settings, attempts));
    const givingUp =
      isTest || nextAt.getTime() - delivery.queuedAt.getTime() > settings.giveUpAfterHours * HOUR_MS;
    outcome = givingUp ? 'failed' : 'retrying';
    await repo.updateDelivery(tx, delivery.id, {
      status: givingUp ? 'failed' : 'pending',
      attempts,
      nextAt: givingUp ? now : nextAt,
      lastError: result.error,
    });
    if (!givingUp)
      await repo.enqueueDeliveryJob(tx, { tenantId: a.tenant.id, deliveryId: delivery.id }, nextAt);
  }
  if (!isTest)
    await updateEndpointHealth(deps, tx, a.tenant, a.endpoint.id, now, {
      success: result.success,
      gaveUpAfter: outcome === 'failed' ? attempts : null,
    });
  return outcome;
}

/**
 * The endpoint's run of failures; a run too long (attempts) or too old (hours) disables it and
 * tells the owners.
 */
async function updateEndpointHealth(
  deps: AppDeps,
  tx: TenantTx,
  tenant: { id: string; slug: string; name: string },
  endpointId: string,
  now: Date,
  result: { success: boolean; gaveUpAfter: number | null },
): Promise<void> {
  const settings = deps.config.webhooks;
  if (result.success) {
    await repo.updateEndpoint(tx, endpointId, { failureCount: 0, failingSince: null });
    return;
  }
  const endpoint = await repo.selectEndpoint(tx, endpointId, { lock: true });
  if (!endpoint) return;
  const failureCount = endpoint.failureCount + 1;
  const failingSince = endpoint.failingSince ?? now;
  const tooMany = failureCount >= settings.disableAfterFailures;
  // Failing for the whole window: by the clock, or a delivery given up whose every attempt
  // belongs to the current run of failures (no success of any delivery in between).
  const tooLong =
    now.getTime() - failingSince.getTime() >= settings.giveUpAfterHours * HOUR_MS ||
    (result.gaveUpAfter !== null && failureCount >= result.gaveUpAfter);
  if (!endpoint.enabled || !(tooMany || tooLong)) {
    await repo.updateEndpoint(tx, endpointId, { failureCount, failingSince });
    return;
  }
  const reason = tooMany
    ? `Disabled automatically after ${failureCount} failed attempts in a row.`
    : `Disabled automatically: every attempt failed for ${settings.giveUpAfterHours} hours.`;
  await repo.updateEndpoint(tx, endpointId, {
    failureCount,
    failingSince,
    enabled: false,
    disabledReason: reason,
    disabledAt: now,
  });
  await appendAuditEvent(tx, {
    tenantId: tenant.id,
    actorType: 'system',
    actorId: 'webhooks',
    action: 'webhook.disabled',
    objectType: 'webhook_endpoint',
    objectId: endpointId,
    before: { enabled: true },
    after: { enabled: false, disabledReason: reason, failureCount },
  });
  afterCommit(tx, `webhook-disabled:${endpointId}`, () =>
    notifyOwnersOfDisabling(deps, tenant, { id: endpointId, url: endpoint.url, reason }),
  );
}
