/**
 * `npm run bench:restart [-- flags]`: restart time and disk of durable state against the size of
 * the state, not the length of its history (README "Durable state").
 *
 *   --enis N        interfaces in the state (default 100000; the instances' own interfaces included)
 *   --instances M   instances (default 10000)
 *   --history H     committed state-changing requests in the history (default 1000000)
 *   --crash-log L   changes logged after the last snapshot before the SIGKILL of the crash restart (default 9990)
 *   --starts K      restarts of each kind to take the best of (default 3)
 *   --keep DIR      build into DIR and keep it (with DIR.json, what the build made); when DIR.json
 *                   exists, the build is skipped and DIR reused (to measure restarts again quickly)
 *
 * 1. Build (in this process, through the server's own request path — `RunningServer.handle`, the
 *    Query API with its journal, group commit and snapshots — without HTTP, so a history of a
 *    million requests takes minutes, not an hour): 4 VPCs with a /16 subnet each, M instances (one
 *    RunInstances each), N − M more interfaces, then tag / untag / describe-change churn up to H
 *    requests. Records every snapshot's blocking time. Ends with a clean shutdown.
 * 2. Restart: the CLI (`dist/ec2net.mjs serve --data-dir …`) spawned K times on that directory;
 *    spawn → first answered DescribeRegions, the restore time it reports, its CPU time from /proc.
 * 3. Export → import into a fresh directory → start from it, K times: the same figures.
 * 4. Snapshot under load: a server on the directory takes changes from 8 keep-alive clients until its
 *    log reaches the bound and it snapshots; the longest any request waited, against the median.
 * 5. Crash: a server on the directory takes L changes over HTTP, is SIGKILLed, and restarts
 *    (the snapshot + the log of L changes, replayed and snapshotted before it answers).
 * 6. Disk: the directory against the export, after the build, the restarts and the crash.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startServer } from '../src/server/start.js';
import { bodyText } from '../src/protocol/encode.js';
import { form, request, runLoad, target, xmlField } from './lib/http.js';
import { installCleanup, killAll } from './lib/procs.js';
import { EC2NET_ENTRY, startEc2net, type Server } from './lib/servers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const progress = (msg: string) => process.stderr.write(`bench:restart: ${msg} (load ${os.loadavg()[0]!.toFixed(2)})\n`);
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const dirBytes = (dir: string) => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

const { values } = parseArgs({
  options: {
    enis: { type: 'string' },
    instances: { type: 'string' },
    history: { type: 'string' },
    'crash-log': { type: 'string' },
    starts: { type: 'string' },
    keep: { type: 'string' },
  },
  strict: true,
});
const ENIS = Number(values.enis ?? 100_000);
const INSTANCES = Number(values.instances ?? 10_000);
const HISTORY = Number(values.history ?? 1_000_000);
const CRASH_LOG = Number(values['crash-log'] ?? 9_990);
const STARTS = Number(values.starts ?? 3);
const KEEP = values.keep === undefined ? undefined : resolve(values.keep);
const QUOTA = ['--quota', `network-interfaces-per-region=${ENIS + 1000}`];

interface SnapshotLog {
  reason: string;
  bytes: number;
  ms: number;
  encodeMs: number;
}

async function build(dir: string) {
  const snapshots: SnapshotLog[] = [];
  let restoreLine = '';
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        const o = JSON.parse(line) as { msg: string; reason?: string; bytes?: number; ms?: number };
        if (o.msg.startsWith('state snapshotted')) snapshots.push({ reason: o.reason!, bytes: o.bytes!, ms: o.ms!, encodeMs: 0 });
        else if (o.msg.startsWith('state restored')) restoreLine = o.msg;
      },
    },
  );
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      accountId: '123456789012',
      logLevel: 'info',
      dataDir: dir,
      cloud: { quotas: { networkInterfacesPerRegion: ENIS + 1000, vpcsPerRegion: 10 } },
    },
    logger,
  );
  void restoreLine;
  const caller = { accessKeyId: 'AKIDBENCH', region: 'us-east-1' };
  let requests = 0;
  const started = performance.now();
  const call = async (action: string, params: Record<string, string | number>) => {
    const r = server.handle(new URLSearchParams(form(action, params)), caller);
    if (r.status !== 200) throw new Error(`${action}: ${bodyText(r.body).slice(0, 300)}`);
    requests++;
    // Let the group commit (and any snapshot due) run, as between turns of a real server's loop.
    if (requests % 256 === 0) await new Promise((r2) => setImmediate(r2));
    if (requests % 100_000 === 0)
      progress(`build: ${n0(requests)} requests, ${((performance.now() - started) / 1000).toFixed(0)} s, ${snapshots.length} snapshots`);
    return bodyText(r.body);
  };
  const subnets: string[] = [];
  for (let k = 0; k < 4; k++) {
    const vpc = xmlField(await call('CreateVpc', { CidrBlock: `10.${k}.0.0/16` }), 'vpcId')!;
    subnets.push(xmlField(await call('CreateSubnet', { VpcId: vpc, CidrBlock: `10.${k}.0.0/16` }), 'subnetId')!);
  }
  const enis: string[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const xml = await call('RunInstances', { ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, SubnetId: subnets[i % 4]! });
    enis.push(xmlField(xml, 'networkInterfaceId')!);
  }
  for (let i = INSTANCES; i < ENIS; i++) {
    enis.push(xmlField(await call('CreateNetworkInterface', { SubnetId: subnets[i % 4]!, SecondaryPrivateIpAddressCount: 1 }), 'networkInterfaceId')!);
  }
  progress(`build: state made (${n0(enis.length)} interfaces, ${n0(INSTANCES)} instances) after ${n0(requests)} requests`);
  // Churn: changes that leave the state's size as it is, up to the history's length.
  for (let i = 0; requests < HISTORY; i++) {
    const id = enis[(i * 7919) % enis.length]!;
    switch (i % 3) {
      case 0:
        await call('CreateTags', { 'ResourceId.1': id, 'Tag.1.Key': 'round', 'Tag.1.Value': String(i) });
        break;
      case 1:
        await call('DeleteTags', { 'ResourceId.1': id, 'Tag.1.Key': 'round' });
        break;
      default:
        await call('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: id, 'Description.Value': `change ${i}` });
    }
  }
  const buildSeconds = (performance.now() - started) / 1000;
  await server.close();
  return { requests, buildSeconds, snapshots, enis, subnets };
}

interface StartFigures {
  readyMs: number;
  /** Spawn → a DescribeNetworkInterfaces of the last interface answered (it needs the large collections decoded). */
  fullMs: number;
  restoreMs?: number;
  cpuSeconds?: number;
}

interface Health {
  storage: { restoreMs?: number; stateBytes?: number; resources?: number; lastSnapshot?: { reason: string; encodeMs: number; ms: number } };
}

async function health(s: Server): Promise<Health> {
  const res = await request({ host: '127.0.0.1', port: s.port }, 'GET', '/_ec2net/health', '', 600_000);
  return JSON.parse(res.body) as Health;
}

/** Changes from 8 clients until the server has snapshotted at its log bound: the longest wait against the median. */
async function snapshotUnderLoad(dir: string, enis: string[]) {
  const s = await startEc2net(ROOT, { dataDir: dir, extraArgs: QUOTA, timeoutMs: 600_000 });
  try {
    // The bound is half the resources (README "Durable state"); health counts them once everything is decoded.
    let resources: number | undefined;
    while ((resources = (await health(s)).storage.resources) === undefined) await new Promise((r) => setTimeout(r, 200));
    const count = Math.max(10_000, Math.ceil(resources / 2)) + 2_000;
    const t = target(s.port, 8);
    const run = await runLoad(t, {
      count,
      concurrency: 8,
      expect: '<return>true',
      body: (i) => form('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: enis[(i * 7877) % enis.length]!, 'Description.Value': `load ${i}` }),
      deadlineMs: 1_200_000,
    });
    await t.close();
    const snap = (await health(s)).storage.lastSnapshot;
    const sorted = Float64Array.from(run.latencies).sort();
    return {
      count: run.completed,
      errors: run.errors,
      maxMs: sorted[sorted.length - 1] ?? 0,
      p50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
      p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      snapshot: snap?.reason === 'log bound' ? snap : undefined,
    };
  } finally {
    await s.child.stop(600_000);
  }
}

/** Starts the CLI on `dir` `STARTS` times; spawn → first answer, restore time, CPU. */
async function starts(dir: string, check: string): Promise<StartFigures[]> {
  const out: StartFigures[] = [];
  for (let k = 0; k < STARTS; k++) {
    const s = await startEc2net(ROOT, { dataDir: dir, extraArgs: QUOTA, timeoutMs: 600_000 });
    const readyAt = performance.now();
    const cpu = s.cpuSeconds();
    const h = await health(s);
    const probe = await request({ host: '127.0.0.1', port: s.port }, 'POST', '/', form('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': check }), 60_000);
    const fullMs = s.readyMs + (performance.now() - readyAt);
    if (!probe.body.includes(check)) throw new Error(`the restarted state lacks ${check}`);
    out.push({ readyMs: s.readyMs, fullMs, restoreMs: h.storage.restoreMs, cpuSeconds: cpu });
    await s.stop();
  }
  return out;
}

const best = (xs: StartFigures[]) => xs.reduce((a, b) => (b.readyMs < a.readyMs ? b : a));
const show = (xs: StartFigures[]) =>
  xs
    .map((x) => `${n0(x.readyMs)} ms (restore ${x.restoreMs ?? '?'} ms, CPU ${x.cpuSeconds?.toFixed(2) ?? '?'} s; interface answered at ${n0(x.fullMs)} ms)`)
    .join('; ');

async function main() {
  installCleanup();
  const dir = KEEP ?? mkdtempSync(join(os.tmpdir(), 'ec2net-restart-'));
  const dir2 = mkdtempSync(join(os.tmpdir(), 'ec2net-restart-import-'));
  const exportFile = join(dir2, '..', `ec2net-restart-export-${process.pid}.json`);
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    process.stdout.write(`${l}\n`);
  };
  try {
    const load0 = os.loadavg()[0]!;
    progress(`build: ${n0(ENIS)} interfaces, ${n0(INSTANCES)} instances, ${n0(HISTORY)} requests of history in ${dir}`);
    const b =
      KEEP !== undefined && existsSync(`${KEEP}.json`)
        ? (JSON.parse(readFileSync(`${KEEP}.json`, 'utf8')) as Awaited<ReturnType<typeof build>>)
        : await build(dir);
    if (KEEP !== undefined) writeFileSync(`${KEEP}.json`, JSON.stringify(b));
    const buildBytes = dirBytes(dir);
    const check = b.enis[b.enis.length - 1]!;
    const periodic = b.snapshots.filter((s) => s.reason === 'log bound');
    const last = b.snapshots[b.snapshots.length - 1]!;
    const maxMs = Math.max(...periodic.map((s) => s.ms));
    const meanMs = periodic.reduce((n, s) => n + s.ms, 0) / Math.max(1, periodic.length);

    progress('cold start of an empty server (reference)');
    const empty = await startEc2net(ROOT, {});
    const emptyMs = empty.readyMs;
    await empty.stop();

    progress('restarts on the data directory');
    const restarts = await starts(dir, check);

    progress('export, import into a fresh directory, starts from it');
    const s = await startEc2net(ROOT, { dataDir: dir, extraArgs: QUOTA, timeoutMs: 600_000 });
    const exported = await request({ host: '127.0.0.1', port: s.port }, 'GET', '/_ec2net/export', '', 600_000);
    await s.stop();
    writeFileSync(exportFile, exported.body);
    const exportBytes = Buffer.byteLength(exported.body);
    execFileSync(process.execPath, [join(ROOT, EC2NET_ENTRY), 'import', exportFile, '--data-dir', dir2], { stdio: 'ignore' });
    const fromExport = await starts(dir2, check);

    progress('snapshot under load');
    const pause = await snapshotUnderLoad(dir, b.enis);

    progress(`crash: ${n0(CRASH_LOG)} changes over HTTP, SIGKILL, restart`);
    const c = await startEc2net(ROOT, { dataDir: dir, extraArgs: QUOTA, timeoutMs: 600_000 });
    const t = target(c.port, 16);
    const run = await runLoad(t, {
      count: CRASH_LOG,
      concurrency: 16,
      expect: '<return>true',
      body: (i) => form('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: b.enis[(i * 104729) % b.enis.length]!, 'Description.Value': `crash ${i}` }),
      deadlineMs: 600_000,
    });
    await t.close();
    c.child.proc.kill('SIGKILL');
    await c.child.exited;
    const crashBytes = dirBytes(dir);
    const afterCrash = await starts(dir, check);
    const finalBytes = dirBytes(dir);

    const r = best(restarts);
    const e = best(fromExport);
    const ratio = r.readyMs / e.readyMs;
    say(`## Restart and disk against the state, not its history (bench/restart.ts, ${new Date().toISOString().slice(0, 16)}Z)`);
    say('');
    say(
      `Command: \`node dist/bench/restart.js --enis ${ENIS} --instances ${INSTANCES} --history ${HISTORY}\`. Machine: ${os.cpus().length} CPUs, 1-minute load average ${load0.toFixed(2)} at the start, ${os.loadavg()[0]!.toFixed(2)} at the end (shared with other work).`,
    );
    say('');
    say(
      `State: ${n0(b.enis.length)} interfaces (${n0(INSTANCES)} of them instances' own), ${n0(INSTANCES)} instances, 4 VPCs with a /16 subnet each; history: ${n0(b.requests)} committed state-changing requests (built in-process through \`RunningServer.handle\`: the Query API, journal, group commit and snapshots of a real server, without HTTP) in ${b.buildSeconds.toFixed(0)} s.`,
    );
    say('');
    say('| measure | figure |');
    say('|---|---|');
    say(`| first answer after a restart (spawn → DescribeRegions answered), best of ${STARTS} | **${n0(r.readyMs)} ms** (all: ${show(restarts)}) |`);
    say(
      `| first answer after a start from an export of the same state (imported into a fresh directory), best of ${STARTS} | ${n0(e.readyMs)} ms (all: ${show(fromExport)}) |`,
    );
    say(`| restart ÷ start from export | **${ratio.toFixed(2)}** (goal ≤ 2) |`);
    say(
      `| first DescribeNetworkInterfaces answered (needs the large collections decoded): restart / start from export, best of ${STARTS} | ${n0(Math.min(...restarts.map((x) => x.fullMs)))} ms / ${n0(Math.min(...fromExport.map((x) => x.fullMs)))} ms |`,
    );
    say(`| cold start of an empty server, for reference | ${n0(emptyMs)} ms |`);
    say(
      `| first answer after a SIGKILL with ${n0(run.completed)} changes logged since the last snapshot (replayed, then snapshotted, before listening), best of ${STARTS} | ${n0(best(afterCrash).readyMs)} ms (all: ${show(afterCrash)}) |`,
    );
    say(`| snapshot of the state: image size | ${mib(last.bytes)} |`);
    say(
      `| snapshots during the build (log bound: half the resources, about 55,000 changes here) | ${periodic.length}; event loop blocked ${meanMs.toFixed(0)} ms on average, ${maxMs} ms at most (encode + write + compaction) |`,
    );
    say(
      `| a snapshot at the log bound under load (${n0(pause.count)} changes from 8 clients${pause.errors ? `, ${pause.errors} errors` : ''}): the longest request / median / p99 | **${n0(pause.maxMs)} ms** / ${pause.p50Ms.toFixed(1)} ms / ${pause.p99Ms.toFixed(1)} ms; the snapshot held the server ${pause.snapshot ? `${n0(pause.snapshot.ms)} ms (encoding ${n0(pause.snapshot.encodeMs)} ms)` : '? (none at the log bound)'} |`,
    );
    say(`| export file (JSON, the image in base64) | ${mib(exportBytes)} |`);
    say(
      `| data directory after the build / after the restarts and the crash's log / at the end | ${mib(buildBytes)} / ${mib(crashBytes)} / ${mib(finalBytes)} — ${(Math.max(buildBytes, crashBytes, finalBytes) / exportBytes).toFixed(2)}× the export at most (goal ≤ 3×) |`,
    );
    say('');
  } finally {
    killAll();
    if (KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    rmSync(dir2, { recursive: true, force: true });
    rmSync(exportFile, { force: true });
  }
}

await main();
