import type { Block, ProvenancedRecord } from '../model.js';

/** Entries written as bullets or as one section per entry. (Filled in below.) */
export function recordsFromProse(_blocks: readonly Block[]): { at: number; records: ProvenancedRecord[] }[] {
  return [];
}
