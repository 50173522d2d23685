import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { createCheckpoint } from '../../features/audit/audit-checkpoints.service.js';
import { type AuditVerdict, verifyAuditChain } from '../../features/audit/audit.service.js';
import { generateAuditKeySpecs } from '../../platform/audit-keys.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

async function tenantBySlug(deps: AppDeps, slug: string) {
  const t = await deps.directory.bySlug(slug);
  if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${slug}" exists.`);
  return t;
}

async function readCheckpointFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new AppError(400, 'CHECKPOINT_UNREADABLE', `Cannot read the checkpoint file ${file}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(
      400,
      'CHECKPOINT_UNREADABLE',
      `${file} is not JSON: give a file downloaded from .../audit/checkpoints/latest.`,
    );
  }
}

function describe(slug: string, v: AuditVerdict): string {
  if (!v.ok) return `audit chain of ${slug} is BROKEN at event ${v.brokenAtSeq} (${v.problem}): ${v.reason}`;
  const head =
    v.head.state === 'current'
      ? 'the control head matches'
      : `the control head was ${v.head.state} at ${v.head.seq}${v.headAdvanced ? ' and was moved forward' : ''}`;
  const cp = v.checkpoint
    ? `; matches the ${v.checkpoint.source} checkpoint of event ${v.checkpoint.seq} signed at ${v.checkpoint.issuedAt}`
    : '';
  return `audit chain of ${slug} is intact (${v.checked} events); ${head}${cp}`;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description(
      "check a workspace's audit chain (links, HMAC seals, control head, signed checkpoint); exits 1 if it is broken",
    )
    .requiredOption('--tenant <slug>', 'workspace slug')
    .option(
      '--checkpoint <file>',
      'a signed checkpoint file kept outside the server, to check the chain against',
    )
    .action(async (o: { tenant: string; checkpoint?: string }) => {
      const opts = program.opts();
      try {
        const checkpoint = o.checkpoint ? await readCheckpointFile(o.checkpoint) : undefined;
        const verdict = await withRuntime(async (deps) =>
          verifyAuditChain(deps, await tenantBySlug(deps, o.tenant), { checkpoint }),
        );
        printResult({ tenant: o.tenant, ...verdict }, opts, describe(o.tenant, verdict));
        if (!verdict.ok) process.exit(1);
      } catch (e) {
        fail(e, opts);
      }
    });
  audit
    .command('checkpoint')
    .description(
      "sign a checkpoint of a workspace's audit chain head now and print it (or write it to --out)",
    )
    .requiredOption('--tenant <slug>', 'workspace slug')
    .option('--out <file>', 'write the checkpoint file here')
    .action(async (o: { tenant: string; out?: string }) => {
      const opts = program.opts();
      try {
        const file = await withRuntime(async (deps) =>
          createCheckpoint(deps, await tenantBySlug(deps, o.tenant)),
        );
        const body = `${JSON.stringify(file, null, 2)}\n`;
        if (o.out) {
          await fs.writeFile(o.out, body);
          printResult(
            { tenant: o.tenant, seq: file.seq, headHash: file.headHash, file: o.out },
            opts,
            `checkpoint of ${o.tenant} at event ${file.seq} written to ${o.out}`,
          );
        } else process.stdout.write(body);
      } catch (e) {
        fail(e, opts);
      }
    });
  audit
    .command('keygen')
    .description('print fresh audit keys as environment variables (no database needed)')
    .action(() => {
      const k = generateAuditKeySpecs();
      printResult(
        { AUDIT_HMAC_KEY: k.hmacKey, AUDIT_SIGNING_KEY: k.signingKey },
        program.opts(),
        `AUDIT_HMAC_KEY=${k.hmacKey}\nAUDIT_SIGNING_KEY=${k.signingKey}`,
      );
    });
}
