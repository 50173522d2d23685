import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsListener } from '../../src/features/health/metrics-access.js';
import { confirmationLink } from '../support/smtp.js';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  uniqueSlug,
} from '../support/harness.js';

let h: Harness;
let t: TestTenant;
beforeAll(async () => {
  h = await createHarness();
  t = await makeTenant(h);
});
afterAll(() => h.close());

async function signIn() {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: t.ownerEmail, password: t.password },
  });
  const cookie = `subreg_session=${res.cookies.find((c) => c.name === 'subreg_session')?.value}`;
  return { res, headers: { cookie, 'x-csrf-token': res.json().csrfToken as string } };
}

describe('every response', () => {
  it('carries nosniff and refuses framing: API, errors, public pages, docs, operations', async () => {
    const urls = [
      `/api/v1/tenants/${t.tenant.slug}/lists`,
      `/api/v1/tenants/${t.tenant.slug}/lists/00000000-0000-4000-8000-000000000000`,
      '/api/v1/nowhere',
      '/nowhere',
      `/t/${t.tenant.slug}`,
      '/t/no-such-tenant',
      '/api/docs/',
      '/api/openapi.json',
      '/healthz',
      '/readyz',
      '/metrics',
    ];
    for (const url of urls) {
      const res = await h.app.inject({ method: 'GET', url, headers: bearer(t.read) });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('HSTS once SECURE_COOKIES says the service is behind HTTPS', async () => {
    const secure = await createHarness({ env: { SECURE_COOKIES: 'true' } });
    try {
      for (const url of ['/healthz', '/api/v1/nowhere', `/t/${t.tenant.slug}`]) {
        const res = await secure.app.inject({ method: 'GET', url });
        expect(res.headers['strict-transport-security'], url).toMatch(/^max-age=31536000/);
      }
    } finally {
      await secure.close();
    }
  });
});

describe('private answers are never stored by caches', () => {
  it('sign-in, sign-up, new tokens, invitations and every API answer: private, no-store', async () => {
    const { res: login, headers } = await signIn();
    const slug = uniqueSlug('hd');
    const signup = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: {
        email: `${slug}@example.test`,
        password: 'a long password',
        tenant: { slug, name: 'Headers Co', region: 'eu-west' },
      },
    });
    const mails = h.mailbox.to(`${slug}@example.test`);
    const confirmed = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup/confirm',
      payload: { token: confirmationLink(mails[mails.length - 1]!).token },
    });
    const token = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens`,
      headers,
      payload: { name: 'ci', scope: 'read' },
    });
    const invitation = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/invitations`,
      headers,
      payload: { email: `${slug}-invited@example.test`, role: 'viewer' },
    });
    const read = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.read),
    });
    const refused = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens`,
      headers: bearer(t.read),
    });
    for (const [what, res, status] of [
      ['login', login, 200],
      ['sign-up', signup, 202],
      ['sign-up confirmed (a session)', confirmed, 201],
      ['token', token, 201],
      ['invitation', invitation, 201],
      ['read', read, 200],
      ['refusal', refused, 403],
    ] as const) {
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(res.headers['cache-control'], what).toBe('private, no-store');
      expect(res.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
    }
  });
});

describe('content security policies', () => {
  it('the API reference has one (its inline scripts by hash), and cannot be framed', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('the public trust pages have a strict one (no script at all)', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/t/${t.tenant.slug}` });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('/metrics is not open to anyone', () => {
  it('by default, loopback addresses only', async () => {
    for (const [remoteAddress, status] of [
      ['127.0.0.1', 200],
      ['::1', 200],
      ['::ffff:127.0.0.1', 200],
      ['203.0.113.7', 403],
      ['10.0.0.2', 403],
    ] as const) {
      const res = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress });
      expect(res.statusCode, remoteAddress).toBe(status);
      if (status === 403) expect(res.json().code).toBe('METRICS_LOOPBACK_ONLY');
    }
    // Through a reverse proxy on this host: loopback, but forwarded from elsewhere.
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const res = await h.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '127.0.0.1',
        headers: { [header]: header === 'forwarded' ? 'for=203.0.113.7' : '203.0.113.7' },
      });
      expect(res.statusCode, header).toBe(403);
    }
  });

  it('with METRICS_TOKEN, the token from anywhere and nothing without it', async () => {
    const token = 'metrics-secret-0123456789';
    const m = await createHarness({ env: { METRICS_TOKEN: token } });
    try {
      const get = (authorization?: string, remoteAddress = '203.0.113.7') =>
        m.app.inject({
          method: 'GET',
          url: '/metrics',
          remoteAddress,
          headers: authorization ? { authorization } : {},
        });
      expect((await get()).statusCode).toBe(401);
      expect((await get(undefined, '127.0.0.1')).statusCode).toBe(401);
      expect((await get('Bearer wrong-token-0123456789')).statusCode).toBe(401);
      const ok = await get(`Bearer ${token}`);
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('subreg_http_request_duration_seconds');
    } finally {
      await m.close();
    }
  });

  it('with METRICS_PORT, on its own listener only', async () => {
    const m = await createHarness({ env: { METRICS_PORT: '65001', METRICS_HOST: '127.0.0.1' } });
    const listener = await startMetricsListener({ ...m.deps.config.metrics, port: 0 }, m.deps.metrics);
    try {
      expect((await m.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      const res = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('subreg_audit_events_total');
      expect((await fetch(`http://127.0.0.1:${listener.port}/other`)).status).toBe(404);
    } finally {
      await listener.close();
      await m.close();
    }
  });
});
