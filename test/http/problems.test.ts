import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from '../support/harness.js';

let h: Harness;
let t: TestTenant;
let listId: string;
const logLines: string[] = [];

beforeAll(async () => {
  h = await createHarness({ env: { LOG_LEVEL: 'info' }, logLines });
  t = await makeTenant(h);
  listId = (await seedList(h, t)).listId;
});
afterAll(() => h.close());

const problemOf = (res: { headers: Record<string, unknown>; body: string }) => {
  expect(res.headers['content-type']).toContain('application/problem+json');
  return JSON.parse(res.body) as { code: string; detail: string; status: number; requestId: string };
};

describe('router errors are problems, and logged', () => {
  it.each([
    ['an over-long path part', () => `/api/v1/tenants/${'a'.repeat(300)}/lists`, 414, 'URL_PART_TOO_LONG'],
    ['a broken percent-escape', () => '/api/v1/tenants/%E0%A4%A/lists', 400, 'BAD_URL'],
    ['a broken escape on a public page', () => '/t/%FF%FE/list', 400, 'BAD_URL'],
  ])('%s', async (_what, url, status, code) => {
    const res = await h.app.inject({ method: 'GET', url: url(), headers: bearer(t.read) });
    expect(res.statusCode).toBe(status);
    const p = problemOf(res);
    expect(p.code).toBe(code);
    expect(p.detail.length).toBeGreaterThan(20);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.reqId === p.requestId && l.code === code);
    expect(logged, 'the refusal is logged').toBeDefined();
  });
});

describe('body errors say what is wrong', () => {
  const post = (payload: string, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/entities`,
      headers: { ...bearer(t.write), 'content-type': 'application/json', ...headers },
      payload,
    });

  it('malformed JSON, with the parser’s words', async () => {
    const res = await post('{"legalName": "x",');
    expect(res.statusCode).toBe(400);
    const p = problemOf(res);
    expect(p.code).toBe('MALFORMED_JSON');
    expect(p.detail).toMatch(/not valid JSON \(.+\)/);
  });

  it.each([
    ['__proto__ at the top', '{"legalName": "x", "__proto__": {"isAdmin": true}}'],
    ['__proto__ nested', '{"legalName": "x", "tradingNames": [{"__proto__": {"a": 1}}]}'],
    ['constructor.prototype', '{"legalName": "x", "constructor": {"prototype": {"isAdmin": true}}}'],
  ])('%s is refused as itself, not as bad JSON', async (_what, body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    const p = problemOf(res);
    expect(p.code).toBe('FORBIDDEN_JSON_KEY');
    expect(p.detail).not.toMatch(/not valid JSON/);
  });

  it('the words "__proto__" and "constructor" as values are fine', async () => {
    const res = await post(JSON.stringify({ legalName: '__proto__ constructor Ltd' }));
    expect(res.statusCode, res.body).toBe(201);
  });

  it('a wrong content type names what was sent and what to send', async () => {
    const res = await post('<x/>', { 'content-type': 'application/xml' });
    expect(res.statusCode).toBe(415);
    const p = problemOf(res);
    expect(p.detail).toContain('application/xml');
    expect(p.detail).toContain('application/json');
    const upload = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/imports`,
      headers: { ...bearer(t.write), 'content-type': 'text/plain' },
      payload: 'Acme Ltd',
    });
    expect(upload.statusCode).toBe(415);
    expect(problemOf(upload).detail).toContain('multipart/form-data');
  });

  it('an empty JSON body', async () => {
    const res = await post('');
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).code).toBe('EMPTY_BODY');
  });
});

describe('role refusals tell the truth', () => {
  it('a write token on an owner route is told it needs the owner role, not that it is read-only', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens`,
      headers: bearer(t.write),
    });
    expect(res.statusCode).toBe(403);
    const p = problemOf(res);
    expect(p.detail).toContain('owner role');
    expect(p.detail).toContain('editors at most');
    expect(p.detail).not.toContain('read-only');
  });

  it('a read token on an editor route is told it is read-only', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/entities`,
      headers: bearer(t.read),
      payload: { legalName: 'X' },
    });
    expect(res.statusCode).toBe(403);
    expect(problemOf(res).detail).toContain('read-only');
  });
});
