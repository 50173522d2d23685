import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/platform/mail/mailer.js';
import { type Harness, createHarness, makeTenant } from './support/harness.js';

let h: Harness;
let dataDir: string;
beforeAll(async () => {
  h = await createHarness();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-outbox-api-'));
  // this server has no SMTP: mail goes to DATA_DIR/outbox
  Object.assign(h.deps.config, { dataDir, smtpUrl: null });
  h.deps.mail = createMailer({ smtpUrl: null, from: h.deps.config.mailFrom, dataDir, log: () => {} });
});
afterAll(async () => {
  await h.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function signIn(email: string, password: string) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const value = res.cookies.find((c) => c.name === 'subreg_session')?.value;
  return { cookie: `subreg_session=${value}`, 'x-csrf-token': res.json().csrfToken as string };
}

describe('the mail outbox, per workspace', () => {
  it("owners list and download their workspace's messages only; names are checked before any path is made", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const mail = h.deps.mail!;
    await mail.send({
      to: 'dpo@customer.test',
      subject: 'For A: Grüße',
      text: 'hello A',
      tenantId: a.tenant.id,
    });
    await mail.send({ to: 'dpo@other.test', subject: 'For B', text: 'hello B', tenantId: b.tenant.id });
    await mail.send({ to: 'someone@example.test', subject: 'Password reset', text: 'nobody’s workspace' });
    const owner = await signIn(a.ownerEmail, a.password);
    const url = `/api/v1/tenants/${a.tenant.slug}/outbox`;

    const list = await h.app.inject({ method: 'GET', url, headers: owner });
    expect(list.statusCode, list.body).toBe(200);
    const body = list.json();
    expect(body.smtpConfigured).toBe(false);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ subject: 'For A: Grüße', to: 'dpo@customer.test' });
    expect(body.items[0].size).toBeGreaterThan(100);
    expect(body.items[0].file).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}\.eml$/);
    expect(body.items[0].file).not.toContain('/');

    const one = await h.app.inject({ method: 'GET', url: `${url}/${body.items[0].file}`, headers: owner });
    expect(one.statusCode).toBe(200);
    expect(one.headers['content-type']).toContain('message/rfc822');
    expect(one.headers['content-disposition']).toContain('attachment');
    expect(one.body).toContain('hello A');

    // B's message, by its real name, is not A's to read
    const bOwner = await signIn(b.ownerEmail, b.password);
    const bList = (
      await h.app.inject({ method: 'GET', url: `/api/v1/tenants/${b.tenant.slug}/outbox`, headers: bOwner })
    ).json();
    expect(bList.items.map((i: { subject: string }) => i.subject)).toEqual(['For B']);
    const foreign = await h.app.inject({
      method: 'GET',
      url: `${url}/${bList.items[0].file}`,
      headers: owner,
    });
    expect(foreign.statusCode).toBe(404);

    // a file outside the outbox that would match if names were not checked
    await fs.writeFile(
      path.join(dataDir, 'secret.eml'),
      `X-Subreg-Tenant: ${a.tenant.id}\r\n\r\nTOP-SECRET-BODY`,
    );
    for (const name of [
      '../secret.eml',
      '..%2Fsecret.eml',
      '%2e%2e%2fsecret.eml',
      '%2E%2E%2Fsecret.eml',
      '..%252Fsecret.eml',
      '..%5Csecret.eml',
      '%2e%2e/secret.eml',
      `${body.items[0].file}%00`,
      'x'.repeat(300),
    ]) {
      const r = await h.app.inject({ method: 'GET', url: `${url}/${name}`, headers: owner });
      expect([400, 404, 414], name).toContain(r.statusCode);
      expect(r.body, name).not.toContain('TOP-SECRET-BODY');
    }

    const encoded = await h.app.inject({ method: 'GET', url: `${url}/..%2Fsecret.eml`, headers: owner });
    expect(encoded.statusCode).toBe(400);
    expect(encoded.json().detail).toContain('a name from the outbox list');

    // owners only
    const viewerOf = await h.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${a.read}` },
    });
    expect(viewerOf.statusCode).toBe(403);
  });
});
