/** Cleaning of cell and line values: what a careful person would copy from the document. */

/** Collapses runs of white space (including line breaks inside a cell) into one space. */
export function collapseSpace(value: string): string {
  return value.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
}

/**
 * Joins the lines of one wrapped value: a line ending in a hyphen after a letter ("end-" /
 * "customer") continues the word without a space, as do a break at a slash ("Hardware/" / "bare
 * metal") and a line that starts with a comma or a full stop (a narrow column wrapped before
 * it); any other break is one space.
 */
export function joinWrappedLines(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines.flatMap((l) => l.split('\n'))) {
    const line = collapseSpace(raw);
    if (!line) continue;
    if (!out) out = line;
    else if (/\p{L}[-/]$/u.test(out) || /^[,;.:)](?:\s|$)|^\/\S/.test(line)) out += line;
    else out += ` ${line}`;
  }
  return out;
}

/** Drops one trailing full stop from a sentence-like value, not from an ellipsis or "etc.". */
export function dropTrailingStop(value: string): string {
  if (!value.endsWith('.') || value.endsWith('..')) return value;
  if (/\b(etc|inc|ltd|co|corp|bv|llc)\.$/i.test(value)) return value;
  return value.slice(0, -1).trimEnd();
}

/** Cells of page-break debris: stray single letters, bullets, rules, page numbers. */
export function isDebrisCell(value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  return /^(?:[•·●▪■◦*\-–—_=|]+|\p{L}|\d{1,3})$/u.test(v);
}

export function nullIfEmpty(value: string): string | null {
  return value === '' ? null : value;
}
