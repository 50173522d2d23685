import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from './support/harness.js';

let h: Harness;
let t: TestTenant;
let ids: { listId: string; entryId: string; entityId: string };

beforeAll(async () => {
  h = await createHarness();
  t = await makeTenant(h);
  ids = await seedList(h, t);
});
afterAll(() => h.close());

type Case = {
  name: string;
  method: 'POST' | 'PATCH' | 'GET';
  url: () => string;
  body?: string | object;
  headers?: Record<string, string>;
  code: string;
  status?: number;
};

const cases: Case[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/lists`,
    body: '{"slug": "x",',
    code: 'MALFORMED_JSON',
  },
  {
    name: 'wrong types',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/lists`,
    body: { slug: 42, title: ['x'] },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown fields',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/lists`,
    body: { slug: 'ok', title: 'x', isAdmin: true },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'huge strings',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities`,
    body: { legalName: 'x'.repeat(100_000) },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL characters',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities`,
    body: { legalName: 'bad\u0000name' },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'oversized body',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities`,
    body: { legalName: 'x', pad: 'y'.repeat(2 * 1024 * 1024) },
    code: 'BODY_TOO_LARGE',
    status: 413,
  },
  {
    name: 'invalid UUID in path',
    method: 'GET',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities/not-a-uuid`,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown enum value',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities`,
    body: { legalName: 'X', kind: 'overlord' },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown enum in query',
    method: 'GET',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities?kind=overlord`,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'negative limit',
    method: 'GET',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities?limit=-5`,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'bad country filter',
    method: 'GET',
    url: () => `/api/v1/tenants/${t.tenant.slug}/lists/${ids.listId}/entries?country=Germany'--`,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'empty patch',
    method: 'PATCH',
    url: () => `/api/v1/tenants/${t.tenant.slug}/entities/${ids.entityId}`,
    body: {},
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'wrong content type',
    method: 'POST',
    url: () => `/api/v1/tenants/${t.tenant.slug}/lists`,
    body: '<slug/>',
    headers: { 'content-type': 'application/xml' },
    code: 'UNSUPPORTED_MEDIA_TYPE',
    status: 415,
  },
  {
    name: 'garbage bearer token',
    method: 'GET',
    url: () => `/api/v1/tenants/${t.tenant.slug}/lists`,
    headers: { authorization: 'Bearer <script>' },
    code: 'INVALID_TOKEN',
    status: 401,
  },
  {
    name: 'unknown route',
    method: 'GET',
    url: () => '/api/v1/nowhere',
    code: 'ROUTE_NOT_FOUND',
    status: 404,
  },
  {
    name: 'bad slug',
    method: 'GET',
    url: () => '/api/v1/tenants/..%2F..%2Fetc/lists',
    code: 'VALIDATION_FAILED',
  },
];

describe('hostile input answers 4xx problem+json, never 500', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const payload =
        typeof c.body === 'string' ? c.body : c.body === undefined ? undefined : JSON.stringify(c.body);
      const res = await h.app.inject({
        method: c.method,
        url: c.url(),
        payload,
        headers: {
          ...bearer(t.write),
          ...(payload && !c.headers?.['content-type'] ? { 'content-type': 'application/json' } : {}),
          ...c.headers,
        },
      });
      expect(res.statusCode, res.body).toBe(c.status ?? 400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json();
      expect(body.code).toBe(c.code);
      expect(typeof body.detail).toBe('string');
      expect(body.detail.length).toBeGreaterThan(5);
      expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
    });
  }

  it('a validation error says which field is wrong', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'Has Spaces', title: 'x' },
    });
    expect(res.json().detail).toContain('slug');
  });
});
