import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countriesInRegion,
  parseLocation,
  parseLocations,
  splitLocationCell,
} from '../../src/domain/locations/index.js';

describe('splitLocationCell', () => {
  it.each([
    ['EU, USA, Canada', ['EU', 'USA', 'Canada']],
    ['Netherlands, USA, Australia, Singapore', ['Netherlands', 'USA', 'Australia', 'Singapore']],
    ['Ireland, Germany', ['Ireland', 'Germany']],
    ['USA, Canada', ['USA', 'Canada']],
    ['Spain', ['Spain']],
    ['Data resides in UK, but support worldwide', ['Data resides in UK, but support worldwide']],
    ['Worldwide', ['Worldwide']],
    ['', []],
    ['Germany (Frankfurt), Ireland (Dublin)', ['Germany (Frankfurt)', 'Ireland (Dublin)']],
    ['United States and Germany', ['United States', 'Germany']],
    ['Deutschland und Österreich', ['Deutschland', 'Österreich']],
    ['Bosnia and Herzegovina', ['Bosnia and Herzegovina']],
    ['Trinidad and Tobago', ['Trinidad and Tobago']],
    ['Antigua and Barbuda', ['Antigua and Barbuda']],
    ['Saint Kitts and Nevis', ['Saint Kitts and Nevis']],
    ['Bosnia and Herzegovina, Serbia', ['Bosnia and Herzegovina', 'Serbia']],
    ['France; Germany', ['France', 'Germany']],
    ['USA\nCanada', ['USA', 'Canada']],
    ['EU / UK', ['EU', 'UK']],
    ['Hosted in the EU, with support from India', ['Hosted in the EU, with support from India']],
    ['Where our customers are', ['Where our customers are']],
  ])('%j -> %j', (cell, parts) => {
    expect(splitLocationCell(cell)).toEqual(parts);
  });
});

describe('parseLocation', () => {
  it.each([
    ['US', ['US'], [], null],
    ['USA', ['US'], [], null],
    ['U.S.A.', ['US'], [], null],
    ['United States of America', ['US'], [], null],
    ['Vereinigte Staaten', ['US'], [], null],
    ['UK', ['GB'], [], null],
    ['United Kingdom', ['GB'], [], null],
    ['Großbritannien', ['GB'], [], null],
    ['England', ['GB'], [], null],
    ['Deutschland', ['DE'], [], null],
    ['Germany (Frankfurt)', ['DE'], [], null],
    ['Frankfurt am Main', ['DE'], [], null],
    ['Niederlande', ['NL'], [], null],
    ['The Netherlands', ['NL'], [], null],
    ['Holland', ['NL'], [], null],
    ['Schweiz', ['CH'], [], null],
    ['Österreich', ['AT'], [], null],
    ['Osterreich', ['AT'], [], null],
    ['Irland', ['IE'], [], null],
    ['Republic of Ireland', ['IE'], [], null],
    ['South Korea', ['KR'], [], null],
    ['Czech Republic', ['CZ'], [], null],
    ['Türkiye', ['TR'], [], null],
    ['UAE', ['AE'], [], null],
    ['Hong Kong', ['HK'], [], null],
    ['Singapur', ['SG'], [], null],
    ['India', ['IN'], [], null],
    ['South Africa', ['ZA'], [], null],
    ['United States Minor Outlying Islands', ['UM'], [], null],
    ['New Mexico', ['US'], [], null],
    ['Mexico', ['MX'], [], null],
    ['EU', [], ['EU'], null],
    ['European Union', [], ['EU'], null],
    ['Europäische Union', [], ['EU'], null],
    ['EEA', [], ['EEA'], null],
    ['EWR', [], ['EEA'], null],
    ['EU/EEA', [], ['EEA', 'EU'], null],
    ['Europe', [], ['Europe'], null],
    ['Europa', [], ['Europe'], null],
    ['Worldwide', [], ['Worldwide'], null],
    ['weltweit', [], ['Worldwide'], null],
    ['Global', [], ['Worldwide'], null],
    ['APAC', [], ['APAC'], null],
    ['North America', [], ['North America'], null],
    ['Data resides in UK, but support worldwide', ['GB'], ['Worldwide'], 'storage'],
    ['Hosting in Germany', ['DE'], [], 'hosting'],
    ['Data centres in Ireland and the Netherlands', ['IE', 'NL'], [], 'hosting'],
    ['Support from India', ['IN'], [], 'support'],
    ['Backups in Finland', ['FI'], [], 'backup'],
    ['Processing in the EU', [], ['EU'], 'processing'],
    ['Speicherung in Deutschland', ['DE'], [], 'storage'],
    ['Verarbeitung in der EU', [], ['EU'], 'processing'],
    ['contact us', [], [], null],
    ['us', [], [], null],
    ['it is processed in india', ['IN'], [], 'processing'],
    ['IT', ['IT'], [], null],
    ['N/A', [], [], null],
    ['', [], [], null],
  ])('%j', (written, countries, regions, role) => {
    expect(parseLocation(written)).toEqual({ written, countries, regions, role });
  });

  it.each([
    ['Allemagne', 'DE'],
    ['Estados Unidos', 'US'],
    ['Stati Uniti', 'US'],
    ['Ierland', 'IE'],
    ['Países Baixos', 'NL'],
    ['Royaume-Uni', 'GB'],
  ])('reads the country name %j in French, Spanish, Italian, Dutch or Portuguese', (written, code) => {
    expect(parseLocation(written).countries).toEqual([code]);
  });

  it('splits "US/EU" (two places) but not "EU/EEA" (one place, written two ways)', () => {
    expect(splitLocationCell('US/EU')).toEqual(['US', 'EU']);
    expect(splitLocationCell('EU/EEA')).toEqual(['EU/EEA']);
  });

  it('splits a cell of country names in other languages', () => {
    expect(splitLocationCell('France, Allemagne, Pays-Bas')).toEqual(['France', 'Allemagne', 'Pays-Bas']);
  });

  it('collects the countries of several locations for the country filter', () => {
    expect(parseLocations(['EU', 'USA', 'Canada']).countryCodes).toEqual(['CA', 'US']);
    expect(countriesInRegion('EU')).toHaveLength(27);
    expect(countriesInRegion('EEA')).toEqual(expect.arrayContaining(['NO', 'IS', 'LI', 'DE']));
  });
});

describe('properties', () => {
  it('never throws, keeps what was written, and splits only into parts of the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(parseLocation(s).written).toBe(s);
        const parts = splitLocationCell(s);
        const flat = s.replace(/\s+/g, ' ');
        for (const p of parts) expect(flat).toContain(p);
        for (const p of parts) expect(splitLocationCell(p)).toEqual([p]);
      }),
      { numRuns: 2000 },
    );
  });

  it('lists of known places split into exactly those places', () => {
    const places = [
      'Germany',
      'USA',
      'EU',
      'Ireland',
      'Worldwide',
      'Japan',
      'Bosnia and Herzegovina',
      'UK',
      'Österreich',
    ];
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...places), { minLength: 1, maxLength: 6 }), (list) => {
        expect(splitLocationCell(list.join(', '))).toEqual(list);
      }),
    );
  });

  it('a 100 KB hostile string is handled quickly', () => {
    const hostile = `\u202e${'Germany '.repeat(12_000)}\u0000😀`;
    const t0 = Date.now();
    parseLocation(hostile);
    splitLocationCell(hostile);
    expect(Date.now() - t0).toBeLessThan(500);
  });
});
