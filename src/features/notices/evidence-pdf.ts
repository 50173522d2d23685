import PDFDocument from 'pdfkit';
import { registerPdfFonts, toPrintable } from '../publishing/exports/pdf-export.js';
import type { NoticeEvidence } from './evidence.service.js';

const MARGIN = 40;
const WIDTH = 515;

/** Counts of the notice's own messages (not its withdrawal's) by final status. */
export function recipientCounts(e: NoticeEvidence) {
  const own = e.recipients.filter((r) => r.kind === 'notice');
  const by = (s: string) => own.filter((r) => r.finalStatus === s).length;
  return { recipients: own.length, sent: by('sent'), failed: by('failed'), skipped: by('skipped') };
}

/**
 * The evidence as an A4 document for a customer or an auditor: the notice (list, version,
 * dates, emergency reason, changes), the recipients with every delivery attempt and the final
 * status, then the objections with their answers. The same fonts as the public PDF export.
 */
export function evidencePdf(e: NoticeEvidence): Promise<Buffer> {
  const n = e.notice;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: toPrintable(`Evidence of change notice: ${e.list.title}, version ${n.version}`),
      Author: toPrintable(e.tenant.name),
      Producer: 'subreg',
      CreationDate: new Date(e.exportedAt),
    },
  });
  const { body, bold } = registerPdfFonts(pdf);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));
  const line = (text: string, size = 9.5, font = body) =>
    pdf.font(font).fontSize(size).text(toPrintable(text), MARGIN, undefined, { width: WIDTH });
  const heading = (text: string) => {
    if (pdf.y + 60 > pdf.page.height - MARGIN) pdf.addPage();
    pdf.moveDown(0.6);
    line(text, 13, bold);
    pdf.moveDown(0.2);
  };

  line('Evidence of change notice', 18, bold);
  pdf.fillColor('#444');
  line(`${e.tenant.name} · ${e.list.title} · exported ${e.exportedAt}`, 10);
  pdf.fillColor('#000').moveDown(0.6);
  const facts: [string, string | null][] = [
    ['Notice', n.id],
    ['Version', `${n.version} (changes against version ${n.baseVersion})`],
    ['Published at', n.publishedAt],
    ['Effective at', n.effectiveAt],
    ['Emergency reason', n.emergencyReason],
    ['Withdrawn at', n.withdrawnAt && `${n.withdrawnAt}: ${n.withdrawnReason ?? ''}`],
    ['Summary', n.summary],
    ['Changes', `${n.counts.added} added, ${n.counts.removed} removed, ${n.counts.changed} changed`],
    [
      'Fan-out',
      n.fanout === 'pending' ? 'still under way: the recipients below are those reached so far' : null,
    ],
  ];
  for (const [k, v] of facts) if (v) line(`${k}: ${v}`);
  for (const c of n.changes) line(`  • ${c}`, 9);

  const c = recipientCounts(e);
  heading('Recipients');
  line(
    `Recipients: ${c.recipients} (${c.sent} sent, ${c.failed} failed, ${c.skipped} skipped as unsubscribed or removed)`,
  );
  pdf.moveDown(0.3);
  for (const r of e.recipients) {
    if (pdf.y + 40 > pdf.page.height - MARGIN) pdf.addPage();
    line(
      `${r.email}${r.organisation ? ` (${r.organisation})` : ''}${r.kind === 'withdrawal' ? ' · withdrawal message' : r.kind === 'in_effect' ? ' · now in effect message' : ''}`,
      9.5,
      bold,
    );
    line(
      `${r.howAdded}${r.addedAt ? ` ${r.addedAt}` : ''} · final status: ${r.finalStatus}${r.sentAt ? ` at ${r.sentAt}` : ''} · Message-ID ${r.messageId}`,
      8.5,
    );
    if (r.attempts.length === 0) line(`  no attempt${r.lastError ? `: ${r.lastError}` : ''}`, 8.5);
    for (const [i, a] of r.attempts.entries())
      line(`  attempt ${i + 1}: ${a.at} ${a.result}${a.smtpResponse ? ` · ${a.smtpResponse}` : ''}`, 8.5);
    pdf.moveDown(0.3);
  }

  heading('Webhooks');
  if (e.webhookCalls.length === 0) line('No webhook endpoint was told of this version.');
  for (const w of e.webhookCalls) {
    if (pdf.y + 40 > pdf.page.height - MARGIN) pdf.addPage();
    line(
      `${w.endpointUrl} · webhook-id ${w.webhookId} · ${w.status}${w.deliveredAt ? ` ${w.deliveredAt}` : ''}`,
    );
    for (const [i, a] of w.attempts.entries())
      line(
        `  attempt ${i + 1}: ${a.at} ${a.httpStatus ?? 'no answer'}${a.error ? ` · ${a.error}` : ''}`,
        8.5,
      );
    pdf.moveDown(0.3);
  }

  heading('Objections');
  if (e.objections.length === 0) line('No objections were received.');
  for (const o of e.objections) {
    if (pdf.y + 60 > pdf.page.height - MARGIN) pdf.addPage();
    line(
      `${o.email}${o.organisation ? ` (${o.organisation})` : ''} · received ${o.receivedAt} · ${o.status}`,
      9.5,
      bold,
    );
    if (o.contact) line(`Contact: ${o.contact}`, 8.5);
    line(`Reason: ${o.reason}`, 8.5);
    if (o.answer)
      line(
        `Answer (${o.answeredAt ?? ''}${o.answerMailedAt ? `, mailed ${o.answerMailedAt}` : ''}): ${o.answer}`,
        8.5,
      );
    pdf.moveDown(0.3);
  }
  pdf.end();
  return done;
}
