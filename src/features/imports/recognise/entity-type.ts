import type { EntityType } from '../model.js';
import { FIELD_OF_WORK_HEADING, GROUP_ROLE_PURPOSE, normaliseHeader, TYPE_WORDS } from './vocabulary.js';

/** A type cell or a section heading mapped to a kind: "Affiliate of CloudBlue" -> affiliate. */
export function typeFromText(text: string | null | undefined): EntityType | null {
  if (!text) return null;
  const n = normaliseHeader(text);
  if (!n || n.split(' ').length > 8) return null;
  if (TYPE_WORDS.affiliate.test(n)) return 'affiliate';
  if (TYPE_WORDS.infrastructure.test(n)) return 'infrastructure';
  if (TYPE_WORDS.third_party.test(n)) return 'third_party';
  return null;
}

/**
 * A heading that classifies what follows ("Infrastructure sub-processors", "Affiliates",
 * "Third parties"). Narrower than a type cell: "Bereich Hosting" names a field of work, not a type.
 */
export function typeFromHeading(text: string): EntityType | null {
  const n = normaliseHeader(text);
  if (FIELD_OF_WORK_HEADING.test(n) && !/\binfrastru/.test(n)) return null;
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
  return GROUP_ROLE_PURPOSE.test(n) ? 'affiliate' : null;
}
