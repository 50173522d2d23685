import type { ListFilters } from '../../domain/public-view.js';
import { type Html, html } from './html.js';

/** Entries per page of a public list: a 4,000-entry list is 20 pages, each a few hundred KB. */
export const PAGE_SIZE = 200;

export interface Paging {
  /** 1-based */
  page: number;
  pages: number;
  /** index of the first entry shown (0-based) and one past the last */
  from: number;
  to: number;
  total: number;
}

export const pageCount = (total: number) => Math.max(1, Math.ceil(total / PAGE_SIZE));

export function paging(total: number, page = 1): Paging {
  const from = (page - 1) * PAGE_SIZE;
  return { page, pages: pageCount(total), from, to: Math.min(total, from + PAGE_SIZE), total };
}

/** The URL of one page with the same filters; page 1 is the list's own URL (the canonical one). */
export function pageHref(basePath: string, filters: ListFilters, page: number): string {
  const q = new URLSearchParams();
  for (const k of ['q', 'type', 'group', 'country'] as const) {
    const v = filters[k];
    if (v) q.set(k, v);
  }
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${basePath}?${s}` : basePath;
}

/** <link rel=prev/next> for the document head. */
export function pageLinks(p: Paging, href: (page: number) => string): { rel: string; href: string }[] {
  return [
    ...(p.page > 1 ? [{ rel: 'prev', href: href(p.page - 1) }] : []),
    ...(p.page < p.pages ? [{ rel: 'next', href: href(p.page + 1) }] : []),
  ];
}

/** The pager: a nav landmark with first / previous / page n of m / next / last; no JavaScript. */
export function pagerNav(p: Paging, href: (page: number) => string, where: 'top' | 'bottom'): Html {
  if (p.pages <= 1) return html``;
  const link = (page: number, label: string, rel?: string) =>
    html`<li><a href="${href(page)}"${rel ? html` rel="${rel}"` : ''}>${label}</a></li>`;
  return html`<nav class="pager" aria-label="Pages of the list${where === 'bottom' ? ' (end)' : ''}"><ul>
${p.page > 1 ? html`${link(1, 'First page')}${link(p.page - 1, 'Previous page', 'prev')}` : ''}
<li><span aria-current="page">Page ${p.page} of ${p.pages}</span></li>
${p.page < p.pages ? html`${link(p.page + 1, 'Next page', 'next')}${link(p.pages, 'Last page')}` : ''}
</ul></nav>`;
}
