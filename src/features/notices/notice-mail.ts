import type { MailMessage } from '../../platform/mail/mailer.js';
import { FIELD_LABELS } from '../../domain/field-labels.js';
import type { ChangeSet, SnapshotEntry } from '../../domain/public-view.js';
import { esc, headerSafe, humanDay, unsubscribeHeaders } from './mail-text.js';

/**
 * The messages of change notices. Subjects carry staff text (tenant name, list title) made
 * header-safe; bodies carry it escaped (HTML) or as is (text). Every message has the one-click
 * unsubscribe headers.
 */

export function confirmationMail(p: {
  to: string;
  confirmUrl: string;
  unsubscribeUrl: string;
  tenantName: string;
  listTitle: string | null;
  hours: number;
}): MailMessage {
  const what = p.listTitle
    ? `changes to "${p.listTitle}" of ${p.tenantName}`
    : `changes to the sub-processor lists of ${p.tenantName}`;
  return {
    to: p.to,
    subject: headerSafe(`Confirm: notices of sub-processor changes from ${p.tenantName}`),
    text: [
      `Someone, hopefully you, asked to be told by email of ${what}.`,
      '',
      `To confirm, open this link within ${p.hours} hours:`,
      '',
      p.confirmUrl,
      '',
      'If you did not ask for this, ignore this message: you will receive nothing more.',
    ].join('\n'),
    headers: unsubscribeHeaders(p.unsubscribeUrl),
  };
}

const show = (v: string | string[] | boolean | null) =>
  v === null || v === '' ? '(none)' : Array.isArray(v) ? v.join('; ') || '(none)' : String(v);

const entryLine = (e: SnapshotEntry) =>
  [e.legalName, e.purpose, e.locations.map((l) => l.written).join('; ')].filter((x) => x).join(' · ');

/** What every recipient of a notice reads alike. */
export interface NoticeShared {
  tenantName: string;
  listTitle: string;
  listUrl: string;
  diffUrl: string;
  versionNumber: number;
  effectiveAt: Date;
  emergencyReason: string | null;
  summary: string | null;
  changes: ChangeSet;
}

/** What is one recipient's own: the address, the Message-ID and the signed links. */
export interface NoticePersonal {
  to: string;
  messageId: string;
  objectUrl: string;
  unsubscribeUrl: string;
  /** the subscriber's preferences page (preferences.service.ts preferencesUrl), shown next to unsubscribe */
  preferencesUrl?: string | undefined;
}

export type NoticeContent = NoticeShared & NoticePersonal;

/**
 * A notice's message, composed once per notice: the subject and everything of the bodies up to
 * the personal links are built here, and each recipient's message only appends its links (a
 * fan-out to 100,000 does not format the change list 100,000 times).
 */
export function noticeMailFor(n: NoticeShared): (p: NoticePersonal) => MailMessage {
  const day = humanDay(n.effectiveAt);
  const c = n.changes;
  const text: string[] = [
    `${n.tenantName} will change its sub-processor list "${n.listTitle}" on ${day} (${n.effectiveAt.toISOString()}).`,
  ];
  if (n.emergencyReason)
    text.push(
      '',
      `This is an emergency notice, shorter than the usual notice period. Reason: ${n.emergencyReason}`,
    );
  if (n.summary) text.push('', `Summary: ${n.summary}`);
  if (c.added.length) text.push('', 'Added:', ...c.added.map((e) => `  + ${entryLine(e)}`));
  if (c.removed.length) text.push('', 'Removed:', ...c.removed.map((e) => `  - ${entryLine(e)}`));
  if (c.changed.length) {
    text.push('', 'Changed:');
    for (const e of c.changed) {
      text.push(`  * ${e.legalName}`);
      for (const f of e.changes)
        text.push(`      ${FIELD_LABELS[f.field] ?? f.field}: ${show(f.before)} -> ${show(f.after)}`);
    }
  }
  text.push(
    '',
    `The list: ${n.listUrl}`,
    `What changed: ${n.diffUrl}`,
    '',
    `To object to this change before ${day}, use your personal link (do not forward it):`,
  );
  const textHead = `${text.join('\n')}\n`;
  const li = (items: string[]) => `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
  const html: string[] = [
    `<p><strong>${esc(n.tenantName)}</strong> will change its sub-processor list “${esc(n.listTitle)}” on <strong>${esc(day)}</strong>.</p>`,
  ];
  if (n.emergencyReason)
    html.push(
      `<p><strong>Emergency notice</strong> (shorter than the usual notice period): ${esc(n.emergencyReason)}</p>`,
    );
  if (n.summary) html.push(`<p>${esc(n.summary)}</p>`);
  if (c.added.length) html.push('<h2>Added</h2>', li(c.added.map((e) => esc(entryLine(e)))));
  if (c.removed.length) html.push('<h2>Removed</h2>', li(c.removed.map((e) => esc(entryLine(e)))));
  if (c.changed.length)
    html.push(
      '<h2>Changed</h2>',
      li(
        c.changed.map(
          (e) =>
            `${esc(e.legalName)}${li(e.changes.map((f) => `${esc(FIELD_LABELS[f.field] ?? f.field)}: <del>${esc(show(f.before))}</del> → <ins>${esc(show(f.after))}</ins>`))}`,
        ),
      ),
    );
  html.push(`<p><a href="${esc(n.listUrl)}">The list</a> · <a href="${esc(n.diffUrl)}">What changed</a></p>`);
  const htmlHead = `${html.join('\n')}\n`;
  const dayHtml = esc(day);
  const subject = headerSafe(`${n.tenantName}: sub-processor change on ${day} (${n.listTitle})`, 200);
  return (p) => ({
    to: p.to,
    subject,
    text: `${textHead}${p.objectUrl}\n\n${footerLines(p.unsubscribeUrl, p.preferencesUrl).join('\n')}`,
    html: `${htmlHead}<p><a href="${esc(p.objectUrl)}">Object to this change</a> (before ${dayHtml}; your personal link, do not forward it)</p>\n<p><small><a href="${esc(p.unsubscribeUrl)}">Stop these notices</a>${p.preferencesUrl ? ` · <a href="${esc(p.preferencesUrl)}">Your preferences</a>` : ''}</small></p>`,
    messageId: p.messageId,
    headers: unsubscribeHeaders(p.unsubscribeUrl),
  });
}

/** The personal links that end every message's text: stop these notices, and (when given) preferences. */
function footerLines(unsubscribeUrl: string, preferencesUrl?: string): string[] {
  return [
    `To stop these notices: ${unsubscribeUrl}`,
    ...(preferencesUrl ? [`Your preferences: ${preferencesUrl}`] : []),
  ];
}

export function noticeMail(n: NoticeContent): MailMessage {
  return noticeMailFor(n)(n);
}

export function withdrawalMail(p: {
  to: string;
  messageId: string;
  tenantName: string;
  listTitle: string;
  versionNumber: number;
  effectiveAt: Date;
  reason: string | null;
  listUrl: string;
  unsubscribeUrl: string;
  /** as in noticeMail: the subscriber's preferences page, next to unsubscribe */
  preferencesUrl?: string | undefined;
}): MailMessage {
  const day = humanDay(p.effectiveAt);
  return {
    to: p.to,
    subject: headerSafe(
      `${p.tenantName}: the change announced for ${day} is withdrawn (${p.listTitle})`,
      200,
    ),
    text: [
      `${p.tenantName} has withdrawn the change to "${p.listTitle}" it announced for ${day}. It will not take effect.`,
      ...(p.reason ? ['', `Reason: ${p.reason}`] : []),
      '',
      `The list as it stands: ${p.listUrl}`,
      '',
      ...footerLines(p.unsubscribeUrl, p.preferencesUrl),
    ].join('\n'),
    messageId: p.messageId,
    headers: unsubscribeHeaders(p.unsubscribeUrl),
  };
}

export function objectionAnswerMail(p: {
  to: string;
  tenantName: string;
  listTitle: string;
  status: string;
  answer: string;
  unsubscribeUrl: string;
}): MailMessage {
  return {
    to: p.to,
    subject: headerSafe(`${p.tenantName} answered your objection (${p.listTitle})`, 200),
    text: [
      `${p.tenantName} answered your objection to the change of "${p.listTitle}".`,
      '',
      `Status: ${p.status}`,
      '',
      p.answer,
      '',
      ...footerLines(p.unsubscribeUrl),
    ].join('\n'),
    headers: unsubscribeHeaders(p.unsubscribeUrl),
  };
}

/** The short message, to those told of a change, that it now applies (lists that announce it). */
export function inEffectMail(p: {
  to: string;
  messageId: string;
  tenantName: string;
  listTitle: string;
  versionNumber: number;
  effectiveAt: Date;
  listUrl: string;
  diffUrl: string;
  unsubscribeUrl: string;
  preferencesUrl?: string | undefined;
}): MailMessage {
  const day = humanDay(p.effectiveAt);
  return {
    to: p.to,
    subject: headerSafe(
      `${p.tenantName}: the sub-processor change of ${day} is now in effect (${p.listTitle})`,
      200,
    ),
    text: [
      `The change to "${p.listTitle}" that ${p.tenantName} announced took effect on ${day}: version ${p.versionNumber} now applies.`,
      '',
      `What changed: ${p.diffUrl}`,
      `The list as it stands: ${p.listUrl}`,
      '',
      ...footerLines(p.unsubscribeUrl, p.preferencesUrl),
    ].join('\n'),
    messageId: p.messageId,
    headers: unsubscribeHeaders(p.unsubscribeUrl),
  };
}
