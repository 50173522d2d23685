import { isPlace } from '../../../domain/locations/index.js';
import { FORMER_MARKER, LEGAL_FORM_AT_END, LEGAL_FORM_WORDS, TRADING_MARKER } from './vocabulary.js';
import { collapseSpace } from '../text-values.js';
import { looksLikeOrganisation } from './organisation.js';

/** A name cell split into the entities it names. */
export interface SplitName {
  legalName: string;
  tradingNames: string[];
  formerNames: string[];
}

const LEGAL_FORM = LEGAL_FORM_AT_END;
const TRADING = TRADING_MARKER;
const FORMER = FORMER_MARKER;

const FORMER_THEN_NOW = new RegExp(
  String.raw`^(?:${FORMER})\s+(?:${TRADING}\s+)?(.+?),?\s+(?:and\s+)?(?:now|currently|jetzt)\s+(?:${TRADING}\s+)?(.+)$`,
  'i',
);
const FORMER_ONLY = new RegExp(String.raw`^(?:${FORMER})\s+(?:${TRADING}\s+)?(.+)$`, 'i');
const TRADING_ONLY = new RegExp(String.raw`^(?:${TRADING})\s+(.+)$`, 'i');
const INLINE_MARKER = new RegExp(String.raw`\s*[,;]?\s+(${TRADING}|${FORMER})\s+`, 'i');

/** Splits "Ooma Inc t/as 2600Hz", "X Ltd (previously t/as A, and now t/as B)", "A Ltd and B Ltd". */
export function splitNames(cell: string): SplitName[] {
  const text = collapseSpace(cell);
  if (!text) return [];
  return splitCompanies(text).flatMap(splitByComma).map(splitOne);
}

/**
 * "Apple Push Notification Service, Firebase": names without a legal form, listed by commas, are
 * several entities. "Acme, Inc.", "Google Ireland Ltd., Gordon House", "Hetzner, Germany" (a
 * legal form, a place) and anything in brackets stay one.
 */
function splitByComma(text: string): string[] {
  if (!text.includes(',') || /[()]/.test(text) || LEGAL_FORM_WORDS.test(text)) return [text];
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const names = parts.length >= 2 && parts.length <= 6;
  return names && parts.every((p) => looksLikeOrganisation(p) && !isPlace(p)) ? parts : [text];
}

function splitOne(text: string): SplitName {
  const result: SplitName = { legalName: text, tradingNames: [], formerNames: [] };
  let rest = text;

  // Trailing brackets: "(trading as X)", "(formerly Y)", "(Linx)", "(Jira / Confluence)".
  for (;;) {
    const m = /^(.*\S)\s*\(([^()]+)\)\s*$/.exec(rest);
    if (!m?.[1] || !m[2]) break;
    // "Google Cloud Platform (Google LLC)": the legal entity is in the bracket, the product outside.
    if (
      LEGAL_FORM_WORDS.test(m[2]) &&
      !LEGAL_FORM_WORDS.test(m[1]) &&
      !/^(?:formerly|previously|trading|t\/as|d\/b\/a)/i.test(m[2])
    ) {
      result.tradingNames.unshift(m[1].trim());
      rest = m[2].trim();
      break;
    }
    // "(a Salesforce Company)", "(part of X)", "GitHub, Inc. (Microsoft Corporation)": a note
    // about the owner; "(IE)": where, not who.
    const isAlias = new RegExp(`^(?:${TRADING}|${FORMER})\\b`, 'i').test(m[2].trim());
    const ownerCompany = !isAlias && LEGAL_FORM_WORDS.test(m[2]) && LEGAL_FORM_WORDS.test(m[1]);
    if (
      ownerCompany ||
      /^(?:an?\s|part of\b|subsidiary of\b|owned by\b|member of\b|ein\s|eine\s|teil der\b)/i.test(m[2]) ||
      isPlace(m[2])
    ) {
      rest = m[1];
      continue;
    }
    if (!classifyAlias(m[2], result)) break;
    rest = m[1];
  }
  // Inline markers: "Ooma Inc t/as 2600Hz", "Acme GmbH, formerly Foo GmbH".
  const inline = INLINE_MARKER.exec(rest);
  if (inline && inline.index > 0) {
    const alias = rest.slice(inline.index).replace(/^\s*[,;]?\s*/, '');
    rest = rest.slice(0, inline.index);
    classifyAlias(alias, result);
  }
  result.legalName = rest.replace(/[\s,;]+$/, '').trim() || text;
  return result;
}

/** Puts an alias phrase into trading or former names; false when it is not an alias. */
function classifyAlias(phrase: string, into: SplitName): boolean {
  const p = phrase.trim().replace(/^["“”'‘’«]+|["“”'‘’»]+$/g, '');
  const thenNow = FORMER_THEN_NOW.exec(p);
  if (thenNow?.[1] && thenNow[2]) {
    into.formerNames.unshift(...splitBrands(thenNow[1]));
    into.tradingNames.unshift(...splitBrands(thenNow[2]));
    return true;
  }
  const former = FORMER_ONLY.exec(p);
  if (former?.[1]) {
    into.formerNames.unshift(...splitBrands(former[1]));
    return true;
  }
  const trading = TRADING_ONLY.exec(p);
  if (trading?.[1]) {
    into.tradingNames.unshift(...splitBrands(trading[1]));
    return true;
  }
  if (looksLikeBrand(p)) {
    into.tradingNames.unshift(...splitBrands(p));
    return true;
  }
  return false;
}

/**
 * A bracket holds a brand or abbreviation ("Linx", "AWS", "Jira / Confluence"), not a note
 * ("(as applicable)", "(EU region)", "(Germany)", "(see below)").
 */
function looksLikeBrand(p: string): boolean {
  if (isPlace(p)) return false; // "(Germany)", "(EU)": where, not who
  if (p.length > 60 || /[.:;!?]$/.test(p)) return false;
  const words = p.split(/\s+/);
  if (words.length > 6) return false;
  if (/^(?:as|see|if|for|only|where|when|e\.g|i\.e|incl|including|optional|via|in|on|eu|us|uk)\b/i.test(p))
    return false;
  if (/\b(?:region|only|applicable|optional|data|from|since|until|see)\b/i.test(p)) return false;
  // Every word (outside separators) starts with an upper-case letter or a digit.
  return words.every((w) => w === '/' || w === '&' || /^[\p{Lu}\p{N}]/u.test(w));
}

function splitBrands(text: string): string[] {
  const parts = text
    .split(/\s+\/\s+|\s*;\s*/)
    .map((s) => s.replace(/^[\s,]+|[\s,]+$/g, ''))
    .filter(Boolean);
  // "SendGrid, Segment" is two brands; "Acme, Inc." is one name with its legal form.
  return parts.flatMap((p) => {
    const byComma = p.split(/\s*,\s*/).filter(Boolean);
    return byComma.length > 1 && !byComma.some((b) => LEGAL_FORM.test(b) && b.split(' ').length === 1)
      ? byComma
      : splitGluedSlash(p);
  });
}

/** "Firebase/Firestore" is two brands; "CI/CD" or "TCP/IP" (capitals only) is one term. */
function splitGluedSlash(p: string): string[] {
  const parts = p.split('/');
  return parts.length > 1 && parts.every((w) => /^\p{Lu}[\p{Ll}\p{N}]+(?:\p{Lu}[\p{Ll}\p{N}]*)*$/u.test(w))
    ? parts
    : [p];
}

/**
 * "Destiny Business Solutions Limited and Aycom Business Solutions Pvt Limited" is two
 * companies; "Johnson and Johnson Ltd" or "Marks & Spencer plc" is one. A conjunction splits
 * only when the part before it ends with a legal form and the part after it has one too.
 */
function splitCompanies(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  for (;;) {
    const m = /\s+(?:and|&|und|\/|or|oder)\s+/i.exec(rest);
    if (!m) break;
    let found = false;
    const re = /\s+(?:and|&|und|\/|or|oder)\s+/gi;
    for (let hit = re.exec(rest); hit; hit = re.exec(rest)) {
      const left = rest.slice(0, hit.index);
      if (insideBrackets(left)) continue;
      const right = rest.slice(hit.index + hit[0].length);
      // "Anthropic / OVH", "Resend or Brevo": two names that each read as one are two entities
      const alternative = /^\s+(?:\/|or|oder)\s+$/i.test(hit[0]);
      const both = alternative
        ? looksLikeOrganisation(left) && looksLikeOrganisation(right)
        : hasLegalForm(left) && hasLegalForm(right);
      if (both) {
        parts.push(left.trim());
        rest = right;
        found = true;
        break;
      }
    }
    if (!found) break;
  }
  parts.push(rest.trim());
  return parts;
}

function hasLegalForm(text: string): boolean {
  const name = text.replace(/\s*\([^)]*\)\s*$/, '').split(INLINE_MARKER)[0] ?? text;
  return LEGAL_FORM.test(name.trim());
}

function insideBrackets(prefix: string): boolean {
  let depth = 0;
  for (const ch of prefix) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}
