import type { Block, EntityType } from '../model.js';
import { GENERIC_HEADING_WORDS, normaliseHeader, THRESHOLDS } from './vocabulary.js';
import { typeFromHeading } from './entity-type.js';

const GENERIC = GENERIC_HEADING_WORDS;

/** Only says "the list" (in the words of the document's title too: "Stakater Subprocessors"). */
function isGeneric(text: string, titleWords: ReadonlySet<string>): boolean {
  const words = normaliseHeader(text).split(' ').filter(Boolean);
  return words.every((w) => GENERIC.has(w) || titleWords.has(w) || /^\d+$/.test(w) || /^[ivx]+$/.test(w));
}

/** How many paragraphs may stand between a heading and the entries it introduces. */
const MAX_GAP = THRESHOLDS.headingMaxGap;

export interface HeadingPath {
  /** nearest first */
  headings: { text: string; level: number }[];
  /** paragraphs between the nearest heading and this block */
  gap: number;
}

/** The heading path in force at each block index. */
export function headingPaths(blocks: readonly Block[]): HeadingPath[] {
  const stack: { text: string; level: number }[] = [];
  let gap = 0;
  let lastLine: number | undefined;
  return blocks.map((b) => {
    const path: HeadingPath = { headings: [...stack].reverse(), gap };
    if (b.kind === 'heading') {
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= b.level) stack.pop();
      stack.push({ text: b.text, level: b.level });
      gap = 0;
    } else if (b.kind === 'paragraph') {
      // Lines of one paragraph in extracted text come as paragraphs on adjacent lines: one gap.
      const line = b.pos.line;
      if (line === undefined || lastLine === undefined || line !== lastLine + 1) gap++;
      lastLine = line;
      return path;
    }
    lastLine = undefined;
    return path;
  });
}

export interface SectionMeaning {
  group: string | null;
  type: EntityType | null;
}

/**
 * Decides group and type for the record-bearing blocks. A heading right above entries (at
 * most two paragraphs between) that names a type ("Infrastructure sub-processors") gives the
 * type; one that names something else gives the group, but only when at least two such
 * headings each introduce entries: one heading over the only list is its title, not a group.
 */
export function sectionMeanings(
  paths: readonly HeadingPath[],
  title: string | null = null,
): SectionMeaning[] {
  const titleWords = new Set(title ? normaliseHeader(title).split(' ').filter(Boolean) : []);
  const owned = paths.map((p) => (p.gap <= MAX_GAP ? p.headings : p.headings.slice(1)));
  const type = owned.map((hs) => {
    for (const h of hs.slice(0, 2)) {
      const t = typeFromHeading(h.text);
      if (t) return t;
    }
    return null;
  });
  const groupOf = owned.map((hs, i) => {
    const candidates = paths[i] && paths[i].gap > MAX_GAP ? [] : hs;
    for (const h of candidates.slice(0, 3)) {
      if (h.text === title || typeFromHeading(h.text) || isGeneric(h.text, titleWords)) continue;
      return h.text;
    }
    return null;
  });
  const distinct = new Set(groupOf.filter((g): g is string => g !== null));
  return paths.map((_, i) => ({
    group: distinct.size >= 2 ? (groupOf[i] ?? null) : null,
    type: type[i] ?? null,
  }));
}
