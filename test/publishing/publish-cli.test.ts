import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subreg } from '../support/cli.js';
import { type Harness, bearer, createHarness, makeTenant } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('subreg publish and subreg export', () => {
  it('publishes the draft and exports any version in every format', async () => {
    const t = await makeTenant(h);
    const base = `/api/v1/tenants/${t.tenant.slug}`;
    const list = await h.app.inject({
      method: 'POST',
      url: `${base}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'platform', title: 'Platform sub-processors', visibility: 'private' },
    });
    for (const name of ['Acme Ltd', 'Beta GmbH']) {
      await h.app.inject({
        method: 'POST',
        url: `${base}/lists/${list.json().id}/entries`,
        headers: bearer(t.write),
        payload: { entity: { legalName: name }, locations: ['UK'] },
      });
    }
    const published = await subreg([
      '--json',
      'publish',
      '--tenant',
      t.tenant.slug,
      '--list',
      'platform',
      '--summary',
      'From the CLI',
    ]);
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({
      number: 1,
      summary: 'From the CLI',
      counts: { added: 2 },
    });
    const again = await subreg(['--json', 'publish', '--tenant', t.tenant.slug, '--list', 'platform']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe('NOTHING_TO_PUBLISH');

    // A private list still exports for its operator.
    const csv = await subreg(['export', '--tenant', t.tenant.slug, '--list', 'platform', '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = parseCsv(csv.stdoutBytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['Legal name'])).toEqual(['Acme Ltd', 'Beta GmbH']);
    const file = path.join(os.tmpdir(), `subreg-export-${process.pid}.pdf`);
    const pdf = await subreg([
      'export',
      '--tenant',
      t.tenant.slug,
      '--list',
      'platform',
      '--format',
      'pdf',
      '--version',
      '1',
      '--output',
      file,
    ]);
    expect(pdf.code, pdf.stderr).toBe(0);
    const { text } = await extractText(new Uint8Array(fs.readFileSync(file)), { mergePages: true });
    expect(text).toContain('Beta GmbH');
    fs.rmSync(file, { force: true });

    const bad = await subreg([
      '--json',
      'export',
      '--tenant',
      t.tenant.slug,
      '--list',
      'platform',
      '--format',
      'docx',
    ]);
    expect(JSON.parse(bad.stderr).error.code).toBe('FORMAT_INVALID');
    const missing = await subreg([
      '--json',
      'export',
      '--tenant',
      t.tenant.slug,
      '--list',
      'platform',
      '--format',
      'json',
      '--version',
      '7',
    ]);
    expect(JSON.parse(missing.stderr).error.code).toBe('VERSION_NOT_FOUND');
  }, 120_000);
});
