import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type TestTenant, createHarness, makeTenant } from '../support/harness.js';
import { rawExchange } from '../support/raw-http.js';

let h: Harness;
let t: TestTenant;
let port: number;

beforeAll(async () => {
  h = await createHarness();
  t = await makeTenant(h);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as AddressInfo).port;
});
afterAll(() => h.close());

async function signIn() {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: t.ownerEmail, password: t.password },
  });
  expect(res.statusCode).toBe(200);
  const cookie = `subreg_session=${res.cookies.find((c) => c.name === 'subreg_session')?.value}`;
  return { cookie, csrf: res.json().csrfToken as string };
}

/** A request exactly as written (a real socket: no client library normalises the path). */
async function send(method: string, path: string, cookie: string, body = '') {
  const res = await rawExchange(
    port,
    (s) =>
      void s.write(
        `${method} ${path} HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nConnection: close\r\n` +
          `${body ? 'Content-Type: application/json\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      ),
    10_000,
  );
  return {
    status: res.status,
    code: res.body ? (JSON.parse(res.body) as { code?: string }).code : undefined,
  };
}

const LOGOUT_SPELLINGS = [
  '/%61pi/v1/auth/logout',
  '/api/%761/auth/logout',
  '/api/v1/auth/%6C%6F%67%6F%75%74',
  '/%61%70%69/v1/auth/logout',
  '//api/v1/auth/logout',
  '/api//v1/auth/logout',
  '/api/v1/../v1/auth/logout',
  '/api/v1/./auth/logout',
  '/API/v1/auth/logout',
  '/Api/V1/auth/logout',
  '/api/v1/auth/logout/',
  '/api/v1/auth/logout?x=1',
  '/api/v1/auth/logout;x=1',
  '/api%2Fv1%2Fauth%2Flogout',
];

describe('the CSRF check does not depend on how the path is spelled', () => {
  it('no spelling of logout ends a session without the x-csrf-token header', async () => {
    const { cookie } = await signIn();
    const seen: Record<string, string> = {};
    for (const path of LOGOUT_SPELLINGS) {
      const res = await send('POST', path, cookie);
      seen[path] = `${res.status} ${res.code}`;
      expect(res.status, `${path} logged out without the CSRF token`).not.toBe(204);
      // Whatever matched the logout route went through the check; the rest matched nothing.
      expect(['403 CSRF_TOKEN_INVALID', '404 ROUTE_NOT_FOUND', '400 BAD_URL']).toContain(seen[path]);
    }
    expect(seen['/%61pi/v1/auth/logout']).toBe('403 CSRF_TOKEN_INVALID');
    const session = await h.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    expect(session.statusCode, 'the session survived').toBe(200);
  });

  it('changes through an encoded path need the token too, and work with it', async () => {
    const { cookie, csrf } = await signIn();
    const body = JSON.stringify({ slug: 'encoded', title: 'Encoded' });
    const path = `/%61pi/v1/tenants/${t.tenant.slug}/lists`;
    const refused = await send('POST', path, cookie, body);
    expect(`${refused.status} ${refused.code}`).toBe('403 CSRF_TOKEN_INVALID');
    const lists = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: { cookie },
    });
    expect(lists.json().items.map((l: { slug: string }) => l.slug)).not.toContain('encoded');

    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(ok.statusCode).toBe(204);
    const after = await h.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });
});
