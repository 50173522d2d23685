import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PostgreSQL refuses to run as root, so when subreg runs as root the embedded server runs as the
 * `postgres` user. That user must be able to enter every folder on the way to the PostgreSQL
 * binaries (under node_modules) and to the data directory. A project in a private home or
 * temporary folder (mode 700) fails deep inside with `spawn initdb EACCES`; this finds the folder
 * that blocks it first, so the start can stop with one line that says what to do.
 */
export interface PosixUser {
  uid: number;
  gid: number;
}

/** The `postgres` account from /etc/passwd; null when it does not exist yet (it will be created). */
export function postgresAccount(passwd = '/etc/passwd'): PosixUser | null {
  try {
    for (const line of fs.readFileSync(passwd, 'utf8').split('\n')) {
      const [name, , uid, gid] = line.split(':');
      if (name === 'postgres') return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No readable passwd: nothing to check against.
  }
  return null;
}

/** The first folder from `/` down to `target` that `user` cannot enter (x permission), or null. */
export function blockingFolder(target: string, user: PosixUser | null): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (let i = 0; i <= parts.length; i++) {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      return null; // does not exist yet: it will be created with the right owner
    }
    if (st.isDirectory() && !canEnter(st, user)) return dir;
    if (i < parts.length) dir = path.join(dir, parts[i]!);
  }
  return null;
}

function canEnter(st: fs.Stats, user: PosixUser | null): boolean {
  if (user && st.uid === user.uid) return (st.mode & 0o100) !== 0;
  if (user && st.gid === user.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** The message for a blocked start, or null when the postgres user can reach everything. */
export function postgresAccessProblem(binaryDir: string, dataDir: string): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || os.platform() === 'win32')
    return null;
  const user = postgresAccount();
  const blocked =
    blockingFolder(binaryDir, user) ?? blockingFolder(path.dirname(path.resolve(dataDir)), user);
  if (!blocked) return null;
  return (
    `Running as root, the embedded PostgreSQL runs as the user "postgres", which cannot enter ${blocked} ` +
    `(mode ${(fs.statSync(blocked).mode & 0o777).toString(8)}). Run subreg as a normal user, or from a folder ` +
    'other users can enter (e.g. /srv or /opt), or point CONTROL_DATABASE_URL and REGION_<ID>_DATABASE_URL at a PostgreSQL server.'
  );
}
