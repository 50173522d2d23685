import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/features/notices/notice-worker.js';
import { IN_EFFECT_WINDOW_DAYS } from '../../src/features/notices/notices.repo.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

/**
 * "Now in effect" messages (issue 16): on a list that announces it, those who were told of a
 * change are told, once, when it takes effect; nobody else, and not on lists that do not.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());
afterEach(() => {
  h.deps.now = undefined;
});

const DAY = 86_400_000;

async function listWithNotice(t: TestTenant, announceInEffect: boolean, subscribers: string[]) {
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const r = await h.app.inject({ method, url: `${base}${url}`, headers: bearer(t.write), payload });
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r.body ? r.json() : null;
  };
  const list = await call('POST', '/lists', {
    slug: `l-${announceInEffect}`,
    title: 'Sub-processors',
    noticePeriodDays: 10,
    announceInEffect,
  });
  expect(list.announceInEffect).toBe(announceInEffect);
  await call('POST', `/lists/${list.id}/entries`, { entity: { legalName: 'Acme Ltd' }, purpose: 'Hosting' });
  await call('POST', `/lists/${list.id}/versions`, {});
  const ids: Record<string, string> = {};
  for (const email of subscribers)
    ids[email] = (await call('POST', '/subscribers', { email, listId: list.id })).id;
  await call('POST', `/lists/${list.id}/entries`, { entity: { legalName: 'Beta GmbH' }, purpose: 'Support' });
  await call('POST', `/lists/${list.id}/versions`, { summary: 'Beta joins' });
  return { list, ids, call };
}

describe('"now in effect" messages', () => {
  it('go once to those told, when the change takes effect, on a list that announces it', async () => {
    const t = await makeTenant(h);
    const [a, b, late] = ['a', 'b', 'late'].map((x) => `${x}-${Date.now()}@customer.test`) as [
      string,
      string,
      string,
    ];
    const { list, ids, call } = await listWithNotice(t, true, [a, b]);
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 2 });
    // b leaves before the date; late subscribes after the notice: neither hears it is in effect
    await call('DELETE', `/subscribers/${ids[b]}`);
    await call('POST', '/subscribers', { email: late, listId: list.id });

    // Before the date: nothing more goes out.
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 0 });
    expect(h.mailbox.to(a)).toHaveLength(1);

    h.deps.now = () => new Date(Date.now() + 11 * DAY);
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 1 });
    const mails = h.mailbox.to(a);
    expect(mails).toHaveLength(2);
    const now = mails[1]!;
    expect(now.subject).toContain('is now in effect');
    expect(now.text).toContain('version 2 now applies');
    expect(now.text).toMatch(/\/subscriptions\/preferences\?token=p\./);
    expect(now.messageId).toMatch(/^<in_effect\.[0-9a-f-]{36}\.[0-9a-f-]{36}@/);
    expect(now.headerLines.some((l) => l.key === 'list-unsubscribe')).toBe(true);
    expect(h.mailbox.to(b)).toHaveLength(1);
    expect(h.mailbox.to(late)).toHaveLength(0);

    // Queued once: later runs (and a second worker) send nothing more.
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 0 });
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 0 });
    expect(h.mailbox.to(a)).toHaveLength(2);
    const kinds = await h.deps.dbs.withTenant(t.tenant, (tx) =>
      tx.execute<{ kind: string; n: number }>(
        sql`select kind, count(*)::int as n from notice_deliveries group by kind order by kind`,
      ),
    );
    expect(kinds.rows).toEqual([
      { kind: 'in_effect', n: 1 },
      { kind: 'notice', n: 2 },
    ]);
    // The evidence lists it with the others.
    const evidence = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/deliveries?limit=50`,
      headers: bearer(t.read),
    });
    expect(evidence.statusCode, evidence.body).toBe(200);
    expect(
      evidence
        .json()
        .items.map((d: { kind: string }) => d.kind)
        .sort(),
    ).toEqual(['in_effect', 'notice', 'notice']);
  });

  it('are not sent on a list that does not announce it, nor days late', async () => {
    const t = await makeTenant(h);
    const quiet = `quiet-${Date.now()}@customer.test`;
    await listWithNotice(t, false, [quiet]);
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 1 });
    h.deps.now = () => new Date(Date.now() + 11 * DAY);
    expect(await deliverDue(h.deps, t.tenant)).toMatchObject({ sent: 0 });
    expect(h.mailbox.to(quiet)).toHaveLength(1);

    // A list that announces it, whose worker first runs long after the date: too late to say.
    const t2 = await makeTenant(h);
    const away = `away-${Date.now()}@customer.test`;
    h.deps.now = undefined;
    await listWithNotice(t2, true, [away]);
    expect(await deliverDue(h.deps, t2.tenant)).toMatchObject({ sent: 1 });
    h.deps.now = () => new Date(Date.now() + (10 + IN_EFFECT_WINDOW_DAYS + 1) * DAY);
    expect(await deliverDue(h.deps, t2.tenant)).toMatchObject({ sent: 0 });
    expect(h.mailbox.to(away)).toHaveLength(1);
  });
});
