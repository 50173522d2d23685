import { COUNTRY_DISPLAY } from '../../domain/locations/index.js';
import type { ListFilters, PublicListView } from '../../domain/public-view.js';
import { entriesTable } from './entries-table.js';
import { filterEntries, groupEntries, isFiltered } from './filters.js';
import {
  DOCUMENT_FIELD_LABELS,
  FIELD_LABELS,
  TYPE_LABELS,
  fieldWords,
  humanDate,
  isoDate,
  plural,
} from './format.js';
import { type Html, html, isolate, orDash, text } from './html.js';
import { type Paging, pageHref, pagerNav, paging } from './pager.js';

const time = (iso: string) => html`<time datetime="${iso}">${humanDate(iso)}</time>`;
/** A date a reader can quote either way: "9 September 2024 (2024-09-09)". */
const timeIso = (iso: string) => html`${time(iso)} <span class="iso">(${isoDate(iso)})</span>`;

/**
 * The version as a document: heading, metadata, intro, filters, sections, definitions, notes.
 * `lead` goes right under the heading (a version page's banner and change set).
 */
export function listDocument(
  view: PublicListView,
  filters: ListFilters,
  basePath: string,
  lead: Html = html``,
): Html {
  const v = view.version;
  const doc = v.snapshot.document;
  const latest = view.history[0];
  const shown = filterEntries(v.snapshot.entries, filters);
  // Long lists are paged on the server (no JavaScript): sections continue across pages.
  const p = paging(shown.length, filters.page);
  const groups = groupEntries(shown.slice(p.from, p.to));
  const href = (page: number) => pageHref(basePath, filters, page);
  return html`
<h1>${text(doc.title)}</h1>
<ul class="meta">
${doc.classification ? html`<li><span class="badge classification">${text(doc.classification)}</span></li>` : ''}
<li>Last updated ${latest ? timeIso(latest.publishedAt) : ''}</li>
<li>Version ${v.number}${v.number < view.latestNumber ? html` of ${view.latestNumber}` : ''}</li>
<li>In effect from ${timeIso(v.effectiveAt)}</li>
${doc.author ? html`<li>Author: ${text(doc.author)}</li>` : ''}
</ul>
<p class="print-only">Source: ${view.baseUrl}${basePath} (dates in UTC)</p>
${lead}
${doc.intro ? html`<p class="intro">${text(doc.intro)}</p>` : ''}
${filterForm(view, filters, basePath, p)}
${pagerNav(p, href, 'top')}
${groups.length === 0 ? html`<p>No sub-processor matches these filters.</p>` : ''}
${groups.map(
  (g) => html`<section aria-label="${g.group ?? 'Sub-processors'}">
${g.group ? html`<h2>${text(g.group)}</h2>` : html`<h2>Sub-processors</h2>`}
${entriesTable(plural(g.entries.length, 'entry', 'entries'), g.entries)}
</section>`,
)}
${pagerNav(p, href, 'bottom')}
${doc.definitions.length ? html`<h2>Definitions</h2><dl class="defs">${doc.definitions.map((d) => html`<dt>${text(d.term)}</dt><dd>${text(d.definition)}</dd>`)}</dl>` : ''}
${doc.notes.length ? html`<h2>Notes</h2><ul>${doc.notes.map((n) => html`<li>${text(n)}</li>`)}</ul>` : ''}
${formerSection(view)}
${historySection(view, basePath)}
${exportsSection(view, basePath)}
${doc.disclaimer ? html`<h2>Disclaimer</h2><p class="disclaimer">${text(doc.disclaimer)}</p>` : ''}`;
}

function filterForm(view: PublicListView, f: ListFilters, basePath: string, p: Paging): Html {
  const entries = view.version.snapshot.entries;
  const groups = [...new Set(entries.map((e) => e.group).filter((g): g is string => !!g))];
  const types = [...new Set(entries.map((e) => e.type).filter((t) => t !== null))];
  const countries = [...new Set(entries.flatMap((e) => e.locations.flatMap((l) => l.countries)))].sort(
    (a, b) => (COUNTRY_DISPLAY.get(a) ?? a).localeCompare(COUNTRY_DISPLAY.get(b) ?? b),
  );
  const opt = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="${basePath}" role="search" aria-label="Filter the list">
<div><label for="f-q">Name</label><input id="f-q" name="q" type="search" value="${f.q ?? ''}" maxlength="100" autocomplete="off"></div>
<div><label for="f-type">Type</label><select id="f-type" name="type">${opt('', 'All types', !f.type)}${types.map((t) => opt(t, TYPE_LABELS[t], f.type === t))}</select></div>
${groups.length > 1 ? html`<div><label for="f-group">Section</label><select id="f-group" name="group">${opt('', 'All sections', !f.group)}${groups.map((g) => opt(g, isolate(g), f.group === g))}</select></div>` : ''}
<div><label for="f-country">Country</label><select id="f-country" name="country">${opt('', 'All countries', !f.country)}${countries.map((c) => opt(c, COUNTRY_DISPLAY.get(c) ?? c, f.country === c))}</select></div>
<div><button type="submit">Filter</button></div>
</form>
<p class="count" role="status">${
    p.pages > 1
      ? html`Showing ${p.from + 1}–${p.to} of ${plural(p.total, 'entry', 'entries')}${p.total < entries.length ? html` (${entries.length} in the list)` : ''}, page ${p.page} of ${p.pages}.`
      : html`Showing ${p.total} of ${plural(entries.length, 'entry', 'entries')}.`
  }${isFiltered(f) ? html` <a href="${basePath}">Clear filters</a>` : ''}</p>`;
}

function formerSection(view: PublicListView): Html {
  if (view.former.length === 0) return html``;
  return html`<h2>Former sub-processors</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Former sub-processors"><table class="stack former"><caption>No longer used, with the date they left</caption>
<thead><tr><th scope="col">Sub-processor</th><th scope="col">Purpose</th><th scope="col">Left on</th></tr></thead>
<tbody>${view.former.map((f) => html`<tr><th scope="row" data-label="Sub-processor">${text(f.entry.legalName)}</th><td data-label="Purpose">${orDash(f.entry.purpose)}</td><td data-label="Left on">${timeIso(f.leftAt)}, version ${f.removedInVersion}</td></tr>`)}</tbody></table></div>`;
}

function historySection(view: PublicListView, basePath: string): Html {
  const listPath = basePath.replace(/\/versions\/\d+$/, '');
  return html`<h2>Version history</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Version history"><table class="stack history"><caption>Every published version, newest first</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Published</th><th scope="col">In effect</th><th scope="col">Changes</th><th scope="col">Summary</th></tr></thead>
<tbody>${view.history.map(
    (h) => html`<tr>
<th scope="row" data-label="Version"><a href="${listPath}/versions/${h.number}">Version ${h.number}</a>${h.number === view.version.number ? ' (shown)' : ''}</th>
<td data-label="Published">${time(h.publishedAt)}</td><td data-label="In effect">${time(h.effectiveAt)}</td>
<td data-label="Changes">${h.number === 1 ? 'First published' : html`<span class="added">${h.counts.added} added</span>, <span class="removed">${h.counts.removed} removed</span>, ${h.counts.changed} changed`}</td>
<td data-label="Summary">${orDash(h.summary)}</td></tr>`,
  )}</tbody></table></div>`;
}

function exportsSection(view: PublicListView, basePath: string): Html {
  const v = view.version.number;
  const current = v === view.latestNumber;
  const listPath = basePath.replace(/\/versions\/\d+$/, '');
  const file = (ext: string) => (current ? `${listPath}.${ext}` : `${listPath}/versions/${v}.${ext}`);
  return html`<section class="downloads" aria-labelledby="downloads"><h2 id="downloads">Download and follow</h2>
<ul class="exports">
<li><a href="${file('pdf')}">PDF</a></li><li><a href="${file('xlsx')}">Excel</a></li><li><a href="${file('csv')}">CSV</a></li><li><a href="${file('json')}">JSON</a></li>
<li><a href="${listPath}/feed.atom">Atom feed</a></li><li><a href="${listPath}/feed.rss">RSS feed</a></li><li><a href="${listPath}/feed.json">JSON Feed</a></li>
</ul>
<p>Dates are in UTC (ISO: last updated ${isoDate(view.history[0]?.publishedAt ?? view.version.publishedAt)}).</p></section>`;
}

/** A change set, field by field, for a version page. */
export function changeSetSection(view: PublicListView, previousNumber: number | null): Html {
  const c = view.version.changes;
  if (previousNumber === null)
    return html`<section class="changes" aria-labelledby="changes"><h2 id="changes">Changes</h2><p>This is the first published version: every entry below is new.</p></section>`;
  return html`<section class="changes" aria-labelledby="changes"><h2 id="changes">Changes since version ${previousNumber}</h2>
${c.added.length ? html`<h3 class="added">Added</h3><ul>${c.added.map((e) => html`<li><ins>${text(e.legalName)}</ins>${e.purpose ? html`: ${text(e.purpose)}` : ''}</li>`)}</ul>` : ''}
${c.removed.length ? html`<h3 class="removed">Removed</h3><ul>${c.removed.map((e) => html`<li><del>${text(e.legalName)}</del></li>`)}</ul>` : ''}
${c.changed.length ? html`<h3>Changed</h3>${c.changed.map((ch) => html`<h4>${text(ch.legalName)}</h4><dl class="pairs">${ch.changes.map((f) => html`<dt>${FIELD_LABELS[f.field] ?? f.field}</dt><dd><span class="was">Before</span> <del>${text(show(f.before))}</del><br><span class="was">After</span> <ins>${text(show(f.after))}</ins></dd>`)}</dl>`)}` : ''}
${c.documentFields.length ? html`<p>Document details changed: ${fieldWords(c.documentFields, DOCUMENT_FIELD_LABELS)}.</p>` : ''}
${!c.added.length && !c.removed.length && !c.changed.length && !c.documentFields.length ? html`<p>No changes.</p>` : ''}</section>`;
}

const show = (v: string | string[] | boolean | null) =>
  Array.isArray(v) ? v.join(', ') : v === null ? '(none)' : String(v);
