import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/platform/mail/mailer.js';
import { listOutbox } from '../src/platform/mail/outbox.js';
import { subreg } from './support/cli.js';
import { type Harness, createHarness, uniqueSlug } from './support/harness.js';
import { Mailbox, confirmationLink } from './support/smtp.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-mail-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('mail without an SMTP server: the outbox', () => {
  it('writes one RFC 5322 .eml file per message, logs where, and lists them newest first', async () => {
    const dataDir = path.join(dir, 'plain');
    const lines: string[] = [];
    const mailer = createMailer({
      smtpUrl: null,
      from: 'subreg <no-reply@example.test>',
      dataDir,
      log: (l) => lines.push(l),
    });
    expect(mailer.mode).toBe('outbox');
    const first = await mailer.send({ to: 'dpo@example.test', subject: 'First', text: 'Hello' });
    const second = await mailer.send({
      to: 'Zoë <zoe@example.test>',
      subject: 'Änderung der Unterauftragsverarbeiter – 30 Tage',
      text: 'Grüße\nLine two',
    });
    expect(lines).toEqual([`mail written to ${first.file}`, `mail written to ${second.file}`]);
    expect(path.dirname(first.file!)).toBe(path.join(dataDir, 'outbox'));
    expect(path.basename(first.file!)).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}\.eml$/);

    const raw = await fs.readFile(second.file!);
    expect(raw.toString('latin1')).toMatch(/\r\n\r\n/);
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/); // CRLF line ends only
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Änderung der Unterauftragsverarbeiter – 30 Tage');
    expect(parsed.from?.value[0]).toMatchObject({ name: 'subreg', address: 'no-reply@example.test' });
    expect(parsed.text?.trim()).toBe('Grüße\nLine two');
    expect(parsed.messageId).toBe(second.messageId);

    const listed = await listOutbox(dataDir);
    expect(listed.map((m) => [m.subject, m.to, m.file])).toEqual([
      ['Änderung der Unterauftragsverarbeiter – 30 Tage', 'Zoë <zoe@example.test>', second.file],
      ['First', 'dpo@example.test', first.file],
    ]);
    expect(Date.parse(listed[0]!.date)).toBeGreaterThan(Date.now() - 60_000);
    expect(await listOutbox(path.join(dir, 'none'))).toEqual([]);
  });

  it('`subreg mail outbox` lists them (newest first: date, to, subject, file)', async () => {
    const dataDir = path.join(dir, 'cli');
    const mailer = createMailer({ smtpUrl: null, from: 'subreg <a@example.test>', dataDir, log: () => {} });
    await mailer.send({ to: 'one@example.test', subject: 'One', text: '1' });
    const two = await mailer.send({ to: 'two@example.test', subject: 'Two', text: '2' });
    const env = { DATA_DIR: dataDir };
    const json = await subreg(['--json', 'mail', 'outbox'], false, { env });
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.outbox).toBe(path.join(dataDir, 'outbox'));
    expect(out.items.map((m: { to: string; subject: string }) => `${m.to} ${m.subject}`)).toEqual([
      'two@example.test Two',
      'one@example.test One',
    ]);
    expect(out.items[0]).toEqual({
      date: expect.any(String),
      to: 'two@example.test',
      subject: 'Two',
      file: two.file,
    });
    const text = await subreg(['mail', 'outbox'], false, { env });
    expect(text.stdout.split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z {2}two@example\.test {2}Two$/);
  }, 120_000);

  it('sign-up without SMTP leaves the confirmation in the outbox, and its link works', async () => {
    const h: Harness = await createHarness();
    try {
      const dataDir = path.join(dir, 'signup');
      const lines: string[] = [];
      h.deps.mail = createMailer({
        smtpUrl: null,
        from: h.deps.config.mailFrom,
        dataDir,
        log: (l) => lines.push(l),
      });
      const slug = uniqueSlug('ob');
      const asked = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: {
          email: `${slug}@example.test`,
          password: 'a long password',
          tenant: { slug, name: 'Outbox Co', region: 'eu-west' },
        },
      });
      expect(asked.statusCode).toBe(202);
      expect(lines).toHaveLength(1);
      const [entry] = await listOutbox(dataDir);
      expect(entry?.to).toBe(`${slug}@example.test`);
      const mail = await simpleParser(await fs.readFile(entry!.file));
      const confirmed = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup/confirm',
        payload: { token: confirmationLink(mail).token },
      });
      expect(confirmed.statusCode, confirmed.body).toBe(201);
    } finally {
      await h.close();
    }
  });
});

describe('mail over SMTP', () => {
  it('goes to the configured server; a server that is down is a 503 that says to retry', async () => {
    const box = await Mailbox.start();
    const mailer = createMailer({
      smtpUrl: box.url,
      from: 'subreg <a@example.test>',
      dataDir: dir,
      log: () => {},
    });
    try {
      expect(mailer.mode).toBe('smtp');
      const sent = await mailer.send({ to: 'x@example.test', subject: 'Über', text: 'Body' });
      expect(sent.file).toBeNull();
      expect(box.only('x@example.test').subject).toBe('Über');
    } finally {
      mailer.close();
      await box.close();
    }
    const down = createMailer({
      smtpUrl: box.url,
      from: 'subreg <a@example.test>',
      dataDir: dir,
      log: () => {},
    });
    await expect(down.send({ to: 'x@example.test', subject: 'S', text: 'B' })).rejects.toMatchObject({
      status: 503,
      code: 'MAIL_UNAVAILABLE',
    });
    down.close();
  });
});
