import { EEA_MEMBERS } from '../locations/regions.js';
import { ADEQUACY_DECISIONS, type AdequacyDecision } from './decisions.js';

export type TransferStatus = 'eea' | 'adequate' | 'adequate_partial' | 'third_country' | 'unknown';

const BY_COUNTRY = new Map<string, AdequacyDecision>(ADEQUACY_DECISIONS.map((d) => [d.country, d]));
const ISO_ALPHA2 = /^[A-Z]{2}$/;

/** The adequacy decision for a country, if there is one. */
export function adequacyDecision(countryCode: string): AdequacyDecision | undefined {
  return BY_COUNTRY.get(countryCode.trim().toUpperCase());
}

/** Whether personal data may go to a country without a further safeguard (Art. 45). */
export function transferStatus(countryCode: string): TransferStatus {
  const code = typeof countryCode === 'string' ? countryCode.trim().toUpperCase() : '';
  if (!ISO_ALPHA2.test(code)) return 'unknown';
  if (EEA_MEMBERS.has(code)) return 'eea';
  const decision = BY_COUNTRY.get(code);
  if (decision) return decision.scope === 'full' ? 'adequate' : 'adequate_partial';
  return 'third_country';
}
