import os from 'node:os';
import readline from 'node:readline/promises';
import type { Command } from 'commander';
import type { MoveEstimate } from '../../features/regions/move-estimate.js';
import type { RegionMoves } from '../../features/regions/region-moves.js';
import { toMoveView } from '../../features/regions/regions.schemas.js';
import { listMoves, openMove } from '../../features/regions/regions.service.js';
import { describeResidency, residencySentence } from '../../features/regions/residency.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { describeEstimate, progressBar, secs } from '../move-progress.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

interface MoveOptions {
  tenant: string;
  to?: string;
  estimateOnly?: boolean;
  resume?: boolean;
  rollback?: boolean;
  yes?: boolean;
}

const say = (json: boolean, text: string) => {
  if (!json) process.stderr.write(`${text}\n`);
};

async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function tenantId(deps: AppDeps, slug: string): Promise<string> {
  const t = await deps.directory.bySlug(slug);
  if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${slug}" exists.`);
  return t.id;
}

/**
 * For the kill tests only: SUBREG_TEST_MOVE_PAUSE_MS pauses before each step and after the first
 * copied table, so a test can SIGKILL the process at a known point (between steps, or mid-copy).
 */
function testPauses() {
  const ms = Number(process.env.SUBREG_TEST_MOVE_PAUSE_MS ?? 0);
  if (!(ms > 0)) return {};
  const pause = () => new Promise<void>((r) => setTimeout(r, ms));
  let tables = 0;
  return { beforeStep: pause, afterTable: () => (++tables === 1 ? pause() : undefined) };
}

async function moveCommand(deps: AppDeps, o: MoveOptions, json: boolean) {
  const moves = deps.moves as RegionMoves;
  const bar = progressBar(!json && process.stderr.isTTY === true);
  const hooks = { onProgress: bar.progress, onStep: json ? undefined : bar.step, ...testPauses() };
  if (o.resume || o.rollback) {
    const open = await openMove(deps, await tenantId(deps, o.tenant));
    if (!open) throw new AppError(404, 'NO_OPEN_MOVE', `Workspace "${o.tenant}" has no unfinished move.`);
    say(
      json,
      `${o.rollback ? 'Rolling back' : 'Resuming'} move ${open.id} (${open.fromRegion} -> ${open.toRegion}, ${open.state} at ${open.step ?? 'start'})`,
    );
    const m = o.rollback ? await moves.rollback(open.id, hooks) : await moves.run(open.id, hooks);
    return toMoveView(m, null);
  }
  if (!o.to) throw new AppError(400, 'TARGET_REQUIRED', 'Name the target region: --to <region>.');
  if (o.estimateOnly) {
    const { estimate, tenant } = await moves.estimate(o.tenant, o.to);
    say(json, describeEstimate(estimate, tenant.regionId, o.to));
    return estimate;
  }
  const plan = await moves.plan(o.tenant, o.to, `cli:${os.userInfo().username}`);
  say(json, describeEstimate(plan.estimate as MoveEstimate, plan.fromRegion, plan.toRegion));
  if (!o.yes && !json && process.stdin.isTTY && !(await confirm('Move now? [y/N] '))) {
    await moves.rollback(plan.id);
    say(json, 'Nothing was changed.');
    return toMoveView(await moves.get(plan.id), null);
  }
  const m = await moves.run(plan.id, hooks);
  return toMoveView(m, null);
}

export function registerRegionCommands(program: Command): void {
  const region = program.command('region').description('regions: the catalogue, where data lives, moves');
  region
    .command('list')
    .description('the region catalogue (label, provider, data-centre countries) and whether each answers')
    .action(async () => {
      const opts = program.opts();
      try {
        const items = await withRuntime(async (deps) => {
          const ping = await deps.dbs.ping();
          return deps.dbs
            .regionIds()
            .map((id) => ({ ...deps.dbs.regionInfo(id)!, reachable: ping.regions[id] ?? false }));
        });
        printResult(
          { items },
          opts,
          items
            .map(
              (r) =>
                `${r.id}\t${r.name}\t${r.provider ?? '-'}\t${r.countries.join(',') || '-'}\t${r.reachable ? 'up' : 'DOWN'}`,
            )
            .join('\n'),
        );
      } catch (e) {
        fail(e, opts);
      }
    });
  region
    .command('residency')
    .description("where subreg keeps a workspace's data")
    .requiredOption('--tenant <slug>', 'workspace slug')
    .action(async (o: { tenant: string }) => {
      const opts = program.opts();
      try {
        const r = await withRuntime(async (deps) => {
          const t = await deps.directory.bySlug(o.tenant);
          if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${o.tenant}" exists.`);
          return describeResidency(t, deps.dbs.regionInfo(t.regionId));
        });
        printResult({ tenant: o.tenant, ...r }, opts, residencySentence(r));
      } catch (e) {
        fail(e, opts);
      }
    });
  region
    .command('moves')
    .description('moves of a workspace, newest first')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .action(async (o: { tenant: string }) => {
      const opts = program.opts();
      try {
        const items = await withRuntime(async (deps) =>
          (await listMoves(deps, await tenantId(deps, o.tenant))).map((m) => toMoveView(m, null)),
        );
        printResult(
          { items },
          opts,
          items
            .map(
              (m) =>
                `${m.createdAt}  ${m.id}  ${m.from} -> ${m.to}  ${m.state}${m.step ? ` (${m.step})` : ''}${m.error ? `  ${m.error}` : ''}`,
            )
            .join('\n') || 'no moves',
        );
      } catch (e) {
        fail(e, opts);
      }
    });
  region
    .command('move')
    .description('move a workspace to another region: estimate, freeze writes, copy, verify, switch, purge')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .option('--to <region>', 'target region id')
    .option('--estimate-only', 'measure and estimate, change nothing')
    .option('--resume', "resume the workspace's interrupted move from its step")
    .option('--rollback', "roll back the workspace's unfinished move (before its switch)")
    .option('--yes', 'do not ask for confirmation after the estimate')
    .action(async (o: MoveOptions) => {
      const opts = program.opts<{ json?: boolean }>();
      try {
        const result = await withRuntime((deps) => moveCommand(deps, o, !!opts.json));
        const m = result as ReturnType<typeof toMoveView>;
        const text =
          'state' in m
            ? `move ${m.id}: ${m.state}${m.error ? ` (${m.error})` : ''}` +
              (m.frozenMs !== null ? `; writes were frozen for ${secs(m.frozenMs)}` : '') +
              (m.state === 'failed' || m.state === 'running' || m.state === 'rolling_back'
                ? `\nResume with: subreg region move --tenant ${o.tenant} --resume   (or --rollback)`
                : '')
            : '';
        printResult(result, opts, text || undefined);
        if ('state' in m && m.state !== 'completed' && m.state !== 'rolled_back' && m.state !== 'planned')
          process.exit(1);
        if ('state' in m && m.state === 'rolled_back' && m.error) process.exit(1);
      } catch (e) {
        fail(e, opts);
      }
    });
}
