/**
 * An ILIKE pattern that matches values containing `text` as typed: its `\`, `%` and `_` are
 * escaped (backslash is PostgreSQL's default LIKE escape), so a search is never a wildcard.
 */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
