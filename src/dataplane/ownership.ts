/**
 * Which namespaces this process made, written down before they are made: a process that is killed
 * leaves a record, and the next start (of any ec2net with a data plane) removes what it lists.
 * Instance namespaces are named by instance id only, so the record is what marks them as ec2net's.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteNamespacesSync } from './ip.js';

export const DEFAULT_REGISTRY_DIR = '/run/ec2net/dataplane';

interface Record {
  readonly pid: number;
  /** The process's start time (field 22 of /proc/PID/stat): a reused pid is not its owner. */
  readonly started: string;
  readonly namespaces: readonly string[];
}

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: the state, …, the start time.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A killed process not yet reaped (a zombie) is gone all the same.
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export class Ownership {
  private readonly file: string;
  private readonly started = startTimeOf(process.pid) ?? '';

  constructor(private readonly dir: string = DEFAULT_REGISTRY_DIR) {
    this.file = join(dir, `${process.pid}.json`);
  }

  /** Removes the namespaces of processes that are gone; returns their names. */
  removeLeftovers(): string[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const f of files) {
      const path = join(this.dir, f);
      let record: Record;
      try {
        record = JSON.parse(readFileSync(path, 'utf8')) as Record;
      } catch {
        rmSync(path, { force: true });
        continue;
      }
      if (record.pid === process.pid || startTimeOf(record.pid) === record.started) continue;
      deleteNamespacesSync(record.namespaces);
      removed.push(...record.namespaces);
      rmSync(path, { force: true });
    }
    return removed;
  }

  /** Records the namespaces this process owns (atomically: a kill mid-write leaves the old record). */
  record(namespaces: Iterable<string>): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, started: this.started, namespaces: [...namespaces] } satisfies Record));
    renameSync(tmp, this.file);
  }

  forget(): void {
    rmSync(this.file, { force: true });
  }
}
