import { extractText } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { fitColumns } from '../../src/features/publishing/exports/fit-columns.js';
import { pdfExport } from '../../src/features/publishing/exports/pdf-export.js';
import { TYPE_LABELS } from '../../src/features/trust-page/format.js';
import { seed000View, seed004View } from '../trust-page/fixtures.js';

describe('fitColumns', () => {
  it('gives every column at least its longest word and fills the total', () => {
    const w = fitColumns([150, 62, 80, 110, 113], [60, 80, 40, 50, 50], 515, 200);
    expect(w[1]).toBeGreaterThanOrEqual(80);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(515, 6);
    for (const [k, min] of [60, 80, 40, 50, 50].entries()) expect(w[k]).toBeGreaterThanOrEqual(min);
  });

  it('shares the spare room as preferred, and caps a word no layout can hold', () => {
    expect(fitColumns([100, 100], [10, 10], 300, 200)).toEqual([150, 150]);
    const w = fitColumns([100, 100], [1000, 10], 300, 200);
    expect(w[0]).toBeGreaterThanOrEqual(200);
    expect(w[0]! + w[1]!).toBeCloseTo(300, 6);
  });
});

describe('the PDF export', () => {
  it('never breaks a word inside a cell', async () => {
    for (const view of [seed000View(), seed004View()]) {
      const pdf = await pdfExport(view);
      const { text } = await extractText(new Uint8Array(pdf), { mergePages: true });
      // Each line of a cell is a line of the extracted text: a word broken inside itself shows
      // as its head at the end of one line and its tail at the start of the next.
      const lines = text.split('\n').map((l) => l.trim());
      const words = new Set<string>();
      const written: string[] = [];
      for (const e of view.version.snapshot.entries) {
        const cells = [
          e.legalName,
          e.type ? TYPE_LABELS[e.type] : '',
          e.purpose ?? '',
          e.dataCategories ?? '',
          ...e.locations.map((l) => l.written),
        ];
        // Break opportunities are spaces and the ends of '/' and '-' (as in Unicode line breaking
        // and every browser); a break anywhere else is a word broken inside itself.
        written.push(...cells);
        for (const c of cells) for (const w of c.split(/\s+|(?<=[/-])/)) if (w.length >= 4) words.add(w);
      }
      expect(words.size).toBeGreaterThan(20);
      const source = written.join('\n');
      const pieces = (t: string) => t.split(/(?<=[/-])/);
      const broken: string[] = [];
      lines.forEach((l, n) => {
        const head = pieces(l.split(/\s+/).pop() ?? '').pop() ?? '';
        const tail = pieces((lines[n + 1] ?? '').split(/\s+/)[0] ?? '')[0] ?? '';
        // "user" / "name" is no break when the list itself also writes "user name".
        if (head && tail && words.has(head + tail) && !source.includes(`${head} ${tail}`))
          broken.push(head + tail);
      });
      expect(broken, 'words printed broken across lines').toEqual([]);
    }
  });
});
