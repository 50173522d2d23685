import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';
import type { Block } from '../../src/features/imports/model.js';
import { headerMeaning, readHeaderRow } from '../../src/features/imports/recognise/header.js';
import { recogniseRecords } from '../../src/features/imports/recognise/recognise.js';

/** Lines of a printed page (PDF text has pages, not line numbers), each its own paragraph. */
const printed = (...lines: string[]): Block[] =>
  lines.map((text) => ({ kind: 'paragraph', text, pos: { page: 1 } }));

/** Shapes of unseen lists (issue 19), each on a small input written for the test. */
const records = async (text: string, fileName = 'doc.md') =>
  (await importDocument({ bytes: Buffer.from(text), fileName })).records.map(toContractRecord);

describe('headers broken by a narrow printed column', () => {
  it('reads a title whose word was split over two lines ("Subproces sor")', () => {
    expect(readHeaderRow(['#', 'Subproces sor', 'Pur pose', 'Region'])?.map((c) => c?.role)).toEqual([
      undefined,
      'name',
      'purpose',
      'location',
    ]);
  });
});

describe('a flattened table printed to PDF', () => {
  it('joins a row the page wrapped onto the next line back to its row', () => {
    const { records } = recogniseRecords(
      printed(
        'ProviderPurposeRegion',
        'QuillboxDocument storageEU (Paris,',
        'Lyon)',
        'TarnlightSearch indexing for the catalogueUS',
        'FernwickBackup of customer',
        'recordsEU',
      ),
    );
    expect(records.map((r) => [r.legalName, r.purpose, r.locations])).toEqual([
      ['Quillbox', 'Document storage', ['EU (Paris, Lyon)']],
      ['Tarnlight', 'Search indexing for the catalogue', ['US']],
      ['Fernwick', 'Backup of customer records', ['EU']],
    ]);
  });
});

describe('a column per place', () => {
  it('reads "US Server | EU Server" columns as the locations, in column order, without "-"', async () => {
    const got = await records(
      [
        '| Name | Purpose | US Server | EU Server | AU Server |',
        '|---|---|---|---|---|',
        '| Quillbox | File storage | US | EU | AU |',
        '| Tarnlight | Backups | EU | EU | EU |',
        '| Fernwick | Email | US | - | AU |',
      ].join('\n'),
    );
    expect(got.map((r) => [r.legalName, r.locations])).toEqual([
      ['Quillbox', ['US', 'EU', 'AU']],
      ['Tarnlight', ['EU']],
      ['Fernwick', ['US', 'AU']],
    ]);
  });
});

describe('a table its heading or sentence says is not of sub-processors', () => {
  it('is left out; the tables around it are read', async () => {
    const got = await records(
      [
        '## Sub-processors',
        '| Name | Purpose |',
        '|---|---|',
        '| Quillbox | File storage |',
        '| Tarnlight | Backups |',
        '## Services enabled by customers (Not Subprocessors)',
        '| Name | Purpose |',
        '|---|---|',
        '| Fernwick | Translation |',
        '## Tools',
        'These services act under their own terms and are not sub-processors of ours.',
        '',
        '| Name | Purpose |',
        '|---|---|',
        '| Hollowmere | Chat |',
        '## Support tools',
        '| Name | Purpose |',
        '|---|---|',
        '| Brindle | Help desk |',
      ].join('\n'),
    );
    expect(got.map((r) => r.legalName)).toEqual(['Quillbox', 'Tarnlight', 'Brindle']);
  });
});

describe('inline HTML in a Markdown table cell', () => {
  it('parts words where <p> and <strong> tags stood, without the tags', async () => {
    const got = await records(
      [
        '| Name | Purpose |',
        '|---|---|',
        '| <strong>Quillbox</strong> | <p>File storage</p><p>and backups</p> |',
        '| Tarnlight | <span class="x">Search</span> |',
      ].join('\n'),
    );
    expect(got.map((r) => [r.legalName, r.purpose])).toEqual([
      ['Quillbox', 'File storage and backups'],
      ['Tarnlight', 'Search'],
    ]);
  });
});

describe('several names in one cell, by commas', () => {
  it('gives one record per name when none has a legal form; a legal form after a comma stays', async () => {
    const got = await records(
      [
        '| Name | Purpose |',
        '|---|---|',
        '| <p>Quillbox Cloud,</p><p>Tarnlight</p> | Hosting |',
        '| Fernwick Push Service, Brindle | Notifications |',
        '| Hollowmere, PBC | Models |',
        '| Oakvale, Inc. | Email |',
        '| Pellucid, Germany | Storage |',
      ].join('\n'),
    );
    expect(got.map((r) => [r.legalName, r.purpose])).toEqual([
      ['Quillbox Cloud', 'Hosting'],
      ['Tarnlight', 'Hosting'],
      ['Fernwick Push Service', 'Notifications'],
      ['Brindle', 'Notifications'],
      ['Hollowmere, PBC', 'Models'],
      ['Oakvale, Inc.', 'Email'],
      ['Pellucid, Germany', 'Storage'],
    ]);
  });
});

/** A browser's printed list: bullets drawn as shapes, so items are only lines indented from the margin. */
function printedList(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4', margin: 72 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    const line = (text: string, x: number, y: number) => doc.text(text, x, y, { lineBreak: false });
    doc.font('Helvetica-Bold').fontSize(18);
    line('Sub-processors', 72, 72);
    doc.font('Helvetica').fontSize(11);
    line('We engage the following sub-processors to run the service for our customers today.', 72, 110);
    let y = 140;
    const item = (lines: string[]) => {
      for (const l of lines) {
        line(l, 90, y);
        y += 14;
      }
      y += 8;
    };
    item(['Quillbox. File storage for uploads and the exports our customers download from']);
    // a long item, over 300 characters
    item([
      'Brindle Mail. Brindle sends the messages of the service: sign-in links, invitations',
      'to a workspace and the notices of changes to a list. It keeps each message and its',
      'delivery record for thirty days, then deletes both; it holds no other data of ours',
      'and never sees the content of the lists themselves, only the addresses we send to',
    ]);
    y = 752;
    item([
      'Tarnlight. Search indexing for the catalogue: the names of entries and of their lists',
      'are sent to it when they change, together with the identifiers of the workspaces we',
    ]);
    doc.addPage();
    y = 72;
    item(['keep, so that a search answers within the workspace it was made in and no other one']);
    item(['Fernwick. Backups of the database, kept encrypted in two places for thirty days only']);
    doc.end();
  });
}

describe('a list printed by a browser (bullets drawn as shapes)', () => {
  it('reads indented lines as items, long ones too, across a page break', async () => {
    const got = (await importDocument({ bytes: await printedList(), fileName: 'list.pdf' })).records;
    expect(got.map((r) => r.legalName)).toEqual(['Quillbox', 'Brindle Mail', 'Tarnlight', 'Fernwick']);
    expect(got[2]?.purpose).toMatch(/no other one$/);
  });
});

describe('a header repeated on a new page, its title lines grouped differently', () => {
  it('is no entry', () => {
    const row = (...cells: string[]) => ({ cells, pos: { page: 2 }, fragile: true, afterBreak: false });
    const table: Block = {
      kind: 'table',
      fragile: true,
      pos: { page: 1 },
      rows: [
        { cells: ['name', 'Location', 'Description of processing'], pos: { page: 1 } },
        row('Quillbox', 'EU', 'File storage'),
        { ...row('Processor entity\nname', 'Location', 'Description of processing'), afterBreak: true },
        row('Tarnlight', 'US', 'Search'),
      ],
    };
    const { records } = recogniseRecords([
      { kind: 'heading', text: 'Processor entity', level: 2, pos: { page: 1 } },
      table,
    ]);
    expect(records.map((r) => r.legalName)).toEqual(['Quillbox', 'Tarnlight']);
  });
});

describe('a column of yes/no answers', () => {
  it('gives no field, whatever its title suggests', async () => {
    const got = await records(
      [
        '| Provider | Purpose | Processes personal data? | Region |',
        '|---|---|---|---|',
        '| Quillbox | File storage | Yes (uploads only) | EU |',
        '| Tarnlight | Search | No | US |',
        '| Fernwick | Backups | Yes | EU |',
      ].join('\n'),
    );
    expect(got.map((r) => [r.legalName, r.purpose, r.dataCategories, r.locations])).toEqual([
      ['Quillbox', 'File storage', null, ['EU']],
      ['Tarnlight', 'Search', null, ['US']],
      ['Fernwick', 'Backups', null, ['EU']],
    ]);
  });
});

describe('a title whose head noun comes before "of" / "de" / "der"', () => {
  it.each([
    ['Actividad del Subencargado', 'purpose'],
    ['Type of sub-processor', 'type'],
    ['Name of the entity', 'name'],
  ])('%s means %s', (cell, role) => {
    expect(headerMeaning(cell)?.role).toBe(role);
    expect(readHeaderRow(['Proveedor', cell])?.[1]?.role).toBe(role);
  });
});

describe('a location cell of several lines', () => {
  it('gives one place per line, and leaves out sentences after the places', async () => {
    const got = await records(
      [
        '| Name | Location |',
        '|---|---|',
        '| Quillbox | Ireland (eu-west-1)<br>Japan (ap-northeast-1) |',
        '| Tarnlight | United States<br>The region is chosen by the customer when the workspace is created. |',
        '| Fernwick | Germany |',
      ].join('\n'),
    );
    expect(got.map((r) => [r.legalName, r.locations])).toEqual([
      ['Quillbox', ['Ireland (eu-west-1)', 'Japan (ap-northeast-1)']],
      ['Tarnlight', ['United States']],
      ['Fernwick', ['Germany']],
    ]);
  });
});

describe('HTML character references in Markdown', () => {
  it('are the characters they stand for; forbidden ones stay as written', async () => {
    const got = await records(
      [
        '# Our sub-processors',
        '## Partners&#x20;',
        '| Name | Purpose |',
        '|---|---|',
        '| Quill&amp;Box | Storage&nbsp;and backups |',
        '| Tarnlight | Search &#0; &#xFFFE; |',
        '## Tools',
        '| Name | Purpose |',
        '|---|---|',
        '| Fernwick | Chat |',
      ].join('\n'),
    );
    expect(got.map((r) => [r.legalName, r.purpose, r.group])).toEqual([
      ['Quill&Box', 'Storage and backups', 'Partners'],
      ['Tarnlight', 'Search &#0; &#xFFFE;', 'Partners'],
      ['Fernwick', 'Chat', 'Tools'],
    ]);
  });
});

describe('a printed table row cut by a page break inside a bracket', () => {
  it('joins the bracket that starts the next page to the name above it', () => {
    const row = (page: number, afterBreak: boolean, ...cells: string[]) => ({
      cells,
      pos: { page },
      fragile: true,
      afterBreak,
    });
    const table: Block = {
      kind: 'table',
      fragile: true,
      pos: { page: 1 },
      rows: [
        { cells: ['Category', 'Sub-processor', 'Purpose'], pos: { page: 1 } },
        row(1, false, 'Hosting', 'Quillbox', 'File storage'),
        row(1, false, 'Models', 'Tarnlight Cloud', 'Inference for'),
        row(2, true, '', '(Tarnlight Models)', 'search and answers'),
        row(2, false, 'Email', 'Fernwick', 'Sending mail'),
      ],
    };
    const { records } = recogniseRecords([table]);
    expect(records.map((r) => [r.legalName, r.tradingNames, r.purpose])).toEqual([
      ['Quillbox', [], 'File storage'],
      ['Tarnlight Cloud', ['Tarnlight Models'], 'Inference for search and answers'],
      ['Fernwick', [], 'Sending mail'],
    ]);
  });
});
