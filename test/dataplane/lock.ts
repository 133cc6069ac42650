/**
 * One data plane test file at a time on a machine: they check that no namespace leaks (a listing
 * before and after) and use the same registry of owned namespaces, so two files running at once
 * (CI's --test-concurrency=2) would see each other's. A lock file names its holder's pid; one left
 * by a process that is gone is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

const LOCK = join(tmpdir(), 'ec2net-dataplane-tests.lock');
/** The longest wait for another file to finish (its own tests are bounded by --test-timeout). */
const WAIT_MS = 600_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function tryTake(): boolean {
  try {
    const fd = openSync(LOCK, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder = NaN;
  try {
    holder = Number(readFileSync(LOCK, 'utf8'));
  } catch {
    return false;
  }
  // Left by a process that is gone (or half written, and its writer gone too): removed, then taken next round.
  if (Number.isInteger(holder) && holder > 0 && !alive(holder)) rmSync(LOCK, { force: true });
  return false;
}

export async function acquireDataplaneLock(): Promise<void> {
  mkdirSync(tmpdir(), { recursive: true });
  const end = Date.now() + WAIT_MS;
  while (!tryTake()) {
    if (Date.now() > end) throw new Error(`another data plane test file held ${LOCK} for ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function releaseDataplaneLock(): void {
  try {
    if (Number(readFileSync(LOCK, 'utf8')) === process.pid) rmSync(LOCK, { force: true });
  } catch {
    // Not held.
  }
}

/** Holds the lock for the whole test file: call once at its top level. */
export function dataplaneTestLock(): void {
  before(acquireDataplaneLock);
  after(releaseDataplaneLock);
  // A file that fails hard still lets the next one go.
  process.once('exit', releaseDataplaneLock);
}
