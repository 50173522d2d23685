import type { EntityType } from '../model.js';
import { normaliseHeader } from './header-synonyms.js';

/** A type cell or a section heading mapped to a kind: "Affiliate of CloudBlue" -> affiliate. */
export function typeFromText(text: string | null | undefined): EntityType | null {
  if (!text) return null;
  const n = normaliseHeader(text);
  if (!n || n.split(' ').length > 8) return null;
  if (
    /\b(affiliates?|group compan(y|ies)|group entit(y|ies)|intra group|konzern\w*|verbundene\w*|tochtergesellschaft\w*|subsidiar(y|ies))\b/.test(
      n,
    )
  )
    return 'affiliate';
  if (
    /\b(infrastructure|infrastruktur\w*|hosting|cloud infrastructure|data cent(re|er)s?|rechenzentr\w*)\b/.test(
      n,
    )
  )
    return 'infrastructure';
  if (/\b(third part(y|ies)|3rd part(y|ies)|dritt\w*|external|externe\w*)\b/.test(n)) return 'third_party';
  return null;
}

/**
 * A heading that classifies what follows ("Infrastructure sub-processors", "Affiliates",
 * "Third parties"). Narrower than a type cell: "Bereich Hosting" names a field of work, not a type.
 */
export function typeFromHeading(text: string): EntityType | null {
  const n = normaliseHeader(text);
  if (/\b(hosting|data cent(re|er)s?|rechenzentr\w*)\b/.test(n) && !/\binfrastru/.test(n)) return null;
  return typeFromText(text);
}

/**
 * A purpose that only states a place in the provider's own group ("Subsidiary", "Parent
 * company", "Intra-group services") says the entity is an affiliate.
 */
export function typeFromPurpose(purpose: string | null | undefined): EntityType | null {
  if (!purpose) return null;
  const n = normaliseHeader(purpose);
  if (!n || n.split(' ').length > 4) return null;
  return /^(?:(?:a |the )?(?:(?:wholly owned |fully owned )?subsidiar(?:y|ies)|parent(?: company)?|sister company|holding(?: company)?|group compan(?:y|ies)|affiliated? compan(?:y|ies)|intra group(?: services?)?|tochtergesellschaft|muttergesellschaft|schwestergesellschaft|konzerngesellschaft|filiale|maison mere)(?: of \w+)?)$/.test(
    n,
  )
    ? 'affiliate'
    : null;
}
