import { Parser } from 'htmlparser2';

const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'del', 'em', 'i', 'ins', 'span', 'strong', 'time']);

export interface ParsedElement {
  name: string;
  attributes: Record<string, string>;
}

/** What a browser would see: every element with its attributes, and the decoded text. */
export function parse(markup: string): { elements: ParsedElement[]; text: string; headings: string[] } {
  const elements: ParsedElement[] = [];
  const headings: string[] = [];
  let text = '';
  let inH2 = 0;
  let h2 = '';
  let skip = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        elements.push({ name, attributes });
        if (name === 'style' || name === 'title') skip = true;
        if (name === 'h2') {
          inH2++;
          h2 = '';
        }
      },
      ontext(t) {
        if (skip) return;
        text += t;
        if (inH2) h2 += t;
      },
      onclosetag(name) {
        if (name === 'style' || name === 'title') skip = false;
        if (name === 'h2') {
          inH2--;
          headings.push(h2.trim());
        }
        // block boundaries read as spaces, so "A</td><td>B" does not become "AB"
        if (!INLINE.has(name)) text += ' ';
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(markup);
  parser.end();
  return { elements, text: text.replace(/\s+/g, ' '), headings };
}
