import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { subreg } from './support/cli.js';
import { uniqueSlug } from './support/harness.js';

const SEED_004 = path.resolve(import.meta.dirname, 'fixtures/formats/004_28bb4da9730773a7.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'subreg-journey-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the CLI journey of a newcomer', () => {
  it('creates a list, imports into it, applies the stored import by id, publishes, and shows the list', async () => {
    const slug = uniqueSlug('journey');
    const created = await subreg([
      '--json',
      'tenant',
      'create',
      '--slug',
      slug,
      '--name',
      'Journey',
      '--region',
      'eu-west',
      '--owner-email',
      `${slug}@example.test`,
    ]);
    expect(created.code, created.stderr).toBe(0);

    const bad = await subreg([
      '--json',
      'list',
      'create',
      '--tenant',
      slug,
      '--slug',
      'Bad Slug',
      '--title',
      'x',
    ]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error).toMatchObject({ code: 'LIST_INVALID' });
    expect(JSON.parse(bad.stderr).error.message).toContain('--slug');

    const list = await subreg([
      'list',
      'create',
      '--tenant',
      slug,
      '--slug',
      'telecom',
      '--title',
      'Telecom sub-processors',
      '--notice-period-days',
      '14',
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('14 days');
    // Text mode says which database the command used.
    expect(list.stderr).toMatch(/subreg: using PostgreSQL at /);

    const stored = await subreg(['--json', 'import', SEED_004, '--tenant', slug, '--list', 'telecom']);
    expect(stored.code, stored.stderr).toBe(0);
    const importId = JSON.parse(stored.stdout).id as string;
    const hint = await subreg(['import', SEED_004, '--tenant', slug, '--list', 'telecom']);
    expect(hint.stdout).toContain(`subreg import apply `);

    const badRecords = await subreg([
      '--json',
      'import',
      'apply',
      importId,
      '--tenant',
      slug,
      '--list',
      'telecom',
      '--records',
      '1,x',
    ]);
    expect(JSON.parse(badRecords.stderr).error.code).toBe('RECORDS_INVALID');
    const applied = await subreg([
      '--json',
      'import',
      'apply',
      importId,
      '--tenant',
      slug,
      '--list',
      'telecom',
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ status: 'applied', appliedSummary: { added: 39 } });
    const again = await subreg([
      '--json',
      'import',
      'apply',
      importId,
      '--tenant',
      slug,
      '--list',
      'telecom',
    ]);
    expect(JSON.parse(again.stderr).error.code).toBe('IMPORT_NOT_PENDING');

    const shownBefore = await subreg(['--json', 'list', 'show', '--tenant', slug, '--list', 'telecom']);
    const view = JSON.parse(shownBefore.stdout);
    expect(view).toMatchObject({ slug: 'telecom', entryCount: 39, versions: [] });
    // The list is addressed by slug or by id, the same everywhere.
    const published = await subreg([
      '--json',
      'publish',
      '--tenant',
      slug,
      '--list',
      view.id,
      '--summary',
      'first',
    ]);
    expect(published.code, published.stderr).toBe(0);
    const shown = await subreg(['list', 'show', '--tenant', slug, '--list', 'telecom']);
    expect(shown.stdout).toContain('latest version: 1');
    const all = await subreg(['--json', 'list', 'list', '--tenant', slug]);
    expect(JSON.parse(all.stdout).map((l: { slug: string }) => l.slug)).toEqual(['telecom']);
  }, 180_000);

  it('refuses to create a second, empty embedded database while a server runs on another data directory', async () => {
    // A stand-in for a running `subreg start`: a live process recorded as a server.
    const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const folder = path.join(os.tmpdir(), `subreg-${process.getuid?.() ?? 'user'}`, 'servers');
    fs.mkdirSync(folder, { recursive: true });
    const record = path.join(folder, `${server.pid}.json`);
    const serverDir = path.join(tmp, 'server-data');
    fs.writeFileSync(
      record,
      JSON.stringify({
        pid: server.pid,
        url: 'http://127.0.0.1:3999',
        dataDir: serverDir,
        databases: 'embedded',
      }),
    );
    try {
      const fresh = path.join(tmp, 'fresh');
      fs.mkdirSync(fresh);
      const r = await subreg(['--json', 'list', 'list', '--tenant', 'x'], false, {
        env: { DATA_DIR: path.join(fresh, 'data') },
      });
      expect(r.code).toBe(1);
      const err = JSON.parse(r.stderr).error;
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.message).toContain(`DATA_DIR=${serverDir}`);
      expect(fs.existsSync(path.join(fresh, 'data', 'pg'))).toBe(false);

      // DATA_DIR from a .env file in the working directory counts as configuration too.
      fs.writeFileSync(path.join(fresh, '.env'), `DATA_DIR=${path.join(fresh, 'from-env')}\n`);
      const viaEnv = await subreg(['--json', 'list', 'list', '--tenant', 'x'], false, {
        cwd: fresh,
        env: { DATA_DIR: undefined },
      });
      expect(JSON.parse(viaEnv.stderr).error.message).toContain(path.join(fresh, 'from-env'));
    } finally {
      server.kill();
      fs.rmSync(record, { force: true });
    }
  }, 60_000);

  it.runIf(process.getuid?.() === 0)(
    'as root, in a folder the postgres user cannot enter, stops with one line that says what to do',
    async () => {
      const priv = path.join(tmp, 'private');
      fs.mkdirSync(priv, { mode: 0o700 });
      fs.chmodSync(tmp, 0o755);
      fs.chmodSync(priv, 0o700);
      const r = await subreg(['list', 'list', '--tenant', 'x'], false, {
        env: { DATA_DIR: path.join(priv, 'data') },
      });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cannot enter ${priv}`);
      expect(lines[0]).toMatch(/Run subreg as a normal user/);
    },
    60_000,
  );
});
