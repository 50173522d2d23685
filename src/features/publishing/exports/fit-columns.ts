/**
 * Column widths for a table of fixed total width in which no word breaks inside itself: each
 * column gets at least the width of its longest word (as measured in the font), and the room
 * left is shared out as the preferred widths say. Only a word wider than `maxWordWidth` (a
 * URL, a name of hundreds of letters with no space) may still break, since no layout holds it.
 */
export function fitColumns(
  preferred: number[],
  longestWord: number[],
  total: number,
  maxWordWidth: number,
): number[] {
  const min = longestWord.map((w) => Math.min(w, maxWordWidth));
  const minSum = min.reduce((a, b) => a + b, 0);
  if (minSum >= total) return min.map((w) => (w / minSum) * total);
  const start = preferred.map((p, k) => Math.max(p, min[k]!));
  const sum = start.reduce((a, b) => a + b, 0);
  if (sum <= total) {
    // Room to spare: give it out in proportion to the preferred widths.
    const spare = total - sum;
    const pref = preferred.reduce((a, b) => a + b, 0);
    return start.map((w, k) => w + (spare * preferred[k]!) / pref);
  }
  // Too wide: take the excess from each column's slack above its minimum, in proportion.
  const slack = start.map((w, k) => w - min[k]!);
  const slackSum = slack.reduce((a, b) => a + b, 0);
  const excess = sum - total;
  return start.map((w, k) => w - (excess * slack[k]!) / slackSum);
}
