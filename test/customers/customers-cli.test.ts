import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subreg } from '../support/cli.js';
import { type Harness, bearer, createHarness, makeTenant, seedList } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('subreg customers', () => {
  it('adds, lists and removes customers; refuses bad options with a clear message', {
    timeout: 120_000,
  }, async () => {
    const t = await makeTenant(h);
    await seedList(h, t);
    const added = await subreg([
      '--json',
      'customers',
      'add',
      '--tenant',
      t.tenant.slug,
      '--organisation',
      'Customer AG',
      '--contract',
      'DPA-17',
      '--authorisation',
      'specific',
      '--notice-days',
      '60',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const c = JSON.parse(added.stdout);
    expect(c).toMatchObject({
      organisation: 'Customer AG',
      contractReference: 'DPA-17',
      authorisation: 'specific',
      noticePeriodDays: 60,
      notifyBy: 'email',
    });

    const bad = await subreg([
      'customers',
      'add',
      '--tenant',
      t.tenant.slug,
      '--organisation',
      'X',
      '--authorisation',
      'maybe',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--authorisation');

    const listed = await subreg(['customers', 'list', '--tenant', t.tenant.slug]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(
      "Customer AG  specific authorisation  60 days' notice  by email  0 contact(s)  contract DPA-17",
    );

    const removed = await subreg(['customers', 'remove', '--tenant', t.tenant.slug, '--id', c.id]);
    expect(removed.code, removed.stderr).toBe(0);
    const after = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/customers`,
      headers: bearer(t.read),
    });
    expect(after.json().total).toBe(0);
  });
});
