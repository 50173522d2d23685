import { type ChildNode, type Element, isTag, isText } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import JSZip from 'jszip';
import { IMPORT_LIMITS } from '../limits.js';
import { type Block, ImportError } from '../model.js';
import { collapseSpace } from '../text-values.js';
import { type GridRow, tableWithSections } from './table-sections.js';
import { assertSafeZip } from './zip-guard.js';

interface StyleInfo {
  headingLevel: number | null;
}

/**
 * A Word document: body paragraphs (headings by style or outline level, list paragraphs as
 * items) and tables (one line per paragraph inside a cell). Headers and footers live in other
 * parts of the package, so their page furniture never reaches the tables.
 */
export async function readDocx(bytes: Uint8Array): Promise<Block[]> {
  assertSafeZip(bytes, 'Word document');
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (err) {
    throw new ImportError(
      'CORRUPT_FILE',
      `This Word document cannot be opened (${(err as Error).message}). Save it again as .docx.`,
    );
  }
  const body = await zip.file('word/document.xml')?.async('string');
  if (!body)
    throw new ImportError(
      'CORRUPT_FILE',
      'This .docx has no document body. Save it again from Word or LibreOffice.',
    );
  const styles = readStyles((await zip.file('word/styles.xml')?.async('string')) ?? '');
  const doc = parseDocument(body, { xmlMode: true });
  const blocks: Block[] = [];
  let paragraphNo = 0;
  const walk = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (!isTag(node)) continue;
      if (node.name === 'w:p') {
        paragraphNo++;
        const text = collapseSpace(paragraphText(node).replace(/\t/g, ' '));
        if (!text) continue;
        const pos = { line: paragraphNo };
        const level = headingLevel(node, styles);
        if (level) blocks.push({ kind: 'heading', text, level, pos });
        else if (find(node, 'w:numPr')) {
          const lead = leadOf(node);
          blocks.push(lead ? { kind: 'item', text, pos, lead } : { kind: 'item', text, pos });
        } else blocks.push({ kind: 'paragraph', text, pos });
      } else if (node.name === 'w:tbl') {
        paragraphNo++;
        const rows = tableRows(node, paragraphNo);
        if (rows.length > 0) blocks.push(...tableWithSections(rows, { line: paragraphNo }));
      } else if (node.name !== 'w:del') {
        walk(node.children);
      }
    }
  };
  walk(doc.children);
  return blocks;
}

/** The link or bold text a list paragraph starts with ("Stripe" in "**Stripe** Payments"). */
function leadOf(p: Element): string | undefined {
  let lead = '';
  for (const n of p.children) {
    if (!isTag(n) || n.name === 'w:pPr' || n.name === 'w:proofErr' || n.name.startsWith('w:bookmark'))
      continue;
    if (n.name === 'w:hyperlink') return lead ? undefined : collapseSpace(paragraphText(n)) || undefined;
    if (n.name !== 'w:r') break;
    const rPr = child(n, 'w:rPr');
    const b = rPr && child(rPr, 'w:b');
    const text = paragraphText(n);
    if (b !== undefined && !['0', 'false'].includes(b.attribs['w:val'] ?? '')) lead += text;
    else if (text.trim() || lead) break;
  }
  return collapseSpace(lead) || undefined;
}

/**
 * The table's rows on its grid: a cell spanning grid columns (w:gridSpan) is followed by empty
 * cells, a cell that continues a vertical merge (w:vMerge without "restart") shows the text of
 * the merged cell above, and a row whose only cell spans the grid is marked as a section.
 */
function tableRows(tbl: Element, paragraphNo: number): GridRow[] {
  const rows: GridRow[] = [];
  const gridWidth = findAll(find(tbl, 'w:tblGrid') ?? tbl, 'w:gridCol').length;
  let above: string[] = [];
  for (const tr of tbl.children) {
    if (!isTag(tr) || tr.name !== 'w:tr' || rows.length >= IMPORT_LIMITS.maxRows) continue;
    const cells: string[] = [];
    const trPr = child(tr, 'w:trPr');
    let col = Math.min(gridValue(trPr && child(trPr, 'w:gridBefore')) ?? 0, IMPORT_LIMITS.maxColumns);
    for (let k = 0; k < col; k++) cells.push('');
    let tcs = 0;
    let lastSpan = 1;
    for (const tc of tr.children) {
      if (!isTag(tc) || tc.name !== 'w:tc' || col >= IMPORT_LIMITS.maxColumns) continue;
      tcs++;
      const tcPr = child(tc, 'w:tcPr');
      const spanCols = Math.min(
        Math.max(gridValue(tcPr && child(tcPr, 'w:gridSpan')) ?? 1, 1),
        IMPORT_LIMITS.maxColumns - col,
      );
      const vMerge = tcPr && child(tcPr, 'w:vMerge');
      const continues = vMerge !== undefined && (vMerge.attribs['w:val'] ?? 'continue') !== 'restart';
      // a line break inside a cell's paragraph (w:br) parts lines as a new paragraph does
      const lines = findAll(tc, 'w:p').flatMap((p) =>
        paragraphText(p)
          .split('\n')
          .map((l) => collapseSpace(l.replace(/\t/g, ' '))),
      );
      const own = lines.filter(Boolean).join('\n').slice(0, IMPORT_LIMITS.maxCellChars);
      cells.push(continues ? (above[col] ?? '') : own);
      for (let k = 1; k < spanCols; k++) cells.push(continues ? (above[col + k] ?? '') : '');
      col += spanCols;
      lastSpan = spanCols;
    }
    above = cells;
    const width = Math.max(gridWidth, cells.length);
    rows.push({
      cells,
      pos: { line: paragraphNo + rows.length },
      spansAll: tcs === 1 && width >= 2 && lastSpan >= width,
    });
  }
  return rows;
}

function gridValue(el: Element | undefined): number | null {
  const n = Number.parseInt(el?.attribs['w:val'] ?? '', 10);
  return Number.isFinite(n) ? n : null;
}

function child(el: Element, name: string): Element | undefined {
  return el.children.find((c): c is Element => isTag(c) && c.name === name);
}

/** w:t runs, w:tab as a tab, w:br as a line break; deleted text (w:del) is skipped. */
function paragraphText(p: Element): string {
  const parts: string[] = [];
  const visit = (nodes: ChildNode[]) => {
    for (const n of nodes) {
      if (!isTag(n)) continue;
      if (n.name === 'w:t') parts.push(n.children.map((c) => (isText(c) ? c.data : '')).join(''));
      else if (n.name === 'w:tab') parts.push('\t');
      else if (n.name === 'w:br' || n.name === 'w:cr') parts.push('\n');
      else if (n.name !== 'w:del' && n.name !== 'w:instrText' && n.name !== 'w:tbl') visit(n.children);
    }
  };
  visit(p.children);
  return parts.join(''); // the parser has decoded the XML entities
}

function headingLevel(p: Element, styles: Map<string, StyleInfo>): number | null {
  const outline = find(p, 'w:outlineLvl')?.attribs['w:val'];
  if (outline !== undefined) return Number(outline) + 1;
  const styleId = find(p, 'w:pStyle')?.attribs['w:val'];
  return styleId ? (styles.get(styleId)?.headingLevel ?? null) : null;
}

function readStyles(xml: string): Map<string, StyleInfo> {
  const map = new Map<string, StyleInfo>();
  if (!xml) return map;
  const doc = parseDocument(xml, { xmlMode: true });
  for (const style of findAll(doc as unknown as Element, 'w:style')) {
    const id = style.attribs['w:styleId'];
    if (!id) continue;
    const name = find(style, 'w:name')?.attribs['w:val'] ?? '';
    const outline = find(style, 'w:outlineLvl')?.attribs['w:val'];
    const named = /^(?:heading|überschrift|titre|titolo|título)\s*(\d)$/i.exec(name);
    let headingLevel: number | null = null;
    if (outline !== undefined && Number(outline) < 9) headingLevel = Number(outline) + 1;
    else if (named?.[1]) headingLevel = Number(named[1]);
    else if (/^title$|^titel$/i.test(name)) headingLevel = 1;
    map.set(id, { headingLevel });
  }
  return map;
}

function find(el: Element, name: string): Element | undefined {
  for (const c of el.children) {
    if (!isTag(c)) continue;
    if (c.name === name) return c;
    const inner = find(c, name);
    if (inner) return inner;
  }
  return undefined;
}

function findAll(el: Element, name: string, out: Element[] = []): Element[] {
  for (const c of el.children) {
    if (!isTag(c)) continue;
    if (c.name === name) out.push(c);
    else findAll(c, name, out);
  }
  return out;
}
