import type { Block } from '../model.js';
import { collapseSpace, dropTrailingStop } from '../text-values.js';
import { labelledFields } from './labelled-fields.js';
import { looksLikeOrganisation } from './organisation.js';

/** What one sentence-style entry says, before it becomes records. */
export interface SentenceEntry {
  name: string;
  purpose?: string;
  location?: string;
  dataCategories?: string;
}

/** "Acme Ltd – Hosting of the platform. Processes account data. Location: EU." */
const NAME_THEN_SENTENCES = /^(.{2,120}?)\s+[–—-]\s+(.{3,})$/s;

/** A sentence that names the data by its verb ("Verarbeitet E-Mail", "Processes account data"). */
const PROCESSES =
  /^(?:verarbeitet(?:e daten)?|processes|processed data|processing of|data processed|traite|trata|elabora)\s*:?\s+/i;

/**
 * One paragraph per sub-processor, written as sentences: the name up to a dash, the first
 * sentence as the purpose, "Processes …" as the data, and labelled sentences ("Location: EU",
 * "Standort: …") as their fields. Labels with no field (safeguards, certifications) are left out.
 */
export function sentenceEntry(text: string): SentenceEntry | null {
  const m = NAME_THEN_SENTENCES.exec(text.trim());
  if (!m?.[1] || !m[2] || !looksLikeOrganisation(m[1])) return null;
  const entry: SentenceEntry = { name: collapseSpace(m[1]) };
  for (const sentence of sentences(m[2])) {
    const fields = labelledFields(sentence);
    if (fields.length > 0) {
      for (const f of fields) {
        if (f.meaning.role === 'location' && !entry.location) entry.location = dropTrailingStop(f.value);
        else if (f.meaning.role === 'purpose' && !entry.purpose) entry.purpose = dropTrailingStop(f.value);
        else if (f.meaning.role === 'dataCategories' && !entry.dataCategories)
          entry.dataCategories = dropTrailingStop(f.value);
      }
      continue;
    }
    if (/^[^:]{2,40}:\s/.test(sentence)) continue; // a label with no field: "Safeguards: DPA, SCC"
    const data = PROCESSES.exec(sentence);
    if (data && !entry.dataCategories)
      entry.dataCategories = dropTrailingStop(sentence.slice(data[0].length));
    else if (!entry.purpose) entry.purpose = dropTrailingStop(sentence);
  }
  return entry.purpose || entry.location ? entry : null;
}

/** Sentences end at ". " before a capital letter, not inside brackets ("(z. B. Belgien)"). */
function sentences(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === '.' && depth === 0 && startsSentence(text, i + 1)) {
      const before = text.slice(start, i);
      if (/\b(?:inc|ltd|co|corp|bzw|z\.b|e\.g|i\.e|etc|nr|no)$/i.test(before.trim())) continue;
      out.push(collapseSpace(text.slice(start, i + 1)));
      start = i + 1;
    }
  }
  const rest = collapseSpace(text.slice(start));
  if (rest) out.push(rest);
  return out.filter(Boolean);
}

const NEXT_SENTENCE = /\s+\p{Lu}/uy;
/** White space then a capital letter at `at`: a new sentence begins (looked at in place). */
function startsSentence(text: string, at: number): boolean {
  NEXT_SENTENCE.lastIndex = at;
  return NEXT_SENTENCE.test(text);
}

/** The paragraphs of a run of sentence-style entries; at least two in a row, or none. */
export function sentenceEntryRuns(
  blocks: readonly Block[],
): { at: number; entry: SentenceEntry; block: Block }[] {
  const found: { at: number; entry: SentenceEntry; block: Block }[] = [];
  let run: typeof found = [];
  const close = () => {
    if (run.length >= 2) found.push(...run);
    run = [];
  };
  blocks.forEach((b, at) => {
    // Bullets are read as bullets (prose-records); these are paragraphs.
    if (b.kind !== 'paragraph') {
      close();
      return;
    }
    const entry = sentenceEntry(b.text);
    if (entry) run.push({ at, entry, block: b });
    else close();
  });
  close();
  return found;
}
