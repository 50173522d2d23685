import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subreg } from '../support/cli.js';
import { type Harness, bearer, createHarness, makeTenant, seedList } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('subreg subscribers, notices and deliveries', () => {
  it('adds, lists and removes subscribers; lists notices and failed deliveries', {
    timeout: 110_000,
  }, async () => {
    const t = await makeTenant(h);
    await seedList(h, t);
    const added = await subreg([
      '--json',
      'subscribers',
      'add',
      '--tenant',
      t.tenant.slug,
      '--email',
      'Ops@Customer.test',
      '--organisation',
      'Customer AG',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const sub = JSON.parse(added.stdout);
    expect(sub).toMatchObject({ email: 'ops@customer.test', status: 'confirmed', addedBy: 'staff' });
    // A change to the list: one notice, still to fan out (no worker runs here).
    const lists = (
      await h.app.inject({
        method: 'GET',
        url: `/api/v1/tenants/${t.tenant.slug}/lists`,
        headers: bearer(t.read),
      })
    ).json();
    const url = `/api/v1/tenants/${t.tenant.slug}/lists/${lists.items[0].id}`;
    expect(
      (await h.app.inject({ method: 'POST', url: `${url}/versions`, headers: bearer(t.write), payload: {} }))
        .statusCode,
    ).toBe(201);
    await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName: 'Beta GmbH' } },
    });
    expect(
      (await h.app.inject({ method: 'POST', url: `${url}/versions`, headers: bearer(t.write), payload: {} }))
        .statusCode,
    ).toBe(201);

    const notices = await subreg(['notices', 'list', '--tenant', t.tenant.slug]);
    expect(notices.code, notices.stderr).toBe(0);
    expect(notices.stdout).toMatch(
      /version 2 {2}scheduled {2}effective .* 0\/0 sent, 0 failed {2}\(fanning out\)/,
    );
    const failed = await subreg(['--json', 'deliveries', 'list', '--tenant', t.tenant.slug, '--failed']);
    expect(failed.code, failed.stderr).toBe(0);
    expect(JSON.parse(failed.stdout).items).toEqual([]);

    const removed = await subreg(['subscribers', 'remove', '--tenant', t.tenant.slug, '--id', sub.id]);
    expect(removed.code, removed.stderr).toBe(0);
    const listed = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/subscribers`,
      headers: bearer(t.read),
    });
    expect(listed.json().total).toBe(0);
  });
});
