/** Words that end a company's legal name, in many jurisdictions. */
export const LEGAL_FORM_WORDS =
  /\b(?:limited|ltd|plc|llc|llp|lp|inc|incorporated|corp|corporation|company|gmbh|ag|kg|se|sa|sas|sarl|srl|spa|bv|nv|oy|oyj|ab|a\/s|aps|asa|sl|slu|s\.l\.u|eood|kft|pte|pty|pvt|sdn bhd|bhd|kk|ug|mbh|s\.a|b\.v|n\.v|s\.r\.l|s\.p\.a|s\.a\.r\.l|co\.)\.?(?=\s|$|,|\))/i;

/**
 * A string that names an organisation: it has a legal form ("Acme GmbH"), or it is a short run
 * of capitalised words ("Amazon Web Services", "Stripe") rather than a sentence.
 */
export function looksLikeOrganisation(text: string): boolean {
  const t = text.trim();
  if (t.length < 2 || t.length > 160) return false;
  if (LEGAL_FORM_WORDS.test(t)) return true;
  const words = t
    .replace(/\([^)]*\)/g, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > 6 || /[.!?]$/.test(t)) return false;
  const small = /^(of|and|&|the|for|de|du|la|le|und|der|die|von|y|et|\/)$/i;
  return words.every((w) => small.test(w) || /^[\p{Lu}\p{N}@]/u.test(w) || /^[a-z]+[A-Z]/.test(w));
}
