import type { Block, ProvenancedRecord } from '../model.js';
import { typeFromPurpose } from './entity-type.js';
import { isPlaceList } from './locations.js';
import { recordsFromProse } from './prose-records.js';
import { headingPaths, type SectionMeaning, sectionMeanings } from './sections.js';
import { recordsFromTable } from './table-records.js';
import { LOCATED_IN, NOT_SUBPROCESSORS } from './vocabulary.js';
import { rebuildFlattenedTables } from './flattened-table.js';

export interface Recognised {
  records: ProvenancedRecord[];
  warnings: string[];
}

/** `reason`: how an uncertain reading read the block, said to the user so they can check it. */
type Found = { at: number; records: ProvenancedRecord[]; reason?: string };

/**
 * Finds the records in a document's blocks: tables with a sub-processor header first; when
 * the document has none, entries written as bullets or one block per entry.
 */
export function recogniseRecords(read: readonly Block[]): Recognised {
  const { blocks, notes: flattened } = rebuildFlattenedTables(read);
  const paths = headingPaths(blocks);
  const none: SectionMeaning = { group: null, type: null };
  const found: Found[] = [];
  blocks.forEach((b, at) => {
    if (b.kind !== 'table') return;
    if (saysNotSubprocessors(blocks, at, paths[at]?.headings[0]?.text ?? '')) return;
    const records = recordsFromTable(b.rows, none, b.fragile);
    if (!records || records.length === 0) return;
    const rebuilt = b.rows[0] && flattened.get(b.rows[0]);
    found.push({ at, records, reason: rebuilt });
  });
  const warnings: string[] = [];
  if (found.length === 0) {
    for (const f of recordsFromProse(blocks)) found.push(f);
  }
  if (found.length === 0) {
    warnings.push(
      blocks.some((b) => b.kind === 'table')
        ? 'No table has a header naming the sub-processor (e.g. "Name", "Sub-processor", "Entity", "Vendor"), and no entries were found as bullets or sections.'
        : 'The document holds no table and no entries that look like a list of sub-processors (a name with a purpose or a location).',
    );
    return { records: [], warnings };
  }
  // The document's first heading is its title: never a group, and its words do not distinguish.
  const title = blocks.find((b) => b.kind === 'heading')?.text ?? null;
  const meanings = sectionMeanings(
    found.map((f) => paths[f.at] ?? { headings: [], gap: 0 }),
    title,
  );
  const carried = new Map<string, number>();
  const records = found.flatMap((f, i) => {
    const m = meanings[i] ?? none;
    const place = introducedPlace(blocks, f.at);
    const gets = place ? f.records.filter((r) => r.locations.length === 0).length : 0;
    if (place && gets > 0) carried.set(place, (carried.get(place) ?? 0) + gets);
    return f.records.map((r) => ({
      ...r,
      group: r.group ?? m.group,
      // A type column or heading says it; failing those, a purpose such as "Subsidiary".
      type: r.type ?? m.type ?? typeFromPurpose(r.purpose),
      locations: r.locations.length > 0 || !place ? r.locations : [place],
    }));
  });
  // Where the reading was a guess, say so: the user checks those records, not every record.
  for (const f of found) if (f.reason) warnings.push(`Unsure: ${f.reason}; check these entries.`);
  for (const [place, n] of carried)
    warnings.push(
      `Unsure: the place '${place}' is stated once for a list; given to its ${n} entr${n === 1 ? 'y' : 'ies'} that name none.`,
    );
  return { records, warnings };
}

/**
 * "These subprocessors are all located in the United States:" — a sentence ending in a colon
 * just before a list gives the place of every entry that names none itself.
 */
function introducedPlace(blocks: readonly Block[], at: number): string | null {
  let i = at - 1;
  while (i >= 0 && blocks[i]?.kind === 'item') i--;
  const b = blocks[i];
  // "Subprocessors operating within the European Union" as the heading of the list says it too.
  const states = b?.kind === 'heading' || (b?.kind === 'paragraph' && b.text.trim().endsWith(':'));
  if (!b || b.kind === 'table' || !states) return null;
  const m = LOCATED_IN.exec(b.text);
  return m?.[1] && isPlaceList(m[1]) ? m[1].trim() : null;
}

/**
 * "Third-party services (Not Subprocessors)": the heading over a table, or the heading or
 * sentence just above it (a printed page may lose the heading's size), says these are no entries.
 */
function saysNotSubprocessors(blocks: readonly Block[], at: number, heading: string): boolean {
  const says = (t: string) => t.length < 300 && NOT_SUBPROCESSORS.test(t);
  if (says(heading)) return true;
  for (let i = at - 1; i >= Math.max(0, at - 2); i--) {
    const b = blocks[i]!;
    if (b.kind === 'table' || b.kind === 'item') return false;
    if (says(b.text)) return true;
  }
  return false;
}
