/** Text items of a PDF page grouped into lines, and each line into segments (cells). */

export interface Segment {
  x: number;
  end: number;
  text: string;
  /** the text items it was joined from, so a table can cut it again at a column edge */
  parts: { x: number; end: number; text: string }[];
}

export interface Line {
  page: number;
  y: number;
  height: number;
  segments: Segment[];
}

export interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/** Items on the same baseline form a line; a gap wider than half the font size starts a new segment. */
export function linesOfPage(items: readonly PdfTextItem[], page: number): Line[] {
  const visible = items
    .filter((it) => it.str.trim() && it.height > 0)
    .map((it) => ({ x: it.transform[4] ?? 0, y: it.transform[5] ?? 0, w: it.width, h: it.height, s: it.str }))
    .sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const it of visible) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - it.y) <= Math.max(1.5, it.h * 0.3)) {
      addToLine(last, it);
    } else {
      lines.push({ page, y: it.y, height: it.h, segments: [piece(it)] });
    }
  }
  for (const line of lines) line.segments.sort((a, b) => a.x - b.x);
  return lines.map(mergeSegments);
}

function piece(it: { x: number; w: number; s: string }): Segment {
  return { x: it.x, end: it.x + it.w, text: it.s, parts: [{ x: it.x, end: it.x + it.w, text: it.s }] };
}

function addToLine(line: Line, it: { x: number; w: number; h: number; s: string }) {
  line.height = Math.max(line.height, it.h);
  line.segments.push(piece(it));
}

function mergeSegments(line: Line): Line {
  const groups: Segment['parts'][] = [];
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const s of line.segments) {
    const current = groups[groups.length - 1];
    if (current && s.x - lastEnd <= line.height * 0.5) current.push(...s.parts);
    else groups.push([...s.parts]);
    lastEnd = Math.max(lastEnd, s.end);
  }
  return { ...line, segments: groups.map((g) => segmentOf(g, line.height)).filter((s) => s.text) };
}

/** Text items set close together, as one piece of text: a visible gap between them is a space. */
export function segmentOf(parts: Segment['parts'], height: number): Segment {
  let text = '';
  let end = Number.NEGATIVE_INFINITY;
  for (const p of parts) {
    const gap = p.x - end;
    const joiner = text && gap > height * 0.15 && !text.endsWith(' ') && !p.text.startsWith(' ') ? ' ' : '';
    text += joiner + p.text;
    end = Math.max(end, p.end);
  }
  return { x: parts[0]?.x ?? 0, end, text: text.replace(/\s+/g, ' ').trim(), parts };
}

export const lineText = (line: Line) => line.segments.map((s) => s.text).join(' ');

/**
 * Page furniture: a line near the top or bottom of the page that repeats (digits aside) on
 * several pages, or reads "Page N of M". Removed before tables are read, so a footer never
 * ends or joins a table. `headerLinesAt` says how many lines a table header starting at a
 * line takes (pdf-table's headerAt), so a header repeated on every page is kept.
 */
export function removeFurniture(
  pages: Line[][],
  pageHeights: number[],
  headerLinesAt: (lines: readonly Line[], i: number) => number,
): Line[][] {
  const key = (l: Line) => lineText(l).toLowerCase().replace(/\d+/g, '#');
  const nearEdge = (l: Line) => {
    const h = pageHeights[l.page - 1] ?? 842;
    return l.y < h * 0.1 || l.y > h * 0.92;
  };
  const counts = new Map<string, number>();
  for (const lines of pages) {
    for (const k of new Set(lines.filter(nearEdge).map(key))) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const repeated = (l: Line) => pages.length >= 2 && (counts.get(key(l)) ?? 0) >= 2;
  return pages.map((lines) => {
    // A table's header repeated at the top of each page is not furniture: it says where the
    // table goes on. It may take several lines ("Name of" / "Sub-processor").
    const header = new Set<number>();
    lines.forEach((l, i) => {
      if (!nearEdge(l) || header.has(i)) return;
      const n = headerLinesAt(lines, i);
      for (let k = 0; k < n; k++) header.add(i + k);
    });
    return lines.filter((l, i) => {
      // A page number is at the top or the bottom; a number alone elsewhere is a cell's line.
      const pageNumber =
        /^(page|seite)\s*#(\s*(of|von|\/)\s*#)?$/.test(key(l).trim()) ||
        /^#(\s*\/\s*#)?$/.test(key(l).trim());
      if (pageNumber && nearEdge(l)) return false;
      return !(nearEdge(l) && repeated(l) && !header.has(i));
    });
  });
}
