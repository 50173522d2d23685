import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where running `subreg start` processes say which data directory and databases they use, so a
 * CLI command run beside them can use the same ones (or say why it cannot), instead of silently
 * starting a second, empty embedded PostgreSQL. One small JSON file per server process, in a
 * per-user folder of the system's temporary directory; files of dead processes are ignored and
 * removed.
 */
export interface RunningServer {
  pid: number;
  url: string;
  /** absolute data directory when the server runs the embedded PostgreSQL, else null */
  dataDir: string | null;
  /** where its databases are, for people: "embedded in /x/pg" or "postgres at host:port" */
  databases: string;
}

const folder = () =>
  path.join(
    os.tmpdir(),
    `subreg-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`,
    'servers',
  );

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Records this process as a running server; returns the function that removes the record. */
export function registerRunningServer(server: Omit<RunningServer, 'pid'>): () => void {
  const file = path.join(folder(), `${process.pid}.json`);
  try {
    fs.mkdirSync(folder(), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, ...server } satisfies RunningServer), {
      mode: 0o600,
    });
  } catch {
    // Best effort: a read-only temporary directory only costs the CLI its hint.
  }
  return () => fs.rmSync(file, { force: true });
}

export function runningServers(): RunningServer[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder()).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const live: RunningServer[] = [];
  for (const name of names) {
    const file = path.join(folder(), name);
    try {
      const s = JSON.parse(fs.readFileSync(file, 'utf8')) as RunningServer;
      if (Number.isInteger(s.pid) && s.pid !== process.pid && isAlive(s.pid)) live.push(s);
      else if (!isAlive(s.pid)) fs.rmSync(file, { force: true });
    } catch {
      fs.rmSync(file, { force: true });
    }
  }
  return live;
}

/** Describes a database URL without its credentials. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (unparsable URL)';
  }
}
