/** Renders a benchmark run as a text table (stdout) and as bench/RESULTS.md. */
import type { LoadResult } from './http.js';
import { SECTIONS, type ScaleReport, type ScaleRow, type SectionKey, type TargetRow } from './scale.js';

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly memGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  readonly loadAverage: number;
  readonly moto?: string;
}

export interface Options {
  readonly requests: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly concurrency: number;
  readonly motoRequests?: number;
}

export interface WorkloadResult {
  readonly name: string;
  readonly ec2net?: LoadResult;
  readonly bare?: LoadResult;
  readonly moto?: LoadResult;
  /** Why a server's run did not happen (e.g. setup failed). */
  readonly skipped?: Partial<Record<'ec2net' | 'bare' | 'moto', string>>;
  readonly ec2netRssMiB?: number;
  readonly motoRssMiB?: number;
}

export interface RunReport {
  readonly date: string;
  readonly command: string;
  readonly machine: Machine;
  readonly options: Options;
  /** Spawn → first answer: ec2net (several runs), moto (once), the bare node:http ceiling (once, a floor for any Node server). */
  readonly coldStart: { readonly ec2netMs: readonly number[]; readonly motoMs?: number; readonly bareMs?: readonly number[] };
  readonly idleRssMiB: { readonly ec2net?: number; readonly moto?: number };
  readonly workloads: readonly WorkloadResult[];
  readonly scale?: ScaleReport;
  readonly targets?: readonly TargetRow[];
}

const f0 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : Math.round(n).toLocaleString('en-US'));
const f2 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (a?: LoadResult, b?: LoadResult) => (a && b && b.opsPerSec > 0 ? a.opsPerSec / b.opsPerSec : undefined);
const fr = (r: number | undefined) => (r === undefined ? '—' : r.toFixed(2));
const mib = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(0)} MiB`);

function detailRows(r: RunReport): string[][] {
  const rows: string[][] = [];
  for (const w of r.workloads) {
    for (const name of ['ec2net', 'bare', 'moto'] as const) {
      const l = w[name];
      const skipped = w.skipped?.[name];
      if (!l && !skipped) continue;
      if (!l) {
        rows.push([w.name, name, '—', '—', '—', '—', '—', '—', `skipped: ${skipped}`]);
        continue;
      }
      const note = [l.timedOut ? 'deadline hit' : '', l.firstError ? `first error: ${l.firstError.replace(/\s+/g, ' ').slice(0, 120)}` : '']
        .filter(Boolean)
        .join('; ');
      rows.push([w.name, name, f0(l.completed), f0(l.opsPerSec), f2(l.p50Ms), f2(l.p99Ms), f0(l.cpuUsPerRequest), f0(l.errors), note]);
    }
  }
  return rows;
}

function summaryRows(r: RunReport): string[][] {
  return r.workloads.map((w) => [
    w.name,
    f0(w.ec2net?.opsPerSec),
    f0(w.bare?.opsPerSec),
    fr(ratio(w.ec2net, w.bare)),
    fr(w.ec2net?.cpuUsPerRequest && w.bare?.cpuUsPerRequest ? w.bare.cpuUsPerRequest / w.ec2net.cpuUsPerRequest : undefined),
    f0(w.moto?.opsPerSec),
    fr(ratio(w.ec2net, w.moto)),
    mib(w.ec2netRssMiB),
  ]);
}

// ---- scale sections ----------------------------------------------------------------------------

const SCALE_HEAD = ['workload', 'server', 'state', 'in flight', 'requests', 'ops/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'errors', 'notes'];
const TARGET_HEAD = ['target', 'measured', 'goal', 'met'];

function scaleRows(rows: readonly ScaleRow[]): string[][] {
  return rows.map((x) => {
    const l = x.result;
    if (!l) return [x.workload, x.server, x.state, f0(x.concurrency), '—', '—', '—', '—', '—', '—', `skipped: ${x.skipped ?? ''}`.slice(0, 160)];
    const note = [l.timedOut ? 'deadline hit' : '', l.firstError ? `first error: ${l.firstError.replace(/\s+/g, ' ').slice(0, 120)}` : '']
      .filter(Boolean)
      .join('; ');
    return [
      x.workload,
      x.server,
      x.state,
      f0(x.concurrency),
      f0(l.completed),
      f0(l.opsPerSec),
      f2(l.p50Ms),
      f2(l.p99Ms),
      f0(l.cpuUsPerRequest),
      f0(l.errors),
      note,
    ];
  });
}

const targetRows = (t: readonly TargetRow[]) => t.map((x) => [x.target, x.measured, x.goal, x.met === undefined ? '—' : x.met ? 'met' : 'MISSED']);

const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
const mibB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function scaleFacts(s: ScaleReport): string[] {
  const out: string[] = [];
  for (const l of s.lists) {
    const ms = [...l.ms].sort((a, b) => a - b);
    out.push(
      `DescribeNetworkInterfaces listing all ${f0(l.interfaces)} interfaces (one request, no MaxResults), ${l.server}: median ${f2(ms[Math.floor((ms.length - 1) / 2)])} ms of ${ms.length} (${ms.map((m) => f2(m)).join(', ')}), answer ${mibB(l.bytes)}`,
    );
  }
  if (s.memory) {
    const m = s.memory;
    out.push(
      `ec2net memory after a forced full GC: RSS ${mibB(m.at0.rss)} with 0 interfaces (VPCs and subnets made) → ${mibB(m.atN.rss)} with ${f0(m.interfaces)}: ` +
        `${kib((m.atN.rss - m.at0.rss) / m.interfaces)} per interface; JS heap used ${mibB(m.at0.heapUsed)} → ${mibB(m.atN.heapUsed)}: ${kib((m.atN.heapUsed - m.at0.heapUsed) / m.interfaces)} per interface`,
    );
  }
  if (s.durability) {
    const d = s.durability;
    out.push(
      `Durable journal after ${f0(d.journaledRequests)} journaled requests: ${mibB(d.journalBytes)} on disk (${f0(d.journalBytes / d.journaledRequests)} B per request); ` +
        `restart on that directory (replaying it) to first answer: ${f0(d.restartMs)} ms, ${f0(d.restartedInterfaces)} interfaces back`,
    );
  }
  for (const f of s.failed) out.push(`${SECTIONS[f.section]} on ${f.server} did not finish: ${f.error}`);
  out.push(`1-minute load average when each section started: ${s.loads.map((l) => `${SECTIONS[l.section]} ${l.loadAverage.toFixed(2)}`).join('; ')}`);
  return out;
}

const sectionOrder: SectionKey[] = ['enis', 'instances', 'durability'];

function scaleText(s: ScaleReport): string[] {
  const out: string[] = [];
  for (const key of sectionOrder) {
    const rows = s.rows.filter((x) => x.section === key);
    if (rows.length) out.push(SECTIONS[key], textTable(SCALE_HEAD, scaleRows(rows)), '');
  }
  out.push(...scaleFacts(s), '');
  return out;
}

function scaleMarkdown(s: ScaleReport, targets: readonly TargetRow[]): string {
  const o = s.options;
  const titles: Record<SectionKey, string> = {
    enis: `Network interfaces at scale (${f0(o.enis)})`,
    instances: `Instances at scale (${f0(o.instances)})`,
    durability: 'Durability cost',
  };
  const parts = [
    '',
    '## Scale workloads',
    '',
    `Interfaces: ${f0(o.enis)} made with CreateNetworkInterface (SecondaryPrivateIpAddressCount=2) in /16 VPCs holding one /16 subnet each, ` +
      `16,000 interfaces per subnet (the first 16,000 all in 10.0.0.0/16; a /16 holds at most 21,843 interfaces of 3 addresses). ` +
      `Describes are measured at 1,000, 10,000 and ${f0(o.enis)} interfaces: ${f0(o.latencyRequests)} requests one at a time (*in flight* 1: the latency figures) ` +
      `and ${f0(o.requests)} with ${o.concurrency} in flight (throughput and server CPU), by id and by filter alternating in ${o.rounds} rounds. Instances: ${f0(o.instances)} m5.large launched one per RunInstances, ` +
      `each given a second interface with AttachNetworkInterface (device index 1). ec2net runs as the CLI ` +
      `(\`serve --ephemeral --imds-port off --quota network-interfaces-per-region=N\`) under bench/lib/scale-server.ts, which only adds a ` +
      `control port that forces a full GC before memory is read; every code path is warmed up first in two other regions (us-west-2 and eu-west-1) of the same process. The flat-latency targets compare each stage with a reference world of 1,000 interfaces (and a fleet of 1,000 instances) in a third region (ap-southeast-2) of the same server, measured one at a time in the same alternating rounds, so drift in the machine's speed between stages does not enter the ratio; the ratio across stages is shown beside it. ` +
      (o.motoRequests !== undefined
        ? `moto gets ${f0(o.motoRequests)} measured requests per workload (after 20 warm-up), and ${f0(o.motoList)} interfaces for the listing.`
        : 'moto was skipped.') +
      ` Durability: CLI servers with \`--data-dir\` (a fresh temporary directory) and \`--ephemeral\`, ${f0(o.durableRequests)} creates each after 500 warm-up, in ${o.rounds} alternating rounds.`,
  ];
  if (targets.length) parts.push('', '### Targets', '', mdTable(TARGET_HEAD, targetRows(targets)));
  for (const key of sectionOrder) {
    const rows = s.rows.filter((x) => x.section === key);
    if (rows.length) parts.push('', `### ${titles[key]}`, '', mdTable(SCALE_HEAD, scaleRows(rows)));
  }
  parts.push('', ...scaleFacts(s).map((l) => `- ${l}`), '');
  return parts.join('\n');
}

const DETAIL_HEAD = ['workload', 'server', 'requests', 'ops/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'errors', 'notes'];
const SUMMARY_HEAD = ['workload', 'ec2net ops/s', 'ceiling ops/s', 'ec2net/ceiling', 'CPU ceiling/ec2net', 'moto ops/s', 'ec2net/moto', 'ec2net RSS after'];
const NUMERIC = new Set([
  'in flight',
  'server CPU µs/req',
  'requests',
  'ops/s',
  'p50 ms',
  'p99 ms',
  'errors',
  'ec2net ops/s',
  'ceiling ops/s',
  'ec2net/ceiling',
  'CPU ceiling/ec2net',
  'moto ops/s',
  'ec2net/moto',
  'ec2net RSS after',
]);

function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (NUMERIC.has(head[i]!) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((h) => (NUMERIC.has(h) ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const coldText = (r: RunReport) => {
  const best = r.coldStart.ec2netMs.length ? Math.min(...r.coldStart.ec2netMs) : undefined;
  const all = r.coldStart.ec2netMs.map((n) => n.toFixed(0)).join(', ');
  return {
    ec2net: best === undefined ? '—' : `${best.toFixed(0)} ms (best of ${r.coldStart.ec2netMs.length}: ${all})`,
    moto: r.coldStart.motoMs === undefined ? '—' : `${r.coldStart.motoMs.toFixed(0)} ms (once)`,
    bare: !r.coldStart.bareMs?.length
      ? ''
      : `; the bare node:http ceiling (Node's own start-up on this machine) ${Math.min(...r.coldStart.bareMs).toFixed(0)} ms (best of ${r.coldStart.bareMs.length}: ${r.coldStart.bareMs.map((n) => n.toFixed(0)).join(', ')})`,
  };
};

export function renderText(r: RunReport): string {
  const cold = coldText(r);
  const o = r.options;
  return [
    `ec2net benchmark — ${r.date} — ${r.machine.nproc} CPUs, Node ${r.machine.node}, load average at start ${r.machine.loadAverage.toFixed(2)}`,
    `requests ${o.requests} in ${o.rounds} rounds (+${o.warmup} warm-up) at concurrency ${o.concurrency}` +
      (o.motoRequests !== undefined ? `; moto ${o.motoRequests} requests` : '; moto skipped'),
    '',
    textTable(SUMMARY_HEAD, summaryRows(r)),
    '',
    textTable(DETAIL_HEAD, detailRows(r)),
    '',
    `cold start (spawn → first answered DescribeRegions): ec2net ${cold.ec2net}; moto ${cold.moto}${cold.bare}`,
    `idle RSS: ec2net ${mib(r.idleRssMiB.ec2net)}; moto ${mib(r.idleRssMiB.moto)}`,
    '',
    ...(r.scale ? scaleText(r.scale) : []),
    ...(r.targets ? ['targets', textTable(TARGET_HEAD, targetRows(r.targets)), ''] : []),
  ].join('\n');
}

export const NOTES_MARKER = '<!-- Everything below this line is kept by `--write`; the figures above are regenerated. -->';

export function renderMarkdown(r: RunReport, notes: string): string {
  const cold = coldText(r);
  const o = r.options;
  const m = r.machine;
  return `# ec2net benchmark results

Generated by \`bench/run.ts\` on ${r.date}. Command:

\`\`\`
${r.command}
\`\`\`

Machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGiB.toFixed(1)} GiB RAM, ${m.os}; Node ${m.node}${m.moto ? `; moto ${m.moto}` : ''}.
1-minute load average when the run started: ${m.loadAverage.toFixed(2)}.

Every server runs in its own child process; the load generator is one Node process sending EC2 Query
requests (form-encoded POST over keep-alive connections, undici's \`dispatch\`) with ${o.concurrency} requests in flight.
ec2net and the ceiling get ${o.requests.toLocaleString('en-US')} measured requests each, after ${o.warmup.toLocaleString('en-US')} warm-up requests,
in ${o.rounds} rounds that alternate between the two (so drift in the machine's speed hits both alike);
${o.motoRequests !== undefined ? `moto gets ${o.motoRequests.toLocaleString('en-US')} (it manages a few hundred per second).` : 'moto was skipped (`--no-moto`).'}
The **ceiling** is a bare \`node:http\` server that reads the same request bodies and answers ec2net's
own answer for the workload as a fixed body, so *ec2net/ceiling* is the share of pure HTTP throughput
ec2net keeps. When the load generator (one Node process) is itself the bottleneck — likely on a machine with
few CPUs — that ratio is squeezed towards 1; *CPU ceiling/ec2net* (server CPU per request, ceiling ÷ ec2net)
does not depend on the generator and is the stricter figure.

## Throughput

${mdTable(SUMMARY_HEAD, summaryRows(r))}

## Detail

${mdTable(DETAIL_HEAD, detailRows(r))}

Latencies are per request, measured in the load generator (send → last byte), nearest-rank percentiles.
*Server CPU µs/req* is the server process's user + system CPU time (from \`/proc/<pid>/stat\`, 10 ms ticks)
over the measured requests: the cost of a request independent of how busy the load generator is.

## Cold start and memory

- Cold start, spawn → first answered \`DescribeRegions\`: ec2net ${cold.ec2net}; moto ${cold.moto}${cold.bare}.
- Resident memory (VmRSS) idle after start: ec2net ${mib(r.idleRssMiB.ec2net)}; moto ${mib(r.idleRssMiB.moto)}.
  ec2net after each workload is in the throughput table (the cloud is reset between workloads).
${r.scale ? scaleMarkdown(r.scale, r.targets ?? []) : ''}
${NOTES_MARKER}
${notes}`;
}

/** The hand-written part of an existing RESULTS.md (below the marker), or a default. */
export function keptNotes(existing: string | undefined): string {
  const at = existing?.indexOf(NOTES_MARKER) ?? -1;
  if (existing !== undefined && at >= 0) return existing.slice(at + NOTES_MARKER.length).replace(/^\n/, '');
  return '\n## Notes\n\n(Observations and profiles go here; `--write` keeps this section.)\n';
}
