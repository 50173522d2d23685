import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAuditChain } from '../../src/features/audit/audit.service.js';
import { spawnSubreg, subreg } from '../support/cli.js';
import { type Harness, createHarness } from '../support/harness.js';
import {
  auditRows,
  makeMovableTenant,
  readEverything,
  regionUrl,
  tenantRowsIn,
} from '../support/move-fixture.js';

/**
 * The CLI running a move is killed with SIGKILL (no clean-up, connections cut, the advisory lock
 * dropped by the server) at known points, then `subreg region move --resume` finishes the move.
 * SUBREG_TEST_MOVE_PAUSE_MS makes the child pause before each step and after the first copied table,
 * so "after the ✓ line of step X, plus half a pause" is a point inside the next pause.
 */
const PAUSE = 1_000;
const KILL_POINTS = [
  { name: 'mid-copy (one table committed)', after: 'freeze', waitMs: PAUSE * 1.5 },
  { name: 'before the switch', after: 'verify', waitMs: PAUSE / 2 },
  { name: 'before the purge', after: 'unfreeze', waitMs: PAUSE / 2 },
];

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('a move whose process is killed (SIGKILL)', () => {
  for (const point of KILL_POINTS) {
    it(`killed ${point.name}: --resume completes it, nothing lost or doubled`, async () => {
      const targets = inject('dbTargets');
      const t = await makeMovableTenant(h, 'eu-west');
      const before = await readEverything(h, t);
      const run = spawnSubreg(['region', 'move', '--tenant', t.tenant.slug, '--to', 'us-central', '--yes'], {
        SUBREG_TEST_MOVE_PAUSE_MS: String(PAUSE),
      });
      await run.waitFor(new RegExp(`✓ ${point.after} `));
      await sleep(point.waitMs);
      run.child.kill('SIGKILL');
      expect((await run.exited).signal).toBe('SIGKILL');
      expect(run.stderr()).not.toMatch(/completed|✓ purge/);

      const resumed = await subreg(['region', 'move', '--tenant', t.tenant.slug, '--resume', '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        state: 'completed',
        from: 'eu-west',
        to: 'us-central',
      });

      h.deps.directory.forget(t.tenant.slug);
      expect(await tenantRowsIn(regionUrl(targets, 'eu-west'), t.tenant.id)).toEqual({});
      expect(await readEverything(h, t)).toEqual(before);
      const actions = (await auditRows(regionUrl(targets, 'us-central'), t.tenant.id))
        .map((r) => /region\.move\.[a-z_]+/.exec(r)?.[0])
        .filter(Boolean);
      expect(actions).toEqual([
        'region.move.started',
        'region.move.frozen',
        'region.move.copied',
        'region.move.verified',
        'region.move.switched',
        'region.move.jobs_moved',
        'region.move.unfrozen',
        'region.move.purged',
        'region.move.completed',
      ]);
      const dir = await h.deps.directory.byId(t.tenant.id);
      expect(dir).toMatchObject({ regionId: 'us-central', status: 'active' });
      expect(await verifyAuditChain(h.deps, dir!)).toMatchObject({ ok: true });
    }, 120_000);
  }
});
