import { DOCUMENT_FIELD_LABELS, FIELD_LABELS, fieldWords } from '../../../domain/field-labels.js';
import { replaceUnsafeChars } from '../../../platform/unsafe-chars.js';
import type { PublicListView, VersionSummary } from '../../../domain/public-view.js';

export interface FeedItem {
  id: string;
  url: string;
  title: string;
  summary: string;
  published: string;
  effective: string;
}

/** At most this many names per kind in one item: a first version of 500 entries stays readable. */
const MAX_NAMES = 50;

const names = (label: string, list: string[]) =>
  list.length === 0
    ? []
    : [
        `${label}: ${list.slice(0, MAX_NAMES).join('; ')}${list.length > MAX_NAMES ? `; and ${list.length - MAX_NAMES} more` : ''}.`,
      ];

/** What a version changed, in words: who was added, removed, and which fields of whom changed. */
function describeChanges(v: VersionSummary): string {
  const c = v.changes;
  if (!c) return `${v.counts.added} added, ${v.counts.removed} removed, ${v.counts.changed} changed.`;
  const lines = [
    ...names(
      v.number === 1 ? 'Sub-processors' : 'Added',
      c.added.map((e) => e.legalName),
    ),
    ...names(
      'Removed',
      c.removed.map((e) => e.legalName),
    ),
    ...names(
      'Changed',
      c.changed.map(
        (e) =>
          `${e.legalName} (${fieldWords(
            e.changes.map((f) => f.field),
            FIELD_LABELS,
          )})`,
      ),
    ),
    ...(c.documentFields.length > 0
      ? [`Document: ${fieldWords(c.documentFields, DOCUMENT_FIELD_LABELS)} changed.`]
      : []),
  ];
  return lines.join('\n');
}

/**
 * When the version applies, in words that stay true after the date (renderings are cached per
 * version): one announced ahead (effective over a minute after publishing, the trust page's
 * rule) "takes effect on" its date and names the version that applies until then.
 */
function effectiveWords(v: VersionSummary): string {
  const day = v.effectiveAt.slice(0, 10);
  const announced = new Date(v.effectiveAt).getTime() - new Date(v.publishedAt).getTime() > 60_000;
  if (!announced) return `In effect from ${day}.`;
  return `Takes effect on ${day}${v.number > 1 ? `; until then, version ${v.number - 1} applies` : ''}.`;
}

/** One item per version, newest first; the text says what changed and when it takes effect. */
export function feedItems(view: PublicListView): FeedItem[] {
  const base = `${view.baseUrl}/t/${view.tenant.slug}/${view.version.snapshot.document.slug}`;
  return view.history.map((v: VersionSummary) => ({
    id: `${base}/versions/${v.number}`,
    url: `${base}/versions/${v.number}`,
    title: `Version ${v.number}${v.summary ? `: ${v.summary}` : ''}`,
    summary: `${v.number === 1 ? 'First published version.\n' : ''}${describeChanges(v)}\n${effectiveWords(v)}`,
    published: v.publishedAt,
    effective: v.effectiveAt,
  }));
}

/** XML text: escaped, and characters XML 1.0 forbids (controls, U+FFFF...) replaced. */
export function xmlText(s: string): string {
  return replaceUnsafeChars(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
