import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ALL_CODES } from '../domain/locations/countries.js';

/** A region is one PostgreSQL database that holds the data of the tenants homed there. */
export interface RegionConfig {
  id: string;
  /** the label people read ("West Europe") */
  name: string;
  /** who runs the data centre ("Microsoft Azure"); null when the operator has not said */
  provider: string | null;
  /** ISO 3166-1 alpha-2 codes of the data centre's country or countries */
  countries: string[];
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
  /** audit sealing keys as configured (parsed and checked by loadAuditKeys at boot) */
  auditKeys: AuditKeySettings;
  http: HttpLimits;
  metrics: MetricsAccess;
  /** bearer token of the operator API (region moves); null: the operator API is off */
  operatorToken: string | null;
  /** smtp(s)://user:pass@host:port; null: mail is written to dataDir/outbox as .eml files */
  smtpUrl: string | null;
  /** the From of every mail, e.g. `subreg <no-reply@example.com>` */
  mailFrom: string;
  webhooks: WebhookSettings;
}

/** How webhooks are delivered (features/webhooks). */
export interface WebhookSettings {
  /** allow http:// and private, loopback, link-local addresses (tests, closed networks) */
  allowPrivate: boolean;
  /** one attempt may take this long, connection to the last byte read */
  timeoutMs: number;
  /** waits before attempt 2, 3, ...; the last repeats until `giveUpAfterHours` */
  retryDelaysSeconds: number[];
  /** a delivery still failing this long after it was created is given up */
  giveUpAfterHours: number;
  /** an endpoint failing this many attempts in a row, or for `giveUpAfterHours`, is disabled */
  disableAfterFailures: number;
}

export interface AuditKeySettings {
  hmacKey: string | null;
  hmacOldKeys: string | null;
  signingKey: string | null;
  signingOldPublicKeys: string | null;
}

/** How long a client may take, and how many connections it may hold. */
export interface HttpLimits {
  /** a whole request (headers and body) must arrive within this; also the idle limit of a socket */
  requestTimeoutMs: number;
  /** the headers must arrive within this (less than requestTimeoutMs) */
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** open connections per client address; 0 = no cap (behind a proxy every client is the proxy) */
  maxConnectionsPerClient: number;
  /** addresses the cap does not apply to (a reverse proxy on this host: loopback by default) */
  connectionCapExempt: string[];
}

/** Who may read /metrics: a bearer token, a separate listener, or (neither set) loopback only. */
export interface MetricsAccess {
  token: string | null;
  /** serve /metrics on this port of `host` only (not on the main port) */
  port: number | null;
  host: string;
}

export const DEFAULT_REGIONS: ReadonlyArray<Omit<RegionConfig, 'databaseUrl'>> = [
  { id: 'eu-west', name: 'West Europe', provider: null, countries: ['NL'] },
  { id: 'us-central', name: 'Central US', provider: null, countries: ['US'] },
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
  AUDIT_HMAC_KEY: z.string().min(1).optional(),
  AUDIT_HMAC_OLD_KEYS: z.string().min(1).optional(),
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  AUDIT_SIGNING_OLD_PUBLIC_KEYS: z.string().min(1).optional(),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(0).max(100_000).default(64),
  CONNECTION_CAP_EXEMPT: z
    .string()
    .default('127.0.0.1,::1,::ffff:127.0.0.1')
    .transform((v) =>
      v.trim() === 'none'
        ? []
        : v
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
    )
    .refine((list) => list.every((a) => net.isIP(a) !== 0), {
      message: 'must be IP addresses separated by commas (or "none")',
    }),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (a random secret)')
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  OPERATOR_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must look like smtp://user:password@host:587 or smtps://host:465')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
  WEBHOOKS_ALLOW_PRIVATE: boolish.optional(),
  WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOKS_RETRY_DELAYS: z
    .string()
    .default('5,30,120,600,3600,10800,21600')
    .refine((v) => /^\d{1,6}(,\d{1,6}){0,29}$/.test(v.replace(/\s+/g, '')), {
      message: 'must be seconds separated by commas, e.g. "5,30,120,600,3600"',
    })
    .transform((v) => v.replace(/\s+/g, '').split(',').map(Number)),
  WEBHOOKS_GIVE_UP_AFTER_HOURS: z.coerce
    .number()
    .min(0.001)
    .max(24 * 30)
    .default(24),
  WEBHOOKS_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(10_000).default(50),
});

/** `eu-west` <-> `REGION_EU_WEST_DATABASE_URL` */
export function regionEnvKey(
  regionId: string,
  suffix: 'DATABASE_URL' | 'NAME' | 'PROVIDER' | 'COUNTRIES',
): string {
  return `REGION_${regionId.toUpperCase().replace(/-/g, '_')}_${suffix}`;
}

const regionIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'region ids look like "eu-west"');

const countriesSchema = z
  .array(z.string().transform((c) => c.trim().toUpperCase()))
  .min(1, 'name at least one country')
  .max(30)
  .refine((cs) => cs.every((c) => ALL_CODES.has(c)), {
    message: 'countries are ISO 3166-1 alpha-2 codes such as "NL" or "US"',
  });

const regionsJsonSchema = z.array(
  z.strictObject({
    id: regionIdSchema,
    name: z.string().min(1).max(80).optional(),
    label: z.string().min(1).max(80).optional(),
    provider: z.string().min(1).max(120).nullable().optional(),
    countries: countriesSchema.optional(),
    databaseUrl: z.string().url(),
  }),
);

/** A region's description: what is configured, else the default region's, else "not stated". */
function describeRegion(
  id: string,
  given: { name?: string; provider?: string | null; countries?: string[] },
): Omit<RegionConfig, 'databaseUrl'> {
  const known = DEFAULT_REGIONS.find((r) => r.id === id);
  return {
    id,
    name: given.name ?? known?.name ?? id,
    provider: given.provider ?? known?.provider ?? null,
    countries: given.countries ?? known?.countries ?? [],
  };
}

function regionsFromEnv(env: NodeJS.ProcessEnv): RegionConfig[] {
  const found: RegionConfig[] = [];
  for (const [key, value] of Object.entries(env)) {
    const m = /^REGION_([A-Z0-9_]+)_DATABASE_URL$/.exec(key);
    if (!m || !value) continue;
    const id = m[1]!.toLowerCase().replace(/_/g, '-');
    if (!z.string().url().safeParse(value).success)
      throw new ConfigError(`${key} is not a URL: write it as postgres://user:password@host:5432/database.`);
    const countriesVar = env[regionEnvKey(id, 'COUNTRIES')];
    let countries: string[] | undefined;
    if (countriesVar !== undefined) {
      const c = countriesSchema.safeParse(countriesVar.split(',').filter((x) => x.trim() !== ''));
      if (!c.success)
        throw new ConfigError(
          `${regionEnvKey(id, 'COUNTRIES')} is not valid (${c.error.issues[0]?.message}): write ISO codes separated by commas, e.g. "NL" or "DE,NL".`,
        );
      countries = c.data;
    }
    found.push({
      ...describeRegion(id, {
        name: env[regionEnvKey(id, 'NAME')] || undefined,
        provider: env[regionEnvKey(id, 'PROVIDER')] || undefined,
        countries,
      }),
      databaseUrl: value,
    });
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** Describe variables of a region that has no database URL are almost always a typo. */
function strayRegionVariables(env: NodeJS.ProcessEnv, regions: RegionConfig[]): string[] {
  const ids = new Set(regions.map((r) => r.id));
  return Object.keys(env).filter((k) => {
    const m = /^REGION_([A-Z0-9_]+)_(NAME|PROVIDER|COUNTRIES)$/.exec(k);
    return (
      m &&
      !ids.has(m[1]!.toLowerCase().replace(/_/g, '-')) &&
      !DEFAULT_REGIONS.some((r) => r.id === m[1]!.toLowerCase().replace(/_/g, '-'))
    );
  });
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
    if (!r.success) {
      const i = r.error.issues[0];
      throw new ConfigError(
        `REGIONS is not valid${i?.path.length ? ` at ${i.path.join('.')}` : ''}: ${i?.message ?? 'bad shape'}. ` +
          'Each region is {"id":"eu-west","label":"West Europe","provider":"...","countries":["NL"],"databaseUrl":"postgres://..."}.',
      );
    }
    regions = r.data.map((x) => ({
      ...describeRegion(x.id, { name: x.label ?? x.name, provider: x.provider, countries: x.countries }),
      databaseUrl: x.databaseUrl,
    }));
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
  const stray = e.REGIONS ? [] : strayRegionVariables(env, regions);
  if (stray.length > 0)
    throw new ConfigError(
      `${stray.join(', ')} describe a region that has no REGION_<ID>_DATABASE_URL: add its database URL, or remove the variable.`,
    );
  // The embedded server holds the default regions, described as configured (name, provider, countries).
  if (embedded)
    regions = DEFAULT_REGIONS.map((r) => ({
      ...describeRegion(r.id, {
        name: env[regionEnvKey(r.id, 'NAME')] || undefined,
        provider: env[regionEnvKey(r.id, 'PROVIDER')] || undefined,
      }),
      databaseUrl: null,
    }));
  const port = e.PORT;
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      `HEADERS_TIMEOUT_MS (${e.HEADERS_TIMEOUT_MS}) must not be larger than REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS}).`,
    );
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === port) {
    throw new ConfigError('METRICS_PORT must differ from PORT (it is a separate listener for /metrics).');
  }
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
    auditKeys: {
      hmacKey: e.AUDIT_HMAC_KEY ?? null,
      hmacOldKeys: e.AUDIT_HMAC_OLD_KEYS ?? null,
      signingKey: e.AUDIT_SIGNING_KEY ?? null,
      signingOldPublicKeys: e.AUDIT_SIGNING_OLD_PUBLIC_KEYS ?? null,
    },
    http: {
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      maxConnectionsPerClient: e.MAX_CONNECTIONS_PER_CLIENT,
      connectionCapExempt: e.CONNECTION_CAP_EXEMPT,
    },
    metrics: { token: e.METRICS_TOKEN ?? null, port: e.METRICS_PORT ?? null, host: e.METRICS_HOST },
    operatorToken: e.OPERATOR_TOKEN ?? null,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM ?? 'subreg <no-reply@localhost>',
    webhooks: {
      allowPrivate: e.WEBHOOKS_ALLOW_PRIVATE ?? false,
      timeoutMs: e.WEBHOOKS_TIMEOUT_MS,
      retryDelaysSeconds: e.WEBHOOKS_RETRY_DELAYS,
      giveUpAfterHours: e.WEBHOOKS_GIVE_UP_AFTER_HOURS,
      disableAfterFailures: e.WEBHOOKS_DISABLE_AFTER_FAILURES,
    },
  };
}
