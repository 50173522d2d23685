import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue, fanOut } from '../../src/features/notices/notice-worker.js';
import { fanoutStep } from '../../src/features/notices/notices.repo.js';
import { messageDomain } from '../../src/features/notices/notices.service.js';
import { createMailer } from '../../src/platform/mail/mailer.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';

/**
 * The fan-out of a notice after the publish (issue 16 at scale): the publish makes the notice
 * and its mark only; the worker makes the delivery rows in chunks, keyset over subscriber id,
 * with the recipients a publish-time selection would have had, then sends them.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const MANY = 2500;
const CHUNK = 400;

async function setUp() {
  const t = await makeTenant(h);
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const mk = async (slug: string) =>
    (
      await h.app.inject({
        method: 'POST',
        url: `${base}/lists`,
        headers: bearer(t.write),
        payload: { slug, title: `List ${slug}`, noticePeriodDays: 30 },
      })
    ).json().id as string;
  const listId = await mk('main');
  const otherId = await mk('other');
  const url = `${base}/lists/${listId}`;
  const entry = (legalName: string) =>
    h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName } },
    });
  await entry('Acme Ltd');
  expect((await publish(t, url)).statusCode).toBe(201);
  await entry('Gamma Inc');
  return { t, base, url, listId, otherId };
}

const publish = (t: TestTenant, url: string) =>
  h.app.inject({ method: 'POST', url: `${url}/versions`, headers: bearer(t.write), payload: {} });

const q = async <T extends Record<string, unknown>>(t: TestTenant, query: ReturnType<typeof sql>) =>
  h.deps.dbs.withTenant(t.tenant, async (tx) => (await tx.execute<T>(query)).rows);

async function theNotice(t: TestTenant) {
  const [n] = await q<{ id: string; fanned_out_at: Date | null; fanout_after: string | null }>(
    t,
    sql`select id, fanned_out_at, fanout_after from change_notices order by published_at desc limit 1`,
  );
  return n!;
}

const deliveryCount = async (t: TestTenant) =>
  (
    await q<{ n: number; each: number }>(
      t,
      sql`select count(*)::int as n, count(distinct subscriber_id)::int as each from notice_deliveries where kind = 'notice'`,
    )
  )[0]!;

/** Sends through a counting SMTP sink for the duration of `run`. */
async function throughSink<T>(run: () => Promise<T>): Promise<{ result: T; sink: SmtpSink }> {
  const sink = new SmtpSink();
  await sink.start();
  const working = h.deps.mail;
  h.deps.mail = createMailer({
    smtpUrl: sink.url,
    from: 'x <x@x.test>',
    dataDir: '/nonexistent',
    log: () => {},
  });
  try {
    return { result: await run(), sink };
  } finally {
    h.deps.mail?.close();
    h.deps.mail = working;
    await sink.stop();
  }
}

describe('notice fan-out after the publish', () => {
  it('publish makes the mark only; the worker makes every recipient once (of the list or all lists, one per address) and sends each once', {
    timeout: 120_000,
  }, async () => {
    const { t, base, url, listId, otherId } = await setUp();
    // MANY confirmed for all lists; some of them also for this list (one message each, not
    // two); others only for another list, pending, or unsubscribed before the publish: none.
    await q(
      t,
      sql`insert into subscribers (tenant_id, id, list_id, email, status, added_by, confirmed_at)
        select ${t.tenant.id}::uuid, gen_random_uuid(), null, 'all-' || g || '@customer.test', 'confirmed', 'staff', now() - interval '1 hour'
        from generate_series(1, ${MANY}) g`,
    );
    await q(
      t,
      sql`insert into subscribers (tenant_id, id, list_id, email, status, added_by, confirmed_at, unsubscribed_at)
        select ${t.tenant.id}::uuid, gen_random_uuid(), l, e, st, 'staff', c, u
        from (values
          (${listId}::uuid, 'all-1@customer.test', 'confirmed', now() - interval '1 hour', null::timestamptz),
          (${listId}::uuid, 'all-2@customer.test', 'confirmed', now() - interval '1 hour', null),
          (${listId}::uuid, 'own@customer.test', 'confirmed', now() - interval '1 hour', null),
          (${otherId}::uuid, 'other@customer.test', 'confirmed', now() - interval '1 hour', null),
          (null, 'pending@customer.test', 'pending', null, null),
          (null, 'gone@customer.test', 'unsubscribed', now() - interval '2 hours', now() - interval '1 hour')
        ) v(l, e, st, c, u)`,
    );
    const expected = MANY + 1; // all-N once each, plus own@
    expect((await publish(t, url)).statusCode).toBe(201);
    const notice = await theNotice(t);
    expect(notice.fanned_out_at).toBeNull();
    expect(await deliveryCount(t)).toEqual({ n: 0, each: 0 });
    const view = await h.app.inject({
      method: 'GET',
      url: `${base}/notices/${notice.id}`,
      headers: bearer(t.read),
    });
    expect(view.json()).toMatchObject({ fanout: 'pending', deliveries: { recipients: 0 } });
    // The evidence says so too: its recipients are those reached so far.
    const evidence = () =>
      h.app.inject({
        method: 'GET',
        url: `${url}/notices/${notice.id}/evidence.csv`,
        headers: bearer(t.read),
      });
    expect((await evidence()).body).toContain('fan_out,pending: recipients are still being added');

    const steps: { made: number; done: boolean }[] = [];
    const { result: run, sink } = await throughSink(() =>
      deliverDue(h.deps, t.tenant, { fanoutChunk: CHUNK, onFanoutStep: (s) => steps.push(s) }),
    );
    expect(run).toEqual({ sent: expected, retrying: 0, failed: 0, skipped: 0 });
    expect(steps.length).toBe(Math.ceil(expected / CHUNK) + (expected % CHUNK === 0 ? 1 : 0));
    expect(steps.reduce((a, s) => a + s.made, 0)).toBe(expected);
    expect(steps.at(-1)?.done).toBe(true);
    expect(await deliveryCount(t)).toEqual({ n: expected, each: expected });
    // Counted at the SMTP server: one message per recipient, each Message-ID once.
    expect(sink.accepted).toBe(expected);
    expect(sink.repeats()).toEqual({ ids: 0, extra: 0 });
    const emails = await q<{ email: string }>(t, sql`select email from notice_deliveries order by email`);
    const listed = emails.map((e) => e.email);
    expect(listed).toContain('own@customer.test');
    expect(listed.filter((e) => e === 'all-1@customer.test')).toHaveLength(1);
    for (const none of ['other@customer.test', 'pending@customer.test', 'gone@customer.test'])
      expect(listed).not.toContain(none);
    // The list's own subscription is the one told (as the publish-time selection preferred it).
    const [own] = await q<{ list_id: string | null }>(
      t,
      sql`select s.list_id from notice_deliveries d join subscribers s on s.id = d.subscriber_id
          where d.email = 'all-1@customer.test'`,
    );
    expect(own!.list_id).toBe(listId);
    const ids = await q<{ m: string }>(t, sql`select message_id as m from notice_deliveries`);
    expect(ids.every((r) => sink.seen.get(r.m) === 1)).toBe(true);
    expect(ids[0]!.m).toMatch(
      new RegExp(`^<notice\\.${notice.id}\\.[0-9a-f-]{36}@${messageDomain(h.deps)}>$`),
    );

    const done = await h.app.inject({
      method: 'GET',
      url: `${base}/notices/${notice.id}`,
      headers: bearer(t.read),
    });
    expect(done.json()).toMatchObject({
      fanout: 'done',
      deliveries: { recipients: expected, sent: expected },
    });
    expect((await evidence()).body).toMatch(/^fan_out,done\r?$/m);
    // The fan-out is over: another run makes and sends nothing.
    expect(await fanOut(h.deps, t.tenant)).toBe(0);
    expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 0 });
  });

  it('a subscriber confirmed after the publish is not told; one unsubscribed after it is skipped', async () => {
    const { t, base, url } = await setUp();
    const add = (email: string) =>
      h.app.inject({
        method: 'POST',
        url: `${base}/subscribers`,
        headers: bearer(t.write),
        payload: { email },
      });
    expect((await add('before@customer.test')).statusCode).toBe(201);
    expect((await add('leaves@customer.test')).statusCode).toBe(201);
    expect((await publish(t, url)).statusCode).toBe(201);
    // After the publish, before the fan-out: one confirmed (staff add), one unsubscribed.
    expect((await add('after@customer.test')).statusCode).toBe(201);
    await q(
      t,
      sql`update subscribers set status = 'unsubscribed', unsubscribed_at = now() where email = 'leaves@customer.test'`,
    );
    expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 1 });
    expect(h.mailbox.to('before@customer.test')).toHaveLength(1);
    expect(h.mailbox.to('after@customer.test')).toHaveLength(0);
    expect(h.mailbox.to('leaves@customer.test')).toHaveLength(0);
    const rows = await q<{ email: string; status: string }>(
      t,
      sql`select email, status from notice_deliveries order by email`,
    );
    expect(rows).toEqual([
      { email: 'before@customer.test', status: 'sent' },
      { email: 'leaves@customer.test', status: 'skipped' },
    ]);
  });

  it('withdrawn mid-fan-out: no more rows are made, untried ones are dropped, nobody is sent the notice', async () => {
    const { t, base, url } = await setUp();
    await q(
      t,
      sql`insert into subscribers (tenant_id, id, list_id, email, status, added_by, confirmed_at)
        select ${t.tenant.id}::uuid, gen_random_uuid(), null, 'wd-' || g || '@customer.test', 'confirmed', 'staff', now() - interval '1 hour'
        from generate_series(1, 50) g`,
    );
    expect((await publish(t, url)).statusCode).toBe(201);
    const notice = await theNotice(t);
    // One step of 20 made, committed; then the notice is withdrawn.
    const step = await h.deps.dbs.withTenant(t.tenant, (tx) =>
      fanoutStep(tx, { noticeId: notice.id, domain: messageDomain(h.deps), now: new Date(), chunk: 20 }),
    );
    expect(step).toEqual({ made: 20, done: false });
    const wd = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/withdraw`,
      headers: bearer(t.write),
      payload: { reason: 'Not after all.' },
    });
    expect(wd.statusCode, wd.body).toBe(200);
    expect(wd.json()).toMatchObject({ status: 'withdrawn', fanout: 'done', withdrawalRecipients: 0 });
    expect(await deliverDue(h.deps, t.tenant, { fanoutChunk: 20 })).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
      skipped: 0,
    });
    expect(await deliveryCount(t)).toEqual({ n: 0, each: 0 });
    expect(h.mailbox.messages.filter((m) => JSON.stringify(m.to).includes('wd-'))).toHaveLength(0);
    // A step that comes after the withdrawal makes nothing.
    const late = await h.deps.dbs.withTenant(t.tenant, (tx) =>
      fanoutStep(tx, { noticeId: notice.id, domain: messageDomain(h.deps), now: new Date(), chunk: 20 }),
    );
    expect(late).toBeNull();
  });

  it('a fan-out step that dies before its commit leaves nothing; the next run resumes at the cursor, without duplicates', async () => {
    const { t, url } = await setUp();
    await q(
      t,
      sql`insert into subscribers (tenant_id, id, list_id, email, status, added_by, confirmed_at)
        select ${t.tenant.id}::uuid, gen_random_uuid(), null, 'rs-' || g || '@customer.test', 'confirmed', 'staff', now() - interval '1 hour'
        from generate_series(1, 95) g`,
    );
    expect((await publish(t, url)).statusCode).toBe(201);
    const notice = await theNotice(t);
    const step = (chunk: number) =>
      h.deps.dbs.withTenant(t.tenant, (tx) =>
        fanoutStep(tx, { noticeId: notice.id, domain: messageDomain(h.deps), now: new Date(), chunk }),
      );
    expect(await step(30)).toEqual({ made: 30, done: false });
    const cursor = (await theNotice(t)).fanout_after;
    expect(cursor).not.toBeNull();
    // The process dies inside the next step: its transaction never commits.
    await expect(
      h.deps.dbs.withTenant(t.tenant, async (tx) => {
        await fanoutStep(tx, {
          noticeId: notice.id,
          domain: messageDomain(h.deps),
          now: new Date(),
          chunk: 30,
        });
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect((await theNotice(t)).fanout_after).toBe(cursor);
    expect(await deliveryCount(t)).toEqual({ n: 30, each: 30 });
    // A cursor left behind (rows made past it, e.g. by a step of an older version): ON CONFLICT.
    await q(t, sql`update change_notices set fanout_after = null where id = ${notice.id}::uuid`);
    const { result: run, sink } = await throughSink(() => deliverDue(h.deps, t.tenant, { fanoutChunk: 30 }));
    expect(run).toEqual({ sent: 95, retrying: 0, failed: 0, skipped: 0 });
    expect(await deliveryCount(t)).toEqual({ n: 95, each: 95 });
    expect(sink.accepted).toBe(95);
    expect(sink.repeats()).toEqual({ ids: 0, extra: 0 });
  });
});
