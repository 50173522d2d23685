import type { Block, ProvenancedRecord } from '../model.js';
import { collapseSpace, dropTrailingStop } from '../text-values.js';
import { typeFromText } from './entity-type.js';
import { isColumnTitle } from './header.js';
import { labelledFields } from './labelled-fields.js';
import { brandBulletRuns } from './brand-bullets.js';
import { sentenceEntryRuns } from './sentence-entries.js';
import { isPlaceList, splitLocationCell } from './locations.js';
import { looksLikeOrganisation } from './organisation.js';
import { splitNames } from './names.js';
import { CLAUSE_HEADING, INTRODUCES_LIST, THRESHOLDS, TYPE_LABEL } from './vocabulary.js';

/** Records found at a block; `reason` says how the block was read, for the preview. */
type Found = { at: number; records: ProvenancedRecord[]; reason?: string };

/**
 * Entries that are not in a table: one section per entry ("## Acme Ltd" then "Purpose: ...",
 * "Location: ..."), "Key: value" blocks, bullets ("Acme Ltd – hosting – Germany"), or one
 * paragraph of sentences per entry (sentence-entries).
 */
export function recordsFromProse(blocks: readonly Block[]): Found[] {
  const sections = recordsFromKeyValues(blocks);
  const taken = new Set(sections.map((f) => f.at));
  const bullets = withBrandRuns(
    blocks,
    recordsFromBullets(blocks).filter((f) => !taken.has(f.at)),
  ).filter((f) => !taken.has(f.at));
  for (const f of bullets) taken.add(f.at);
  const paragraphs = sentenceEntryRuns(blocks)
    .filter((f) => !taken.has(f.at))
    .map(({ at, entry, block }) => ({
      at,
      records: toRecords(
        entry.name,
        { purpose: entry.purpose, location: entry.location, dataCategories: entry.dataCategories },
        block.pos,
      ),
    }));
  return [...sections, ...bullets, ...paragraphs].sort((a, b) => a.at - b.at);
}

/**
 * Two readings of a bullet run compete: "name – purpose – location" parts, and brands with what
 * they are for (brand-bullets). The one that reads more of the run's items wins; a tie keeps
 * the parts.
 */
function withBrandRuns(blocks: readonly Block[], parts: Found[]): Found[] {
  let out = parts;
  for (const run of brandBulletRuns(blocks)) {
    const inRun = new Set(run.items);
    // a reading that found bare names only (no purpose, no place) says less than brands with theirs
    const says = (f: Found) => f.records.some((r) => r.purpose || r.locations.length > 0);
    const byParts = out.filter((f) => inRun.has(f.at) && says(f)).length;
    if (run.entries.length <= byParts) continue;
    out = out.filter((f) => !inRun.has(f.at));
    out = out.concat(
      run.entries.map((e, i) => ({
        at: e.at,
        records: toRecords(e.name, e.purpose ? { purpose: e.purpose } : {}, e.pos),
        reason: i === 0 ? run.reason : undefined,
      })),
    );
  }
  return out.sort((a, b) => a.at - b.at);
}

type Field = 'location' | 'purpose' | 'dataCategories' | 'type' | 'group';

interface Draft {
  at: number;
  name: string | null;
  nameFromKey: boolean;
  fields: Partial<Record<Field, string>>;
  /** how strongly each field's label said so ("Location of processing" over "Address") */
  weights: Partial<Record<Field, number>>;
  pos: Block['pos'];
}

function recordsFromKeyValues(blocks: readonly Block[]): Found[] {
  const found: Found[] = [];
  let draft: Draft | null = null;
  const finish = () => {
    if (draft?.name && Object.keys(draft.fields).some((k) => k !== 'type' && k !== 'group')) {
      found.push({ at: draft.at, records: toRecords(draft.name, draft.fields, draft.pos) });
    }
    draft = null;
  };
  blocks.forEach((b, at) => {
    if (b.kind === 'table') return;
    if (b.kind === 'heading') {
      finish();
      // "Article 3 : Obligations du Sous-traitant" is a clause of a contract, not an entry
      if (CLAUSE_HEADING.test(b.text.trim())) return;
      draft = { at, name: b.text, nameFromKey: false, fields: {}, weights: {}, pos: b.pos };
      return;
    }
    for (const { meaning, value } of labelledFields(b.text)) {
      // "Sous-traitant : La personne physique ou morale qui …" defines a word; it names nobody
      if (meaning.role === 'name' && !looksLikeOrganisation(value)) continue;
      if (meaning.role === 'name') {
        if (draft?.nameFromKey || (draft && Object.keys(draft.fields).length > 0)) finish();
        draft = draft ?? { at, name: null, nameFromKey: false, fields: {}, weights: {}, pos: b.pos };
        draft.name = value;
        draft.nameFromKey = true;
        draft.pos = b.pos;
        continue;
      }
      if (!draft || meaning.role === 'other') continue;
      // Two labels for one field (an address and a location of processing): the heavier wins;
      // the same weight twice goes on.
      const field = meaning.role;
      const had = draft.weights[field];
      if (had === undefined || meaning.weight > had) {
        draft.fields[field] = value;
        draft.weights[field] = meaning.weight;
      } else if (meaning.weight === had) draft.fields[field] = `${draft.fields[field]} ${value}`;
    }
  });
  finish();
  return found;
}

const SEPARATOR = /\s+[–—-]\s+|\s*\|\s*|\t+/;

/** A run of bullets where most read as "name – purpose – location". */
function recordsFromBullets(blocks: readonly Block[]): Found[] {
  const found: Found[] = [];
  let run: Found[] = [];
  let runItems = 0;
  let names: Found[] = [];
  let intro: Extract<Block, { kind: 'heading' | 'paragraph' }> | undefined;
  const runs: { parsed: Found[]; items: number }[] = [];
  const closeRun = () => {
    if (run.length > 0 && run.length / runItems >= THRESHOLDS.bulletRunShare)
      runs.push({ parsed: run, items: runItems });
    // A list introduced as the sub-processors, whose items are just company names.
    else if (
      names.length >= THRESHOLDS.minEntries &&
      names.length / runItems >= THRESHOLDS.bareNameShare &&
      intro &&
      INTRODUCES_LIST.test(intro.text)
    )
      found.push(...names);
    run = [];
    names = [];
    runItems = 0;
  };
  blocks.forEach((b, at) => {
    if (b.kind !== 'item') {
      if (b.kind !== 'paragraph') closeRun();
      if ((b.kind === 'heading' || b.kind === 'paragraph') && runItems === 0) intro = b;
      return;
    }
    runItems++;
    if (looksLikeOrganisation(b.text) && !/[:–—]|\s-\s/.test(b.text)) {
      names.push({ at, records: toRecords(b.text, {}, b.pos) });
    }
    const parsed = parseBullet(b.text);
    if (parsed) run.push({ at, records: toRecords(parsed.name, parsed.fields, b.pos) });
  });
  closeRun();
  // Entries may be spread over sections (one under "Infrastructure", three under "Services"):
  // accept every well-read run once the document has at least two such entries in all.
  if (runs.reduce((n, r) => n + r.parsed.length, 0) >= THRESHOLDS.minEntries)
    for (const r of runs) found.push(...r.parsed);
  return found.sort((a, b) => a.at - b.at);
}

function parseBullet(text: string): { name: string; fields: Draft['fields'] } | null {
  let parts = text.split(SEPARATOR).map(collapseSpace).filter(Boolean);
  if (parts.length < 2) {
    // "Acme Ltd: hosting in Germany" or "Acme Ltd (hosting, Germany)"
    const colon = /^([^:]{2,120}):\s+(.+)$/.exec(text);
    if (!colon?.[1] || !colon[2]) return null;
    parts = [colon[1], colon[2]];
  }
  let [name, ...rest] = parts;
  if (!name) return null;
  const fields: Draft['fields'] = {};
  // "Acme Inc. (USA) – Hosting": a place in brackets after the name is where, not who.
  const bracket = /^(.*\S)\s*\(([^()]+)\)$/.exec(name);
  if (bracket?.[1] && bracket[2] && isPlaceList(bracket[2])) {
    name = bracket[1];
    fields.location = bracket[2];
  }
  // "Name: Acme Ltd" is a labelled line, not an entry named "Name".
  if (!looksLikeOrganisation(name) || isColumnTitle(name)) return null;
  for (const part of rest) {
    if (!fields.type && isTypeLabel(part)) fields.type = part;
    else if (!fields.location && isPlaceList(part)) fields.location = part;
    else if (!fields.purpose) fields.purpose = part;
    else if (!fields.dataCategories) fields.dataCategories = part;
  }
  return fields.location || fields.purpose ? { name, fields } : null;
}

function toRecords(name: string, fields: Draft['fields'], pos: Block['pos']): ProvenancedRecord[] {
  return splitNames(name).map((n) => ({
    legalName: n.legalName,
    tradingNames: n.tradingNames,
    formerNames: n.formerNames,
    type: typeFromText(fields.type),
    group: fields.group ?? null,
    locations: splitLocationCell(fields.location ?? ''),
    purpose: fields.purpose ? dropTrailingStop(fields.purpose) : null,
    dataCategories: fields.dataCategories ? dropTrailingStop(fields.dataCategories) : null,
    source: pos,
  }));
}

/** A bullet part that is only a type label ("Affiliate", "Third party"), not a purpose. */
function isTypeLabel(part: string): boolean {
  return TYPE_LABEL.test(part.trim());
}
