import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { subreg } from '../support/cli.js';
import { bearer, createHarness, makeTenant } from '../support/harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

describe('subreg import', () => {
  it('--dry-run --json prints exactly the expected records of a seed, with no database', async () => {
    const seed = path.join(FIXTURES, 'seeds/000_af4bd0f1fa75d2e0');
    const r = await subreg(['import', `${seed}.txt`, '--dry-run', '--json'], false);
    expect(r.code, r.stderr).toBe(0);
    const expected = JSON.parse(fs.readFileSync(`${seed}.expected.json`, 'utf8')).records;
    expect(JSON.parse(r.stdout)).toEqual({ records: expected });
    expect(fs.existsSync(path.join(os.tmpdir(), `subreg-nodb-${process.pid}`))).toBe(false);
  });

  it('says why a document gives no records, and fails clearly on a file it cannot read', async () => {
    const faq = await subreg(
      ['import', path.join(FIXTURES, 'seeds/001_2934b9686cd441ce.txt'), '--dry-run', '--json'],
      false,
    );
    expect(JSON.parse(faq.stdout)).toMatchObject({ records: [], reason: expect.stringMatching(/no table/i) });
    const missing = await subreg(['import', '/nonexistent/list.pdf', '--dry-run', '--json'], false);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe('FILE_NOT_FOUND');
  });

  it('--tenant --list stores the import and prints the preview; --apply changes the draft', async () => {
    const h = await createHarness();
    try {
      const t = await makeTenant(h);
      const list = await h.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${t.tenant.slug}/lists`,
        headers: bearer(t.write),
        payload: { slug: 'telecom', title: 'Sub-processors' },
      });
      expect(list.statusCode).toBe(201);
      const file = path.join(FIXTURES, 'formats/004_28bb4da9730773a7.csv');
      const noList = await subreg(
        ['--json', 'import', file, '--tenant', t.tenant.slug, '--list', 'nope'],
        true,
      );
      expect(noList.code).toBe(1);
      expect(JSON.parse(noList.stderr).error.code).toBe('LIST_NOT_FOUND');

      const preview = await subreg(['import', file, '--tenant', t.tenant.slug, '--list', 'telecom'], true);
      expect(preview.code, preview.stderr).toBe(0);
      expect(preview.stdout).toContain('39 to add');
      const applied = await subreg(
        ['--json', 'import', file, '--tenant', t.tenant.slug, '--list', 'telecom', '--apply'],
        true,
      );
      expect(applied.code, applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout)).toMatchObject({ status: 'applied', appliedSummary: { added: 39 } });
      const entries = await h.app.inject({
        method: 'GET',
        url: `/api/v1/tenants/${t.tenant.slug}/lists/${list.json().id}/entries?limit=1&total=true`,
        headers: bearer(t.read),
      });
      expect(entries.json().total).toBe(39);
    } finally {
      await h.close();
    }
  }, 120_000);
});
