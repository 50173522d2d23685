/**
 * The whole stylesheet, inlined in <head>: no external requests, no JavaScript, no web fonts.
 * Works under `default-src 'none'; style-src 'unsafe-inline'`. Colours meet WCAG 2.2 AA.
 */
export const STYLES = `
:root{--ink:#1a1f29;--muted:#4a5363;--line:#d5dae2;--soft:#f4f6f9;--bg:#fff;--field:#6b7484;--accent:#0b4f8a;--accent-ink:#fff;--warn:#7a4b00;--warn-bg:#fff4dc;--add:#0f5f2c;--add-bg:#e3f4e8;--remove:#8f1d1d;--remove-bg:#fbe6e6;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--ink:#e7eaf0;--muted:#b3bccb;--line:#3b4452;--soft:#1b2028;--bg:#11151b;--field:#8d97a8;--accent:#8cc4ff;--accent-ink:#0b1a2b;--warn:#ffd38a;--warn-bg:#33270f;--add:#8ee0a6;--add-bg:#12301d;--remove:#ffaaaa;--remove-bg:#3a1616}}
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.55;color:var(--ink);background:var(--bg)}
a{color:var(--accent);text-underline-offset:.15em}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--accent);color:var(--accent-ink);padding:.5rem 1rem;z-index:10}
.skip:focus{left:0}
header.site,footer.site{border-bottom:1px solid var(--line);background:var(--soft)}
footer.site{border-top:1px solid var(--line);border-bottom:0;margin-top:3rem;color:var(--muted);font-size:.875rem}
.wrap{max-width:72rem;margin:0 auto;padding:1rem 1.25rem}
header.site .wrap{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline;justify-content:space-between}
.brand{font-weight:700;color:var(--ink);text-decoration:none}
nav.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem;font-size:.9rem}
nav.crumbs li+li::before{content:"/";margin-right:.25rem;color:var(--muted)}
main{display:block}
h1{font-size:clamp(1.6rem,1.2rem + 1.6vw,2.25rem);line-height:1.2;margin:.5rem 0 .75rem}
h2{font-size:1.35rem;margin:2.25rem 0 .75rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
p,li,dd{max-width:70ch;overflow-wrap:anywhere}
.meta{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;color:var(--muted);margin:0 0 1rem;padding:0;list-style:none}
.badge{display:inline-block;border:1px solid currentColor;border-radius:.25rem;padding:0 .4rem;font-size:.8rem;font-weight:600;letter-spacing:.02em;white-space:nowrap}
.classification{color:var(--warn);background:var(--warn-bg)}
.type{color:var(--accent)}
.notice{border-left:4px solid var(--warn);background:var(--warn-bg);padding:.75rem 1rem;margin:1rem 0}
.intro{font-size:1.05rem}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;align-items:end;background:var(--soft);border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:1rem 0}
form.filters label{display:block;font-size:.875rem;font-weight:600;margin-bottom:.25rem}
input,select,button{font:inherit;min-height:2.5rem}
input,select{width:100%;padding:.35rem .5rem;border:1px solid var(--field);border-radius:.25rem;background:var(--bg);color:var(--ink)}
button{background:var(--accent);color:var(--accent-ink);border:0;border-radius:.25rem;padding:.4rem 1rem;cursor:pointer;font-weight:600}
.count{margin:.5rem 0 0;color:var(--muted)}
nav.pager ul{list-style:none;margin:1rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse;margin:.5rem 0 1rem;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.25rem 0 .5rem;font-size:.95rem;color:var(--muted)}
th,td{text-align:left;vertical-align:top;padding:.6rem .6rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
/* fixed layout: a 5,000-character name wraps inside its column instead of starving the others */
table.stack{table-layout:fixed}
table.entries thead th:nth-child(1){width:25%}
table.entries thead th:nth-child(2){width:15%}
table.entries thead th:nth-child(3){width:17%}
table.entries thead th:nth-child(4){width:25%}
table.history thead th:nth-child(1){width:18%}
table.history thead th:nth-child(2),table.history thead th:nth-child(3){width:19%}
table.former thead th:nth-child(1){width:32%}
table.former thead th:nth-child(3){width:26%}
thead th{background:var(--soft);font-size:.85rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.names{display:block;color:var(--muted);font-size:.875rem;font-weight:400}
td ul{margin:0;padding-left:1.1rem}
dl.defs dt{font-weight:700;margin-top:.75rem}
dl.defs dd{margin:0 0 .25rem}
dl.pairs{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.4rem 1rem}
dl.pairs dt{font-weight:600;color:var(--muted)}
dl.pairs dd{margin:0}
.print-only{display:none;font-size:.85rem}
.iso{color:var(--muted);font-variant-numeric:tabular-nums}
.disclaimer{font-size:.9rem;color:var(--muted)}
.was{font-size:.8rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.changes{border:1px solid var(--line);border-radius:.5rem;padding:0 1.25rem 1rem;margin:1.5rem 0}
.changes h2{margin-top:1rem}
.added{color:var(--add)}
.removed{color:var(--remove)}
ins{text-decoration:none;background:var(--add-bg);color:var(--add)}
del{background:var(--remove-bg);color:var(--remove)}
.exports{display:flex;flex-wrap:wrap;gap:.5rem 1rem;padding:0;list-style:none}
.cards{list-style:none;padding:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}
.cards li{border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem}
.cards h3{margin:0 0 .25rem}
.meta-line{color:var(--muted);margin:0}
.note{flex-basis:100%;margin:0;font-size:.85rem;color:var(--muted)}
form.subscribe{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-top:.75rem}
form.subscribe div{flex:1 1 12rem}
form.subscribe label{display:block;font-size:.875rem;font-weight:600}
@media (max-width:56rem){
  /* tables become stacked cards: each cell says what it is, nothing scrolls sideways */
  table.stack thead{position:absolute;left:-9999px}
  table.stack tr{display:block;border:1px solid var(--line);border-radius:.5rem;margin:0 0 .75rem;padding:.25rem .5rem}
  table.stack,table.stack tbody,table.stack caption{display:block}
  table.stack td,table.stack th[scope=row]{display:block;width:auto;border:0;padding:.35rem .25rem;min-width:0}
  table.stack td[data-label]::before{content:attr(data-label);display:block;font-size:.75rem;font-weight:700;text-transform:uppercase;color:var(--muted)}
  dl.pairs{grid-template-columns:1fr}
  .meta{gap:.25rem 1rem}
}
@media print{
  .skip,form,nav.crumbs,nav.pager,.downloads,footer.site{display:none!important}
  .print-only{display:block!important;color:#000}
  :root{--ink:#000;--muted:#333;--bg:#fff;--soft:#fff;--accent:#000;--add:#000;--remove:#000;--add-bg:#fff;--remove-bg:#fff}
  .changes,.notice{break-inside:avoid}
  header.site{background:none;border:0}
  body{font-size:10.5pt}
  a{color:inherit;text-decoration:none}
  tr,li,dd{break-inside:avoid}
  h2{break-after:avoid}
  .classification{border:1px solid #000;color:#000;background:none}
}
`;
