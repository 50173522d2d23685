import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { humanDate } from '../../trust-page/format.js';
import type { PublicListView } from '../../../domain/public-view.js';
import { fitColumns } from './fit-columns.js';
import { exportRows } from './rows.js';

/**
 * The document's type is DejaVu Sans, embedded (subset): it writes Latin with every accent
 * (Łódź, Česká, Ş), Greek, Cyrillic, Hebrew and Arabic letters. A character it has no glyph
 * for (CJK, emoji) is printed as "?" rather than as an empty box; bidi controls and zero-width
 * characters are dropped, so a name cannot reorder the text around it. The HTML, CSV, XLSX
 * and JSON exports keep every character.
 */
interface Fonts {
  regular: Buffer;
  bold: Buffer;
  hasGlyph: (codePoint: number) => boolean;
}

let fonts: Fonts | null = null;
function loadFonts(): Fonts {
  if (fonts) return fonts;
  const require = createRequire(import.meta.url);
  const regular = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  const bold = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'));
  const face = fontkit.create(regular);
  fonts = { regular, bold, hasGlyph: (cp) => face.hasGlyphForCodePoint(cp) };
  return fonts;
}

const BODY = 'Body';
const BOLD = 'Bold';

/** Registers the embedded fonts on a document (every subreg PDF uses them); returns their names. */
export function registerPdfFonts(pdf: InstanceType<typeof PDFDocument>): { body: string; bold: string } {
  const { regular, bold } = loadFonts();
  pdf.registerFont(BODY, regular);
  pdf.registerFont(BOLD, bold);
  return { body: BODY, bold: BOLD };
}

/** The text as the PDF can print it (see above). */
export function toPrintable(s: string): string {
  const { hasGlyph } = loadFonts();
  let out = '';
  for (const ch of s.normalize('NFC')) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\n') out += ch;
    else if (c === 0x09) out += ' ';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) continue;
    else if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
      continue;
    else out += hasGlyph(c) ? ch : '?';
  }
  return out;
}

const MARGIN = 40;
const COLUMNS = [
  { title: 'Sub-processor', width: 150 },
  { title: 'Type', width: 62 },
  { title: 'Locations', width: 80 },
  { title: 'Purpose', width: 110 },
  { title: 'Data categories', width: 113 },
];

/**
 * The document on A4: title, provider, version and dates, intro, one table per section whose
 * header repeats on every page and whose rows never split across pages, then definitions and
 * notes. Every page carries the classification and "Page N of M". Only a row taller than a
 * whole page is continued on the next one.
 */
export function pdfExport(view: PublicListView): Promise<Buffer> {
  const v = view.version;
  const doc = v.snapshot.document;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    // A fixed creation date (the file ID derives from it): the same version gives the same
    // bytes in every process, so its strong ETag holds across restarts and servers.
    info: {
      Title: toPrintable(doc.title),
      Author: toPrintable(view.tenant.name),
      Producer: 'subreg',
      CreationDate: new Date(v.publishedAt),
    },
  });
  registerPdfFonts(pdf);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));
  const bottom = () => pdf.page.height - MARGIN - 24;
  const lastUpdated = view.history[0]?.publishedAt ?? v.publishedAt;

  pdf.font(BOLD).fontSize(18).text(toPrintable(doc.title));
  pdf.moveDown(0.3).font(BODY).fontSize(10).fillColor('#444');
  pdf.text(
    toPrintable(
      `${view.tenant.name} · Version ${v.number} · Last updated ${humanDate(lastUpdated)} · In effect from ${humanDate(v.effectiveAt)}`,
    ),
  );
  pdf.fillColor('#000').moveDown(0.8);
  if (doc.intro) pdf.fontSize(10.5).text(toPrintable(doc.intro)).moveDown(0.8);

  const { rows } = exportRows(view);
  const entries = v.snapshot.entries;
  const groups: { name: string | null; indexes: number[] }[] = [];
  entries.forEach((e, i) => {
    const g = groups.find((x) => x.name === e.group);
    if (g) g.indexes.push(i);
    else groups.push({ name: e.group, indexes: [i] });
  });

  const cellsOf = (i: number): string[] => {
    const r = rows[i] ?? [];
    const names = [r[0], r[1] && `trading as ${r[1]}`, r[2] && `formerly ${r[2]}`].filter(Boolean).join('\n');
    return [names, r[3] ?? '', r[5] ?? '', r[7] ?? '', r[8] ?? ''].map(toPrintable);
  };
  // Widths from the words of this document: "Infrastructure" never prints as "Infrastructur/e".
  const longestWord = (font: string, texts: string[]) => {
    pdf.font(font).fontSize(8.5);
    let widest = 0;
    for (const t of texts)
      for (const w of t.split(/\s+|(?<=[/-])/)) if (w) widest = Math.max(widest, pdf.widthOfString(w));
    return widest + 8 + 1; // the cell's padding, and a point against rounding
  };
  const allCells = entries.map((_, i) => cellsOf(i));
  const widths = fitColumns(
    COLUMNS.map((c) => c.width),
    COLUMNS.map((c, k) =>
      Math.max(
        longestWord(BOLD, [c.title]),
        longestWord(
          BODY,
          allCells.map((r) => r[k] ?? ''),
        ),
      ),
    ),
    515,
    200,
  );
  const heightOf = (cells: string[], font: string) => {
    pdf.font(font).fontSize(8.5);
    return (
      Math.max(...cells.map((c, k) => pdf.heightOfString(c || '-', { width: (widths[k] ?? 80) - 8 }))) + 8
    );
  };
  const drawRow = (cells: string[], font: string, shade: boolean) => {
    const h = heightOf(cells, font);
    const y = pdf.y;
    if (shade) pdf.rect(MARGIN, y, 515, h).fill('#eef1f5').fillColor('#000');
    let x = MARGIN;
    pdf.font(font).fontSize(8.5);
    cells.forEach((c, k) => {
      pdf.text(c || '-', x + 4, y + 4, { width: (widths[k] ?? 80) - 8 });
      x += widths[k] ?? 80;
    });
    pdf
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + 515, y + h)
      .lineWidth(0.5)
      .strokeColor('#c8ced8')
      .stroke();
    pdf.x = MARGIN;
    pdf.y = y + h;
  };
  /** Each cell's longest prefix (cut at a space when it can) that fits `room` points of height. */
  const splitCells = (cells: string[], room: number): [string[], string[]] => {
    pdf.font(BODY).fontSize(8.5);
    const parts = cells.map((c, k): [string, string] => {
      const width = (widths[k] ?? 80) - 8;
      // ' ': a cell already complete stays blank on the continuation, not "-".
      if (pdf.heightOfString(c || '-', { width }) <= room) return [c, ' '];
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (pdf.heightOfString(c.slice(0, mid), { width }) <= room) lo = mid;
        else hi = mid - 1;
      }
      const space = c.lastIndexOf(' ', lo);
      const cut = space > lo / 2 ? space : Math.max(lo, 1);
      return [c.slice(0, cut), c.slice(cut).trimStart() || ' '];
    });
    return [parts.map((p) => p[0]), parts.map((p) => p[1])];
  };
  const header = COLUMNS.map((c) => c.title);

  for (const g of groups) {
    if (pdf.y + 60 > bottom()) pdf.addPage();
    pdf
      .font(BOLD)
      .fontSize(13)
      .text(toPrintable(g.name ?? 'Sub-processors'), MARGIN)
      .moveDown(0.3);
    drawRow(header, BOLD, true);
    const newPage = () => {
      pdf.addPage();
      drawRow(header, BOLD, true); // the header again, on every page of the table
    };
    for (const i of g.indexes) {
      let cells = allCells[i] ?? [];
      if (pdf.y + heightOf(cells, BODY) > bottom()) newPage();
      // Only a row taller than a whole page (a 5,000-character purpose) splits: it fills the
      // page and goes on under the repeated header, so no text is lost or drawn off the page.
      while (pdf.y + heightOf(cells, BODY) > bottom()) {
        const [now, rest] = splitCells(cells, bottom() - pdf.y - 8);
        drawRow(now, BODY, false);
        cells = rest;
        newPage();
      }
      drawRow(cells, BODY, false);
    }
    pdf.moveDown(1);
  }

  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    if (pdf.y + 50 > bottom()) pdf.addPage();
    pdf.font(BOLD).fontSize(13).text(title, MARGIN).moveDown(0.3).font(BODY).fontSize(9.5);
    for (const l of lines) pdf.text(toPrintable(l), { width: 515 }).moveDown(0.3);
    pdf.moveDown(0.6);
  };
  section(
    'Definitions',
    doc.definitions.map((d) => `${d.term}: ${d.definition}`),
  );
  section('Notes', doc.notes);
  section(
    'Former sub-processors',
    view.former.map((f) => `${f.entry.legalName} (left ${humanDate(f.leftAt)})`),
  );
  section('Disclaimer', doc.disclaimer ? [doc.disclaimer] : []);

  // Page furniture last, when the page count is known.
  const range = pdf.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    pdf.switchToPage(range.start + i);
    // Writing in the margins must not make pdfkit start a new page.
    pdf.page.margins = { top: 0, bottom: 0, left: MARGIN, right: MARGIN };
    const footerY = pdf.page.height - MARGIN + 4;
    pdf.font(BODY).fontSize(8).fillColor('#444');
    const left = toPrintable([doc.title, doc.classification].filter(Boolean).join(' | '));
    pdf.text(left, MARGIN, footerY, { width: 340, lineBreak: false, height: 10 });
    pdf.text(
      `Page ${i + 1} of ${range.count} · Last updated ${humanDate(lastUpdated)}`,
      MARGIN + 300,
      footerY,
      { width: 215, align: 'right', lineBreak: false, height: 10 },
    );
    if (doc.classification) {
      pdf
        .font(BOLD)
        .fontSize(8)
        .fillColor('#7a4b00')
        .text(toPrintable(doc.classification.toUpperCase()), MARGIN, 20, {
          width: 515,
          align: 'right',
          lineBreak: false,
          height: 10,
        });
    }
    pdf.fillColor('#000');
  }
  pdf.end();
  return done;
}
