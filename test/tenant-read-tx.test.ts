import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/databases.js';
import { type Harness, type TestTenant, createHarness, makeTenant, seedList } from './support/harness.js';

// withTenantRead answers before its COMMIT has come back: the connection must still reach the
// next borrower outside any transaction, writes must be refused, and RLS must apply as usual.
let h: Harness;
let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  h = await createHarness();
  a = await makeTenant(h);
  b = await makeTenant(h);
  await seedList(h, a);
  await seedList(h, b, 'Other Tenant Ltd');
});
afterAll(() => h.close());

const txStatus = (t: TestTenant) =>
  h.deps.dbs.withTenantRead(t.tenant, async (tx) => {
    const [r] = await queryRows<{ id: string; level: string }>(
      tx,
      "select current_setting('app.tenant_id', true) as id, current_setting('transaction_read_only') as level",
      [],
    );
    return r!;
  });

describe('read-only tenant transactions', () => {
  it('sees only its tenant, read-only, and hands on connections outside any transaction', async () => {
    // Many in a row on a small pool: each borrower must find the previous COMMIT done.
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? txStatus(a) : txStatus(b))),
    );
    results.forEach((r, i) => {
      expect(r.id).toBe(i % 2 ? a.tenant.id : b.tenant.id);
      expect(r.level).toBe('on');
    });
    const names = await h.deps.dbs.withTenantRead(a.tenant, (tx) =>
      queryRows<{ legal_name: string }>(tx, 'select legal_name from entities', []),
    );
    expect(names.map((n) => n.legal_name)).toEqual(['Acme Hosting GmbH']);
    // Transactions right after, on the same connections: none is inside a leftover one (its
    // now() would then be the earlier transaction's start).
    const stamp = 'select pg_backend_pid() as pid, now()::text as began, pg_sleep(0.05)::text as _';
    const first = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.deps.dbs.withTenantRead(a.tenant, (tx) => queryRows<{ pid: number; began: string }>(tx, stamp, [])),
      ),
    );
    const second = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.deps.dbs.withTenant(a.tenant, (tx) => queryRows<{ pid: number; began: string }>(tx, stamp, [])),
      ),
    );
    const startedBy = new Map(first.map(([r]) => [r!.pid, r!.began]));
    let reused = 0;
    for (const [r] of second) {
      if (!startedBy.has(r!.pid)) continue;
      reused++;
      expect(r!.began).not.toBe(startedBy.get(r!.pid));
    }
    expect(reused).toBeGreaterThan(0);
    const between = await h.deps.dbs.withTenantRead(b.tenant, (tx) =>
      queryRows<{ n: number }>(tx, 'select count(*)::int as n from entities', []),
    );
    expect(between[0]!.n).toBe(1);
  });

  it('refuses writes and leaves the connection clean after an error', async () => {
    await expect(
      h.deps.dbs.withTenantRead(a.tenant, (tx) =>
        queryRows(tx, "update entities set legal_name = 'Changed' where true", []),
      ),
    ).rejects.toThrow(/read-only/);
    const after = await txStatus(a);
    expect(after.id).toBe(a.tenant.id);
    const names = await h.deps.dbs.withTenantRead(a.tenant, (tx) =>
      queryRows<{ legal_name: string }>(tx, 'select legal_name from entities', []),
    );
    expect(names.map((n) => n.legal_name)).toEqual(['Acme Hosting GmbH']);
  });
});
