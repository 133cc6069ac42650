/**
 * `npm run bench [-- flags]`: throughput, latency, cold start and memory of ec2net, against a bare
 * node:http ceiling and against moto, every server in its own child process.
 *
 *   --requests N        measured requests per workload for ec2net and the ceiling (default 20000)
 *   --warmup N          warm-up requests before each measurement (default requests/4, at most 5000)
 *   --concurrency C     requests in flight (default 16)
 *   --moto-requests N   measured requests per workload for moto (default 500)
 *   --no-moto           skip moto
 *   --rounds R          split the measured requests into R rounds, alternating ec2net and the ceiling (default 3)
 *   --cpu-prof DIR      run every measured ec2net process (throughput and scale) under `node --cpu-prof`,
 *                       each writing its own profile into DIR
 *   --cold-runs N       ec2net cold starts to take the best of (default 5)
 *   --only TEXT         run only workloads and scale sections whose name contains TEXT (any case);
 *                       sections: 'network interfaces at scale', 'instances at scale', 'durability'
 *   --write             rewrite bench/RESULTS.md (keeps the notes below its marker)
 *   --max-minutes M     give up (and kill every child) after M minutes (default 15; 30 when --scale > 100000)
 *
 * Scale workloads (bench/lib/scale.ts), after the ones above:
 *   --scale N           network interfaces to grow to (default 100000, the issue's target; at least 10000)
 *   --scale-instances M instances to grow to (default 10000)
 *   --scale-requests N  measured requests per scale workload with --concurrency in flight (default 5000)
 *   --latency-requests N requests of each one-at-a-time latency pass (default 3000)
 *   --moto-list N       interfaces in the region for the list-everything comparison (default 5000)
 *   --durable-requests N creates per server in the --data-dir vs --ephemeral comparison (default 3000)
 *   --no-scale          skip the scale workloads
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { form, query, runLoad, summarize, type LoadResult, type LoadRun, type Target } from './lib/http.js';
import { installCleanup, killAll, withTimeout } from './lib/procs.js';
import { keptNotes, renderMarkdown, renderText, type Machine, type RunReport, type WorkloadResult } from './lib/report.js';
import { runScale, SECTIONS, targets, type ScaleReport, type SectionKey } from './lib/scale.js';
import { setBareBody, startBare, startEc2net, startMoto, type Server } from './lib/servers.js';
import { apiFor, WORKLOADS, type Workload } from './lib/workloads.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SETUP_TIMEOUT_MS = 60_000;
const MOTO_WARMUP = 20;
const ROUND_DEADLINE_MS = 120_000;

const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function intFlag(v: string | undefined, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not '${v}'`);
  return n;
}

function parse() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      'moto-requests': { type: 'string' },
      'no-moto': { type: 'boolean', default: false },
      'cold-runs': { type: 'string' },
      rounds: { type: 'string' },
      'cpu-prof': { type: 'string' },
      only: { type: 'string' },
      write: { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      scale: { type: 'string' },
      'scale-instances': { type: 'string' },
      'scale-requests': { type: 'string' },
      'latency-requests': { type: 'string' },
      'moto-list': { type: 'string' },
      'durable-requests': { type: 'string' },
      'no-scale': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const requests = intFlag(values.requests, 'requests', 20_000, 1);
  const scale = intFlag(values.scale, 'scale', 100_000, 10_000);
  const motoList = intFlag(values['moto-list'], 'moto-list', 5000, 100);
  if (motoList > scale) throw new Error(`--moto-list (${motoList}) must not exceed --scale (${scale})`);
  return {
    help: values.help,
    requests,
    warmup: intFlag(values.warmup, 'warmup', Math.min(5000, Math.floor(requests / 4)), 0),
    concurrency: intFlag(values.concurrency, 'concurrency', 16, 1),
    motoRequests: values['no-moto'] ? undefined : intFlag(values['moto-requests'], 'moto-requests', 500, 1),
    cpuProf: values['cpu-prof'],
    rounds: intFlag(values.rounds, 'rounds', 3, 1),
    coldRuns: intFlag(values['cold-runs'], 'cold-runs', 5, 1),
    only: values.only,
    write: values.write,
    maxMinutes: intFlag(values['max-minutes'], 'max-minutes', scale > 100_000 ? 30 : 15, 1),
    noScale: values['no-scale'],
    scale,
    scaleInstances: intFlag(values['scale-instances'], 'scale-instances', 10_000, 1000),
    scaleRequests: intFlag(values['scale-requests'], 'scale-requests', 5000, 1),
    latencyRequests: intFlag(values['latency-requests'], 'latency-requests', 3000, 1),
    motoList,
    durableRequests: intFlag(values['durable-requests'], 'durable-requests', 3000, 1),
  };
}

/** A setup-time API client on a fresh connection per call. */
function apiOn(s: Server) {
  return apiFor(async (action, params) => {
    const res = await query({ host: '127.0.0.1', port: s.port, agent: false }, form(action, params), 30_000);
    if (res.status !== 200) throw new Error(`${s.name} ${action} answered ${res.status}: ${res.body.replace(/\s+/g, ' ').slice(0, 300)}`);
    return res.body;
  });
}

interface Prepared {
  readonly server: Server;
  readonly body: (i: number) => string;
  readonly target: Target;
  readonly runs: LoadRun[];
  /** Text a successful answer contains; none for the ceiling, whose answer is whatever it was given. */
  readonly expect: string | undefined;
  /** The next request index (warm-up and earlier rounds used the ones before it). */
  next: number;
  cpu: number | undefined;
  sample?: string;
}

/** Reset, set up for `total` requests, warm up. */
async function prepare(s: Server, w: Workload, warmup: number, total: number, concurrency: number, expect: string | undefined = w.expect): Promise<Prepared> {
  await s.reset();
  const body = await withTimeout(w.setup(apiOn(s), total), SETUP_TIMEOUT_MS, `${w.name} setup on ${s.name}`);
  const p: Prepared = { server: s, body, target: s.target(concurrency), runs: [], expect, next: 0, cpu: 0 };
  if (warmup > 0) {
    const run = await runLoad(p.target, { count: warmup, concurrency, body, first: 0, expect, deadlineMs: ROUND_DEADLINE_MS });
    if (run.errors > 0) {
      await p.target.close();
      throw new Error(`warm-up failed: ${run.firstError}`);
    }
    p.sample = run.sample;
    p.next = warmup;
  }
  return p;
}

/** One measured round of `count` requests; the server's CPU time is read around it. */
async function round(p: Prepared, count: number, concurrency: number): Promise<void> {
  const cpu0 = p.server.cpuSeconds();
  const run = await runLoad(p.target, { count, concurrency, body: p.body, first: p.next, expect: p.expect, deadlineMs: ROUND_DEADLINE_MS });
  const cpu1 = p.server.cpuSeconds();
  p.next += count;
  p.runs.push(run);
  p.sample ??= run.sample;
  p.cpu = cpu0 === undefined || cpu1 === undefined || p.cpu === undefined ? undefined : p.cpu + (cpu1 - cpu0);
}

async function finish(p: Prepared): Promise<LoadResult> {
  await p.target.close();
  return summarize(p.runs, p.cpu);
}

/** Sizes of `rounds` rounds adding up to `n`. */
const split = (n: number, rounds: number) => Array.from({ length: rounds }, (_, k) => Math.floor(((k + 1) * n) / rounds) - Math.floor((k * n) / rounds));

async function machine(withMoto: boolean, loadAverage: number): Promise<Machine> {
  let moto: string | undefined;
  if (withMoto) {
    moto = await promisify(execFile)('python3', ['-c', 'import moto, sys; print(moto.__version__, "on Python", sys.version.split()[0])'], { timeout: 20_000 })
      .then((r) => r.stdout.trim())
      .catch(() => undefined);
  }
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage,
    ...(moto ? { moto } : {}),
  };
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${args ? ` -- ${args}` : ''}`;
  return `node dist/bench/run.js${args ? ` ${args}` : ''}`;
}

async function main(): Promise<number> {
  const o = parse();
  if (o.help) {
    process.stdout.write(
      readFileSync(fileURLToPath(import.meta.url), 'utf8')
        .split('*/')[0]!
        .replace(/^\/\*\*?|^ \* ?/gm, '') + '\n',
    );
    return 0;
  }
  setTimeout(() => {
    killAll();
    process.stderr.write(`bench: gave up after ${o.maxMinutes} minutes; children killed\n`);
    process.exit(1);
  }, o.maxMinutes * 60_000).unref();
  for (const f of ['dist/src/cli.js', 'dist/bench/lib/bare-server.js']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: build first (npm run build)`);
  }
  const loadAverage = os.loadavg()[0]!;
  const matches = (name: string) => o.only === undefined || name.toLowerCase().includes(o.only.toLowerCase());
  const workloads = WORKLOADS.filter((w) => matches(w.name));
  const sections = new Set((Object.keys(SECTIONS) as SectionKey[]).filter((k) => !o.noScale && matches(SECTIONS[k])));
  if (workloads.length === 0 && sections.size === 0) throw new Error(`no workload or scale section matches --only '${o.only}'`);

  progress(`cold start: ec2net and the bare ceiling × ${o.coldRuns}`);
  const ec2netCold: number[] = [];
  const bareCold: number[] = [];
  for (let k = 0; k < o.coldRuns; k++) {
    const s = await startEc2net(ROOT);
    ec2netCold.push(s.readyMs);
    await s.stop();
    const b = await startBare(ROOT);
    bareCold.push(b.readyMs);
    await b.stop();
  }

  const nodeArgs = o.cpuProf !== undefined ? ['--cpu-prof', '--cpu-prof-dir', resolve(o.cpuProf)] : [];
  const ec2net = await startEc2net(ROOT, { nodeArgs });
  const bare = await startBare(ROOT);
  let moto: Server | undefined;
  if (o.motoRequests !== undefined) {
    progress('starting moto (its cold start is measured once)');
    moto = await startMoto();
  }
  const idleRssMiB = { ec2net: ec2net.rssMiB(), moto: moto?.rssMiB() };

  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    const r: { -readonly [K in keyof WorkloadResult]: WorkloadResult[K] } = { name: w.name };
    const skip = (who: 'ec2net' | 'bare' | 'moto', e: unknown) => {
      r.skipped = { ...r.skipped, [who]: e instanceof Error ? e.message.split('\n')[0] : String(e) };
      progress(`${w.name} on ${who} skipped: ${r.skipped[who]}`);
    };
    // ec2net and the ceiling alternate rounds, so drift in the machine's speed hits both alike.
    progress(`${w.name}: ec2net and ceiling, ${o.requests} requests each in ${o.rounds} alternating rounds`);
    const total = o.warmup + o.requests;
    let e: Prepared | undefined;
    let b: Prepared | undefined;
    try {
      e = await prepare(ec2net, w, o.warmup, total, o.concurrency);
    } catch (err) {
      skip('ec2net', err);
    }
    for (const n of split(o.requests, o.rounds)) {
      if (e) await round(e, n, o.concurrency);
      if (!b && !r.skipped?.bare) {
        try {
          if (e?.sample) await setBareBody(bare, e.sample);
          b = await prepare(bare, w, o.warmup, total, o.concurrency, undefined);
        } catch (err) {
          skip('bare', err);
        }
      }
      if (b) await round(b, n, o.concurrency);
    }
    if (e) {
      r.ec2net = await finish(e);
      r.ec2netRssMiB = ec2net.rssMiB();
    }
    if (b) r.bare = await finish(b);
    if (moto && o.motoRequests !== undefined) {
      progress(`${w.name}: moto, ${o.motoRequests} requests`);
      try {
        const m = await prepare(moto, w, MOTO_WARMUP, MOTO_WARMUP + o.motoRequests, o.concurrency);
        await round(m, o.motoRequests, o.concurrency);
        r.moto = await finish(m);
        r.motoRssMiB = moto.rssMiB();
      } catch (err) {
        skip('moto', err);
      }
    }
    results.push(r);
  }

  let scale: ScaleReport | undefined;
  if (sections.size > 0) {
    await ec2net.stop(); // not needed any more: one ec2net process at a time on a small machine
    scale = await runScale(
      {
        root: ROOT,
        enis: o.scale,
        instances: o.scaleInstances,
        requests: o.scaleRequests,
        latencyRequests: o.latencyRequests,
        concurrency: o.concurrency,
        ...(o.motoRequests !== undefined ? { motoRequests: o.motoRequests } : {}),
        motoList: o.motoList,
        durableRequests: o.durableRequests,
        rounds: o.rounds,
        nodeArgs,
        sections,
        progress,
      },
      moto,
    );
  }
  const coldStart = { ec2netMs: ec2netCold, ...(moto ? { motoMs: moto.readyMs } : {}), bareMs: bareCold };

  const report: RunReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: commandLine(),
    machine: await machine(moto !== undefined, loadAverage),
    options: {
      requests: o.requests,
      rounds: o.rounds,
      warmup: o.warmup,
      concurrency: o.concurrency,
      ...(o.motoRequests !== undefined ? { motoRequests: o.motoRequests } : {}),
    },
    coldStart,
    idleRssMiB,
    workloads: results,
    ...(scale ? { scale, targets: targets(scale, coldStart) } : {}),
  };
  await Promise.all([ec2net.stop(), bare.stop(), moto?.stop()]);

  process.stdout.write(renderText(report));
  const failed =
    results.some((w) => w.skipped?.ec2net || w.skipped?.bare || (w.ec2net?.errors ?? 0) > 0 || (w.bare?.errors ?? 0) > 0 || w.ec2net?.timedOut) ||
    (scale !== undefined &&
      (scale.failed.some((f) => f.server === 'ec2net') ||
        scale.rows.some((x) => x.server.startsWith('ec2net') && (!x.result || x.result.errors > 0 || x.result.timedOut))));
  if (o.write) {
    if (failed) {
      progress('not writing bench/RESULTS.md: ec2net or the ceiling had errors or skipped workloads');
    } else {
      const path = join(ROOT, 'bench/RESULTS.md');
      writeFileSync(path, renderMarkdown(report, keptNotes(existsSync(path) ? readFileSync(path, 'utf8') : undefined)));
      progress(`wrote ${path}`);
    }
  }
  return failed ? 1 : 0;
}

installCleanup();
main().then(
  (code) => {
    killAll();
    process.exitCode = code;
  },
  (e: unknown) => {
    killAll();
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
