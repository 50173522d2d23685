import type { TableRow } from '../model.js';
import { collapseSpace, isDebrisCell } from '../text-values.js';
import { typeFromText } from './entity-type.js';
import type { ColumnMap } from './header.js';
import { isPlaceList } from './locations.js';
import { LEGAL_FORM_WORDS, THRESHOLDS } from './vocabulary.js';

/**
 * Column meanings from the cells when no header says them (a header lost in extraction, or a
 * table that never had one): names carry legal forms, locations are places, a type column holds
 * type words; of the remaining text columns the first is the purpose, the next the data.
 * Null unless a name column stands out and at least one other column means something.
 */
export function inferColumns(rows: readonly TableRow[]): ColumnMap | null {
  const sample = rows
    .filter((r) => r.cells.filter((c) => c.trim() && !isDebrisCell(c)).length >= 2)
    .slice(0, 200);
  if (sample.length < 3) return null;
  const width = Math.max(...sample.map((r) => r.cells.length));
  const stats = Array.from({ length: width }, (_, col) => {
    const cells = sample.map((r) => collapseSpace(r.cells[col] ?? '')).filter(Boolean);
    const share = (test: (c: string) => boolean) =>
      cells.length ? cells.filter(test).length / sample.length : 0;
    return {
      col,
      filled: cells.length / sample.length,
      org: share((c) => LEGAL_FORM_WORDS.test(c) && c.length < 160),
      place: share((c) => isPlaceList(c)),
      type: share((c) => typeFromText(c) !== null && c.split(' ').length <= 4),
      length: cells.reduce((n, c) => n + c.length, 0) / Math.max(cells.length, 1),
    };
  });
  const name = stats
    .filter((s) => s.org >= THRESHOLDS.inferredNameShare)
    .sort((a, b) => b.org - a.org || a.col - b.col)[0];
  if (!name) return null;
  const others = stats.filter((s) => s.col !== name.col && s.filled >= 0.5);
  const location = others
    .filter((s) => s.place >= THRESHOLDS.inferredPlaceShare)
    .sort((a, b) => b.place - a.place)[0];
  const type = others
    .filter((s) => s !== location && s.type >= THRESHOLDS.inferredTypeShare)
    .sort((a, b) => b.type - a.type)[0];
  const text = others
    .filter((s) => s !== location && s !== type && s.length >= 3)
    .sort((a, b) => a.col - b.col);
  const map: ColumnMap = {
    name: name.col,
    brand: undefined,
    location: location?.col,
    type: type?.col,
    purpose: text[0]?.col,
    dataCategories: text[1]?.col,
    group: undefined,
    width,
  };
  return map.location !== undefined || map.purpose !== undefined ? map : null;
}
