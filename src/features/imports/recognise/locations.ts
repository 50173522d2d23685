// Temporary until src/domain/locations lands: split on commas when every part is short.
export function splitLocationCell(cell: string): string[] {
  const t = cell.replace(/\s+/g, ' ').trim();
  if (!t) return [];
  const parts = t.split(/\s*[,;]\s*/).filter(Boolean);
  return parts.every((p) => p.split(' ').length <= 3 && /^[\p{Lu}]/u.test(p)) ? parts : [t];
}

// Temporary: a place list is what splitLocationCell splits, or one short capitalised word.
export function isPlaceList(text: string): boolean {
  return splitLocationCell(text).length > 1 || /^(EU|EEA|USA|US|UK|Worldwide|Global)$/i.test(text.trim());
}
