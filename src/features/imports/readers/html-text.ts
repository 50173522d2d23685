import { type ChildNode, type Element, isTag, isText } from 'domhandler';
import { collapseSpace } from '../text-values.js';

/** The text of HTML elements as a reader sees it, for html.ts and html-grid.ts alike. */

/** Elements whose text is never part of the page's content. */
export const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'head',
  'iframe',
  'object',
  'button',
  'select',
]);
const BLOCK_TAGS = new Set([
  'p',
  'div',
  'section',
  'article',
  'li',
  'tr',
  'br',
  'dd',
  'dt',
  'blockquote',
  'pre',
]);

/** A cell's text with its line breaks (<br>, paragraphs) as "\n", later joined with one space. */
export function cellText(cell: Element): string {
  const parts: string[] = [];
  const visit = (nodes: ChildNode[]) => {
    for (const n of nodes) {
      if (isText(n)) parts.push(n.data);
      else if (isTag(n) && !SKIP.has(n.name)) {
        if (BLOCK_TAGS.has(n.name)) parts.push('\n');
        visit(n.children);
        if (BLOCK_TAGS.has(n.name)) parts.push('\n');
      }
    }
  };
  visit(cell.children);
  return parts.join('').split('\n').map(collapseSpace).filter(Boolean).join('\n');
}

/** A node's text, its block children set apart by a space. */
export function textOf(node: Element): string {
  const parts: string[] = [];
  const visit = (nodes: ChildNode[]) => {
    for (const n of nodes) {
      if (isText(n)) parts.push(n.data);
      else if (isTag(n) && !SKIP.has(n.name)) {
        if (BLOCK_TAGS.has(n.name)) parts.push(' ');
        visit(n.children);
      }
    }
  };
  visit(node.children);
  return parts.join('');
}
