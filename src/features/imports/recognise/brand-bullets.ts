import type { Block } from '../model.js';
import { collapseSpace } from '../text-values.js';
import { isColumnTitle } from './header.js';
import { looksLikeOrganisation } from './organisation.js';
import { DESCRIPTION_STARTERS, INTRODUCES_LIST, LEGAL_FORM_AT_END, THRESHOLDS } from './vocabulary.js';

/** One bullet read as a brand and what it is used for. */
export interface BrandEntry {
  at: number;
  name: string;
  purpose: string | null;
  pos: Block['pos'];
}

/** A run of bullets read as brands, with the reason kept for the preview. */
export interface BrandRun {
  entries: BrandEntry[];
  /** indexes of every item of the run (read or not) */
  items: number[];
  reason: string;
}

/** A list introduced as the services used, in more words than the sub-processor ones. */
const INTRODUCES_SERVICES =
  /third[- ]part(?:y|ies)|3rd[- ]part(?:y|ies)|services (?:we use|used)|following (?:services|providers|companies)|providers/i;

/** What may stand between a brand and its description: ". ", ", for", " for ", ": ", " – ". */
const BRAND_SEPARATORS = [/\.\s+/g, /,\s*for\s+/g, /\s+for\s+/g, /,\s+/g, /\s*:\s+/g, /\s+[–—-]\s+/g];

/** "Stripe, Inc." / "Foo, LLC": a comma before a legal form is part of the name. */
const LEGAL_FORM_NEXT = /^(?:inc|llc|ltd|limited|gmbh|corp|corporation|plc|s\.?a|b\.?v|ag|co)\b/i;

/**
 * Splits "[Braintree](…). Payment processing.", "Zoom, for video meetings", "Amazon Web Services,
 * Inc. for cloud infrastructure", "**Stripe** Payments" into the name and the purpose. A lead the
 * markup set apart (a link, bold text, a first line of its own) is the name as it stands.
 */
export function splitBrandBullet(
  text: string,
  lead?: string,
): { name: string; purpose: string | null } | null {
  const t = collapseSpace(text);
  if (lead) {
    const name = collapseSpace(lead);
    if (!t.startsWith(name) || !looksLikeOrganisation(name) || isColumnTitle(name)) return null;
    const rest = t
      .slice(name.length)
      .replace(/^\s*(?:[.,:;–—-]\s*)?(?:for\s+)?/i, '')
      .trim();
    return { name, purpose: rest || null };
  }
  const cuts: { at: number; end: number }[] = [];
  for (const re of BRAND_SEPARATORS) {
    re.lastIndex = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) cuts.push({ at: m.index, end: m.index + m[0].length });
  }
  cuts.sort((a, b) => a.at - b.at || b.end - a.end);
  for (const cut of cuts) {
    const name = t.slice(0, cut.at).trim();
    const rest = t.slice(cut.end).trim();
    if (name.split(' ').length > 12) break;
    if (!rest || LEGAL_FORM_NEXT.test(rest)) continue;
    const sep = t.slice(cut.at, cut.end);
    // "Acme Inc. for …": the full stop belongs to the legal form; "Acme Ltd. Hosting." ends it.
    if (sep.startsWith('.') && /^\p{Ll}/u.test(rest)) continue;
    const full = sep.startsWith('.') && LEGAL_FORM_AT_END.test(name) ? `${name}.` : name;
    if (looksLikeOrganisation(full) && !isColumnTitle(full)) return { name: full, purpose: rest };
  }
  return splitAtDescription(t);
}

/**
 * No markup and no separator (a list printed to PDF): the name ends where a description begins,
 * with a word that starts one ("We", "All", "This") or the name's own last word again ("Stripe
 * Stripe processes …", "Microsoft Azure Azure provides …").
 */
function splitAtDescription(t: string): { name: string; purpose: string | null } | null {
  const words = t.split(' ');
  for (let k = 1; k < Math.min(words.length - 2, THRESHOLDS.orgMaxWords + 1); k++) {
    const name = words.slice(0, k).join(' ');
    const rest = words.slice(k).join(' ');
    const repeats = words[k] === words[k - 1];
    if (!repeats && !DESCRIPTION_STARTERS.test(rest)) continue;
    if (!/^\p{Lu}/u.test(rest) || !looksLikeOrganisation(name) || isColumnTitle(name)) continue;
    return { name, purpose: rest };
  }
  return null;
}

/**
 * Runs of bullets whose items share one shape (a brand, a separator, what it is for), under a
 * heading or sentence that introduces them as the services used. Judged by the consistency of
 * the run, not by whether each name looks like a company: most of its items must read so.
 */
export function brandBulletRuns(blocks: readonly Block[]): BrandRun[] {
  const runs: BrandRun[] = [];
  let items: number[] = [];
  const close = () => {
    if (items.length > 0) {
      const run = judgeRun(blocks, items);
      if (run) runs.push(run);
    }
    items = [];
  };
  blocks.forEach((b, at) => {
    if (b.kind === 'item') items.push(at);
    else close();
  });
  close();
  return runs;
}

function judgeRun(blocks: readonly Block[], items: number[]): BrandRun | null {
  const entries: BrandEntry[] = [];
  for (const at of items) {
    const b = blocks[at];
    if (b?.kind !== 'item') continue;
    const read = splitBrandBullet(b.text, b.lead);
    if (read) entries.push({ at, name: read.name, purpose: read.purpose, pos: b.pos });
  }
  if (entries.length < THRESHOLDS.minEntries) return null;
  if (entries.length / items.length < THRESHOLDS.brandRunShare) return null;
  const intro = introduction(blocks, items[0]!);
  if (!intro) return null;
  return {
    entries,
    items,
    reason: `read as a bullet list of ${entries.length} entries under '${intro.slice(0, 80)}'`,
  };
}

/** The heading or sentence above a run that says it is the list; null when none does. */
function introduction(blocks: readonly Block[], start: number): string | null {
  let seen = 0;
  for (let i = start - 1; i >= 0 && seen < THRESHOLDS.introLookBack; i--) {
    const b = blocks[i];
    if (!b || b.kind === 'table') return null;
    if (b.kind === 'item') continue;
    seen++;
    if (INTRODUCES_LIST.test(b.text) || INTRODUCES_SERVICES.test(b.text)) return collapseSpace(b.text);
  }
  return null;
}
