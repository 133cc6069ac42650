/**
 * Child processes for the benchmark: every server runs in its own process, is tracked here, and
 * is killed when the harness exits — normally, on a signal, or on an error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set<ChildProcess>();

export function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

let hooked = false;
/** Kills every child on exit, SIGINT/SIGTERM/SIGHUP and uncaught errors. Idempotent. */
export function installCleanup(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.stderr.write(`bench: ${sig}, children killed\n`);
      process.exit(130);
    });
  }
  process.on('uncaughtException', (e) => {
    killAll();
    process.stderr.write(`bench: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
  process.on('unhandledRejection', (e) => {
    killAll();
    process.stderr.write(`bench: unhandled rejection: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}

export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly spawnedAt: bigint;
  /** Resolves with the exit description once the process ends. */
  readonly exited: Promise<string>;
  /** The last few KB of stdout+stderr, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  const spawnedAt = process.hrtime.bigint();
  const proc = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-4000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    proc.once('error', (e) => {
      live.delete(proc);
      resolve(`failed to start: ${e.message}`);
    });
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });
  return {
    proc,
    pid: proc.pid ?? -1,
    spawnedAt,
    exited,
    output: () => tail,
    async stop(graceMs = 3000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` every `intervalMs` until it returns true; rejects after `timeoutMs`, or at once if
 * the child exits first. Resolves with the time from spawn to the first success, in ms.
 */
export async function waitReady(child: Child, probe: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 5): Promise<number> {
  let exitedWith: string | undefined;
  void child.exited.then((why) => {
    exitedWith = why;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedWith !== undefined) throw new Error(`${what} ${exitedWith} before answering:\n${child.output()}`);
    let ok = false;
    try {
      ok = await probe();
    } catch {
      ok = false;
    }
    if (ok) return Number(process.hrtime.bigint() - child.spawnedAt) / 1e6;
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${timeoutMs} ms:\n${child.output()}`);
    await sleep(intervalMs);
  }
}

/** Resident set size of a process in MiB (VmRSS from /proc), or undefined where /proc is missing. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Rejects after `ms` with `what` in the message, unless `p` settles first. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Linux's USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every mainstream build). */
const CLOCK_TICKS = 100;

/** CPU time (user + system) of a process's children that have exited and were waited for (cutime + cstime), in seconds. */
export function childrenCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[13]) + Number(rest[14])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in seconds, or undefined where /proc is missing. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
