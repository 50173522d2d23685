import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loggerOptions } from '../src/platform/logger.js';
import { subreg } from './support/cli.js';
import { type Harness, bearer, createHarness, makeTenant } from './support/harness.js';
import { multipartFile } from './support/multipart.js';

/** Log lines, as pino writes them to a stream. */
class Capture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
}

const MARK = 'PARAMBYTES-';
const MB = 1024 * 1024;
const FORCED = 'force-db-error.csv';

/** A database that refuses one file name: a 500 on demand, deep inside a real insert. */
async function withRefusingTrigger<T>(fn: () => Promise<T>): Promise<T> {
  const region = inject('dbTargets').regions.find((r) => r.id === 'eu-west')!;
  const owner = new pg.Client({ connectionString: region.url });
  await owner.connect();
  await owner.query(`CREATE OR REPLACE FUNCTION test_refuse_import() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.file_name = '${FORCED}' THEN RAISE EXCEPTION 'refused by test trigger' USING ERRCODE = 'XX000'; END IF;
      RETURN NEW;
    END $$`);
  await owner.query('DROP TRIGGER IF EXISTS test_refuse_import ON imports');
  await owner.query(
    'CREATE TRIGGER test_refuse_import BEFORE INSERT ON imports FOR EACH ROW EXECUTE FUNCTION test_refuse_import()',
  );
  try {
    return await fn();
  } finally {
    await owner.query('DROP TRIGGER IF EXISTS test_refuse_import ON imports');
    await owner.end();
  }
}

function bigCsv(): Buffer {
  const rows = ['Name,Purpose,Location'];
  let size = 0;
  for (let i = 0; size < MB; i++) {
    const row = `Vendor ${i} Ltd,${MARK.repeat(8)},Germany`;
    rows.push(row);
    size += row.length + 1;
  }
  return Buffer.from(rows.join('\n'));
}

let h: Harness;
const capture = new Capture();
beforeAll(async () => {
  h = await createHarness({ logStream: capture });
});
afterAll(() => h.close());

describe('errors in logs and on the terminal', () => {
  it('a real driver error with a 1 MB parameter logs a short line without the parameter', async () => {
    const t = await makeTenant(h);
    const big = `{"v":"${MARK.repeat(MB / MARK.length)}\\u0000"}`;
    const err = await h.deps.dbs
      .withTenant(t.tenant, (tx) => tx.execute(sql`select ${big}::jsonb as v`))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeTruthy();
    expect(String((err as Error).message).length).toBeGreaterThan(MB); // what used to be logged
    const out = new Capture();
    pino(loggerOptions('info'), out).error({ err }, 'request failed');
    const line = out.lines.join('\n');
    expect(line.length).toBeLessThan(4096);
    expect(line).not.toContain(MARK);
    const logged = JSON.parse(line).err;
    expect(logged.params.values[0]).toMatch(/^string\(\d+\) sha256:[0-9a-f]{12}$/);
    expect(logged.cause.code).toBe('22P05'); // what the database refused is still there
  });

  it('a 500 of the API logs one short line: no query parameters, no request body', async () => {
    const t = await makeTenant(h);
    const list = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'main', title: 'Sub-processors' },
    });
    const body = multipartFile(FORCED, bigCsv());
    const res = await withRefusingTrigger(() =>
      h.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${t.tenant.slug}/lists/${list.json().id}/imports`,
        headers: { ...bearer(t.write), ...body.headers },
        payload: body.payload,
      }),
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain(MARK);
    const requestId = res.json().requestId;
    const lines = capture.lines.filter((l) => l.includes(requestId));
    const failed = lines.find((l) => l.includes('request failed'));
    expect(failed).toBeDefined();
    expect(failed!.length).toBeLessThan(4096);
    for (const l of lines) expect(l).not.toContain(MARK);
    expect(JSON.parse(failed!).err.cause.message).toBe('refused by test trigger');
  });

  it('the CLI prints one line with the problem code, never SQL or data', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-err-'));
    try {
      const t = await makeTenant(h);
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${t.tenant.slug}/lists`,
        headers: bearer(t.write),
        payload: { slug: 'main', title: 'Sub-processors' },
      });
      const file = path.join(dir, FORCED);
      await fs.writeFile(file, bigCsv());
      const args = ['import', file, '--tenant', t.tenant.slug, '--list', 'main'];
      const [text, json] = await withRefusingTrigger(() =>
        Promise.all([subreg(args), subreg(['--json', ...args])]),
      );
      expect(text.code).toBe(1);
      // Besides the line that says which database the command used, one line: the problem.
      const problem = text.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('subreg: using '));
      expect(problem).toHaveLength(1);
      expect(problem[0]).toMatch(
        /^subreg: DATABASE_ERROR: The database refused the operation \(SQLSTATE XX000: refused by test trigger\)/,
      );
      expect(text.stderr).not.toMatch(/insert into|PARAMBYTES/i);
      expect(json.stderr.length).toBeLessThan(1000);
      expect(JSON.parse(json.stderr).error.code).toBe('DATABASE_ERROR');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
