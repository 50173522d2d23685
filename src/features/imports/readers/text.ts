import type { Block, TableRow } from '../model.js';
import { readHtml } from './html.js';

/**
 * Plain text and Markdown: pipe tables, tab-separated rows (text copied out of Word or PDF),
 * headings (Markdown `#`, or a short line without end punctuation), bullets and paragraphs.
 * A tab table goes on across blank lines and page-break debris while rows keep coming.
 */
export function readText(text: string): Block[] {
  const lines = plainStructure(text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/));
  // A document with Markdown headings says where its headings are: no guessing then.
  const guessHeadings = !lines.some((l) => /^\s{0,3}#{1,6}\s+\S/.test(l));
  const blocks: Block[] = [];
  let table: { rows: TableRow[]; kind: 'pipe' | 'tab'; line: number; lastRaw?: string } | null = null;
  const closeTable = () => {
    if (table && table.rows.length > 0) {
      blocks.push({
        kind: 'table',
        rows: table.rows,
        pos: { line: table.line },
        fragile: table.kind === 'tab',
      });
    }
    table = null;
  };

  let blankBefore = false;
  let prevLine = -2;
  let html: { start: number; lines: string[] } | null = null;
  lines.forEach((raw, i) => {
    const line = i + 1;
    // Raw HTML tables inside Markdown (GitBook, CMS exports): read them as HTML.
    if (html || /<table[\s>]/i.test(raw)) {
      html ??= { start: line, lines: [] };
      html.lines.push(raw);
      if (/<\/table>/i.test(raw) || i === lines.length - 1) {
        closeTable();
        const start = html.start;
        for (const b of readHtml(html.lines.join('\n'))) {
          blocks.push({ ...b, pos: { line: start + (b.pos.line ?? 1) - 1 } } as Block);
        }
        html = null;
      }
      return;
    }
    const kind = rowKind(raw);
    if (kind) {
      if (kind === 'pipe' && isSeparatorRow(raw)) return;
      if (!table || table.kind !== kind) {
        closeTable();
        table = { rows: [], kind, line };
      }
      const afterBreak = blankBefore && table.rows.length > 0;
      // A web table copied as text puts each cell on a line of its own: "| Stripe, Inc. |",
      // "Payments |", "USA |". Rows begin with a pipe; a line that does not, continues one.
      const last = table.rows[table.rows.length - 1];
      // A row with fewer cells than the header is still open: the next line goes on with it.
      const incomplete =
        !!last && table.rows.length > 1 && last.cells.length < (table.rows[0]?.cells.length ?? 0);
      if (
        kind === 'pipe' &&
        last &&
        (incomplete || !raw.trimStart().startsWith('|')) &&
        table.lastRaw?.trimStart().startsWith('|')
      ) {
        table.lastRaw = `${table.lastRaw.trimEnd()} ${raw.trim()}`;
        last.cells = splitRow(table.lastRaw, kind);
        return;
      }
      table.lastRaw = raw;
      table.rows.push({ cells: splitRow(raw, kind), pos: { line }, fragile: kind === 'tab', afterBreak });
      blankBefore = false;
      return;
    }
    if (!raw.trim()) {
      blankBefore = true; // blank lines do not end a table: a page break may follow
      return;
    }
    // A Markdown row broken over lines: until it has as many cells as the header, the next
    // lines belong to its last cell.
    const open = table as { rows: TableRow[]; kind: string; lastRaw?: string } | null;
    const last = open?.rows[open.rows.length - 1];
    const width = open?.rows[0]?.cells.length ?? 0;
    if (open?.kind === 'pipe' && last && open.lastRaw && last.cells.length < width && open.rows.length > 1) {
      open.lastRaw = `${open.lastRaw.trimEnd().replace(/\|$/, '')} ${raw.trim()}`;
      last.cells = splitRow(open.lastRaw, 'pipe');
      return;
    }
    blankBefore = false;
    closeTable();
    // An indented line right under a bullet goes on with it ("* **Stripe**" / "  Payments.").
    const prev = blocks[blocks.length - 1];
    // Labelled lines ("1. Name: Acme" / "   Address: …") stay lines: they are read as fields.
    const labelled = (t: string) => /^\s*[^:]{2,60}:\s/.test(t);
    if (
      prev?.kind === 'item' &&
      prevLine === i - 1 &&
      /^\s{2,}\S/.test(raw) &&
      !BULLET.test(raw) &&
      !labelled(raw) &&
      !labelled(prev.text)
    ) {
      // A first line of a few words with no punctuation is a lead of its own ("* Stripe").
      if (prev.lead === undefined && !/[.,;:]/.test(prev.text) && prev.text.split(' ').length <= 6)
        prev.lead = prev.text;
      prev.text = `${prev.text} ${stripMarkdown(raw.trim())}`;
      prevLine = i;
      return;
    }
    prevLine = i;
    blocks.push(lineBlock(raw, line, guessHeadings));
  });
  closeTable();
  return blocks;
}

function rowKind(raw: string): 'pipe' | 'tab' | null {
  const t = raw.trim();
  const pipes = (t.replace(/\\\|/g, '').match(/\|/g) ?? []).length;
  // A Markdown row with a stray tab in a cell is still a Markdown row.
  if (t.startsWith('|') && pipes >= 2) return 'pipe';
  if (raw.includes('\t') && raw.split('\t').some((c) => c.trim())) return 'tab';
  if (pipes >= 2 || (pipes >= 1 && (t.startsWith('|') || t.endsWith('|')))) return 'pipe';
  return null;
}

const isSeparatorRow = (raw: string) => /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(raw);

function splitRow(raw: string, kind: 'pipe' | 'tab'): string[] {
  if (kind === 'tab') {
    const cells = raw.split('\t').map((c) => c.trim());
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    return cells;
  }
  let t = raw.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  // <br> inside a cell keeps its line break: a cell may list one place per line
  return t.split(/(?<!\\)\|/).map((c) =>
    stripMarkdown(
      c
        .replace(/\\\|/g, '|')
        .trim()
        .replace(/<br\s*\/?>/gi, '\n'),
    )
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join('\n'),
  );
}

const BULLET = /^\s*(?:[-*+•–·▪◦●]|\d{1,3}[.)])\s+/;
/** A bullet that starts with a link or bold text: "[Braintree](…). Payments", "**Stripe** …". */
const LEAD = /^\s*(\[[^\]]+\]\([^)]*\)|(\*\*|__)[^*_]+?\2)/;

function lineBlock(raw: string, line: number, guessHeadings: boolean): Block {
  const md = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
  if (md?.[1] && md[2] !== undefined) {
    return { kind: 'heading', text: stripMarkdown(md[2]), level: md[1].length, pos: { line } };
  }
  if (BULLET.test(raw)) {
    const body = raw.replace(BULLET, '');
    const lead = LEAD.exec(body);
    const text = stripMarkdown(body);
    return lead?.[1]
      ? { kind: 'item', text, pos: { line }, lead: stripMarkdown(lead[1]) }
      : { kind: 'item', text, pos: { line } };
  }
  const text = stripMarkdown(raw.trim());
  // "**Subprocessors**" alone on its line is a heading, below any Markdown heading above it.
  if (/^(\*\*|__)[^*_]{2,80}\1$/.test(raw.trim()) && !/[.,;!?]$/.test(text) && text.split(' ').length <= 8)
    return { kind: 'heading', text, level: 6, pos: { line } };
  if (guessHeadings && looksLikeHeading(text)) return { kind: 'heading', text, level: 4, pos: { line } };
  return { kind: 'paragraph', text, pos: { line } };
}

/** A short line with no end punctuation, starting with a capital: a title in extracted text. */
function looksLikeHeading(text: string): boolean {
  if (text.length > 80 || text.length < 2) return false;
  if (/[.,;:!?]$/.test(text) || /^\(/.test(text) || /\S:\s/.test(text)) return false;
  const words = text.split(/\s+/);
  return words.length <= 8 && /^[\p{Lu}\p{N}]/u.test(text);
}

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  quot: '"',
  apos: "'",
  ndash: '–',
  mdash: '—',
};

/** "Sub-processors&#x20;", "AT&amp;T": Markdown allows HTML character references; they are the characters. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text
    .replace(/&#x([0-9a-f]{1,6});/gi, (m, h: string) => safeChar(Number.parseInt(h, 16)) ?? m)
    .replace(/&#(\d{1,7});/g, (m, d: string) => safeChar(Number.parseInt(d, 10)) ?? m)
    .replace(/&([a-z]{2,6});/gi, (m, n: string) => NAMED_ENTITIES[n.toLowerCase()] ?? m)
    .trim();
}

/** A character a reference may stand for: no controls, no surrogates, within Unicode. */
function safeChar(code: number): string | undefined {
  if (
    code < 0x20 ||
    (code >= 0x7f && code < 0xa0) ||
    (code >= 0xd800 && code <= 0xdfff) ||
    code === 0xfffe ||
    code === 0xffff ||
    code > 0x10ffff
  )
    return undefined;
  return String.fromCodePoint(code);
}

const INLINE_TAG = /<\/?(?:p|b|strong|em|i|u|span|a|sup|sub|small|div)(?:\s[^<>]{0,300})?>/i;

/** "<p>Amazon Web Services,</p><p>OVH</p>" in a Markdown cell: the tags part words, one space each. */
function withoutInlineHtml(text: string): string {
  if (!INLINE_TAG.test(text)) return text;
  const parts = text.split(new RegExp(INLINE_TAG.source, 'gi'));
  return parts
    .map((p, i) => (i > 0 ? p.trimStart() : p))
    .map((p, i) => (i < parts.length - 1 ? p.trimEnd() : p))
    .filter(Boolean)
    .join(' ');
}

/** **bold**, __bold__, `code`, [text](link), <br> and inline HTML (<p>, <strong>, <a …>) lose their markup. */
export function stripMarkdown(text: string): string {
  return withoutInlineHtml(decodeEntities(text))
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])\*(\S[^*]*?\S|\S)\*(?![\w*])/g, '$1')
    .replace(/`([^`]*)`/g, '$1');
}

/**
 * Structure written with plain characters (reStructuredText, setext Markdown): a line
 * underlined with = - ~ is a heading; a term followed by indented lines is a definition,
 * read as the entry "term – definition". Line numbers are kept (one output line per input line).
 */
function plainStructure(lines: string[]): string[] {
  const out = [...lines];
  const UNDERLINE = /^(=+|-+|~+|\^+)\s*$/;
  for (let i = 0; i + 1 < out.length; i++) {
    const text = out[i] ?? '';
    const under = out[i + 1] ?? '';
    const plain =
      text.trim() && !/^\s/.test(text) && !text.includes('|') && !text.includes('\t') && !BULLET.test(text);
    if (
      plain &&
      UNDERLINE.test(under) &&
      under.trim().length >= 3 &&
      Math.abs(under.trim().length - text.trim().length) <= 3
    ) {
      const level = under.startsWith('=') ? 1 : under.startsWith('-') ? 2 : 3;
      out[i] = `${'#'.repeat(level)} ${text.trim()}`;
      out[i + 1] = '';
      i++;
      continue;
    }
    if (plain && /^ {2,}\S/.test(under) && !/^\s*[.:]{1,2}\s/.test(under) && !/^[.:]/.test(text.trim())) {
      let j = i + 1;
      const definition: string[] = [];
      while (j < out.length && /^ {2,}\S/.test(out[j] ?? '')) {
        definition.push((out[j] ?? '').trim());
        j++;
      }
      out[i] = `- ${text.trim()} – ${definition.join(' ')}`;
      for (let k = i + 1; k < j; k++) out[k] = '';
      i = j - 1;
    }
  }
  return out;
}
