/**
 * One long-lived `nft -i` per router namespace: a rule change is then a line written to a process
 * that is already running, not a new `ip netns exec … nft` (which on a loaded machine costs more
 * than everything else a rule change does). Each script is sent as one line — one transaction,
 * applied whole or not at all — followed by a listing of a small marker table: what nft printed
 * before the marker is what it said about the script.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BatchResult } from './ip.js';

const MARKER = 'inet ec2net_sync';
const TIMEOUT_MS = 30_000;

interface Waiting {
  readonly resolve: (errors: string) => void;
  readonly timer: NodeJS.Timeout;
  readonly said: string[];
}

class Shell {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Waiting[] = [];
  private markerOpen = false;
  dead = false;

  constructor(readonly ns: string) {
    // stderr into stdout: nft's complaints arrive in order with the marker.
    this.child = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', 'exec nft -i 2>&1']);
    this.child.stderr.resume();
    this.child.on('error', () => this.fail('nft could not be started'));
    this.child.on('exit', () => this.fail('nft exited'));
    this.child.stdin.on('error', () => this.fail('nft closed its input'));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.line(line));
    this.child.stdin.write(`add table ${MARKER}\n`);
  }

  private line(line: string): void {
    const head = this.queue[0];
    if (line === `table ${MARKER} {`) {
      this.markerOpen = true;
      return;
    }
    if (this.markerOpen && line === '}') {
      this.markerOpen = false;
      if (!head) return;
      this.queue.shift();
      clearTimeout(head.timer);
      head.resolve(head.said.join('\n').trim());
      return;
    }
    head?.said.push(line);
  }

  private fail(why: string): void {
    if (this.dead) return;
    this.dead = true;
    for (const w of this.queue.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(`${w.said.join('\n')}\n${why}`.trim());
    }
    this.child.kill('SIGKILL');
  }

  /** Applies `script` (nft syntax, any number of lines) as one transaction; resolves with what nft said. */
  run(script: string): Promise<string> {
    if (this.dead) return Promise.resolve('nft is not running');
    const line = script
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join('; ');
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.fail(`nft did not answer in ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
      this.queue.push({ resolve, timer, said: [] });
      this.child.stdin.write(`${line}\nlist table ${MARKER}\n`);
    });
  }

  /** Ends nft (its namespace is freed once no process is in it). */
  close(): void {
    this.dead = true;
    this.child.stdin.end();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    killer.unref();
    this.child.once('exit', () => clearTimeout(killer));
  }
}

/** The shells of the router namespaces, started on first use and ended with their namespace. */
export class NftShells {
  private readonly shells = new Map<string, Shell>();

  run = async (ns: string, script: string): Promise<BatchResult> => {
    let shell = this.shells.get(ns);
    if (!shell || shell.dead) this.shells.set(ns, (shell = new Shell(ns)));
    return { ns, errors: await shell.run(script) };
  };

  /** Ends the shells of namespaces not in `keep`: a process inside would keep a deleted namespace alive. */
  retain(keep: ReadonlySet<string> | ReadonlyMap<string, unknown>): void {
    for (const [ns, shell] of this.shells) {
      if (keep.has(ns)) continue;
      shell.close();
      this.shells.delete(ns);
    }
  }

  close(): void {
    this.retain(new Set());
  }
}
