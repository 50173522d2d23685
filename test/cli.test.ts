import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { regionEnvKey } from '../src/platform/config.js';
import { TEST_AUDIT_ENV } from './support/audit-keys.js';
import { uniqueSlug } from './support/harness.js';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../bin/subreg.mjs');

/** The CLI configured exactly as a production user would: environment variables. */
function env(): NodeJS.ProcessEnv {
  const t = inject('dbTargets');
  const e: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    CONTROL_DATABASE_URL: t.controlUrl,
    LOG_LEVEL: 'silent',
    ...TEST_AUDIT_ENV,
  };
  for (const r of t.regions) e[regionEnvKey(r.id, 'DATABASE_URL')] = r.url;
  return e;
}

async function subreg(args: string[]) {
  try {
    const r = await run(process.execPath, [bin, ...args], { env: env(), timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('the subreg CLI', () => {
  it('creates a tenant (printing a write token), a read token, and verifies the audit chain', async () => {
    const slug = uniqueSlug('cli');
    const created = await subreg([
      '--json',
      'tenant',
      'create',
      '--slug',
      slug,
      '--name',
      'CLI Co',
      '--region',
      'us-central',
      '--owner-email',
      `${slug}@example.test`,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const out = JSON.parse(created.stdout);
    expect(out.tenant).toMatchObject({ slug, region: 'us-central' });
    expect(out.token).toMatch(/^srg_w_/);
    const token = await subreg(['--json', 'token', 'create', '--tenant', slug, '--scope', 'read']);
    expect(JSON.parse(token.stdout)).toMatchObject({ scope: 'read' });
    const verify = await subreg(['--json', 'audit', 'verify', '--tenant', slug]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, checked: 3 });
    const text = await subreg(['audit', 'verify', '--tenant', slug]);
    expect(text.stdout).toContain('intact (3 events)');
  }, 120_000);

  it('exits non-zero with a clear message on errors', async () => {
    const dup = await subreg([
      'tenant',
      'create',
      '--slug',
      'Bad Slug',
      '--name',
      'x',
      '--region',
      'eu-west',
      '--owner-email',
      'a@example.test',
    ]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('slug');
    const region = await subreg([
      '--json',
      'tenant',
      'create',
      '--slug',
      uniqueSlug(),
      '--name',
      'x',
      '--region',
      'mars',
      '--owner-email',
      'a@example.test',
    ]);
    expect(region.code).toBe(1);
    expect(JSON.parse(region.stderr).error.code).toBe('UNKNOWN_REGION');
    const missing = await subreg(['audit', 'verify', '--tenant', 'no-such-tenant']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no-such-tenant');
    const usage = await subreg(['tenant', 'create']);
    expect(usage.code).toBe(2);
  }, 120_000);

  it('prints help', async () => {
    const help = await subreg(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['start', 'migrate', 'tenant', 'token', 'audit']) expect(help.stdout).toContain(cmd);
  });
});
