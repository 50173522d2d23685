import { LEGAL_FORM_WORDS, NAME_PARTICLES, THRESHOLDS } from './vocabulary.js';

export { LEGAL_FORM_WORDS };

/**
 * A string that names an organisation: it has a legal form ("Acme GmbH"), or it is a short run
 * of capitalised words ("Amazon Web Services", "Stripe") rather than a sentence.
 */
export function looksLikeOrganisation(text: string): boolean {
  const t = text.trim();
  if (t.length < 2 || t.length > THRESHOLDS.orgMaxChars) return false;
  if (LEGAL_FORM_WORDS.test(t)) return true;
  const words = t
    .replace(/\([^)]*\)/g, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > THRESHOLDS.orgMaxWords || /[.!?]$/.test(t)) return false;
  return words.every((w) => NAME_PARTICLES.test(w) || /^[\p{Lu}\p{N}@]/u.test(w) || /^[a-z]+[A-Z]/.test(w));
}
