import { safeJsonStrings } from '../../../platform/unsafe-chars.js';
import type { PublicListView } from '../../../domain/public-view.js';
import { feedItems, xmlText } from './feed-items.js';

const selfBase = (view: PublicListView) =>
  `${view.baseUrl}/t/${view.tenant.slug}/${view.version.snapshot.document.slug}`;
const titleOf = (view: PublicListView) => `${view.version.snapshot.document.title} · ${view.tenant.name}`;

export function atomFeed(view: PublicListView): Buffer {
  const base = selfBase(view);
  const items = feedItems(view);
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${xmlText(titleOf(view))}</title>
<id>${xmlText(base)}</id>
<link rel="self" type="application/atom+xml" href="${xmlText(`${base}/feed.atom`)}"/>
<link rel="alternate" type="text/html" href="${xmlText(base)}"/>
<updated>${items[0]?.published ?? view.version.publishedAt}</updated>
<author><name>${xmlText(view.tenant.name)}</name></author>
${items
  .map(
    (i) => `<entry>
<title>${xmlText(i.title)}</title>
<id>${xmlText(i.id)}</id>
<link rel="alternate" type="text/html" href="${xmlText(i.url)}"/>
<published>${i.published}</published>
<updated>${i.published}</updated>
<summary>${xmlText(i.summary)}</summary>
</entry>`,
  )
  .join('\n')}
</feed>
`;
  return Buffer.from(xml);
}

export function rssFeed(view: PublicListView): Buffer {
  const base = selfBase(view);
  const items = feedItems(view);
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${xmlText(titleOf(view))}</title>
<link>${xmlText(base)}</link>
<description>${xmlText(`Changes to ${view.version.snapshot.document.title}`)}</description>
<atom:link href="${xmlText(`${base}/feed.rss`)}" rel="self" type="application/rss+xml"/>
<lastBuildDate>${new Date(items[0]?.published ?? view.version.publishedAt).toUTCString()}</lastBuildDate>
${items
  .map(
    (i) => `<item>
<title>${xmlText(i.title)}</title>
<link>${xmlText(i.url)}</link>
<guid isPermaLink="true">${xmlText(i.id)}</guid>
<pubDate>${new Date(i.published).toUTCString()}</pubDate>
<description>${xmlText(i.summary)}</description>
</item>`,
  )
  .join('\n')}
</channel>
</rss>
`;
  return Buffer.from(xml);
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function jsonFeed(view: PublicListView): Buffer {
  const base = selfBase(view);
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: titleOf(view),
    home_page_url: base,
    feed_url: `${base}/feed.json`,
    authors: [{ name: view.tenant.name }],
    items: feedItems(view).map((i) => ({
      id: i.id,
      url: i.url,
      title: i.title,
      content_text: i.summary,
      date_published: i.published,
      _subreg: { effective_at: i.effective },
    })),
  };
  return Buffer.from(`${JSON.stringify(feed, safeJsonStrings, 2)}\n`);
}
