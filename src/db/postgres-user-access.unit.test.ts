import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockingFolder, postgresAccount } from './postgres-user-access.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-access-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('blockingFolder', () => {
  const stranger = { uid: 424242, gid: 424242 };

  it('finds the first folder on the way that another user cannot enter', () => {
    fs.chmodSync(root, 0o755);
    const priv = path.join(root, 'home');
    fs.mkdirSync(path.join(priv, 'project', 'node_modules'), { recursive: true });
    fs.chmodSync(priv, 0o700);
    expect(blockingFolder(path.join(priv, 'project', 'node_modules'), stranger)).toBe(priv);
    expect(blockingFolder(path.join(priv, 'project', 'node_modules'), null)).toBe(priv);
  });

  it('lets the owner, and a group member where the group may enter, through', () => {
    const dir = path.join(root, 'owned');
    fs.mkdirSync(dir);
    const st = fs.statSync(dir);
    fs.chmodSync(dir, 0o700);
    expect(blockingFolder(dir, { uid: st.uid, gid: 1 })).toBeNull();
    fs.chmodSync(dir, 0o710);
    expect(blockingFolder(dir, { uid: 1, gid: st.gid })).toBeNull();
    expect(blockingFolder(dir, stranger)).toBe(dir);
  });

  it('does not block on folders that do not exist yet', () => {
    expect(blockingFolder(path.join(root, 'not', 'yet'), stranger)).toBeNull();
  });

  it('reads the postgres account from a passwd file', () => {
    const passwd = path.join(root, 'passwd');
    fs.writeFileSync(passwd, 'root:x:0:0::/root:/bin/sh\npostgres:x:105:110::/var/lib/postgresql:/bin/sh\n');
    expect(postgresAccount(passwd)).toEqual({ uid: 105, gid: 110 });
    expect(postgresAccount(path.join(root, 'none'))).toBeNull();
  });
});
