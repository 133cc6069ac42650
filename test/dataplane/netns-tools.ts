/**
 * Helpers for the data plane tests: a server with --dataplane netns, programs run inside instance
 * namespaces (node itself, bounded in time), and what namespaces exist.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EC2Client } from '@aws-sdk/client-ec2';
import pino from 'pino';
import { dataplaneRefusal } from '../../src/dataplane/preflight.js';
import { startServer, type RunningServer, type ServerConfig } from '../../src/server/start.js';

/** Why these tests cannot run here (they need Linux and root), or undefined. */
export const skipReason = (): string | undefined => {
  const refusal = dataplaneRefusal();
  return refusal ? `data plane tests skipped: ${refusal}` : undefined;
};

export async function startDataplaneServer(extra: Partial<ServerConfig> = {}): Promise<{ server: RunningServer; ec2: EC2Client }> {
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      accountId: '123456789012',
      logLevel: 'silent',
      dataplane: 'netns',
      cloud: { lifecycle: { pendingMs: 50, stoppingMs: 50, shuttingDownMs: 50, attachingMs: 0, detachingMs: 0 } },
      ...extra,
    },
    // EC2NET_TEST_DATAPLANE_LOG=warn shows what `ip` and `nft` complained about.
    pino({ level: process.env.EC2NET_TEST_DATAPLANE_LOG ?? 'silent' }),
  );
  const ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  return { server, ec2 };
}

export const namespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean)
    .sort();

export const rootLinks = (): string[] =>
  execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(':')[1]?.trim() ?? '')
    .filter(Boolean)
    .sort();

export const ipIn = (ns: string, args: string[]): string => execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });

/** A node program running inside a namespace; its stdout lines arrive as they come. */
export interface NsProgram {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line matching `pattern` (rejects after `ms`). */
  line(pattern: RegExp, ms?: number): Promise<string>;
  stop(): void;
}

/** Runs `node -e code` in namespace `ns`, killed after `limitMs` at the latest. */
export function runIn(ns: string, code: string, limitMs = 20_000): NsProgram {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const f of listeners) f();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  child.on('exit', () => clearTimeout(killer));
  return {
    child,
    lines,
    line: (pattern, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => pattern.test(l));
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} from ${ns} in ${ms} ms (got: ${lines.slice(-3).join(' | ')})`)), ms);
        listeners.push(check);
        check();
      }),
    stop: () => child.kill('SIGKILL'),
  };
}

/** A UDP receiver on `port`: prints "ready", then "got <ms since epoch> <text>" per datagram. */
export const udpReceiver = (port: number) => `
const s = require('node:dgram').createSocket('udp4');
s.on('message', (m) => console.log('got ' + Date.now() + ' ' + m.toString()));
s.bind(${port}, '0.0.0.0', () => console.log('ready'));`;

/** Sends a datagram to `to`:`port` every `everyMs` ms, `count` times at most. */
export const udpSender = (to: string, port: number, everyMs: number, count: number, from?: string) => `
const s = require('node:dgram').createSocket('udp4');
let n = 0;
const send = () => { s.send('seq-' + n + ' ' + Date.now(), ${port}, '${to}'); if (++n >= ${count}) { clearInterval(t); setTimeout(() => s.close(), 50); } };
s.bind({ port: 0${from ? `, address: '${from}'` : ''} }, () => console.log('ready'));
const t = setInterval(send, ${everyMs});`;

/** A TCP echo server on `port` (prints "ready"). */
export const tcpEcho = (port: number) => `
const srv = require('node:net').createServer((c) => c.pipe(c));
srv.listen(${port}, '0.0.0.0', () => console.log('ready'));`;

/** A TCP client: sends `text`, prints "echo <what came back>". */
export const tcpClient = (to: string, port: number, text: string) => `
const c = require('node:net').connect(${port}, '${to}', () => c.write('${text}'));
c.on('data', (d) => { console.log('echo ' + d.toString()); c.end(); });
c.on('error', (e) => { console.log('error ' + e.code); process.exit(1); });`;

/** Polls `check` every 20 ms until it is true (rejects after `ms`). */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
