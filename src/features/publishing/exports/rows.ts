import { TYPE_LABELS } from '../../trust-page/format.js';
import type { PublicListView } from '../../../domain/public-view.js';

/** The tabular form every flat export (CSV, XLSX, PDF) shares, so they cannot disagree. */
export function exportRows(view: PublicListView): { header: string[]; rows: string[][] } {
  const header = [
    'Legal name',
    'Trading names',
    'Former names',
    'Type',
    'Section',
    'Locations',
    'Countries',
    'Purpose',
    'Data categories',
    'Transfer mechanism',
    'Optional',
  ];
  const rows = view.version.snapshot.entries.map((e) => [
    e.legalName,
    e.tradingNames.join('; '),
    e.formerNames.join('; '),
    e.type ? TYPE_LABELS[e.type] : '',
    e.group ?? '',
    e.locations.map((l) => l.written).join('; '),
    [...new Set(e.locations.flatMap((l) => l.countries))].join('; '),
    e.purpose ?? '',
    e.dataCategories ?? '',
    e.transferMechanism ?? '',
    e.optional ? 'yes' : '',
  ]);
  return { header, rows };
}
