import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

let healthy: Harness;
let t: TestTenant;

beforeAll(async () => {
  healthy = await createHarness();
  t = await makeTenant(healthy, 'eu-west');
});
afterAll(() => healthy.close());

describe('a database outage is a 503 with Retry-After, not a 500', () => {
  it('a region database that refuses connections', async () => {
    const port = await deadPort();
    const h = await createHarness({
      regionUrls: { 'eu-west': `postgres://postgres@127.0.0.1:${port}/nowhere` },
    });
    try {
      for (const req of [
        { method: 'GET' as const, url: `/api/v1/tenants/${t.tenant.slug}/lists` },
        {
          method: 'POST' as const,
          url: `/api/v1/tenants/${t.tenant.slug}/lists`,
          payload: { slug: 'x', title: 'X' },
        },
      ]) {
        const res = await h.app.inject({ ...req, headers: bearer(t.write) });
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().code).toBe('DATABASE_UNAVAILABLE');
      }
      const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        status: 'unavailable',
        control: true,
        regions: { 'eu-west': false, 'us-central': true },
      });
      // The other region's tenants are served as usual.
      const other = await makeTenant(h, 'us-central');
      const ok = await h.app.inject({
        method: 'GET',
        url: `/api/v1/tenants/${other.tenant.slug}/lists`,
        headers: bearer(other.read),
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await h.close().catch(() => {});
    }
  });

  it('a pool that has been shut down, and the control database gone', async () => {
    const h = await createHarness();
    try {
      await h.deps.dbs.regionPoolForTests('eu-west').end();
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/v1/tenants/${t.tenant.slug}/lists`,
        headers: bearer(t.read),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('DATABASE_UNAVAILABLE');
      await h.deps.dbs.controlPool.end();
      const signIn = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: t.ownerEmail, password: t.password },
      });
      expect(signIn.statusCode).toBe(503);
      expect(signIn.headers['retry-after']).toBeDefined();
      const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().control).toBe(false);
    } finally {
      await h.app.close();
    }
  });
});
