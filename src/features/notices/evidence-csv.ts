import { csvCell } from '../publishing/exports/csv-export.js';
import type { NoticeEvidence } from './evidence.service.js';

type Cell = string | number | null;

/**
 * The evidence as one CSV in three blocks separated by a blank line, each with its own header
 * row: the notice (field, value), the messages (one row per delivery attempt, the recipient's
 * columns repeated so every row stands alone when filtered; a message never tried has one row
 * with empty attempt columns), then the objections. Cells go through the public export's
 * escaping (formula starts neutralised, unsafe characters replaced); UTF-8 with a BOM, CRLF.
 */
export function evidenceCsv(e: NoticeEvidence): Buffer {
  const n = e.notice;
  const rows: Cell[][] = [
    ['field', 'value'],
    ['workspace', e.tenant.name],
    ['list', e.list.title],
    ['list_slug', e.list.slug],
    ['notice_id', n.id],
    ['version', n.version],
    ['changes_against_version', n.baseVersion],
    ['published_at', n.publishedAt],
    ['effective_at', n.effectiveAt],
    ['emergency_reason', n.emergencyReason],
    ['withdrawn_at', n.withdrawnAt],
    ['withdrawn_reason', n.withdrawnReason],
    ['summary', n.summary],
    ['counts', `${n.counts.added} added, ${n.counts.removed} removed, ${n.counts.changed} changed`],
    ...n.changes.map((c): Cell[] => ['change', c]),
    ['recipients', e.recipients.filter((r) => r.kind === 'notice').length],
    ['fan_out', n.fanout === 'done' ? 'done' : 'pending: recipients are still being added'],
    ['objections', e.objections.length],
    ['webhook_calls', e.webhookCalls.length],
    ['exported_at', e.exportedAt],
    [],
    [
      'email',
      'organisation',
      'how_added',
      'added_at',
      'message',
      'message_id',
      'attempt',
      'attempt_at',
      'attempt_result',
      'smtp_response',
      'final_status',
      'sent_at',
      'last_error',
    ],
  ];
  for (const r of e.recipients) {
    const who: Cell[] = [r.email, r.organisation, r.howAdded, r.addedAt, r.kind, r.messageId];
    const end: Cell[] = [r.finalStatus, r.sentAt, r.lastError];
    if (r.attempts.length === 0) rows.push([...who, null, null, null, null, ...end]);
    for (const [i, a] of r.attempts.entries())
      rows.push([...who, i + 1, a.at, a.result, a.smtpResponse, ...end]);
  }
  rows.push(
    [],
    [
      'objection_received_at',
      'email',
      'organisation',
      'contact',
      'reason',
      'status',
      'answer',
      'answered_at',
      'answer_mailed_at',
    ],
  );
  for (const o of e.objections)
    rows.push([
      o.receivedAt,
      o.email,
      o.organisation,
      o.contact,
      o.reason,
      o.status,
      o.answer,
      o.answeredAt,
      o.answerMailedAt,
    ]);
  rows.push(
    [],
    [
      'webhook_endpoint',
      'webhook_id',
      'attempt',
      'attempt_at',
      'http_status',
      'attempt_error',
      'final_status',
      'delivered_at',
      'last_error',
    ],
  );
  for (const w of e.webhookCalls) {
    const end: Cell[] = [w.status, w.deliveredAt, w.lastError];
    if (w.attempts.length === 0) rows.push([w.endpointUrl, w.webhookId, null, null, null, null, ...end]);
    for (const [i, a] of w.attempts.entries())
      rows.push([w.endpointUrl, w.webhookId, i + 1, a.at, a.httpStatus, a.error, ...end]);
  }
  const lines = rows.map((r) => r.map((c) => csvCell(c === null ? '' : String(c))).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
