import { type Html, html, raw, text } from './html.js';
import { STYLES } from './styles.js';

export interface PageFrame {
  title: string;
  tenantName: string;
  tenantSlug: string;
  crumbs: { label: string; href?: string }[];
  /** <link rel="alternate"> feeds of this page */
  feeds?: { type: string; title: string; href: string }[];
  /** <link rel="prev"/"next"> of a paged list */
  links?: { rel: string; href: string }[];
  body: Html;
}

/**
 * The document around every public page: one <h1> inside body, landmarks, a skip link.
 * Self-contained by design, so the routes can send
 *   Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'
 * one inline <style>, no script, no font, no external request; the favicon is a data: URL.
 */
export function layout(p: PageFrame): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title}</title>
<meta name="robots" content="index, follow">
<link rel="icon" href="data:,">
${(p.feeds ?? []).map((f) => html`<link rel="alternate" type="${f.type}" title="${f.title}" href="${f.href}">\n`)}
${(p.links ?? []).map((l) => html`<link rel="${l.rel}" href="${l.href}">\n`)}
<style>${raw(STYLES)}</style>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="site"><div class="wrap">
<a class="brand" href="/t/${p.tenantSlug}">${text(p.tenantName)}</a>
<nav class="crumbs" aria-label="Breadcrumb"><ol>${p.crumbs.map((c, i) =>
    c.href && i < p.crumbs.length - 1
      ? html`<li><a href="${c.href}">${text(c.label)}</a></li>`
      : html`<li><span aria-current="page">${text(c.label)}</span></li>`,
  )}</ol></nav>
</div></header>
<main id="content"><div class="wrap">
${p.body}
</div></main>
<footer class="site"><div class="wrap">Published with subreg. This page works without JavaScript and prints as a document.</div></footer>
</body>
</html>
`.value;
}
