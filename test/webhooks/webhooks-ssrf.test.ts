import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook } from '../../src/features/webhooks/webhook-delivery.js';
import { type Harness, type SignedUp, createHarness, signUp } from '../support/harness.js';
import { Receiver } from './receiver.js';

// `strict` is production: https only, public addresses only. `lab` allows loopback (to save an
// endpoint pointing at the test receiver, which `strict` must then refuse to call).
let strict: Harness;
let lab: Harness;
let receiver: Receiver;

beforeAll(async () => {
  strict = await createHarness();
  lab = await createHarness({ env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await strict?.close();
  await lab?.close();
});

const asOwner = (s: SignedUp) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });

const save = (h: Harness, s: SignedUp, payload: unknown) =>
  h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${s.slug}/webhooks`,
    headers: asOwner(s),
    payload: payload as object,
  });

describe('SSRF: URLs refused when saved', () => {
  it.each([
    ['https://10.0.0.1/hooks', /10\.0\.0\.1.*non-public/],
    ['https://127.0.0.1:8443/hooks', /127\.0\.0\.1/],
    ['https://[::1]/hooks', /::1/],
    ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254/],
    ['https://[fd00::5]/hooks', /fd00::5/],
    ['https://[::ffff:127.0.0.1]/hooks', /non-public/],
    ['https://224.0.0.1/hooks', /non-public/],
    ['https://localhost/hooks', /"localhost" resolves to/],
    ['http://93.184.216.34/hooks', /must start with https/],
    ['https://user:secret@93.184.216.34/hooks', /user name and password/],
    ['javascript:alert(1)', /https/],
    ['not a url', /valid absolute URL/],
  ])('%s -> 422', async (url, message) => {
    const s = await signUp(strict);
    const res = await save(strict, s, { url, events: ['version.published'] });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('WEBHOOK_URL_REFUSED');
    expect(res.json().detail).toMatch(message);
  });

  it('a public https address is accepted; changing it to a private one is refused', async () => {
    const s = await signUp(strict);
    const ok = await save(strict, s, { url: 'https://93.184.216.34/hooks', events: ['version.published'] });
    expect(ok.statusCode, ok.body).toBe(201);
    const patched = await strict.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${s.slug}/webhooks/${ok.json().id}`,
      headers: asOwner(s),
      payload: { url: 'https://192.168.0.10/hooks' },
    });
    expect(patched.statusCode).toBe(422);
  });
});

describe('hostile input', () => {
  it.each([
    [{ url: `https://93.184.216.34/${'a'.repeat(5000)}`, events: ['version.published'] }, /url/],
    [{ url: 'https://93.184.216.34/', events: ['everything'] }, /events/],
    [{ url: 'https://93.184.216.34/', events: [] }, /events/],
    [{ url: 'https://93.184.216.34/', events: 'version.published' }, /events/],
    [{ url: 'https://93.184.216.34/\u0000', events: ['version.published'] }, /url/],
    [
      { url: 'https://93.184.216.34/', events: ['version.published'], secret: 'mine' },
      /secret|unrecognized/i,
    ],
    [{ events: ['version.published'] }, /url/],
  ])('%j -> 400 naming the field', async (payload, field) => {
    const s = await signUp(strict);
    const res = await save(strict, s, payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(field);
  });

  it('caps endpoints per workspace and refuses bad ids', async () => {
    const s = await signUp(strict);
    for (let i = 0; i < 20; i++)
      expect(
        (await save(strict, s, { url: `https://93.184.216.34/${i}`, events: ['version.published'] }))
          .statusCode,
      ).toBe(201);
    const over = await save(strict, s, { url: 'https://93.184.216.34/21', events: ['version.published'] });
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe('WEBHOOK_LIMIT');
    const bad = await strict.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${s.slug}/webhooks/not-a-uuid/deliveries`,
      headers: asOwner(s),
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('SSRF: refused again at delivery', () => {
  async function endpointAtReceiver() {
    const s = await signUp(lab);
    const res = await save(lab, s, { url: receiver.url, events: ['version.published'] });
    expect(res.statusCode, res.body).toBe(201);
    const tenant = (await lab.deps.directory.bySlug(s.slug))!;
    const test = await lab.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${s.slug}/webhooks/${res.json().id}/test`,
      headers: asOwner(s),
    });
    expect(test.json().status).toBe('delivered');
    return { s, tenant, endpointId: res.json().id as string };
  }

  async function removeEndpoint(s: SignedUp, endpointId: string) {
    const res = await lab.app.inject({
      method: 'DELETE',
      url: `/api/v1/tenants/${s.slug}/webhooks/${endpointId}`,
      headers: asOwner(s),
    });
    expect(res.statusCode).toBe(200);
  }

  /** A fresh delivery of the endpoint, due now. */
  async function pendingDelivery(tenant: { id: string; regionId: string }, endpointId: string) {
    const id = crypto.randomUUID();
    await lab.deps.dbs.withTenant(tenant, (tx) =>
      tx.execute(
        `insert into webhook_deliveries (tenant_id, id, endpoint_id, event_type, event_key, webhook_id, payload)
         values ('${tenant.id}', '${id}', '${endpointId}', 'version.published', 'k:${id}', 'msg_${id.replace(/-/g, '')}', '{}')`,
      ),
    );
    return id;
  }

  it('a loopback URL saved where allowed is not called where it is not (http, loopback)', async () => {
    const { s, tenant, endpointId } = await endpointAtReceiver();
    const deliveryId = await pendingDelivery(tenant, endpointId);
    const before = receiver.calls.length;
    expect(await deliverWebhook(strict.deps, { tenantId: tenant.id, deliveryId })).toBe('retrying');
    expect(receiver.calls.length).toBe(before);
    const [attempt] = (
      await strict.deps.dbs.withTenant(tenant, (tx) =>
        tx.execute(`select error, http_status from webhook_attempts where delivery_id = '${deliveryId}'`),
      )
    ).rows as { error: string; http_status: number | null }[];
    expect(attempt).toMatchObject({ http_status: null });
    expect(attempt!.error).toMatch(/^refused: .*https/);
    await removeEndpoint(s, endpointId); // its retry job, if a worker runs, finds nothing to call
  });

  it('a name that re-resolves to loopback at delivery time (DNS rebinding) is refused, not followed', async () => {
    const { s, tenant, endpointId } = await endpointAtReceiver();
    const port = new URL(receiver.url).port;
    await lab.deps.dbs.withTenant(tenant, (tx) =>
      tx.execute(
        `update webhook_endpoints set url = 'https://rebind.example.test:${port}/hooks' where id = '${endpointId}'`,
      ),
    );
    const deliveryId = await pendingDelivery(tenant, endpointId);
    const before = receiver.calls.length;
    const rebinding = async () => [{ address: '127.0.0.1', family: 4 as const }];
    expect(
      await deliverWebhook(strict.deps, { tenantId: tenant.id, deliveryId }, { resolve: rebinding }),
    ).toBe('retrying');
    expect(receiver.calls.length).toBe(before);
    const { rows } = await strict.deps.dbs.withTenant(tenant, (tx) =>
      tx.execute(`select error from webhook_attempts where delivery_id = '${deliveryId}'`),
    );
    expect(String((rows[0] as { error: string }).error)).toMatch(
      /"rebind\.example\.test" resolves to 127\.0\.0\.1/,
    );
    await removeEndpoint(s, endpointId);
  });

  it('redirects are not followed', async () => {
    const { s, endpointId } = await endpointAtReceiver();
    receiver.answer(302);
    const before = receiver.calls.length;
    const res = await lab.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${s.slug}/webhooks/${endpointId}/test`,
      headers: asOwner(s),
    });
    expect(res.json()).toMatchObject({ status: 'failed' });
    expect(res.json().attemptLog[0].error).toMatch(/redirects are not followed/);
    expect(receiver.calls.length).toBe(before + 1);
  });
});
