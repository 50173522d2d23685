import type { StepRecord } from '../features/regions/moves.repo.js';
import type { MoveEstimate } from '../features/regions/move-estimate.js';
import type { MoveProgress } from '../features/regions/move-steps.js';

const n = (x: number) => x.toLocaleString('en-US');
export const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
export const secs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** The estimate as a person reads it, before anything happens. */
export function describeEstimate(e: MoveEstimate, from: string, to: string): string {
  const width = Math.max(5, ...e.tables.map((t) => t.name.length));
  const lines = [
    `Move from ${from} to ${to}: ${n(e.rows)} rows, ${mb(e.bytes)}, ${n(e.jobs)} queued jobs`,
    ...e.tables.map(
      (t) => `  ${t.name.padEnd(width)}  ${n(t.rows).padStart(11)} rows  ${mb(t.bytes).padStart(10)}`,
    ),
    `Measured here: ${e.measured.copyBytesPerSecond ? `${mb(e.measured.copyBytesPerSecond)}/s copy speed` : 'nothing to measure'} (a ${n(e.measured.sampleRows)}-row calibration copy, rolled back)` +
      (e.measured.earlierMovesBytesPerSecond.length
        ? `; earlier moves: ${e.measured.earlierMovesBytesPerSecond.map((b) => `${mb(b)}/s`).join(', ')}`
        : ''),
    `Estimated: writes frozen for about ${secs(e.durationMs.frozen)} (copy ${secs(e.durationMs.copy)}, verify ${secs(e.durationMs.verify)}); ` +
      `about ${secs(e.durationMs.total)} in all with the purge of the source. Reads and public pages keep working throughout.`,
  ];
  return lines.join('\n');
}

/** A progress bar redrawn in place on stderr (terminals only). */
export function progressBar(enabled: boolean) {
  let last = 0;
  const started = Date.now();
  let drawn = false;
  return {
    progress(p: MoveProgress) {
      if (!enabled || Date.now() - last < 100) return;
      last = Date.now();
      const share = p.rowsTotal > 0 ? Math.min(1, p.rowsCopied / p.rowsTotal) : 0;
      const width = 28;
      const full = Math.round(share * width);
      const rate = p.bytesCopied / Math.max(0.001, (Date.now() - started) / 1000);
      process.stderr.write(
        `\r\x1b[2K  copy ${'█'.repeat(full)}${'░'.repeat(width - full)} ${(share * 100).toFixed(0).padStart(3)}%  ` +
          `${n(p.rowsCopied)}/${n(p.rowsTotal)} rows  ${p.table ?? ''}  ${mb(rate)}/s`,
      );
      drawn = true;
    },
    step(step: string, r: StepRecord) {
      if (drawn) process.stderr.write('\r\x1b[2K');
      drawn = false;
      process.stderr.write(`  ${r.state === 'done' ? '✓' : '✗'} ${step.padEnd(8)} ${secs(r.ms ?? 0)}\n`);
    },
  };
}
