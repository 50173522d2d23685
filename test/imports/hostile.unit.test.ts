import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { importDocument } from '../../src/features/imports/import-document.js';
import { ImportError } from '../../src/features/imports/model.js';
import { makeZip } from '../support/zip.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

async function refusal(fileName: string, bytes: Uint8Array | string) {
  const started = Date.now();
  try {
    await importDocument({ bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, fileName });
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return { code: (err as ImportError).code, message: (err as Error).message, ms: Date.now() - started };
  }
  throw new Error(`${fileName} was accepted`);
}

function pdf(
  build: (doc: PDFKit.PDFDocument) => void,
  options: PDFKit.PDFDocumentOptions = {},
): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument(options);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    build(doc);
    doc.end();
  });
}

describe('hostile and broken files get a clear refusal, in bounded time', () => {
  it('an empty file', async () => {
    expect(await refusal('list.csv', '')).toMatchObject({ code: 'EMPTY_FILE' });
  });

  it('binary junk and legacy or encrypted Office files', async () => {
    const junk = new Uint8Array(64 * 1024).map((_, i) => (i * 2654435761) >>> 24);
    expect(await refusal('list.txt', junk)).toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(4096),
    ]);
    const r = await refusal('list.docx', ole);
    expect(r.code).toBe('UNSUPPORTED_FORMAT');
    expect(r.message).toMatch(/password|legacy/i);
  });

  it('a PDF with no text layer says OCR is not supported', async () => {
    const scan = await pdf((doc) => doc.rect(50, 50, 200, 100).fill('#333'));
    const r = await refusal('scan.pdf', scan);
    expect(r.code).toBe('NO_TEXT_LAYER');
    expect(r.message).toMatch(/OCR is not supported/);
  });

  it('an encrypted PDF asks for the password to be removed', async () => {
    const locked = await pdf((doc) => doc.text('Acme Ltd | UK | Hosting'), {
      userPassword: 'secret',
      ownerPassword: 'owner',
    } as PDFKit.PDFDocumentOptions);
    expect(await refusal('locked.pdf', locked)).toMatchObject({ code: 'ENCRYPTED_FILE' });
  });

  it('corrupt PDF, XLSX and DOCX files', async () => {
    const real = fs.readFileSync(path.join(FIXTURES, 'formats/004_28bb4da9730773a7.pdf'));
    expect((await refusal('cut.pdf', real.subarray(0, 2000))).code).toBe('CORRUPT_FILE');
    expect((await refusal('fake.xlsx', 'PK\u0003\u0004 not really a zip')).code).toBe('CORRUPT_FILE');
    const noBody = makeZip([{ name: 'word/styles.xml', data: Buffer.from('<x/>') }]);
    expect((await refusal('empty.docx', noBody)).code).toBe('CORRUPT_FILE');
  });

  it('a 50 MB file is refused before it is read', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const r = await refusal('huge.csv', big);
    expect(r.code).toBe('FILE_TOO_LARGE');
    expect(r.ms).toBeLessThan(1000);
  });

  it('a zip bomb inside an XLSX or DOCX is stopped before it is inflated', async () => {
    const bomb = Buffer.alloc(120 * 1024 * 1024); // 120 MB of zeros packs into ~120 KB
    for (const [name, member] of [
      ['bomb.xlsx', 'xl/worksheets/sheet1.xml'],
      ['bomb.docx', 'word/document.xml'],
    ] as const) {
      const zip = makeZip([{ name: member, data: bomb }]);
      expect(zip.length).toBeLessThan(1024 * 1024);
      const r = await refusal(name, zip);
      expect(r.code).toBe('ARCHIVE_TOO_LARGE');
      expect(r.ms).toBeLessThan(1000);
    }
  });

  it('too many rows is refused, not silently cut', async () => {
    const rows = ['Name,Location', ...Array.from({ length: 60_000 }, (_, i) => `Vendor ${i} Ltd,UK`)].join(
      '\n',
    );
    expect((await refusal('many.csv', rows)).code).toBe('TOO_MANY_ROWS');
  });

  it('a paragraph of tens of thousands of labels or sentences is read within the test time limit', async () => {
    const labels = `Name: Acme Ltd Purpose: hosting ${'x: '.repeat(30_000)}`;
    const sentences = `Acme Ltd – Hosting. ${'More words. '.repeat(30_000)}\n\nBeta Ltd – Email. Location: EU.`;
    for (const text of [labels, sentences]) {
      const result = await importDocument({ bytes: Buffer.from(text), fileName: 'long.txt' });
      expect(result.records.length).toBeLessThanOrEqual(2);
    }
  });
});

describe('documents without a list give an empty result with a reason', () => {
  it('prose, a key/value table, and a table with unrelated columns', async () => {
    const docs = [
      'We take privacy seriously.\nContact us at privacy@example.com for details.\n',
      'Document title\tOur policy\nAuthor\tJane\nDate\t2024-01-01\n',
      '| Fruit | Colour |\n|---|---|\n| Apple | Red |\n| Banana | Yellow |\n',
      '<html><body><h1>Pricing</h1><table><tr><th>Plan</th><th>Price</th></tr><tr><td>Pro</td><td>10</td></tr></table></body></html>',
    ];
    for (const text of docs) {
      const r = await importDocument({ bytes: Buffer.from(text), fileName: 'doc.txt' });
      expect(r.records, text).toEqual([]);
      expect(r.warnings.length, text).toBeGreaterThan(0);
    }
  });

  it('a 5 MB line of text, deep HTML nesting and 10,000 pipes finish quickly', async () => {
    const inputs: [string, string][] = [
      ['long.txt', 'A'.repeat(5 * 1024 * 1024)],
      ['deep.html', `${'<div>'.repeat(20_000)}Acme Ltd${'</div>'.repeat(20_000)}`],
      ['pipes.md', `${'| '.repeat(10_000)}\n${'|---'.repeat(10_000)}\n`],
      ['rtl.txt', 'Name\tLocation\n\u202eAcme Ltd\u202c\tUK\n\u0000\u0001\tX\n'],
    ];
    for (const [name, text] of inputs) {
      const started = Date.now();
      await importDocument({ bytes: Buffer.from(text), fileName: name }).catch((e) => {
        expect(e).toBeInstanceOf(ImportError);
      });
      expect(Date.now() - started, name).toBeLessThan(5000);
    }
  });
});

describe('property: random and mutated documents never cause an unhandled error', () => {
  const seedTexts = [
    'seeds/000_af4bd0f1fa75d2e0.txt',
    'seeds/004_28bb4da9730773a7.txt',
    'formats/000_af4bd0f1fa75d2e0.html',
    'formats/004_28bb4da9730773a7.csv',
  ].map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
  const binaries = [
    'formats/004_28bb4da9730773a7.pdf',
    'formats/000_af4bd0f1fa75d2e0.xlsx',
    'formats/004_28bb4da9730773a7.docx',
  ].map((f) => ({
    name: path.basename(f),
    bytes: fs.readFileSync(path.join(FIXTURES, f)),
  }));
  const acceptable = (e: unknown) => {
    if (!(e instanceof ImportError)) throw e;
  };

  it('random text in every text format', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 2000 }),
        fc.constantFrom('a.txt', 'a.md', 'a.csv', 'a.html', 'a.tsv'),
        async (text, name) => {
          const r = await importDocument({ bytes: Buffer.from(text), fileName: name }).catch(acceptable);
          if (r) for (const rec of r.records) expect(rec.legalName.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('seed documents with lines dropped, duplicated, shuffled or garbled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seedTexts),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'dup', 'tab', 'pipe', 'garble')), {
          maxLength: 30,
        }),
        async (text, edits) => {
          const lines = text.split('\n');
          for (const [n, op] of edits) {
            const i = n % Math.max(lines.length, 1);
            const line = lines[i] ?? '';
            if (op === 'drop') lines.splice(i, 1);
            else if (op === 'dup') lines.splice(i, 0, line);
            else if (op === 'tab') lines[i] = line.replace(/ /g, '\t');
            else if (op === 'pipe') lines[i] = line.replace(/\t/g, ' | ');
            else lines[i] = [...line].reverse().join('');
          }
          await importDocument({ bytes: Buffer.from(lines.join('\n')), fileName: 'mutated.txt' }).catch(
            acceptable,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('binary documents with bytes flipped or cut off', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...binaries),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
        fc.option(fc.nat()),
        async (file, flips, cut) => {
          const bytes = Buffer.from(file.bytes);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const input = cut == null ? bytes : bytes.subarray(0, cut % bytes.length);
          await importDocument({ bytes: input, fileName: file.name }).catch(acceptable);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
