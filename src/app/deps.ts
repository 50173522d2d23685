import type { Databases } from '../db/databases.js';
import type { AuthCache } from '../features/auth/auth-cache.js';
import type { PublicCache } from '../features/publishing/public-cache.js';
import type { RegionMoves } from '../features/regions/region-moves.js';
import type { TenantDirectory } from '../features/tenants/tenant-directory.js';
import type { AppConfig } from '../platform/config.js';
import type { TenantRecord } from '../platform/context.js';
import type { Mailer } from '../platform/mail/mailer.js';
import type { Metrics } from '../platform/metrics.js';

/*
 * The composition root's one type: what the server (and the CLI, tests, benchmarks) assemble and
 * hand to routes, services and jobs. It names feature classes, so it lives above platform/,
 * which knows no feature.
 */

/** The few things services need; passed explicitly, never a bag of fifty. */
export interface AppDeps {
  config: AppConfig;
  dbs: Databases;
  directory: TenantDirectory;
  metrics: Metrics;
  /** email: SMTP when configured, else .eml files in DATA_DIR/outbox (see `mailerOf`) */
  mail?: Mailer;
  /** renderings of published versions (optional: tests and the CLI may go without) */
  publicCache?: PublicCache;
  /** seconds of memory for token, session and role lookups (made on first use: auth-cache.ts) */
  authCache?: AuthCache;
  /** region moves (the operator's); absent where no owner connections are at hand */
  moves?: RegionMoves;
  /** the clock of notice periods, effective dates and links (tests move it; default: real time) */
  now?: () => Date;
  /** wakes the notice worker after a commit that queued messages (absent: the periodic sweep) */
  noticeKick?: (tenant: TenantRecord) => void;
  /** sends the approval requests a publish asked for, right after it commits (features/customers) */
  approvalKick?: (tenant: TenantRecord) => void;
}
