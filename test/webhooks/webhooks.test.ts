import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { webhookDeliveries } from '../../src/db/schema/region-webhooks.js';
import { deliverWebhook } from '../../src/features/webhooks/webhook-delivery.js';
import { registerWebhookJobs, sweepOverdueDeliveries } from '../../src/features/webhooks/webhooks.jobs.js';
import { Jobs } from '../../src/platform/jobs.js';
import { type Harness, type SignedUp, createHarness, signUp } from '../support/harness.js';
import { Receiver } from './receiver.js';

let h: Harness;
let receiver: Receiver;

beforeAll(async () => {
  h = await createHarness({
    env: {
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOKS_RETRY_DELAYS: '0',
      WEBHOOKS_TIMEOUT_MS: '400',
      WEBHOOKS_DISABLE_AFTER_FAILURES: '3',
    },
  });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

interface VersionPublished {
  type: string;
  data: {
    list: unknown;
    version: { number: number; summary: string; effectiveAt: string };
    changes: { counts: unknown; added: { legalName: string }[] };
    links: { version: string };
  };
}

const asOwner = (s: SignedUp) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });

function call(s: SignedUp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) {
  return h.app.inject({
    method,
    url: `/api/v1/tenants/${s.slug}${path}`,
    headers: asOwner(s),
    ...(payload !== undefined && { payload: payload as object }),
  });
}

async function addEndpoint(s: SignedUp, url = receiver.url) {
  const res = await call(s, 'POST', '/webhooks', { url, events: ['version.published'] });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string };
}

/** A list with one entry, published; answers the list id. */
async function publishList(s: SignedUp, legalName: string, listId?: string) {
  let id = listId;
  if (!id) {
    const list = await call(s, 'POST', '/lists', { slug: 'main', title: 'Sub-processors' });
    expect(list.statusCode, list.body).toBe(201);
    id = list.json().id as string;
  }
  const entry = await call(s, 'POST', `/lists/${id}/entries`, {
    entity: { legalName, kind: 'infrastructure' },
    purpose: 'Hosting',
    locations: ['Germany'],
  });
  expect(entry.statusCode, entry.body).toBe(201);
  const published = await call(s, 'POST', `/lists/${id}/versions`, { summary: `adds ${legalName}` });
  expect(published.statusCode, published.body).toBe(201);
  return id;
}

async function tenantOf(s: SignedUp) {
  const t = await h.deps.directory.bySlug(s.slug);
  if (!t) throw new Error('no tenant');
  return t;
}

async function deliveriesOf(s: SignedUp, endpointId: string) {
  const res = await call(s, 'GET', `/webhooks/${endpointId}/deliveries`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as {
    id: string;
    status: string;
    webhookId: string;
    attempts: number;
    eventType: string;
    attemptLog: { httpStatus: number | null; error: string | null; responseExcerpt: string | null }[];
  }[];
}

async function auditActions(s: SignedUp) {
  const res = await call(s, 'GET', '/audit?limit=200');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { action: string }[]).map((e) => e.action);
}

describe('webhooks: endpoints', () => {
  it('shows the secret once, never again; owners only; every change audited', async () => {
    const s = await signUp(h);
    const created = await addEndpoint(s);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const listed = await call(s, 'GET', '/webhooks');
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(created.secret);
    expect(listed.json().items[0]).toMatchObject({
      id: created.id,
      enabled: true,
      events: ['version.published'],
    });
    const one = await call(s, 'GET', `/webhooks/${created.id}`);
    expect(one.body).not.toContain(created.secret);
    // The database holds it sealed, not in the clear.
    const raw = await h.deps.dbs.withTenant(await tenantOf(s), (tx) =>
      tx.execute(`select secret_sealed from webhook_endpoints where id = '${created.id}'`),
    );
    expect(JSON.stringify(raw.rows)).not.toContain(created.secret.slice(6));

    const patched = await call(s, 'PATCH', `/webhooks/${created.id}`, { description: 'CRM', enabled: false });
    expect(patched.json()).toMatchObject({
      description: 'CRM',
      enabled: false,
      disabledReason: 'Disabled by a person.',
    });
    const deleted = await call(s, 'DELETE', `/webhooks/${created.id}`);
    expect(deleted.statusCode).toBe(200);
    expect((await call(s, 'GET', `/webhooks/${created.id}`)).statusCode).toBe(404);
    expect(await auditActions(s)).toEqual(
      expect.arrayContaining(['webhook.created', 'webhook.updated', 'webhook.deleted']),
    );
  });

  it('refuses API tokens (they act as editors at most): endpoints are for owners', async () => {
    const s = await signUp(h);
    const token = await call(s, 'POST', '/tokens', { name: 'ci', scope: 'write' });
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${s.slug}/webhooks`,
      headers: { authorization: `Bearer ${token.json().token}` },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('webhooks: delivery', () => {
  it('publishing queues a signed version.published call, in the publish transaction, delivered by the pg-boss worker', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    const log: string[] = [];
    const jobs = new Jobs(inject('dbTargets').regions, (m) => log.push(m));
    registerWebhookJobs(jobs, h.deps, (m) => log.push(m));
    await jobs.start();
    try {
      const before = receiver.calls.length;
      const listId = await publishList(s, 'Acme Cloud GmbH');
      // The delivery row and its job were committed with the version.
      const jobsOf = await h.deps.dbs.withTenant(await tenantOf(s), async (tx) => {
        const d = await tx.select().from(webhookDeliveries);
        return d;
      });
      expect(jobsOf).toHaveLength(1);
      expect(jobsOf[0]).toMatchObject({ eventType: 'version.published', endpointId: ep.id });
      // ... and its pg-boss job (read as the owner: the app role cannot see pgboss.*).
      const owner = new pg.Client({
        connectionString: inject('dbTargets').regions.find((r) => r.id === 'eu-west')!.url,
      });
      await owner.connect();
      try {
        const { rows } = await owner.query(`select name from pgboss.job where data->>'deliveryId' = $1`, [
          jobsOf[0]!.id,
        ]);
        expect(rows.map((r) => r.name)).toContain('subreg.webhooks.deliver');
      } finally {
        await owner.end();
      }
      await receiver.waitForCalls(before + 1);
      const got = receiver.calls[before]!;
      const verified = new Webhook(ep.secret).verify(got.body, {
        'webhook-id': String(got.headers['webhook-id']),
        'webhook-timestamp': String(got.headers['webhook-timestamp']),
        'webhook-signature': String(got.headers['webhook-signature']),
      }) as VersionPublished;
      expect(verified.type).toBe('version.published');
      expect(verified.data.list).toMatchObject({ id: listId, slug: 'main', title: 'Sub-processors' });
      expect(verified.data.version).toMatchObject({ number: 1, summary: 'adds Acme Cloud GmbH' });
      expect(verified.data.version.effectiveAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(verified.data.changes.counts).toEqual({ added: 1, removed: 0, changed: 0 });
      expect(verified.data.changes.added[0]?.legalName).toBe('Acme Cloud GmbH');
      expect(verified.data.links.version).toMatch(new RegExp(`/t/${s.slug}/main/versions/1$`));
      expect(got.headers['content-type']).toBe('application/json');
      // A wrong secret does not verify.
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(got.body, {
          'webhook-id': String(got.headers['webhook-id']),
          'webhook-timestamp': String(got.headers['webhook-timestamp']),
          'webhook-signature': String(got.headers['webhook-signature']),
        }),
      ).toThrow();
      const deadline = Date.now() + 10_000;
      let items = await deliveriesOf(s, ep.id);
      while (items[0]?.status !== 'delivered' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        items = await deliveriesOf(s, ep.id);
      }
      expect(items[0]).toMatchObject({
        status: 'delivered',
        attempts: 1,
        webhookId: got.headers['webhook-id'],
      });
    } finally {
      await jobs.stop();
    }
  }, 60_000);

  it('a disabled endpoint gets no delivery', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    await call(s, 'PATCH', `/webhooks/${ep.id}`, { enabled: false });
    await publishList(s, 'Quiet Ltd');
    expect(await deliveriesOf(s, ep.id)).toEqual([]);
  });

  it('retries after 500s and timeouts, recording every attempt, then delivers with the same webhook-id', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    await publishList(s, 'Retry Ltd');
    const [d] = await deliveriesOf(s, ep.id);
    const tenantId = (await tenantOf(s)).id;
    const start = receiver.calls.length;
    receiver.answer(500, 'hang', 200);
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('retrying');
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('retrying');
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('delivered');
    // A repeat of the job finds nothing to do.
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('skipped');
    const calls = receiver.calls.slice(start);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
    const [after] = await deliveriesOf(s, ep.id);
    expect(after).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(after!.attemptLog.map((a) => a.httpStatus)).toEqual([500, null, 200]);
    expect(after!.attemptLog[1]!.error).toMatch(/timed out after 400 ms/);
    // The receiver's answer is kept, at most 1 KB of it.
    expect(after!.attemptLog[0]!.responseExcerpt).toMatch(/^failure 500/);
    expect(Buffer.byteLength(after!.attemptLog[0]!.responseExcerpt!)).toBeLessThanOrEqual(1024);
    const endpoint = await call(s, 'GET', `/webhooks/${ep.id}`);
    expect(endpoint.json().failureCount).toBe(0);
  });

  it('disables an endpoint after persistent failure, emails the owners; re-send after enabling delivers', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    await publishList(s, 'Failing Ltd');
    const [d] = await deliveriesOf(s, ep.id);
    const tenantId = (await tenantOf(s)).id;
    receiver.answer(503, 503, 503);
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('retrying');
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('retrying');
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('retrying');
    const disabled = (await call(s, 'GET', `/webhooks/${ep.id}`)).json();
    expect(disabled).toMatchObject({ enabled: false, failureCount: 3 });
    expect(disabled.disabledReason).toMatch(/after 3 failed attempts/);
    const mail = h.mailbox.to(s.email).find((m) => /Webhook endpoint disabled/.test(m.subject ?? ''));
    expect(mail?.text).toContain(receiver.url);
    expect(await auditActions(s)).toContain('webhook.disabled');
    // The pending retry finds the endpoint disabled and stops.
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('skipped');
    expect((await deliveriesOf(s, ep.id))[0]).toMatchObject({ status: 'failed', attempts: 3 });

    const refused = await call(s, 'POST', `/webhooks/${ep.id}/deliveries/${d!.id}/resend`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('WEBHOOK_DISABLED');
    await call(s, 'PATCH', `/webhooks/${ep.id}`, { enabled: true });
    const resent = await call(s, 'POST', `/webhooks/${ep.id}/deliveries/${d!.id}/resend`);
    expect(resent.statusCode, resent.body).toBe(202);
    expect(resent.json()).toMatchObject({ status: 'pending', webhookId: d!.webhookId });
    const start = receiver.calls.length;
    expect(await deliverWebhook(h.deps, { tenantId, deliveryId: d!.id })).toBe('delivered');
    expect(receiver.calls[start]!.headers['webhook-id']).toBe(d!.webhookId);
    expect(await auditActions(s)).toContain('webhook.delivery_resent');
  });

  it('gives a delivery up after 24 hours of failures and disables the endpoint that failed all along', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    await publishList(s, 'Slow Ltd');
    const tenant = await tenantOf(s);
    const [d] = await deliveriesOf(s, ep.id);
    receiver.answer(500, 500);
    expect(await deliverWebhook(h.deps, { tenantId: tenant.id, deliveryId: d!.id })).toBe('retrying');
    // A day has passed since it was queued.
    await h.deps.dbs.withTenant(tenant, (tx) =>
      tx.execute(
        `update webhook_deliveries set queued_at = now() - interval '25 hours' where id = '${d!.id}'`,
      ),
    );
    expect(await deliverWebhook(h.deps, { tenantId: tenant.id, deliveryId: d!.id })).toBe('failed');
    expect((await deliveriesOf(s, ep.id))[0]).toMatchObject({ status: 'failed', attempts: 2 });
    const endpoint = (await call(s, 'GET', `/webhooks/${ep.id}`)).json();
    expect(endpoint).toMatchObject({ enabled: false, failureCount: 2 });
    expect(endpoint.disabledReason).toMatch(/failed for 24 hours/);
  });

  it('a rotated secret signs the next call; the old one no longer verifies', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    const rotated = await call(s, 'POST', `/webhooks/${ep.id}/secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const secret = rotated.json().secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(ep.secret);
    const start = receiver.calls.length;
    expect((await call(s, 'POST', `/webhooks/${ep.id}/test`)).json().status).toBe('delivered');
    const got = receiver.calls[start]!;
    const headers = {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    };
    expect(new Webhook(secret).verify(got.body, headers)).toMatchObject({ type: 'webhook.test' });
    expect(() => new Webhook(ep.secret).verify(got.body, headers)).toThrow();
    expect(await auditActions(s)).toContain('webhook.secret_rotated');
  });

  it('the test button sends webhook.test now and answers with the attempt', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    const start = receiver.calls.length;
    const res = await call(s, 'POST', `/webhooks/${ep.id}/test`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ eventType: 'webhook.test', status: 'delivered', attempts: 1 });
    expect(res.json().attemptLog[0]).toMatchObject({ success: true, httpStatus: 200, responseExcerpt: 'ok' });
    expect(JSON.parse(receiver.calls[start]!.body).type).toBe('webhook.test');
    receiver.answer(500);
    const failed = await call(s, 'POST', `/webhooks/${ep.id}/test`);
    expect(failed.json()).toMatchObject({ status: 'failed', attempts: 1 });
    // A failed test neither retries nor counts against the endpoint.
    expect((await call(s, 'GET', `/webhooks/${ep.id}`)).json().failureCount).toBe(0);
    expect(await auditActions(s)).toContain('webhook.tested');
  });

  it('the sweep queues again a delivery whose worker died mid-attempt', async () => {
    const s = await signUp(h);
    const ep = await addEndpoint(s);
    await publishList(s, 'Crash Ltd');
    const tenant = await tenantOf(s);
    const [d] = await deliveriesOf(s, ep.id);
    // As a worker leaves it when killed between claiming and recording: sending, hold expired.
    await h.deps.dbs.withTenant(tenant, (tx) =>
      tx.execute(
        `update webhook_deliveries set status = 'sending', next_at = now() - interval '10 minutes' where id = '${d!.id}'`,
      ),
    );
    expect(await sweepOverdueDeliveries(h.deps, tenant.regionId)).toBeGreaterThanOrEqual(1);
    expect((await deliveriesOf(s, ep.id))[0]!.status).toBe('pending');
    expect(await deliverWebhook(h.deps, { tenantId: tenant.id, deliveryId: d!.id })).toBe('delivered');
  });
});
