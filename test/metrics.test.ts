import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Jobs } from '../src/platform/jobs.js';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
  uniqueSlug,
} from './support/harness.js';
import { multipartFile } from './support/multipart.js';

let h: Harness;
let t: TestTenant;
let jobs: Jobs;
const queue = `test.metrics-${uniqueSlug('q')}`;

beforeAll(async () => {
  h = await createHarness();
  t = await makeTenant(h);
  // A queue nobody works, so its jobs wait and show in the gauges.
  jobs = new Jobs(inject('dbTargets').regions, () => {});
  jobs.handle(queue, async () => {});
  await jobs.start({ work: false });
  h.deps.metrics.watchQueues(() => jobs.queueStats());
}, 60_000);
afterAll(async () => {
  await jobs.stop(1_000);
  await h.close();
});

async function scrape(): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/** The value of one series (name with its exact labels, in the order prom-client prints them). */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('metrics an operator needs, each moving with its action', () => {
  it('audit events and requests by route template and status', async () => {
    // The token's first use from an address is itself audited (a security event): use it once
    // before counting, so the count below is the list creation's event alone.
    await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.write),
    });
    const before = await scrape();
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'metrics', title: 'Metrics' },
    });
    expect(res.statusCode).toBe(201);
    const after = await scrape();
    expect(value(after, 'subreg_audit_events_total') - value(before, 'subreg_audit_events_total')).toBe(1);
    const route =
      'subreg_http_request_duration_seconds_count{method="POST",route="/api/v1/tenants/:tenant/lists",status="201"}';
    expect(value(after, route) - value(before, route)).toBe(1);
  });

  it('database pools: total, idle and waiting per database', async () => {
    const text = await scrape();
    for (const db of ['control', 'eu-west', 'us-central']) {
      for (const state of ['total', 'idle', 'waiting'])
        expect(text).toContain(`subreg_db_pool_connections{database="${db}",state="${state}"}`);
    }
    expect(value(text, 'subreg_db_pool_connections{database="eu-west",state="total"}')).toBeGreaterThan(0);
    expect(value(text, 'subreg_db_pool_connections{database="control",state="total"}')).toBeGreaterThan(0);
  });

  it('job queues: depth and the age of the oldest waiting job, per region', async () => {
    const depth = `subreg_job_queue_depth{region="eu-west",queue="${queue}"}`;
    const before = await scrape();
    expect(before).toContain(depth);
    await jobs.send('eu-west', queue, { n: 1 });
    await jobs.send('eu-west', queue, { n: 2 });
    await new Promise((r) => setTimeout(r, 1_100)); // the scrape reads queues at most once a second
    const after = await scrape();
    expect(value(after, depth) - value(before, depth)).toBe(2);
    expect(
      value(after, `subreg_job_queue_oldest_age_seconds{region="eu-west",queue="${queue}"}`),
    ).toBeGreaterThan(0);
    expect(after).toContain(`subreg_job_queue_depth{region="us-central",queue="${queue}"} 0`);
  });

  it('imports (create and apply), publishes, and the public rendering cache', async () => {
    const { listId } = await seedList(h, t);
    const base = `/api/v1/tenants/${t.tenant.slug}/lists/${listId}`;
    const created = 'subreg_import_duration_seconds_count{operation="create"}';
    const applied = 'subreg_import_duration_seconds_count{operation="apply"}';
    const published = 'subreg_publish_duration_seconds_count';
    const hits = 'subreg_public_cache_lookups_total{result="hit"}';
    const misses = 'subreg_public_cache_lookups_total{result="miss"}';
    const before = await scrape();

    const file = multipartFile('list.csv', 'Legal name,Purpose,Location\nBeta GmbH,Mail,Germany\n');
    const imp = await h.app.inject({
      method: 'POST',
      url: `${base}/imports`,
      headers: { ...bearer(t.write), ...file.headers },
      payload: file.payload,
    });
    expect(imp.statusCode, imp.body).toBe(201);
    const apply = await h.app.inject({
      method: 'POST',
      url: `${base}/imports/${imp.json().id}/apply`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(apply.statusCode).toBe(200);
    const pub = await h.app.inject({
      method: 'POST',
      url: `${base}/versions`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(pub.statusCode, pub.body).toBe(201);
    const afterWrites = await scrape();
    expect(value(afterWrites, created) - value(before, created)).toBe(1);
    expect(value(afterWrites, applied) - value(before, applied)).toBe(1);
    expect(value(afterWrites, published) - value(before, published)).toBe(1);

    // The first view renders (a miss), the second is served from memory (a hit).
    for (let i = 0; i < 2; i++) {
      const page = await h.app.inject({ method: 'GET', url: `/t/${t.tenant.slug}/main` });
      expect(page.statusCode).toBe(200);
    }
    const afterReads = await scrape();
    expect(value(afterReads, misses) - value(afterWrites, misses)).toBe(1);
    expect(value(afterReads, hits) - value(afterWrites, hits)).toBe(1);
  });
});
