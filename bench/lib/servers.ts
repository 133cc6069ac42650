/**
 * The servers under test, each in its own child process: ec2net (the built CLI bundle, what
 * `npm start` runs), the bare node:http ceiling, and moto. Each is ready once it answers a real
 * DescribeRegions.
 */
import { join } from 'node:path';
import { form, query, request, target, type Target } from './http.js';
import { cpuSeconds, freePort, rssMiB, startChild, waitReady, type Child } from './procs.js';

export interface Server {
  readonly name: string;
  readonly child: Child;
  readonly port: number;
  /** Milliseconds from spawn to the first answered DescribeRegions. */
  readonly readyMs: number;
  /** Back to an empty cloud (a no-op for the bare server). */
  reset(): Promise<void>;
  rssMiB(): number | undefined;
  /** CPU seconds the server process has used so far. */
  cpuSeconds(): number | undefined;
  /** A pool of keep-alive connections for the load generator. */
  target(concurrency: number): Target;
  stop(): Promise<void>;
}

const PROBE = form('DescribeRegions');
const probe = (port: number) => async () => (await query({ host: '127.0.0.1', port, agent: false }, PROBE, 2000)).status === 200;

function server(name: string, child: Child, port: number, readyMs: number, reset: () => Promise<void>): Server {
  return {
    name,
    child,
    port,
    readyMs,
    reset,
    rssMiB: () => rssMiB(child.pid),
    cpuSeconds: () => cpuSeconds(child.pid),
    target: (c) => target(port, c),
    stop: () => child.stop(),
  };
}

async function post(port: number, path: string, body = '', timeoutMs = 10_000): Promise<void> {
  const res = await request({ host: '127.0.0.1', port }, 'POST', path, body, timeoutMs);
  if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
}

export interface Ec2netOptions {
  /** Extra `node` flags (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** Durable state in this directory (`--data-dir`); in memory only (`--ephemeral`) when unset. */
  readonly dataDir?: string;
  readonly timeoutMs?: number;
  /** More `serve` flags (e.g. a quota). */
  readonly extraArgs?: readonly string[];
}

/** What `npm start` and the `ec2net` bin run: the CLI bundled by scripts/bundle.mjs. */
export const EC2NET_ENTRY = 'dist/ec2net.mjs';

/**
 * `node dist/ec2net.mjs serve --port P --imds-port off --log-level silent --ephemeral|--data-dir D --quota vpcs-per-region=1000`
 * from the repo root. The storage flag is always explicit: without one the CLI would journal into
 * ./.ec2net of whatever directory it runs in.
 */
export async function startEc2net(root: string, o: Ec2netOptions = {}): Promise<Server> {
  const storage = o.dataDir !== undefined ? ['--data-dir', o.dataDir] : ['--ephemeral'];
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // The CreateSubnet workload makes a fresh VPC for each 4,096 subnets: far past AWS's default of 5 VPCs.
    const quotas = ['--quota', 'vpcs-per-region=1000'];
    const args = [
      ...(o.nodeArgs ?? []),
      join(root, EC2NET_ENTRY),
      'serve',
      '--port',
      String(port),
      '--imds-port',
      'off',
      '--log-level',
      'silent',
      ...storage,
      ...quotas,
      ...(o.extraArgs ?? []),
    ];
    const child = startChild(process.execPath, args, { cwd: root });
    try {
      const readyMs = await waitReady(child, probe(port), o.timeoutMs ?? 20_000, 'ec2net', 2);
      return server('ec2net', child, port, readyMs, () => post(port, '/_ec2net/reset'));
    } catch (e) {
      lastError = e;
      await child.stop();
      // Another process may have taken the port between freePort() and listen(): try a new one.
      if (!/EADDRINUSE/.test(child.output())) break;
    }
  }
  throw lastError;
}

/** What the scale server's control port reports after a forced full GC (bytes). */
export interface MemoryAfterGc {
  readonly gc: boolean;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export interface ScaleServer extends Server {
  /** Forces a full GC in the server and reports its memory. */
  gc(): Promise<MemoryAfterGc>;
}

/**
 * The ec2net CLI with a raised network-interface quota (`--quota network-interfaces-per-region=N`),
 * under bench/lib/scale-server.ts, which adds a control port for forced GCs (started with --expose-gc).
 */
export async function startScaleEc2net(root: string, quotaEnis: number, o: Ec2netOptions = {}): Promise<ScaleServer> {
  const storage = o.dataDir !== undefined ? ['--data-dir', o.dataDir] : ['--ephemeral'];
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = startChild(
      process.execPath,
      [
        '--expose-gc',
        ...(o.nodeArgs ?? []),
        join(root, 'dist/bench/lib/scale-server.js'),
        'serve',
        '--port',
        String(port),
        '--imds-port',
        'off',
        '--log-level',
        'silent',
        ...storage,
        '--quota',
        `network-interfaces-per-region=${quotaEnis}`,
        // One /16 VPC per 16,000 interfaces, in the measured region and the warm-up region.
        '--quota',
        `vpcs-per-region=${Math.max(5, Math.ceil(quotaEnis / 16_000) + 5)}`,
      ],
      { cwd: root },
    );
    try {
      const readyMs = await waitReady(child, probe(port), o.timeoutMs ?? 20_000, 'ec2net (scale)', 2);
      const control = Number(/CONTROL (\d+)/.exec(child.output())?.[1]);
      if (!control) throw new Error(`ec2net (scale) printed no control port:\n${child.output()}`);
      return {
        ...server('ec2net', child, port, readyMs, () => post(port, '/_ec2net/reset')),
        async gc() {
          const res = await request({ host: '127.0.0.1', port: control }, 'POST', '/gc', '', 60_000);
          if (res.status !== 200) throw new Error(`POST /gc answered ${res.status}`);
          return JSON.parse(res.body) as MemoryAfterGc;
        },
      };
    } catch (e) {
      lastError = e;
      await child.stop();
      if (!/EADDRINUSE/.test(child.output())) break;
    }
  }
  throw lastError;
}

/** The bare ceiling server; it prints its own port. */
export async function startBare(root: string, timeoutMs = 10_000): Promise<Server> {
  const child = startChild(process.execPath, [join(root, 'dist/bench/lib/bare-server.js')], { cwd: root });
  let port = 0;
  const readyMs = await waitReady(
    child,
    async () => {
      const m = /PORT (\d+)/.exec(child.output());
      if (!m) return false;
      port = Number(m[1]);
      return probe(port)();
    },
    timeoutMs,
    'bare server',
  );
  return server('bare', child, port, readyMs, async () => {});
}

/** Gives the bare server the body it should answer with. */
export function setBareBody(bare: Server, body: string): Promise<void> {
  return post(bare.port, '/_bare/body', body);
}

/** `python3 -m moto.server -H 127.0.0.1 -p P`. */
export async function startMoto(python = 'python3', timeoutMs = 60_000): Promise<Server> {
  const port = await freePort();
  const child = startChild(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)]);
  try {
    const readyMs = await waitReady(child, probe(port), timeoutMs, 'moto', 10);
    return server('moto', child, port, readyMs, () => post(port, '/moto-api/reset'));
  } catch (e) {
    await child.stop();
    throw e;
  }
}
