import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

/**
 * Roles are declared once per workspace route (config.role), stated in the OpenAPI document as
 * `x-subreg-role`, and enforced by one hook before anything else about the request is looked at.
 * Read tokens act as viewers, write tokens as editors (never owners).
 */
let h: Harness;
let t: TestTenant;

beforeAll(async () => {
  h = await createHarness();
  t = await makeTenant(h);
});
afterAll(() => h.close());

const RANK = { viewer: 1, editor: 2, owner: 3 } as const;
type Role = keyof typeof RANK;

async function operations() {
  const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  const ops: { method: string; path: string; role: Role | undefined }[] = [];
  for (const [path, methods] of Object.entries(
    doc.paths as Record<string, Record<string, Record<string, unknown>>>,
  ))
    for (const [method, op] of Object.entries(methods))
      ops.push({ method, path, role: op['x-subreg-role'] as Role | undefined });
  return ops;
}

/** A URL of this workspace for the path, every other id a well-formed one that names nothing. */
const urlOf = (path: string) =>
  `/api/v1${path.replace(/^\/api\/v1/, '')}`
    .replace('{tenant}', t.tenant.slug)
    .replace('{file}', '20261202T045012345Z-1a2b3c4d.eml')
    .replace(/\{[A-Za-z]+\}/g, crypto.randomUUID());

describe('roles, declared once per route', () => {
  it('every workspace operation states its role in the OpenAPI document', async () => {
    const ops = await operations();
    const workspace = ops.filter((o) => o.path.startsWith('/api/v1/tenants/{tenant}'));
    expect(workspace.length).toBeGreaterThan(60);
    expect(workspace.filter((o) => !o.role).map((o) => `${o.method} ${o.path}`)).toEqual([]);
    // All three roles are in use, so the check below exercises each boundary.
    expect(new Set(workspace.map((o) => o.role))).toEqual(new Set(['viewer', 'editor', 'owner']));
  });

  it('a read token (viewer) and a write token (editor) are refused exactly where the role is above theirs, before the body is looked at', async () => {
    const ops = (await operations()).filter((o) => o.role);
    const wrong: string[] = [];
    for (const [token, have] of [
      [t.read, 'viewer'],
      [t.write, 'editor'],
    ] as const) {
      for (const op of ops) {
        const res = await h.app.inject({
          method: op.method.toUpperCase() as 'GET',
          url: urlOf(op.path),
          headers: bearer(token),
          // An empty body: were the role checked after validation, this would answer 400 instead.
          payload: op.method === 'get' || op.method === 'delete' ? undefined : {},
        });
        const refused = res.statusCode === 403 && res.json().code === 'FORBIDDEN';
        const shouldRefuse = RANK[op.role!] > RANK[have];
        if (refused !== shouldRefuse)
          wrong.push(
            `${have} ${op.method} ${op.path} (needs ${op.role}): ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});
