import { describe, expect, it } from 'vitest';
import type { PublicListView, SnapshotEntry } from '../../src/domain/public-view.js';
import {
  escapeHtml,
  html,
  renderListPage,
  renderTenantPage,
  renderVersionPage,
} from '../../src/features/trust-page/index.js';
import { raw } from '../../src/features/trust-page/html.js';
import {
  documentOf,
  entryOf,
  listView,
  seed000View,
  seed004View,
  seedRecords,
  tenantView,
  twoVersions,
  versionOf,
} from './fixtures.js';
import { parse } from './parse.js';

const count = (markup: string) =>
  parse(markup)
    .text.match(/Showing (\d+) of (\d+) entr/)
    ?.slice(1)
    .map(Number);
const names = (markup: string) =>
  parse(markup).elements.filter((e) => e.name === 'th' && e.attributes['data-label'] === 'Sub-processor')
    .length;

describe('escaping helpers', () => {
  it('escapes every interpolation unless it is explicitly raw', () => {
    const evil = `<b onclick="x">'&'</b>`;
    expect(escapeHtml(evil)).toBe('&lt;b onclick=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;');
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      `<p title="${escapeHtml(evil)}">${escapeHtml(evil)}</p>`,
    );
    expect(html`<p>${[evil, raw('<i>ok</i>'), null, 3]}</p>`.value).toBe(
      `<p>${escapeHtml(evil)}<i>ok</i>3</p>`,
    );
  });
});

describe.each([
  ['000', seed000View],
  ['004', seed004View],
])('seed %s as a list page', (seed, view) => {
  const page = renderListPage(view(), {});
  const { text } = parse(page);

  it('shows every record: legal name, trading and former names, locations, purpose', () => {
    for (const r of seedRecords(seed)) {
      expect(text).toContain(r.legalName);
      for (const n of r.tradingNames) expect(text).toContain(n);
      for (const n of r.formerNames) expect(text).toContain(n);
      for (const l of r.locations) expect(text).toContain(l);
      if (r.purpose) expect(text).toContain(r.purpose);
      if (r.dataCategories) expect(text).toContain(r.dataCategories);
    }
    expect(names(page)).toBe(seedRecords(seed).length);
  });

  it('is one document: a lang, one <h1>, landmarks, a skip link, captions, feeds in <head>', () => {
    const { elements } = parse(page);
    const tags = elements.map((e) => e.name);
    expect(elements.find((e) => e.name === 'html')?.attributes.lang).toBe('en');
    expect(tags.filter((t) => t === 'h1')).toHaveLength(1);
    for (const t of ['header', 'main', 'nav', 'footer', 'caption', 'style']) expect(tags).toContain(t);
    expect(tags).not.toContain('script');
    expect(elements.some((e) => e.name === 'a' && e.attributes.href === '#content')).toBe(true);
    const alternates = elements.filter((e) => e.name === 'link' && e.attributes.rel === 'alternate');
    expect(alternates.map((e) => e.attributes.href?.split('/').at(-1))).toEqual([
      'feed.atom',
      'feed.rss',
      'feed.json',
    ]);
    const hrefs = elements.filter((e) => e.name === 'a').map((e) => e.attributes.href ?? '');
    for (const ext of ['json', 'csv', 'xlsx', 'pdf'])
      expect(hrefs.some((h) => h.endsWith(`.${ext}`))).toBe(true);
    // nothing is fetched from elsewhere: the page works under default-src 'none'
    expect(elements.filter((e) => e.name === 'link' && e.attributes.rel === 'stylesheet')).toEqual([]);
  });
});

describe('the list page', () => {
  it('groups seed 000 into its platforms in document order', () => {
    expect(parse(renderListPage(seed000View(), {})).headings.slice(0, 2)).toEqual(['Commerce', 'Connect']);
  });

  it('shows seed 004 as its Word document: classification, last updated, intro, definitions, notes, disclaimer', () => {
    const page = renderListPage(seed004View(), {});
    const { text, elements } = parse(page);
    expect(text).toContain('Confidential');
    expect(text).toMatch(/Last updated 1 September 2024/);
    expect(text).toContain('The sub-processors set out below may be used by IPI');
    expect(elements.some((e) => e.name === 'dl')).toBe(true);
    expect(text).toContain('Business contact information');
    expect(text).toContain('IPI gives 30 days notice');
    expect(text).toContain('This document is provided for information only');
    // null group: one section, no invented platform name
    expect(parse(page).headings[0]).toBe('Sub-processors');
    expect(text).toContain('trading as Pulsant');
    expect(text).toContain('formerly Amito');
  });

  it('filters by type, group, country and name; the count says how many of all', () => {
    const view = seed000View();
    expect(count(renderListPage(view, {}))).toEqual([16, 16]);
    expect(count(renderListPage(view, { type: 'infrastructure' }))).toEqual([3, 16]);
    expect(count(renderListPage(view, { type: 'third_party' }))).toEqual([2, 16]);
    expect(count(renderListPage(view, { group: 'Connect' }))).toEqual([5, 16]);
    expect(names(renderListPage(view, { group: 'Connect' }))).toBe(5);
    expect(count(renderListPage(view, { q: 'AMAZON' }))).toEqual([1, 16]);
    expect(count(renderListPage(view, { q: 'microsoft', group: 'Commerce' }))).toEqual([1, 16]);
    const inCanada = seedRecords('000').filter((r) => r.locations.includes('Canada')).length;
    expect(count(renderListPage(view, { country: 'CA' }))).toEqual([inCanada, 16]);
    const none = renderListPage(view, { q: 'no such company' });
    expect(count(none)).toEqual([0, 16]);
    expect(parse(none).text).toContain('No sub-processor matches');
  });

  it('searches trading and former names too', () => {
    const view = seed004View();
    const all = seedRecords('004').length;
    expect(count(renderListPage(view, { q: 'pulsant' }))).toEqual([1, all]);
    expect(count(renderListPage(view, { q: 'amito' }))).toEqual([1, all]);
    expect(count(renderListPage(view, { q: 'confluence' }))).toEqual([1, all]);
  });

  it('keeps the chosen filters in the form and offers to clear them', () => {
    const { elements, text } = parse(renderListPage(seed000View(), { type: 'affiliate', q: 'ingram' }));
    const selected = elements.find((e) => e.name === 'option' && 'selected' in e.attributes);
    expect(selected?.attributes.value).toBe('affiliate');
    expect(elements.find((e) => e.name === 'input' && e.attributes.name === 'q')?.attributes.value).toBe(
      'ingram',
    );
    expect(text).toMatch(/clear filters/i);
    const form = elements.find((e) => e.name === 'form');
    expect(form?.attributes.method).toBe('get');
    expect(form?.attributes.action).toBe('/t/acme/platform');
    expect(parse(renderListPage(seed000View(), {})).text).not.toMatch(/clear filters/i);
  });

  it('lists former sub-processors with the date they left', () => {
    const view = seed000View();
    const gone = view.version.snapshot.entries[0] as SnapshotEntry;
    view.former = [
      { entry: { ...gone, legalName: 'Departed Ltd' }, removedInVersion: 2, leftAt: '2024-09-09T00:00:00Z' },
    ];
    const { text, headings } = parse(renderListPage(view, {}));
    expect(headings).toContain('Former sub-processors');
    expect(text).toMatch(/Departed Ltd.*9 September 2024/);
  });
});

describe('hostile values', () => {
  const HOSTILE = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    `'><svg onload=alert(1)>`,
    'Evil \u202eLtd gnp.exe',
    `${'W'.repeat(5000)}`,
    'Ａｃｍｅ 株式会社 🚀 données',
  ];
  const hostileView = (shown = 1): PublicListView => {
    const entries = HOSTILE.map((h, i) =>
      entryOf(
        {
          legalName: h,
          tradingNames: [h],
          formerNames: [h],
          type: 'third_party',
          group: h,
          locations: [h],
          purpose: h,
          dataCategories: h,
        },
        i,
      ),
    );
    const doc = documentOf({
      title: HOSTILE.join(' '),
      classification: HOSTILE[1] ?? null,
      intro: HOSTILE[0] ?? null,
      disclaimer: HOSTILE[2] ?? null,
      author: HOSTILE[3] ?? null,
      definitions: HOSTILE.map((h) => ({ term: h, definition: h })),
      notes: HOSTILE,
    });
    const v1 = versionOf(1, entries, doc);
    const v2 = versionOf(2, entries.slice(1), doc, {
      added: [],
      removed: entries.slice(0, 1),
      changed: [
        {
          key: 'k1',
          legalName: HOSTILE[1] ?? '',
          changes: [{ field: 'purpose', before: HOSTILE[0] ?? '', after: HOSTILE[1] ?? '' }],
        },
      ],
      documentFields: ['<b>title</b>'],
    });
    const view = listView([v1, v2], shown);
    view.tenant = { ...view.tenant, name: HOSTILE[0] ?? '', slug: 'a"b' };
    return view;
  };

  const pages = () => {
    const view = hostileView();
    const tenant = tenantView();
    tenant.tenant = { ...tenant.tenant, name: HOSTILE[1] ?? '' };
    tenant.lists = HOSTILE.map((h) => ({ slug: h, title: h, lastUpdated: null, entryCount: 1 }));
    if (tenant.tenant.hosting)
      tenant.tenant.hosting = {
        ...tenant.tenant.hosting,
        provider: HOSTILE[0] ?? '',
        contactEmail: HOSTILE[1] ?? '',
      };
    return {
      list: renderListPage(view, { q: HOSTILE[1], group: HOSTILE[0] }),
      version: renderVersionPage(hostileView(0), null),
      changes: renderVersionPage(view, hostileView(0).version),
      tenant: renderTenantPage(tenant),
    };
  };

  it.each(Object.entries(pages()))(
    '%s page: no element or attribute the renderer did not write',
    (_name, page) => {
      const { elements, text } = parse(page);
      for (const tag of ['script', 'img', 'svg', 'iframe', 'object']) {
        expect(elements.filter((e) => e.name === tag)).toEqual([]);
      }
      const handlers = elements.flatMap((e) => Object.keys(e.attributes).filter((a) => a.startsWith('on')));
      expect(handlers).toEqual([]);
      // the hostile strings are still shown, as text
      expect(text).toContain('<script>alert(1)</script>');
      expect(page).not.toContain('<script>');
      expect(page).not.toContain('<img');
    },
  );

  it('isolates user text for bidi: the U+202E override lives only inside <bdi>', () => {
    const page = renderListPage(hostileView(), {});
    // every override is inside a <bdi> element, a FSI...PDI isolate (<title>, <option>) or an attribute
    const outside = page
      .replace(/<bdi>[\s\S]*?<\/bdi>/g, '')
      .replace(/\u2068[^\u2069]*\u2069/g, '')
      .replace(/"[^"]*"/g, '');
    expect(outside).not.toContain('\u202e');
    expect(page).toContain('<bdi>Evil \u202eLtd gnp.exe</bdi>');
  });

  it('keeps the 5,000-character name whole and lets CSS wrap it', () => {
    const page = renderListPage(hostileView(), {});
    expect(page).toContain('W'.repeat(5000));
    expect(page).toMatch(/overflow-wrap:\s*anywhere/);
    expect(parse(page).text).toContain('Ａｃｍｅ 株式会社 🚀 données');
  });
});

describe('the version page', () => {
  it('shows a superseded version with a banner to the current one and its change set', () => {
    const { v1, v2 } = twoVersions();
    const view = listView([v1, v2], 0);
    const page = renderVersionPage(view, null);
    const { text, elements } = parse(page);
    expect(text).toMatch(/superseded/i);
    expect(elements.some((e) => e.name === 'a' && e.attributes.href === '/t/acme/platform')).toBe(true);
    expect(text).toMatch(/first published version/i);
  });

  it('shows what a later version changed, field by field', () => {
    const { v1, v2 } = twoVersions();
    const view = listView([v1, v2]);
    const page = renderVersionPage(view, v1);
    const { text, elements } = parse(page);
    expect(text).not.toMatch(/superseded/i);
    expect(text).toContain('Changes since version 1');
    expect(text).toMatch(/Added.*Newco Analytics GmbH/);
    expect(text).toMatch(/Removed.*LogsHero/);
    expect(text).toMatch(/Purpose.*Technical Support, Platform Ops & Maintenance.*Technical Support only/);
    expect(elements.filter((e) => e.name === 'del').length).toBeGreaterThan(0);
    expect(elements.filter((e) => e.name === 'ins').length).toBeGreaterThan(0);
  });

  it('lists the history newest first with counts and links to each version', () => {
    const { v1, v2 } = twoVersions();
    const { elements, text } = parse(renderListPage(listView([v1, v2]), {}));
    const links = elements
      .filter((e) => e.name === 'a' && /\/versions\/\d+$/.test(e.attributes.href ?? ''))
      .map((e) => e.attributes.href);
    expect(links).toEqual(['/t/acme/platform/versions/2', '/t/acme/platform/versions/1']);
    expect(text).toMatch(/1 added, 1 removed, 1 changed/);
    expect(text).toMatch(/Newco Analytics GmbH trading as Newco Optional/);
    expect(text).toContain('Transfer: Standard Contractual Clauses (2021/914)');
  });
});

describe('the tenant page', () => {
  const page = renderTenantPage(tenantView());
  const { text, elements } = parse(page);

  it('lists the lists with their date and count, and the hosting statement', () => {
    expect(text).toContain('Platform sub-processors');
    expect(text).toMatch(/16 sub-processors/);
    expect(text).toContain('9 September 2024');
    expect(text).toContain('Amazon Web Services EMEA SARL');
    expect(text).toContain('West Europe');
    expect(text).toContain('Each customer has its own database schema');
    expect(text).toContain('Ask support@acme.example to move');
    expect(elements.filter((e) => e.name === 'h1')).toHaveLength(1);
  });

  it('has a labelled subscribe form per list that POSTs an email', () => {
    const forms = elements.filter((e) => e.name === 'form');
    expect(forms.map((f) => [f.attributes.method, f.attributes.action])).toEqual([
      ['post', '/t/acme/platform/subscribe'],
      ['post', '/t/acme/support/subscribe'],
    ]);
    const inputs = elements.filter((e) => e.name === 'input' && e.attributes.type === 'email');
    expect(inputs).toHaveLength(2);
    for (const i of inputs) {
      expect(elements.some((e) => e.name === 'label' && e.attributes.for === i.attributes.id)).toBe(true);
    }
  });
});
