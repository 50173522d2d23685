import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/region.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let h: Harness;
let t: TestTenant;
const logLines: string[] = [];

beforeAll(async () => {
  h = await createHarness({ env: { LOG_LEVEL: 'info' }, logLines });
  t = await makeTenant(h);
});
afterAll(() => h.close());

async function createList(slug: string, requestId: string) {
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists`,
    headers: { ...bearer(t.write), 'x-request-id': requestId },
    payload: { slug, title: slug },
  });
  expect(res.statusCode, res.body).toBe(201);
  const [event] = await h.deps.dbs.withTenant(t.tenant, (tx) =>
    tx
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.objectId, res.json().id))
      .orderBy(desc(auditEvents.seq))
      .limit(1),
  );
  return { res, event: event! };
}

describe('request ids are the server’s', () => {
  it.each([
    ['8,000 characters', 'a'.repeat(8000)],
    ['markup', '<script>alert(1)</script>'],
    ['a newline', 'abc\ndef'],
    ['65 characters', 'x'.repeat(65)],
  ])('a caller id with %s is neither echoed nor stored', async (_what, sent) => {
    const { res, event } = await createList(`l-${Math.random().toString(36).slice(2, 8)}`, sent);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.headers['x-client-request-id']).toBeUndefined();
    expect(res.body).not.toContain('<script>');
    expect(event.requestId).toBe(res.headers['x-request-id']);
  });

  it('a short, plain caller id is kept apart: echoed in its own header and logged, never the server’s id', async () => {
    const sent = 'trace-42.a:b_c';
    const { res, event } = await createList('plain-id', sent);
    const serverId = res.headers['x-request-id'] as string;
    expect(serverId).toMatch(UUID);
    expect(res.headers['x-client-request-id']).toBe(sent);
    expect(event.requestId).toBe(serverId);
    const logged = logLines.map((l) => JSON.parse(l)).filter((l) => l.reqId === serverId);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((l) => l.clientRequestId === sent)).toBe(true);
  });

  it('problems carry the server’s id', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/nowhere',
      headers: { 'x-request-id': 'my-id' },
    });
    expect(res.json().requestId).toBe(res.headers['x-request-id']);
    expect(res.json().requestId).toMatch(UUID);
  });
});
