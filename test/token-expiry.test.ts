import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('API token expiry', () => {
  it('must lie ahead and within 5 years; null means the token does not expire', async () => {
    const t = await makeTenant(h);
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: t.password },
    });
    const headers = {
      cookie: `subreg_session=${login.cookies.find((c) => c.name === 'subreg_session')?.value}`,
      'x-csrf-token': login.json().csrfToken,
    };
    const create = (expiresAt: string | null) =>
      h.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${t.tenant.slug}/tokens`,
        headers,
        payload: { name: 'ci', scope: 'read', expiresAt },
      });
    const past = await create('2020-01-01T00:00:00Z');
    expect(past.statusCode).toBe(400);
    expect(past.json().code).toBe('TOKEN_EXPIRY_INVALID');
    expect(past.json().detail).toMatch(/^expiresAt 2020-01-01T00:00:00.000Z is not in the future/);
    const now = await create(new Date().toISOString());
    expect(now.json().code).toBe('TOKEN_EXPIRY_INVALID');
    const far = await create('9999-12-31T00:00:00Z');
    expect(far.statusCode).toBe(400);
    expect(far.json().detail).toMatch(
      /is more than 5 years away\. Choose a date before \d{4}-\d\d-\d\d, or null/,
    );

    const month = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const ok = await create(month);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().expiresAt).toBe(month);
    const works = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(ok.json().token),
    });
    expect(works.statusCode).toBe(200);
    const never = await create(null);
    expect(never.statusCode).toBe(201);
    expect(never.json().expiresAt).toBeNull();
  });
});
