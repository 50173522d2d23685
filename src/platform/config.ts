import path from 'node:path';
import { z } from 'zod';

/** A region is one PostgreSQL database that holds the data of the tenants homed there. */
export interface RegionConfig {
  id: string;
  name: string;
  /** Owner connection (migrations); null in embedded mode until the cluster is up. */
  databaseUrl: string | null;
}

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  /** true when no database is configured: subreg runs its own PostgreSQL in dataDir/pg. */
  embedded: boolean;
  embeddedPort: number | null;
  controlDatabaseUrl: string | null;
  regions: RegionConfig[];
  loadDemoData: boolean;
  secureCookies: boolean;
  publicBaseUrl: string;
  dbPoolSize: number;
  /** run the background job workers in this process (one pg-boss per region) */
  runWorkers: boolean;
  /** smtp(s)://user:pass@host:port; null: mail is written to dataDir/outbox as .eml files */
  smtpUrl: string | null;
  /** the From of every mail, e.g. `subreg <no-reply@example.com>` */
  mailFrom: string;
}

export const DEFAULT_REGIONS: ReadonlyArray<Omit<RegionConfig, 'databaseUrl'>> = [
  { id: 'eu-west', name: 'West Europe' },
  { id: 'us-central', name: 'Central US' },
];

export class ConfigError extends Error {}

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).optional(),
  CONTROL_DATABASE_URL: z.string().url().optional(),
  REGIONS: z.string().optional(),
  DEMO_DATA: boolish.optional(),
  SECURE_COOKIES: boolish.optional(),
  WORKERS: boolish.optional(),
  PUBLIC_BASE_URL: z.string().url().optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must look like smtp://user:password@host:587 or smtps://host:465')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
});

/** `eu-west` <-> `REGION_EU_WEST_DATABASE_URL` */
export function regionEnvKey(regionId: string, suffix: 'DATABASE_URL' | 'NAME'): string {
  return `REGION_${regionId.toUpperCase().replace(/-/g, '_')}_${suffix}`;
}

const regionIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'region ids look like "eu-west"');

const regionsJsonSchema = z.array(
  z.object({ id: regionIdSchema, name: z.string().min(1).max(80), databaseUrl: z.string().url() }),
);

function regionsFromEnv(env: NodeJS.ProcessEnv): RegionConfig[] {
  const found: RegionConfig[] = [];
  for (const [key, value] of Object.entries(env)) {
    const m = /^REGION_([A-Z0-9_]+)_DATABASE_URL$/.exec(key);
    if (!m || !value) continue;
    const id = m[1]!.toLowerCase().replace(/_/g, '-');
    const known = DEFAULT_REGIONS.find((r) => r.id === id);
    const name = env[regionEnvKey(id, 'NAME')] ?? known?.name ?? id;
    found.push({ id, name, databaseUrl: value });
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** Parses the environment once at boot; throws ConfigError with a message that says what to fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  let regions: RegionConfig[];
  if (e.REGIONS) {
    let json: unknown;
    try {
      json = JSON.parse(e.REGIONS);
    } catch {
      throw new ConfigError(
        'REGIONS must be JSON: [{"id":"eu-west","name":"West Europe","databaseUrl":"postgres://..."}]',
      );
    }
    const r = regionsJsonSchema.safeParse(json);
    if (!r.success)
      throw new ConfigError(`REGIONS is not valid: ${r.error.issues[0]?.message ?? 'bad shape'}`);
    regions = r.data;
  } else {
    regions = regionsFromEnv(env);
  }
  const embedded = !e.CONTROL_DATABASE_URL;
  if (embedded && regions.length > 0) {
    throw new ConfigError(
      'Region databases are configured but CONTROL_DATABASE_URL is not: set it too, or unset both to use the embedded database.',
    );
  }
  if (!embedded && regions.length === 0) {
    throw new ConfigError(
      'CONTROL_DATABASE_URL is set but no region is: set REGION_EU_WEST_DATABASE_URL (and others), or REGIONS as JSON.',
    );
  }
  const ids = new Set<string>();
  for (const r of regions) {
    if (!regionIdSchema.safeParse(r.id).success) throw new ConfigError(`Region id "${r.id}" is not valid.`);
    if (ids.has(r.id)) throw new ConfigError(`Region "${r.id}" is configured twice.`);
    ids.add(r.id);
  }
  if (embedded) regions = DEFAULT_REGIONS.map((r) => ({ ...r, databaseUrl: null }));
  const port = e.PORT;
  return {
    port,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    embedded,
    embeddedPort: e.EMBEDDED_PG_PORT ?? null,
    controlDatabaseUrl: e.CONTROL_DATABASE_URL ?? null,
    regions,
    loadDemoData: e.DEMO_DATA ?? embedded,
    secureCookies: e.SECURE_COOKIES ?? false,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    dbPoolSize: e.DB_POOL_SIZE,
    runWorkers: e.WORKERS ?? true,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM ?? 'subreg <no-reply@localhost>',
  };
}
