import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedCluster } from '../../src/db/embedded.js';

/**
 * Two processes starting embedded PostgreSQL at once (two test runs, a test run and a benchmark)
 * can both find the same port free; the one that binds second used to fail its start.
 */
describe('embedded PostgreSQL', () => {
  // The cluster stops first (it is put in front), then the folder goes and the socket closes.
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c().catch(() => {});
  });

  it('starts on the next free port when the port it found free is taken before it binds', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-port-race-'));
    cleanup.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    let taken: number | null = null;
    const cluster = await startEmbeddedCluster({
      dataDir,
      port: null,
      log: () => {},
      beforeStart: async (port) => {
        if (taken !== null) return;
        // Another process binds the port between the check and PostgreSQL's own bind.
        const other = net.createServer();
        await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
        cleanup.push(() => new Promise((resolve) => other.close(() => resolve())));
        taken = port;
      },
    });
    cleanup.unshift(() => cluster.stop());
    expect(taken).not.toBeNull();
    expect(cluster.port).toBeGreaterThan(taken!);
    const c = new pg.Client({ connectionString: cluster.urlFor('postgres') });
    await c.connect();
    try {
      expect((await c.query<{ one: number }>('select 1 as one')).rows[0]!.one).toBe(1);
    } finally {
      await c.end();
    }
  }, 120_000);
});
