import { IMPORT_LIMITS } from '../limits.js';
import { type Block, ImportError } from '../model.js';
import { layoutToBlocks } from './pdf-layout.js';
import { headerAt } from './pdf-table.js';
import { type Line, type PdfTextItem, linesOfPage, removeFurniture } from './pdf-lines.js';

/**
 * A PDF with a text layer: its text items become lines (pdf-lines), and the lines become
 * tables, headings, bullets and paragraphs (pdf-layout).
 */
export async function readPdf(bytes: Uint8Array): Promise<Block[]> {
  const { getDocumentProxy } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'PasswordException' || /password/i.test(e.message)) {
      throw new ImportError(
        'ENCRYPTED_FILE',
        'This PDF is password-protected. Remove the password and upload it again.',
      );
    }
    throw new ImportError(
      'CORRUPT_FILE',
      `This PDF cannot be read (${e.message.slice(0, 120)}). Print it to PDF again or export the list as text.`,
    );
  }
  try {
    if (pdf.numPages > IMPORT_LIMITS.maxPdfPages) {
      throw new ImportError(
        'TOO_MANY_PAGES',
        `This PDF has ${pdf.numPages} pages; the limit is ${IMPORT_LIMITS.maxPdfPages}. Extract the pages with the list.`,
      );
    }
    const pages: Line[][] = [];
    const heights: number[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      heights.push(page.getViewport({ scale: 1 }).height);
      const content = await page.getTextContent();
      pages.push(linesOfPage(content.items.filter((i) => 'str' in i) as PdfTextItem[], n));
      page.cleanup();
    }
    if (pages.every((p) => p.length === 0)) {
      throw new ImportError(
        'NO_TEXT_LAYER',
        'This PDF has no text layer (it is a scan or an image). OCR is not supported: export the list from the original document, or upload it as Word, Excel, CSV or text.',
      );
    }
    return layoutToBlocks(
      removeFurniture(pages, heights, (lines, i) => headerAt(lines, i)?.lineCount ?? 0).flat(),
    );
  } finally {
    await pdf.destroy();
  }
}
