/**
 * One running ec2net per data directory. Two servers appending to one journal would each replay
 * the other's changes into a state neither had, so the second is refused at start.
 *
 * The lock is an exclusive SQLite transaction held open on `ec2net.lock` in the directory: the
 * operating system drops it when the process ends, however it ends (kill -9 included), so a crash
 * never leaves a stale lock behind, and SQLite also keeps two servers in one process apart.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config.js';

export interface DataDirLock {
  release(): void;
}

const SERVE_FIX = 'choose another with --data-dir (or keep state in memory with --ephemeral)';

/**
 * Creates `dir` if needed and locks it; a ConfigError says in one line why it cannot be used and
 * what to do instead (`fix`: what the command's user can change).
 */
export function lockDataDir(dir: string, fix = SERVE_FIX): DataDirLock {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ConfigError(`the data directory ${dir} cannot be created: ${reason(e)}; ${fix}`);
  }
  let db: Database.Database;
  try {
    // timeout 0: a directory in use is refused at once instead of after SQLite's busy wait.
    db = new Database(join(dir, 'ec2net.lock'), { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      throw new ConfigError(`the data directory ${dir} is in use by another running ec2net: stop it first, or ${fix}`);
    }
    throw new ConfigError(`the data directory ${dir} cannot be used: ${reason(e)}; ${fix}`);
  }
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}

/** An error's cause in a few words: the errno code's meaning when there is one, else its message. */
function reason(e: unknown): string {
  const { code, message } = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EEXIST: 'it is a file, not a directory',
    ENOSPC: 'no space left on the device',
    SQLITE_CANTOPEN: 'it cannot be opened for writing',
    SQLITE_READONLY: 'it is read-only',
  };
  return (code && known[code]) ?? message ?? String(e);
}
