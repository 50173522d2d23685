/**
 * EU Commission adequacy decisions (GDPR Art. 45), as known on ADEQUACY_AS_OF.
 * REVIEW this list whenever the Commission adopts, amends or repeals a decision
 * (and at least every six months): it is data, not law, and it ages.
 *
 * Unsure: Brazil — the Commission launched adoption in Sept 2025; listed because the
 * project's domain notes count it as adopted by late 2026, check the OJ reference.
 * The European Patent Organisation (2025) is an international organisation, not a country,
 * so it has no ISO code and is not in this table.
 */
export const ADEQUACY_AS_OF = '2026-11-01';

export type AdequacyScope = 'full' | 'partial';

export interface AdequacyDecision {
  country: string;
  scope: AdequacyScope;
  decision: string;
  note: string;
}

export const ADEQUACY_DECISIONS: readonly AdequacyDecision[] = [
  { country: 'AD', scope: 'full', decision: '2010/625/EU', note: 'Andorra' },
  { country: 'AR', scope: 'full', decision: '2003/490/EC', note: 'Argentina' },
  {
    country: 'BR',
    scope: 'full',
    decision: 'Commission adequacy decision (2026, reference to confirm)',
    note: 'Brazil (LGPD); verify adoption',
  },
  {
    country: 'CA',
    scope: 'partial',
    decision: '2002/2/EC',
    note: 'Canada: commercial organisations under PIPEDA only',
  },
  { country: 'CH', scope: 'full', decision: '2000/518/EC', note: 'Switzerland' },
  { country: 'FO', scope: 'full', decision: '2010/146/EU', note: 'Faroe Islands' },
  {
    country: 'GB',
    scope: 'full',
    decision: '2021/1772 (renewed 2025)',
    note: 'United Kingdom (GDPR); renewed after the 2025 review',
  },
  { country: 'GG', scope: 'full', decision: '2003/821/EC', note: 'Guernsey' },
  { country: 'IL', scope: 'full', decision: '2011/61/EU', note: 'Israel' },
  { country: 'IM', scope: 'full', decision: '2004/411/EC', note: 'Isle of Man' },
  { country: 'JE', scope: 'full', decision: '2008/393/EC', note: 'Jersey' },
  { country: 'JP', scope: 'full', decision: '(EU) 2019/419', note: 'Japan: private sector (APPI)' },
  { country: 'KR', scope: 'full', decision: '(EU) 2022/254', note: 'Republic of Korea' },
  { country: 'NZ', scope: 'full', decision: '2013/65/EU', note: 'New Zealand' },
  {
    country: 'US',
    scope: 'partial',
    decision: '(EU) 2023/1795',
    note: 'United States: EU-US Data Privacy Framework, certified organisations only',
  },
  { country: 'UY', scope: 'full', decision: '2012/484/EU', note: 'Uruguay' },
];
