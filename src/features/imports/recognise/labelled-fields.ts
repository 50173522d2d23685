import { collapseSpace } from '../text-values.js';
import { type ColumnMeaning, headerMeaning, isColumnTitle } from './header.js';

/** One "Label: value" of an entry written as fields ("Name: Acme Ltd", "Location: Germany"). */
export interface LabelledField {
  meaning: ColumnMeaning;
  value: string;
}

/**
 * "Label: value". The label may carry a long remark in brackets, as the EU standard clauses'
 * annex does ("Description of processing (including a clear delimitation of ...): ...").
 */
const KEY_VALUE = /^\s*((?:[^:()]|\([^()]*\)){2,200}?)\s*[:：]\s*(.+)$/s;

/** A label's meaning, its remarks in brackets set aside. */
export function labelMeaning(label: string): ColumnMeaning | null {
  const bare = collapseSpace(label.replace(/\([^()]*\)/g, ' '));
  return bare.length >= 2 && bare.length <= 60 ? headerMeaning(bare) : null;
}

/**
 * The labelled fields of one paragraph: usually one, but a Word paragraph with line breaks
 * holds them all ("Name: Acme Ltd Address: 1 Main St Location of processing: Ireland"). A
 * field starts where a colon follows exactly a column title, so "Acme SARL Address:" splits
 * before "Address". A value's unknown labels ("Contact person: ...") stay in the value before.
 */
export function labelledFields(text: string): LabelledField[] {
  const kv = KEY_VALUE.exec(text);
  const first = kv?.[1] ? labelMeaning(kv[1]) : null;
  if (!kv?.[2] || !first) return [];
  const fields: LabelledField[] = [{ meaning: first, value: kv[2] }];
  // Bounded: a paragraph of an entry holds a handful of fields, not thousands.
  while (fields.length < MAX_FIELDS) {
    const last = fields[fields.length - 1] as LabelledField;
    const split = nextLabel(last.value);
    if (!split) break;
    last.value = split.before;
    fields.push({ meaning: split.meaning, value: split.after });
  }
  return fields
    .map((f) => ({ ...f, value: collapseSpace(f.value) }))
    .filter((f) => f.value && f.meaning.role !== 'other');
}

const MAX_LABEL_WORDS = 8;
const MAX_FIELDS = 40;
/** How far before a colon its label may start: eight words, with a remark in brackets. */
const LABEL_WINDOW = 400;

function nextLabel(value: string): { before: string; meaning: ColumnMeaning; after: string } | null {
  const colon = /\s*[:：]\s+/g;
  for (let m = colon.exec(value); m; m = colon.exec(value)) {
    // Only the words just before the colon can be its label: look no further back than that,
    // so a paragraph of many colons is read in linear time.
    const from = Math.max(0, m.index - LABEL_WINDOW);
    const head = value.slice(from, m.index).replace(/\s*\([^()]*\)\s*$/, '');
    const words = head.split(/\s+/);
    // The longest run of last words that is exactly a column title is the label.
    const firstWord = from > 0 ? 1 : 0; // a word cut by the window is not a whole word
    for (let n = Math.min(MAX_LABEL_WORDS, words.length - 1 - firstWord); n >= 1; n--) {
      const label = words.slice(-n).join(' ');
      if (!isColumnTitle(label)) continue;
      const meaning = labelMeaning(label);
      if (!meaning) continue;
      const before = `${value.slice(0, from)}${words.slice(0, -n).join(' ')}`;
      return { before, meaning, after: value.slice(m.index + m[0].length) };
    }
  }
  return null;
}
