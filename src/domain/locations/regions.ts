/** Named regions and their spellings (English and German). Canonical names are the keys. */
export const REGION_NAMES: Record<string, string[]> = {
  EU: ['EU', 'E.U.', 'European Union', 'Europäische Union', 'EU member states'],
  EEA: ['EEA', 'European Economic Area', 'EWR', 'Europäischer Wirtschaftsraum'],
  Europe: ['Europe', 'Europa', 'European', 'EMEA'],
  Worldwide: [
    'Worldwide',
    'World-wide',
    'Global',
    'Globally',
    'weltweit',
    'International',
    'Rest of world',
    'Rest of the world',
    'All regions',
  ],
  'North America': ['North America', 'Nordamerika'],
  'Latin America': ['Latin America', 'LATAM', 'South America', 'Lateinamerika', 'Südamerika'],
  APAC: ['APAC', 'Asia Pacific', 'Asia-Pacific', 'Asien-Pazifik', 'Asia Pacific region'],
  Asia: ['Asia', 'Asien'],
  'Middle East': ['Middle East', 'Naher Osten', 'Mittlerer Osten'],
  Africa: ['Africa', 'Afrika'],
  Oceania: ['Oceania', 'Ozeanien'],
};

/** Member states, so a country filter can also find entries located "in the EU". */
const EU = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');
const EEA = [...EU, 'IS', 'LI', 'NO'];

/** The countries a region stands for, where that is fixed by law (EU, EEA); [] otherwise. */
export function countriesInRegion(region: string): string[] {
  if (region === 'EU') return [...EU];
  if (region === 'EEA') return [...EEA];
  return [];
}

export const EU_MEMBERS: ReadonlySet<string> = new Set(EU);
export const EEA_MEMBERS: ReadonlySet<string> = new Set(EEA);
