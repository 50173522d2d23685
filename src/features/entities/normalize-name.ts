/**
 * The form of a legal name that imports match on: case, accents, punctuation and spacing do not
 * matter ("Ingram Micro European Services, S.L.U." ~ "ingram micro european services slu").
 */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/(^| )([a-z]) (?=[a-z]( |$))/g, '$1$2');
}
