/**
 * One data plane test file at a time: the files make namespaces and count what exists before and
 * after, so two running at once (node --test runs files in parallel) would see each other's.
 * A lock file holding the owner's pid; a lock whose owner is gone is taken over.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const DIR = '/run/ec2net';
const LOCK = `${DIR}/dataplane-tests.lock`;
/** The longest wait for another file's tests (they take well under this). */
const WAIT_MS = 15 * 60_000;

/** Waits for the lock (bounded), takes it, and returns the function that releases it. */
export async function dataplaneTestLock(): Promise<() => void> {
  mkdirSync(DIR, { recursive: true });
  const end = Date.now() + WAIT_MS;
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return () => {
        if (readOwner() === process.pid) rmSync(LOCK, { force: true });
      };
    } catch {
      const owner = readOwner();
      if (owner === undefined || !existsSync(`/proc/${owner}`)) rmSync(LOCK, { force: true });
      else if (Date.now() > end) throw new Error(`the data plane test lock is still held by pid ${owner} after ${WAIT_MS} ms`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function readOwner(): number | undefined {
  try {
    const pid = Number(readFileSync(LOCK, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
