import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { newId } from '../../platform/ids.js';
import type { ChangeSet } from '../../domain/public-view.js';
import type { TenantRecord } from '../../platform/context.js';
import { type WebhookEvent, type WebhookPayload, versionPublishedPayload } from './webhook-events.js';
import { webhookIdFor } from './webhook-signing.js';
import * as repo from './webhooks.repo.js';

/**
 * Called inside the transaction of the change that raises an event: one delivery row and one
 * pg-boss job per enabled endpoint subscribed to it, so they commit with the change or not at
 * all. The same event raised twice for an endpoint (same key) makes no second delivery.
 */
export async function queueWebhookEvent(
  tx: TenantTx,
  tenantId: string,
  event: { type: WebhookEvent; key: string; payload: WebhookPayload },
): Promise<number> {
  const endpoints = await repo.selectSubscribedEndpoints(tx, event.type);
  const now = new Date();
  const inserted = await repo.insertDeliveries(
    tx,
    endpoints.map((e) => ({
      tenantId,
      id: newId(),
      endpointId: e.id,
      eventType: event.type,
      eventKey: event.key,
      webhookId: webhookIdFor(e.id, event.key),
      payload: event.payload,
      nextAt: now,
    })),
  );
  for (const d of inserted) await repo.enqueueDeliveryJob(tx, { tenantId, deliveryId: d.id }, now);
  return inserted.length;
}

/** The publish hook: `version.published` for the version just inserted. */
export function queueVersionPublishedWebhooks(
  tx: TenantTx,
  deps: Pick<AppDeps, 'config'>,
  tenant: Pick<TenantRecord, 'id' | 'slug' | 'name'>,
  list: { id: string; slug: string; title: string },
  version: {
    number: number;
    publishedAt: Date;
    effectiveAt: Date;
    summary: string | null;
    changes: ChangeSet;
  },
): Promise<number> {
  return queueWebhookEvent(tx, tenant.id, {
    type: 'version.published',
    key: versionPublishedKey(list.id, version.number),
    payload: versionPublishedPayload({
      tenant: { slug: tenant.slug, name: tenant.name },
      list: { id: list.id, slug: list.slug, title: list.title },
      version,
      publicBaseUrl: deps.config.publicBaseUrl,
    }),
  });
}

/** The event key of a version's publication: one delivery per (this key, endpoint). */
export const versionPublishedKey = (listId: string, versionNumber: number) =>
  `version.published:${listId}:${versionNumber}`;
