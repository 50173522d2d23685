import type {
  ListFilters,
  PublicListView,
  PublicTenantView,
  PublishedVersion,
} from '../../domain/public-view.js';
import { humanDate, plural } from './format.js';
import { html, isolate, text } from './html.js';
import { layout } from './layout.js';
import { filterEntries } from './filters.js';
import { changeSetSection, listDocument } from './list-document.js';
import { pageCount, pageHref, pageLinks, paging } from './pager.js';

export { escapeHtml, html } from './html.js';

const feedsOf = (view: PublicListView) => {
  const base = `/t/${view.tenant.slug}/${view.version.snapshot.document.slug}`;
  const title = isolate(view.version.snapshot.document.title);
  return [
    { type: 'application/atom+xml', title: `${title} (Atom)`, href: `${base}/feed.atom` },
    { type: 'application/rss+xml', title: `${title} (RSS)`, href: `${base}/feed.rss` },
    { type: 'application/feed+json', title: `${title} (JSON Feed)`, href: `${base}/feed.json` },
  ];
};

/** The number of pages a version's page has for these filters (a later page is a 404). */
export function listPageCount(view: PublicListView, filters: ListFilters): number {
  return pageCount(filterEntries(view.version.snapshot.entries, filters).length);
}

const headLinks = (view: PublicListView, filters: ListFilters, basePath: string) =>
  pageLinks(paging(filterEntries(view.version.snapshot.entries, filters).length, filters.page), (page) =>
    pageHref(basePath, filters, page),
  );

/** /t/{tenant}/{list}: the current version as a document. */
export function renderListPage(view: PublicListView, filters: ListFilters): string {
  const doc = view.version.snapshot.document;
  const basePath = `/t/${view.tenant.slug}/${doc.slug}`;
  return layout({
    title: `${isolate(doc.title)} · ${isolate(view.tenant.name)}`,
    tenantName: view.tenant.name,
    tenantSlug: view.tenant.slug,
    crumbs: [{ label: view.tenant.name, href: `/t/${view.tenant.slug}` }, { label: doc.title }],
    feeds: feedsOf(view),
    links: headLinks(view, filters, basePath),
    body: html`${upcomingNote(view, basePath)}${listDocument(view, filters, basePath)}`,
  });
}

/**
 * A version announced ahead of its date says so: when it takes effect, what applies until then,
 * and how to object. A pure function of the version (renderings are cached by version), so it
 * stays true after the date too.
 */
export function upcomingNote(view: PublicListView, basePath: string) {
  const v = view.version;
  const announced = new Date(v.effectiveAt).getTime() - new Date(v.publishedAt).getTime() > 60_000;
  if (v.number < 2 || !announced) return html``;
  const c = v.counts;
  return html`<section class="notice upcoming" role="note" aria-labelledby="upcoming-h"><h2 id="upcoming-h">Change announced for <time datetime="${v.effectiveAt}">${humanDate(v.effectiveAt)}</time></h2>
<p>Version ${v.number} was published <time datetime="${v.publishedAt}">${humanDate(v.publishedAt)}</time> and takes effect on <strong>${humanDate(v.effectiveAt)}</strong>; until that date, <a href="${basePath}/versions/${v.number - 1}">version ${v.number - 1}</a> applies. <a href="${basePath}/versions/${v.number}">What changes</a>: ${plural(c.added, 'addition')}, ${plural(c.removed, 'removal')}, ${plural(c.changed, 'change')}.</p>
${v.emergencyReason ? html`<p><strong>Emergency notice</strong>, shorter than the usual notice period: ${text(v.emergencyReason)}</p>` : ''}
<p>To object, use the personal link in the notice emailed to subscribers before that date; to receive notices, subscribe on <a href="/t/${view.tenant.slug}">${text(view.tenant.name)}</a>’s page.</p></section>`;
}

/** /t/{tenant}/{list}/versions/{n}: a past (or the current) version and what it changed. */
export function renderVersionPage(
  view: PublicListView,
  previous: PublishedVersion | null,
  filters: ListFilters = {},
): string {
  const doc = view.version.snapshot.document;
  const listPath = `/t/${view.tenant.slug}/${doc.slug}`;
  const basePath = `${listPath}/versions/${view.version.number}`;
  const superseded = view.version.number < view.latestNumber;
  return layout({
    title: `${isolate(doc.title)}, version ${view.version.number} · ${isolate(view.tenant.name)}`,
    tenantName: view.tenant.name,
    tenantSlug: view.tenant.slug,
    crumbs: [
      { label: view.tenant.name, href: `/t/${view.tenant.slug}` },
      { label: doc.title, href: listPath },
      { label: `Version ${view.version.number}` },
    ],
    feeds: feedsOf(view),
    links: headLinks(view, filters, basePath),
    body: listDocument(
      view,
      filters,
      basePath,
      html`${superseded ? html`<p class="notice" role="note"><strong>This version has been superseded.</strong> Version ${view.version.number} was published ${humanDate(view.version.publishedAt)}. <a href="${listPath}">See the current version (${view.latestNumber})</a>.</p>` : ''}
${changeSetSection(view, previous?.number ?? null)}`,
    ),
  });
}

/** /t/{tenant}: the provider's lists, hosting statement and subscribe forms. */
export function renderTenantPage(view: PublicTenantView): string {
  const t = view.tenant;
  const h = t.hosting;
  return layout({
    title: `Sub-processors and hosting · ${isolate(t.name)}`,
    tenantName: t.name,
    tenantSlug: t.slug,
    crumbs: [{ label: t.name }],
    body: html`<h1>${text(t.name)}: sub-processors and hosting</h1>
<p class="intro">The companies that process personal data on behalf of ${text(t.name)}, and where your data is hosted.</p>
<h2>Sub-processor lists</h2>
${view.lists.length === 0 ? html`<p>No list has been published yet.</p>` : ''}
<ul class="cards">${view.lists.map(
      (l) => html`<li>
<h3><a href="/t/${t.slug}/${l.slug}">${text(l.title)}</a></h3>
<p class="meta-line">${l.lastUpdated ? html`${plural(l.entryCount, 'sub-processor')} · last updated <time datetime="${l.lastUpdated}">${humanDate(l.lastUpdated)}</time>` : 'Not published yet'}</p>
<form class="subscribe" method="post" action="/t/${t.slug}/${l.slug}/subscribe">
<div><label for="sub-${l.slug}">Email me when this list changes</label><input id="sub-${l.slug}" name="email" type="email" autocomplete="email" required maxlength="254" aria-describedby="sub-note-${l.slug}"></div>
<button type="submit">Subscribe</button>
<p class="note" id="sub-note-${l.slug}">We ask you to confirm your address first, and every email has an unsubscribe link. We use your address for nothing else.</p>
</form></li>`,
    )}</ul>
<h2>Where your data is hosted</h2>
<dl class="pairs">
<dt>Data region</dt><dd>${text(t.dataRegion.name)} (${t.dataRegion.id})${t.residency ? html`<br><small class="residency">${text(t.residency)}</small>` : ''}</dd>
${h?.provider ? html`<dt>Hosting provider</dt><dd>${text(h.provider)}</dd>` : ''}
${h?.region ? html`<dt>Hosting regions</dt><dd>${text(h.region)}</dd>` : ''}
${h?.segregation ? html`<dt>Tenant segregation</dt><dd>${text(h.segregation)}</dd>` : ''}
${h?.dataStored ? html`<dt>Data stored</dt><dd>${text(h.dataStored)}</dd>` : ''}
${h?.regionMoveInfo ? html`<dt>Another region</dt><dd>${text(h.regionMoveInfo)}</dd>` : ''}
${h?.contactEmail ? html`<dt>Contact</dt><dd><a href="mailto:${h.contactEmail}">${text(h.contactEmail)}</a></dd>` : ''}
</dl>`,
  });
}
