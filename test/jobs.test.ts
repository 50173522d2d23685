import { describe, expect, inject, it } from 'vitest';
import { HEARTBEAT_QUEUE, Jobs } from '../src/platform/jobs.js';

describe('background jobs (pg-boss, one per region database)', () => {
  it('runs a job in every region and stops gracefully, letting a running job finish', async () => {
    const { regions } = inject('dbTargets');
    const log: string[] = [];
    const jobs = new Jobs(regions, (m) => log.push(m));
    let finished = 0;
    let started = 0;
    jobs.handle('test.slow', async () => {
      started++;
      await new Promise((r) => setTimeout(r, 1500));
      finished++;
    });
    await jobs.start();
    try {
      for (const r of regions) await jobs.send(r.id, HEARTBEAT_QUEUE, { regionId: r.id });
      const deadline = Date.now() + 20_000;
      while (jobs.lastHeartbeat.size < regions.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect([...jobs.lastHeartbeat.keys()].sort()).toEqual(regions.map((r) => r.id).sort());

      await jobs.send(regions[0]!.id, 'test.slow', {});
      while (started === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(started).toBe(1);
    } finally {
      await jobs.stop(); // graceful: waits for the slow job
    }
    expect(finished).toBe(1);
    expect(jobs.running).toBe(false);
    expect(log.filter((l) => !/stopping|stopped/i.test(l))).toEqual([]);
  }, 60_000);
});
