import type { MailMessage } from '../../platform/mail/mailer.js';
import { esc, headerSafe, humanDay, unsubscribeHeaders } from '../notices/mail-text.js';

/** The request to approve or refuse a change, sent to each contact of a customer under specific authorisation. */
export function approvalRequestMail(p: {
  to: string;
  messageId: string;
  tenantName: string;
  organisation: string;
  listTitle: string;
  versionNumber: number;
  effectiveAt: Date;
  diffUrl: string;
  decideUrl: string;
  unsubscribeUrl: string;
}): MailMessage {
  const day = humanDay(p.effectiveAt);
  const text = [
    `${p.tenantName} intends to change its sub-processors ("${p.listTitle}", version ${p.versionNumber}) on ${day}.`,
    '',
    `Under your contract, ${p.organisation} gave specific authorisation: this change needs your approval, and it does not take effect for ${p.organisation} until you approve it.`,
    '',
    `What changes: ${p.diffUrl}`,
    '',
    `Approve or refuse (before ${day}), with your reasons:`,
    p.decideUrl,
    '',
    'This link is personal: it records your decision in your name. Do not forward it.',
    '',
    `To stop these messages: ${p.unsubscribeUrl}`,
  ].join('\n');
  const html = [
    `<p>${esc(p.tenantName)} intends to change its sub-processors (“${esc(p.listTitle)}”, version ${p.versionNumber}) on <strong>${esc(day)}</strong>.</p>`,
    `<p>Under your contract, ${esc(p.organisation)} gave specific authorisation: this change needs your approval, and it does not take effect for ${esc(p.organisation)} until you approve it.</p>`,
    `<p><a href="${esc(p.diffUrl)}">What changes</a></p>`,
    `<p><a href="${esc(p.decideUrl)}">Approve or refuse</a> before ${esc(day)}, with your reasons. This link is personal: do not forward it.</p>`,
    `<p style="color:#555;font-size:small"><a href="${esc(p.unsubscribeUrl)}">Stop these messages</a></p>`,
  ].join('\n');
  return {
    to: p.to,
    messageId: p.messageId,
    subject: headerSafe(`Approval needed: sub-processor change from ${p.tenantName} on ${day}`, 200),
    text,
    html,
    headers: unsubscribeHeaders(p.unsubscribeUrl),
  };
}
