import {
  countUnsafeChars,
  describeChar,
  findUnsafeChar,
  stripUnsafeChars,
} from '../../platform/unsafe-chars.js';
import type { Block, Position } from './model.js';

/**
 * What leaves the readers, with the characters nothing can store removed (NUL, other control
 * characters, lone surrogates, U+FFFE/U+FFFF: see platform/unsafe-chars.ts). They carry no
 * meaning in a list (stray bytes of a PDF's text layer, a Word field code, a broken export);
 * refusing the whole file for them would make people hunt invisible characters in a document
 * they did not write. The file itself is kept as uploaded, and a warning says what was removed
 * and where the first one was.
 */
export function cleanBlocks(blocks: Block[]): { blocks: Block[]; warning: string | null } {
  let count = 0;
  let first: { codePoint: number; pos: Position } | null = null;
  const clean = (value: string, pos: Position): string => {
    const found = findUnsafeChar(value);
    if (!found) return value;
    count += countUnsafeChars(value);
    first ??= { codePoint: found.codePoint, pos };
    return stripUnsafeChars(value);
  };
  const out = blocks.map((b): Block => {
    const pos = b.pos.sheet === undefined ? b.pos : { ...b.pos, sheet: clean(b.pos.sheet, b.pos) };
    if (b.kind === 'item' && b.lead !== undefined)
      return { ...b, pos, text: clean(b.text, b.pos), lead: clean(b.lead, b.pos) };
    if (b.kind !== 'table') return { ...b, pos, text: clean(b.text, b.pos) };
    return {
      ...b,
      pos,
      rows: b.rows.map((r) => ({ ...r, cells: r.cells.map((c) => clean(c, r.pos)) })),
    };
  });
  if (!first) return { blocks, warning: null };
  const { codePoint, pos } = first as { codePoint: number; pos: Position };
  const where = [
    pos.sheet !== undefined ? `sheet "${stripUnsafeChars(pos.sheet)}"` : '',
    pos.page !== undefined ? `page ${pos.page}` : '',
    pos.line !== undefined ? `line ${pos.line}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return {
    blocks: out,
    warning:
      `Removed ${count} character${count === 1 ? '' : 's'} that cannot be stored or published ` +
      `(the first: ${describeChar(codePoint)}${where ? ` at ${where}` : ''}). ` +
      'Check the records read from there; the uploaded file is kept unchanged.',
  };
}
