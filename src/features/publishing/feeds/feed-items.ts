import type { PublicListView, VersionSummary } from '../public-view.js';

export interface FeedItem {
  id: string;
  url: string;
  title: string;
  summary: string;
  published: string;
  effective: string;
}

/** One item per version, newest first; the text says what changed and when it takes effect. */
export function feedItems(view: PublicListView): FeedItem[] {
  const base = `${view.baseUrl}/t/${view.tenant.slug}/${view.version.snapshot.document.slug}`;
  return view.history.map((v: VersionSummary) => ({
    id: `${base}/versions/${v.number}`,
    url: `${base}/versions/${v.number}`,
    title: `Version ${v.number}${v.summary ? `: ${v.summary}` : ''}`,
    summary:
      (v.number === 1
        ? `First published version.`
        : `${v.counts.added} added, ${v.counts.removed} removed, ${v.counts.changed} changed.`) +
      ` In effect from ${v.effectiveAt.slice(0, 10)}.`,
    published: v.publishedAt,
    effective: v.effectiveAt,
  }));
}

/** XML text: escaped, and characters XML 1.0 forbids (controls) removed. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
