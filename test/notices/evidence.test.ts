import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/region.js';
import { deliverDue } from '../../src/features/notices/notice-worker.js';
import { createMailer } from '../../src/platform/mail/mailer.js';
import { subreg } from '../support/cli.js';
import { createEndpoint } from '../../src/features/webhooks/webhooks.service.js';
import { type Harness, bearer, createHarness, makeTenant } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  // a webhook endpoint on loopback tells of version 2 (its call is part of the evidence)
  h = await createHarness({ env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
});
afterAll(() => h.close());

/** RFC 4180 rows (quoted cells, doubled quotes, CRLF), the BOM dropped. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

/** The CSV's blocks (separated by an empty row), each as objects keyed by its header row. */
function blocks(rows: string[][]): Record<string, string>[][] {
  const out: string[][][] = [[]];
  for (const r of rows) {
    if (r.length === 1 && r[0] === '') out.push([]);
    else out.at(-1)!.push(r);
  }
  return out.map(([head, ...body]) =>
    body.map((r) => Object.fromEntries((head ?? []).map((k, i) => [k, r[i] ?? '']))),
  );
}

const post = (url: string, payload: object) =>
  h.app.inject({ method: 'POST', url, payload, remoteAddress: '10.9.0.1' });

/**
 * A 30-day list, published; one contact added by staff (with a formula for an organisation)
 * and one who subscribed and confirmed; then a change published, so one notice with two
 * messages, which the first worker run cannot deliver (SMTP down) and the second does.
 */
async function noticeWithHistory() {
  const t = await makeTenant(h);
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 },
  });
  const listId = list.json().id as string;
  const url = `${base}/lists/${listId}`;
  const entry = (legalName: string) =>
    h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName }, group: 'Platform', purpose: 'Hosting' },
    });
  await entry('Acme Ltd');
  expect(
    (await h.app.inject({ method: 'POST', url: `${url}/versions`, headers: bearer(t.write), payload: {} }))
      .statusCode,
  ).toBe(201);

  const staff = `staff-${t.tenant.slug}@customer.test`;
  const self = `self-${t.tenant.slug}@customer.test`;
  const added = await h.app.inject({
    method: 'POST',
    url: `${base}/subscribers`,
    headers: bearer(t.write),
    payload: { email: staff, organisation: '=HYPERLINK("http://evil.test")' },
  });
  expect(added.statusCode, added.body).toBe(201);
  expect(
    (await post(`/t/${t.tenant.slug}/main/subscribe`, { email: self, organisation: 'Self AG' })).statusCode,
  ).toBeLessThan(300);
  const link = /https?:\/\/\S+\/subscriptions\/confirm\?token=[A-Za-z0-9._-]+/.exec(
    h.mailbox.only(self).text ?? '',
  )?.[0];
  const token = new URL(link!).searchParams.get('token')!;
  expect((await post(`/t/${t.tenant.slug}/subscriptions/confirm`, { token })).statusCode).toBe(200);

  await createEndpoint(
    h.deps,
    { tenant: t.tenant, actor: { type: 'system', id: 'test', userId: null }, role: 'owner', requestId: null },
    { url: 'http://127.0.0.1:9/hooks', events: ['version.published'] },
  );
  await entry('Gamma Inc');
  const v2 = await h.app.inject({
    method: 'POST',
    url: `${url}/versions`,
    headers: bearer(t.write),
    payload: { summary: 'Gamma joins for support' },
  });
  expect(v2.statusCode, v2.body).toBe(201);

  const working = h.deps.mail;
  h.deps.mail = createMailer({
    smtpUrl: 'smtp://127.0.0.1:9',
    from: 'x <x@x.test>',
    dataDir: '/nonexistent',
    log: () => {},
  });
  try {
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ retrying: 2 });
  } finally {
    h.deps.mail?.close();
    h.deps.mail = working;
  }
  h.deps.now = () => new Date(Date.now() + 3 * 60_000);
  try {
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 2 });
  } finally {
    h.deps.now = undefined;
  }

  // The self-subscriber objects from the personal link; staff uphold it with an answer.
  const objectLink = /https?:\/\/\S+\/objections\/new\?token=\S+/.exec(
    h.mailbox.to(self).at(-1)?.text ?? '',
  )?.[0];
  const objected = await h.app.inject({
    method: 'POST',
    url: `/t/${t.tenant.slug}/objections`,
    payload: new URLSearchParams({
      token: new URL(objectLink!).searchParams.get('token')!,
      organisation: 'Self AG',
      contact: 'Dana DPO',
      reason: '+Gamma is not acceptable',
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(objected.statusCode, objected.body).toBe(201);
  const notice = (
    await h.app.inject({ method: 'GET', url: `${base}/notices`, headers: bearer(t.read) })
  ).json().items[0];
  const inbox = (
    await h.app.inject({
      method: 'GET',
      url: `${base}/notices/${notice.id}/objections`,
      headers: bearer(t.read),
    })
  ).json();
  const answered = await h.app.inject({
    method: 'PATCH',
    url: `${base}/objections/${inbox.items[0].id}`,
    headers: bearer(t.write),
    payload: { status: 'upheld', answer: 'We will not use Gamma for your data.' },
  });
  expect(answered.statusCode, answered.body).toBe(200);
  return { t, base, listId, noticeId: notice.id as string, staff, self };
}

let fixture: Awaited<ReturnType<typeof noticeWithHistory>>;
const evidenceUrl = (f: typeof fixture, ext: string, list = 'main') =>
  `${f.base}/lists/${list}/notices/${f.noticeId}/evidence.${ext}`;

describe('evidence of a change notice', () => {
  beforeAll(async () => {
    fixture = await noticeWithHistory();
  }, 60_000);

  it('CSV: the notice, every attempt per recipient with the SMTP answers, the objections; formulas neutralised', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: evidenceUrl(fixture, 'csv'),
      headers: bearer(fixture.t.read),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(`notice-${fixture.noticeId}-evidence.csv`);
    const [facts, messages, objections, webhookCalls] = blocks(parseCsv(res.body));
    const fact = (k: string) => facts!.find((r) => r.field === k)?.value;
    expect(fact('list')).toBe('Sub-processors');
    expect(fact('version')).toBe('2');
    expect(fact('summary')).toBe('Gamma joins for support');
    expect(fact('emergency_reason')).toBe('');
    expect(fact('fan_out')).toBe('done');
    expect(new Date(fact('effective_at')!).getTime() - new Date(fact('published_at')!).getTime()).toBe(
      30 * 86_400_000,
    );
    expect(facts!.filter((r) => r.field === 'change').map((r) => r.value)).toEqual(['Added: Gamma Inc']);
    expect(fact('recipients')).toBe('2');
    expect(fact('webhook_calls')).toBe('1');
    // The endpoint's call about version 2, with its stable webhook-id (not attempted yet here).
    expect(webhookCalls).toEqual([
      expect.objectContaining({
        webhook_endpoint: 'http://127.0.0.1:9/hooks',
        webhook_id: expect.stringMatching(/^msg_/),
        final_status: 'pending',
      }),
    ]);

    // Two attempts per recipient: refused (SMTP down), then accepted (the server's 250).
    for (const email of [fixture.staff, fixture.self]) {
      const rows = messages!.filter((r) => r.email === email);
      expect(rows.map((r) => [r.attempt, r.attempt_result])).toEqual([
        ['1', 'failed'],
        ['2', 'sent'],
      ]);
      expect(rows[0]!.smtp_response).toMatch(/ECONNREFUSED|connect/i);
      expect(rows[1]!.smtp_response).toMatch(/^250/);
      expect(rows.every((r) => r.final_status === 'sent' && r.message === 'notice')).toBe(true);
      expect(rows[0]!.message_id).toMatch(new RegExp(`^<notice\\.${fixture.noticeId}\\.`));
    }
    const staffRow = messages!.find((r) => r.email === fixture.staff)!;
    expect(staffRow.how_added).toBe('added by staff');
    expect(staffRow.organisation).toBe(`'=HYPERLINK("http://evil.test")`);
    const selfRow = messages!.find((r) => r.email === fixture.self)!;
    expect(selfRow).toMatchObject({ how_added: 'confirmed opt-in', organisation: 'Self AG' });
    expect(selfRow.added_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect(objections).toEqual([
      expect.objectContaining({
        email: fixture.self,
        organisation: 'Self AG',
        contact: 'Dana DPO',
        reason: "'+Gamma is not acceptable",
        status: 'upheld',
        answer: 'We will not use Gamma for your data.',
        answered_at: expect.stringMatching(/^\d{4}-/),
        answer_mailed_at: expect.stringMatching(/^\d{4}-/),
      }),
    ]);
    // No cell of the whole file starts a formula.
    for (const row of parseCsv(res.body)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('PDF: a document naming the recipients, their attempts and the objection; every export audited', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: evidenceUrl(fixture, 'pdf', fixture.listId),
      headers: bearer(fixture.t.read),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await extractText(new Uint8Array(res.rawPayload), { mergePages: true });
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Recipients: 2 (2 sent, 0 failed');
    expect(flat).toContain(fixture.staff);
    expect(flat).toContain('attempt 2:');
    expect(flat).toContain('We will not use Gamma for your data.');

    const events = await h.deps.dbs.withTenant(fixture.t.tenant, (tx) =>
      tx.select({ action: auditEvents.action, after: auditEvents.after }).from(auditEvents),
    );
    const exported = events.filter((e) => e.action === 'notice.evidence_exported');
    expect(exported.map((e) => (e.after as { format: string }).format).sort()).toEqual(['csv', 'pdf']);
  });

  it('answers 404 for a notice of another list or tenant, and 401 without a token', async () => {
    const other = await makeTenant(h);
    const foreign = `/api/v1/tenants/${other.tenant.slug}/lists/main/notices/${fixture.noticeId}/evidence.csv`;
    expect(
      (await h.app.inject({ method: 'GET', url: foreign, headers: bearer(other.read) })).statusCode,
    ).toBe(404);
    await h.app.inject({
      method: 'POST',
      url: `${fixture.base}/lists`,
      headers: bearer(fixture.t.write),
      payload: { slug: 'other', title: 'Other' },
    });
    const wrongList = await h.app.inject({
      method: 'GET',
      url: evidenceUrl(fixture, 'csv', 'other'),
      headers: bearer(fixture.t.read),
    });
    expect(wrongList.statusCode).toBe(404);
    expect(wrongList.json().code).toBe('NOTICE_NOT_FOUND');
    expect((await h.app.inject({ method: 'GET', url: evidenceUrl(fixture, 'csv') })).statusCode).toBe(401);
  });

  it('CLI: subreg notices evidence writes the file; a wrong format is refused', {
    timeout: 90_000,
  }, async () => {
    const out = path.join(os.tmpdir(), `evidence-${fixture.noticeId}.pdf`);
    const args = [
      'notices',
      'evidence',
      '--tenant',
      fixture.t.tenant.slug,
      '--list',
      'main',
      '--notice',
      fixture.noticeId,
    ];
    const ok = await subreg([...args, '--format', 'pdf', '--out', out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('2 recipients, 2 sent, 0 failed, 1 objection(s)');
    expect(fs.readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    fs.rmSync(out);
    const bad = await subreg([...args, '--format', 'xml', '--out', out]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--format must be csv or pdf');
  });
});
