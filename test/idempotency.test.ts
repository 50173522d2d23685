import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiTokens } from '../src/db/schema/control.js';
import { sha256Hex } from '../src/platform/ids.js';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from './support/harness.js';
import { multipartFile } from './support/multipart.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const newKey = () => crypto.randomUUID();

async function versionCount(t: TestTenant, listId: string) {
  const res = await h.app.inject({
    method: 'GET',
    url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/versions`,
    headers: bearer(t.read),
  });
  return res.json().total as number;
}

const publish = (t: TestTenant, listId: string, key: string | null, body: object = { summary: 'First' }) =>
  h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/versions`,
    headers: { ...bearer(t.write), ...(key !== null ? { 'idempotency-key': key } : {}) },
    payload: body,
  });

describe('Idempotency-Key', () => {
  it('a retried publish creates exactly one version and answers the same body, marked as replayed', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const key = newKey();
    const first = await publish(t, listId, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The client lost that answer (its connection dropped) and retries, twice.
    for (const spelling of [key, `"${key}"`]) {
      const retry = await publish(t, listId, spelling);
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toBe(first.body);
    }
    expect(await versionCount(t, listId)).toBe(1);
    // Without a key, a second publish is a new request (here: nothing changed since).
    expect((await publish(t, listId, null)).json().code).toBe('NOTHING_TO_PUBLISH');
  });

  it('the same key with another request is refused (422), and a new key is a new request', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const key = newKey();
    expect((await publish(t, listId, key)).statusCode).toBe(201);
    const other = await publish(t, listId, key, { summary: 'Something else' });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(await versionCount(t, listId)).toBe(1);
  });

  it('a first attempt that failed did nothing: the retry does the work, once', async () => {
    const t = await makeTenant(h);
    const list = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'empty', title: 'Empty' },
    });
    const listId = list.json().id as string;
    const key = newKey();
    const failed = await publish(t, listId, key);
    expect(failed.json().code).toBe('LIST_EMPTY');
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName: 'Acme Ltd' }, locations: ['DE'] },
    });
    const retried = await publish(t, listId, key);
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await versionCount(t, listId)).toBe(1);
  });

  it('while the first request holds the key, a second is told to retry (409)', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const key = newKey();
    const [token] = await h.deps.dbs.control
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, sha256Hex(t.write)));
    // Stand in for a first request in flight: hold its lock in an open transaction.
    const held = await h.deps.dbs.regionPoolForTests('eu-west').connect();
    try {
      await held.query('begin');
      await held.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
        `${t.tenant.id}/token:${token!.id}`,
        key,
      ]);
      const second = await publish(t, listId, key);
      expect(second.statusCode).toBe(409);
      expect(second.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');
      expect(second.headers['retry-after']).toBe('1');
    } finally {
      await held.query('rollback');
      held.release();
    }
    expect((await publish(t, listId, key)).statusCode).toBe(201);
    expect(await versionCount(t, listId)).toBe(1);
  });

  it('two publishes racing with one key make one version; the other answer is a replay or a 409', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const key = newKey();
    const answers = await Promise.all([publish(t, listId, key), publish(t, listId, key)]);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const a of answers) expect([201, 409]).toContain(a.statusCode);
    expect(await versionCount(t, listId)).toBe(1);
  });

  it('an import applied twice with one key applies once and answers the same summary', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const base = `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/imports`;
    const file = multipartFile('list.csv', 'Legal name,Purpose,Location\nBeta GmbH,Mail,Germany\n');
    const uploadKey = newKey();
    const upload = () =>
      h.app.inject({
        method: 'POST',
        url: base,
        headers: { ...bearer(t.write), ...file.headers, 'idempotency-key': uploadKey },
        payload: file.payload,
      });
    const created = await upload();
    expect(created.statusCode, created.body).toBe(201);
    const again = await upload();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(created.json().id);
    const other = multipartFile('list.csv', 'Legal name,Purpose,Location\nGamma SA,Mail,France\n');
    const otherFile = await h.app.inject({
      method: 'POST',
      url: base,
      headers: { ...bearer(t.write), ...other.headers, 'idempotency-key': uploadKey },
      payload: other.payload,
    });
    expect(otherFile.statusCode).toBe(422);

    const key = newKey();
    const apply = () =>
      h.app.inject({
        method: 'POST',
        url: `${base}/${created.json().id}/apply`,
        headers: { ...bearer(t.write), 'idempotency-key': key },
        payload: {},
      });
    const first = await apply();
    expect(first.statusCode, first.body).toBe(200);
    const retry = await apply();
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    // Without the key, a second apply is refused: the import was applied.
    const plain = await h.app.inject({
      method: 'POST',
      url: `${base}/${created.json().id}/apply`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(plain.json().code).toBe('IMPORT_NOT_PENDING');
  });

  it('creating lists, entities and entries: one thing per key; keys belong to their caller', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const api = `/api/v1/tenants/${t.tenant.slug}`;
    for (const [url, payload] of [
      [`${api}/lists`, { slug: 'second', title: 'Second' }],
      [`${api}/entities`, { legalName: 'Delta Inc' }],
      [`${api}/lists/${listId}/entries`, { entity: { legalName: 'Epsilon AB' } }],
    ] as const) {
      const key = newKey();
      const send = (token: string) =>
        h.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': key }, payload });
      const a = await send(t.write);
      const b = await send(t.write);
      expect(a.statusCode, a.body).toBe(201);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(b.json().id).toBe(a.json().id);
    }
    const count = async () =>
      (await h.app.inject({ method: 'GET', url: `${api}/entities?q=Theta`, headers: bearer(t.read) })).json()
        .total as number;
    // One key, two callers (the write token, then the owner signed in): two requests, not a replay.
    const key = newKey();
    const byToken = await h.app.inject({
      method: 'POST',
      url: `${api}/entities`,
      headers: { ...bearer(t.write), 'idempotency-key': key },
      payload: { legalName: 'Theta Ltd' },
    });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: t.password },
    });
    const cookie = `subreg_session=${login.cookies.find((c) => c.name === 'subreg_session')?.value}`;
    const byOwner = await h.app.inject({
      method: 'POST',
      url: `${api}/entities`,
      headers: { cookie, 'x-csrf-token': login.json().csrfToken, 'idempotency-key': key },
      payload: { legalName: 'Theta Ltd' },
    });
    expect(byOwner.statusCode).toBe(201);
    expect(byOwner.headers['idempotent-replayed']).toBeUndefined();
    expect(byOwner.json().id).not.toBe(byToken.json().id);
    expect(await count()).toBe(2);
  });

  it('keys expire: after 24 hours the same key is a new request, and expired keys are purged', async () => {
    const t = await makeTenant(h);
    const key = newKey();
    const create = () =>
      h.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${t.tenant.slug}/entities`,
        headers: { ...bearer(t.write), 'idempotency-key': key },
        payload: { legalName: 'Zeta Ltd' },
      });
    const first = await create();
    const owner = new pg.Client({ connectionString: inject('dbTargets').regions[0]!.url });
    await owner.connect();
    try {
      await owner.query(
        `update idempotency_keys set expires_at = now() - interval '1 hour', created_at = now() - interval '25 hours'
         where tenant_id = $1`,
        [t.tenant.id],
      );
      const later = await create();
      expect(later.statusCode).toBe(201);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(later.json().id).not.toBe(first.json().id);
      // Another expired key of the tenant goes when a new key is written.
      await owner.query(
        `insert into idempotency_keys (tenant_id, actor, key, request_hash, method, route, response_status, response_body, expires_at)
         values ($1, 'token:old', 'old', 'x', 'POST', '/x', 201, '{}', now() - interval '1 day')`,
        [t.tenant.id],
      );
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${t.tenant.slug}/entities`,
        headers: { ...bearer(t.write), 'idempotency-key': newKey() },
        payload: { legalName: 'Eta Ltd' },
      });
      const left = await owner.query(
        'select count(*)::int as n from idempotency_keys where tenant_id = $1 and expires_at < now()',
        [t.tenant.id],
      );
      expect(left.rows[0].n).toBe(0);
    } finally {
      await owner.end();
    }
  });

  it('a malformed key is refused; routes that take no key ignore it', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    for (const bad of ['', 'x'.repeat(256), 'a"b', 'tab\there']) {
      const res = await publish(t, listId, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
    }
    const patch = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}`,
      headers: { ...bearer(t.write), 'idempotency-key': 'x'.repeat(300) },
      payload: { title: 'Renamed' },
    });
    expect(patch.statusCode).toBe(200);
  });

  it('the OpenAPI document declares the header once and references it from each idempotent operation', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
    const ref = { $ref: '#/components/parameters/IdempotencyKey' };
    const op = (path: string, method: string) => doc.paths[path][method];
    expect(op('/api/v1/tenants/{tenant}/lists/{listId}/versions', 'post').parameters).toContainEqual(ref);
    expect(
      op('/api/v1/tenants/{tenant}/lists/{listId}/imports/{importId}/apply', 'post').parameters,
    ).toContainEqual(ref);
    expect(op('/api/v1/tenants/{tenant}/lists/{listId}/versions', 'post').responses['422']).toBeDefined();
    expect(op('/api/v1/tenants/{tenant}/lists/{listId}', 'patch').parameters ?? []).not.toContainEqual(ref);
  });
});
