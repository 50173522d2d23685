import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';
import { headerMeaning, readHeaderRow } from '../../src/features/imports/recognise/header.js';
import { splitNames } from '../../src/features/imports/recognise/names.js';

const records = async (text: string, fileName = 'doc.txt') =>
  (await importDocument({ bytes: Buffer.from(text), fileName })).records.map(toContractRecord);

describe('names', () => {
  it.each([
    ['Ooma Inc t/as 2600Hz', [{ legalName: 'Ooma Inc', tradingNames: ['2600Hz'], formerNames: [] }]],
    [
      'TalkTalk Business Direct Limited (trading as TalkTalk Business)',
      [
        {
          legalName: 'TalkTalk Business Direct Limited',
          tradingNames: ['TalkTalk Business'],
          formerNames: [],
        },
      ],
    ],
    [
      'Everest Data Centres Ltd (previously t/as Amito, and now t/as Pulsant)',
      [{ legalName: 'Everest Data Centres Ltd', tradingNames: ['Pulsant'], formerNames: ['Amito'] }],
    ],
    [
      'Atlassian Corporation (Jira / Confluence)',
      [{ legalName: 'Atlassian Corporation', tradingNames: ['Jira', 'Confluence'], formerNames: [] }],
    ],
    [
      'The London Internet Exchange Limited (Linx)',
      [{ legalName: 'The London Internet Exchange Limited', tradingNames: ['Linx'], formerNames: [] }],
    ],
    [
      'Acme Holdings LLC d/b/a Acme Cloud',
      [{ legalName: 'Acme Holdings LLC', tradingNames: ['Acme Cloud'], formerNames: [] }],
    ],
    [
      'Widget GmbH, formerly Gadget GmbH',
      [{ legalName: 'Widget GmbH', tradingNames: [], formerNames: ['Gadget GmbH'] }],
    ],
    [
      'Beispiel AG (vormals Muster AG)',
      [{ legalName: 'Beispiel AG', tradingNames: [], formerNames: ['Muster AG'] }],
    ],
    [
      'Amazon Web Services EMEA SARL (AWS)',
      [{ legalName: 'Amazon Web Services EMEA SARL', tradingNames: ['AWS'], formerNames: [] }],
    ],
    [
      'Destiny Business Solutions Limited and Aycom Business Solutions Pvt Limited',
      [
        { legalName: 'Destiny Business Solutions Limited', tradingNames: [], formerNames: [] },
        { legalName: 'Aycom Business Solutions Pvt Limited', tradingNames: [], formerNames: [] },
      ],
    ],
    [
      'Google Cloud Platform (Google LLC)',
      [{ legalName: 'Google LLC', tradingNames: ['Google Cloud Platform'], formerNames: [] }],
    ],
    [
      'Twilio Inc. (SendGrid, Segment)',
      [{ legalName: 'Twilio Inc.', tradingNames: ['SendGrid', 'Segment'], formerNames: [] }],
    ],
    [
      'Johnson and Johnson Ltd',
      [{ legalName: 'Johnson and Johnson Ltd', tradingNames: [], formerNames: [] }],
    ],
    ['Marks & Spencer plc', [{ legalName: 'Marks & Spencer plc', tradingNames: [], formerNames: [] }]],
    [
      'Stripe, Inc. (as applicable)',
      [{ legalName: 'Stripe, Inc. (as applicable)', tradingNames: [], formerNames: [] }],
    ],
    ['Google LLC (EU region only)', [{ legalName: 'Google LLC', tradingNames: [], formerNames: [] }]],
  ])('%s', (cell, expected) => {
    expect(splitNames(cell)).toEqual(expected);
  });
});

describe('headers', () => {
  it.each([
    ['Legal Name', 'name'],
    ['Sub-Processor type', 'type'],
    ['Value Proposition', 'purpose'],
    ['Country of processing', 'location'],
    ['Corporate location', 'location'],
    ['Indicative categories of da', 'dataCategories'],
    ['Unterauftragsverarbeiter', 'name'],
    ['Ort der Verarbeitung', 'location'],
    ['Zweck', 'purpose'],
    ['Rolle', 'purpose'],
    ['Adresse', 'location'],
    ['Datenkategorien', 'dataCategories'],
    ['Subject matter', 'dataCategories'],
    ['Platform', 'group'],
    ['Produkt', 'group'],
    ['Vendor', 'name'],
  ])('%s means %s', (cell, role) => {
    expect(headerMeaning(cell)?.role).toBe(role);
  });

  it('splits two titles run together and refuses rows that are data', () => {
    expect(
      readHeaderRow(['Sub-processor', 'Location', 'Purpose Indicative categories of da'])?.map(
        (c) => c?.role,
      ),
    ).toEqual(['name', 'location', 'purpose', 'dataCategories']);
    expect(
      readHeaderRow([
        'Microsoft, Inc',
        'US',
        'Data Centre Services',
        'Personal data related to customer employees',
      ]),
    ).toBeNull();
  });

  it('prefers the processing location to the corporate address, and keeps a brand column as a trading name', async () => {
    const csv =
      'Sub-processor,Legal entity,Address,Processing location,Purpose\nSlack,Slack Technologies Limited,Dublin,EU,Chat\nGoogle Cloud,Google Ireland Limited,Dublin,"EU, USA",Hosting\n';
    expect(await records(csv, 'list.csv')).toEqual([
      {
        legalName: 'Slack Technologies Limited',
        tradingNames: [],
        formerNames: [],
        type: null,
        group: null,
        locations: ['EU'],
        purpose: 'Chat',
        dataCategories: null,
      },
      {
        legalName: 'Google Ireland Limited',
        tradingNames: ['Google Cloud'],
        formerNames: [],
        type: null,
        group: null,
        locations: ['EU', 'USA'],
        purpose: 'Hosting',
        dataCategories: null,
      },
    ]);
  });
});

describe('structure', () => {
  it('takes groups from headings over several tables and types from type headings', async () => {
    const md = [
      '# Sub-processors',
      '## Product Alpha',
      '| Name | Location | Purpose |',
      '|---|---|---|',
      '| Acme Ltd | UK | Hosting |',
      '## Product Beta',
      '### Infrastructure',
      '| Name | Location | Purpose |',
      '|---|---|---|',
      '| Beta GmbH | Germany | Hosting |',
    ].join('\n');
    expect((await records(md, 'list.md')).map((r) => [r.legalName, r.group, r.type])).toEqual([
      ['Acme Ltd', 'Product Alpha', null],
      ['Beta GmbH', 'Product Beta', 'infrastructure'],
    ]);
  });

  it('one heading over the only table is its title, not a group', async () => {
    const md =
      '## Our sub-processors at Acme\n\n| Name | Location |\n|---|---|\n| Acme Ltd | UK |\n| Beta Ltd | UK |\n';
    expect((await records(md, 'list.md')).map((r) => r.group)).toEqual([null, null]);
  });

  it('reads one section per entry with "Key: value" lines, and bullets', async () => {
    const md = [
      '# Sub-processors',
      '## Infrastructure',
      '- Amazon Web Services EMEA SARL – Cloud hosting – Ireland, Germany',
      '- Cloudflare, Inc. – Content delivery – Worldwide',
      '## Third parties',
      '### Zendesk, Inc.',
      'Purpose: Customer support',
      'Location: USA',
      'Data categories: Names, email addresses',
    ].join('\n');
    expect(await records(md, 'list.md')).toEqual([
      {
        legalName: 'Amazon Web Services EMEA SARL',
        tradingNames: [],
        formerNames: [],
        type: 'infrastructure',
        group: null,
        locations: ['Ireland', 'Germany'],
        purpose: 'Cloud hosting',
        dataCategories: null,
      },
      {
        legalName: 'Cloudflare, Inc.',
        tradingNames: [],
        formerNames: [],
        type: 'infrastructure',
        group: null,
        locations: ['Worldwide'],
        purpose: 'Content delivery',
        dataCategories: null,
      },
      {
        legalName: 'Zendesk, Inc.',
        tradingNames: [],
        formerNames: [],
        type: 'third_party',
        group: null,
        locations: ['USA'],
        purpose: 'Customer support',
        dataCategories: 'Names, email addresses',
      },
    ]);
  });

  it('re-joins a web table copied as text with one cell per line', async () => {
    const text = [
      'Infrastructure',
      '| Provider |',
      'Purpose |',
      'Data scope |',
      'Jurisdiction |',
      '| Amazon Web Services |',
      'Cloud hosting |',
      'All platform data |',
      'USA · eu-west-1 |',
      '| Vercel |',
      'Frontend hosting |',
      'Static assets |',
      'USA |',
    ].join('\n');
    expect(await records(text, 'page.txt')).toEqual([
      {
        legalName: 'Amazon Web Services',
        tradingNames: [],
        formerNames: [],
        type: 'infrastructure',
        group: null,
        locations: ['USA · eu-west-1'],
        purpose: 'Cloud hosting',
        dataCategories: 'All platform data',
      },
      {
        legalName: 'Vercel',
        tradingNames: [],
        formerNames: [],
        type: 'infrastructure',
        group: null,
        locations: ['USA'],
        purpose: 'Frontend hosting',
        dataCategories: 'Static assets',
      },
    ]);
  });

  it('keeps the company and drops the address of a German "Name und Anschrift" cell', async () => {
    const csv =
      'Name und Anschrift;Zweck;Ort der Verarbeitung\n"Hetzner Online GmbH\nIndustriestr. 25\n91710 Gunzenhausen";Hosting;Deutschland\n"Mailjet GmbH\nFriedrichstraße 68\n10117 Berlin";E-Mail-Versand;"Deutschland, Frankreich"\n';
    expect((await records(csv, 'liste.csv')).map((r) => [r.legalName, r.purpose, r.locations])).toEqual([
      ['Hetzner Online GmbH', 'Hosting', ['Deutschland']],
      ['Mailjet GmbH', 'E-Mail-Versand', ['Deutschland', 'Frankreich']],
    ]);
  });

  it('reads a place in brackets after a bulleted name as its location', async () => {
    const md =
      '- Amazon Web Services, Inc. (USA) – Cloud hosting\n- Hetzner Online GmbH (Germany) – Backups\n';
    expect((await records(md, 'list.md')).map((r) => [r.legalName, r.locations, r.purpose])).toEqual([
      ['Amazon Web Services, Inc.', ['USA'], 'Cloud hosting'],
      ['Hetzner Online GmbH', ['Germany'], 'Backups'],
    ]);
  });

  it('takes the place of a sentence that introduces a list ("located in the United States:")', async () => {
    const md =
      'These subprocessors are all located in the United States:\n\n* [Buttondown](https://b.example) - Email newsletter provider\n* [Stripe](https://s.example) - Payment processor\n\nThis subprocessor is located in the United Kingdom:\n* [Ko-Fi](https://k.example) - Payment facilitator\n';
    expect((await records(md, 'list.md')).map((r) => [r.legalName, r.locations, r.purpose])).toEqual([
      ['Buttondown', ['United States'], 'Email newsletter provider'],
      ['Stripe', ['United States'], 'Payment processor'],
      ['Ko-Fi', ['United Kingdom'], 'Payment facilitator'],
    ]);
  });

  it('reads reStructuredText: underlined headings and definition lists', async () => {
    const rst =
      'Sub-Processor List\n==================\n\nIntro text.\n\nInfrastructure\n--------------\n\nAmazon Web Services, Inc.\n    Cloud infrastructure provider.\n\nServices\n--------\n\nStripe Inc.\n    Payment processing for\n    subscriptions.\n';
    expect((await records(rst, 'list.rst')).map((r) => [r.legalName, r.type, r.purpose])).toEqual([
      ['Amazon Web Services, Inc.', 'infrastructure', 'Cloud infrastructure provider'],
      ['Stripe Inc.', null, 'Payment processing for subscriptions'],
    ]);
  });

  it('infers the columns of a table with no header from its cells', async () => {
    const tsv =
      'Acme Hosting GmbH\tGermany, Austria\tCloud hosting\tNames, emails\nBeta Mail Ltd\tUK, Ireland\tEmail delivery\tEmail addresses\nGamma Analytics Inc.\tUSA\tProduct analytics\tUsage data\n';
    const r = await records(tsv);
    expect(r.map((x) => [x.legalName, x.locations, x.purpose, x.dataCategories])).toEqual([
      ['Acme Hosting GmbH', ['Germany', 'Austria'], 'Cloud hosting', 'Names, emails'],
      ['Beta Mail Ltd', ['UK', 'Ireland'], 'Email delivery', 'Email addresses'],
      ['Gamma Analytics Inc.', ['USA'], 'Product analytics', 'Usage data'],
    ]);
  });
});

describe('column titles in other languages', () => {
  it.each([
    [
      'fr.md',
      '| Raison sociale | Finalité du traitement | Lieu de traitement | Catégories de données |\n|---|---|---|---|\n| Brevo SAS | Envoi des e-mails | France, Allemagne | Adresse e-mail |',
    ],
    [
      'es.csv',
      'Nombre,Finalidad,Ubicación,Categorías de datos\nBrevo SAS,Envío de e-mails,"Francia, Alemania",Dirección de e-mail',
    ],
    [
      'it.md',
      '| Ragione sociale | Finalità | Luogo del trattamento | Categorie di dati |\n|---|---|---|---|\n| Brevo SAS | Invio di e-mail | Francia, Germania | Indirizzo e-mail |',
    ],
    [
      'nl.md',
      '| Subverwerker | Doel | Locatie | Categorieën persoonsgegevens |\n|---|---|---|---|\n| Brevo SAS | Verzenden van e-mail | Frankrijk, Duitsland | E-mailadres |',
    ],
    [
      'pt.md',
      '| Razão social | Finalidade | Localização | Categorias de dados |\n|---|---|---|---|\n| Brevo SAS | Envio de e-mails | França, Alemanha | Endereço de e-mail |',
    ],
  ])('%s', async (fileName, text) => {
    const [r] = await records(text, fileName);
    expect(r?.legalName).toBe('Brevo SAS');
    expect(r?.purpose).toMatch(/mail/);
    expect(r?.locations).toHaveLength(2);
    expect(r?.dataCategories).toMatch(/mail/i);
  });
});

describe('one paragraph of sentences per entry', () => {
  it('reads the name before the dash, the first sentence as purpose, "Processes …" as data and labelled sentences', async () => {
    const text = [
      'Our sub-processors',
      '',
      'Amazon Web Services EMEA SARL – Hosting of the platform. Processes all customer data. Location: EU (Ireland). Safeguards: DPA, SCC.',
      '',
      'Mailgun (Sinch) – Transactional email delivery. Processes email address, email content. Location: US/EU.',
      '',
      'We review this list every year. Contact us with questions.',
    ].join('\n');
    const got = await records(text, 'list.txt');
    expect(got.map((r) => [r.legalName, r.tradingNames, r.purpose, r.dataCategories, r.locations])).toEqual([
      ['Amazon Web Services EMEA SARL', [], 'Hosting of the platform', 'all customer data', ['EU (Ireland)']],
      ['Mailgun', ['Sinch'], 'Transactional email delivery', 'email address, email content', ['US', 'EU']],
    ]);
  });

  it('does not take a single paragraph with a dash for a list', async () => {
    expect(await records('Acme Ltd – the best hosting in town. Location: Germany.', 'one.txt')).toEqual([]);
  });
});
