import { readHeaderRow } from '../recognise/header.js';

/** Text items of a PDF page grouped into lines, and each line into segments (cells). */

export interface Segment {
  x: number;
  end: number;
  text: string;
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
      lines.push({ page, y: it.y, height: it.h, segments: [{ x: it.x, end: it.x + it.w, text: it.s }] });
    }
  }
  for (const line of lines) line.segments.sort((a, b) => a.x - b.x);
  return lines.map(mergeSegments);
}

function addToLine(line: Line, it: { x: number; w: number; h: number; s: string }) {
  line.height = Math.max(line.height, it.h);
  line.segments.push({ x: it.x, end: it.x + it.w, text: it.s });
}

function mergeSegments(line: Line): Line {
  const out: Segment[] = [];
  const gapLimit = line.height * 0.5;
  for (const s of line.segments) {
    const prev = out[out.length - 1];
    if (prev && s.x - prev.end <= gapLimit) {
      const gap = s.x - prev.end;
      const joiner =
        gap > line.height * 0.15 && !prev.text.endsWith(' ') && !s.text.startsWith(' ') ? ' ' : '';
      prev.text += joiner + s.text;
      prev.end = Math.max(prev.end, s.end);
    } else {
      out.push({ ...s });
    }
  }
  for (const s of out) s.text = s.text.replace(/\s+/g, ' ').trim();
  return { ...line, segments: out.filter((s) => s.text) };
}

export const lineText = (line: Line) => line.segments.map((s) => s.text).join(' ');

/**
 * Page furniture: a line near the top or bottom of the page that repeats (digits aside) on
 * several pages, or reads "Page N of M". Removed before tables are read, so a footer never
 * ends or joins a table.
 */
export function removeFurniture(pages: Line[][], pageHeights: number[]): Line[][] {
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
  // A table's header repeated at the top of each page is not furniture: it says where the table goes on.
  const isTableHeader = (l: Line) =>
    l.segments.length >= 2 && readHeaderRow(l.segments.map((s) => s.text)) !== null;
  return pages.map((lines) =>
    lines.filter((l) => {
      if (
        /^(page|seite)\s*#(\s*(of|von|\/)\s*#)?$/.test(key(l).trim()) ||
        /^#(\s*\/\s*#)?$/.test(key(l).trim())
      )
        return false;
      return !(nearEdge(l) && repeated(l) && !isTableHeader(l));
    }),
  );
}
