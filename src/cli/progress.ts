/**
 * A progress line on stderr for long CLI steps (imports, exports, publishes): what is happening
 * and for how long, redrawn in place on a terminal. Silent when stderr is not a terminal or with
 * --json, so scripts and pipes see only the result.
 */
export async function withProgress<T>(
  label: string,
  opts: { json?: boolean },
  fn: () => Promise<T>,
): Promise<T> {
  const tty = process.stderr.isTTY && !opts.json;
  if (!tty) return fn();
  const started = Date.now();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const draw = (mark: string) =>
    process.stderr.write(`\r\x1b[2K${mark} ${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const timer = setInterval(() => draw(frames[i++ % frames.length]!), 100);
  try {
    const result = await fn();
    draw('✓');
    return result;
  } catch (e) {
    draw('✗');
    throw e;
  } finally {
    clearInterval(timer);
    process.stderr.write('\n');
  }
}
