import type { SnapshotEntry } from '../../domain/public-view.js';
import { TYPE_LABELS } from './format.js';
import { type Html, html, orDash, text } from './html.js';

/** One section's entries as a table (stacked cards on narrow screens). */
export function entriesTable(caption: string, entries: readonly SnapshotEntry[]): Html {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table class="entries stack">
<caption>${text(caption)}</caption>
<thead><tr><th scope="col">Sub-processor</th><th scope="col">Type</th><th scope="col">Locations</th><th scope="col">Purpose</th><th scope="col">Data categories</th></tr></thead>
<tbody>${entries.map(entryRow)}</tbody>
</table></div>`;
}

function entryRow(e: SnapshotEntry): Html {
  return html`<tr>
<th scope="row" data-label="Sub-processor">${text(e.legalName)}${names(e)}${e.optional ? html` <span class="badge">Optional</span>` : ''}</th>
<td class="col-type" data-label="Type">${e.type ? html`<span class="badge type">${TYPE_LABELS[e.type]}</span>` : '—'}</td>
<td class="col-loc" data-label="Locations">${locations(e)}</td>
<td class="col-purpose" data-label="Purpose">${orDash(e.purpose)}${e.transferMechanism ? html` <span class="names">Transfer: ${text(e.transferMechanism)}</span>` : ''}</td>
<td data-label="Data categories">${orDash(e.dataCategories)}</td>
</tr>`;
}

function names(e: SnapshotEntry): Html {
  // the leading spaces keep "Ltd" and "trading as" apart for screen readers and copy-paste
  return html`${e.tradingNames.length ? html` <span class="names">trading as ${joinText(e.tradingNames)}</span>` : ''}${
    e.formerNames.length ? html` <span class="names">formerly ${joinText(e.formerNames)}</span>` : ''
  }`;
}

function locations(e: SnapshotEntry): Html {
  if (e.locations.length === 0) return html`—`;
  if (e.locations.length === 1) return text(e.locations[0]?.written);
  return html`<ul>${e.locations.map((l) => html`<li>${text(l.written)}</li>`)}</ul>`;
}

export const joinText = (items: readonly string[]) => items.map((n, i) => html`${i ? ', ' : ''}${text(n)}`);
