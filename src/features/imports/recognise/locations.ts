import { isPlace, splitLocationCell } from '../../../domain/locations/index.js';

export { splitLocationCell };

/** A cell that lists places only ("Germany", "EU, USA"), not a sentence about them. */
export function isPlaceList(text: string): boolean {
  const parts = splitLocationCell(text);
  return parts.length > 0 && parts.every(isPlace);
}
