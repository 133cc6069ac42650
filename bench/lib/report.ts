/** Renders a benchmark run as a text table (stdout) and as bench/RESULTS.md. */
import type { LoadResult } from './http.js';

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
  readonly coldStart: { readonly ec2netMs: readonly number[]; readonly motoMs?: number };
  readonly idleRssMiB: { readonly ec2net?: number; readonly moto?: number };
  readonly workloads: readonly WorkloadResult[];
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
      const note = [l.timedOut ? 'deadline hit' : '', l.firstError ? `first error: ${l.firstError.replace(/\s+/g, ' ').slice(0, 120)}` : ''].filter(Boolean).join('; ');
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

const DETAIL_HEAD = ['workload', 'server', 'requests', 'ops/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'errors', 'notes'];
const SUMMARY_HEAD = ['workload', 'ec2net ops/s', 'ceiling ops/s', 'ec2net/ceiling', 'CPU ceiling/ec2net', 'moto ops/s', 'ec2net/moto', 'ec2net RSS after'];
const NUMERIC = new Set(['server CPU µs/req', 'requests', 'ops/s', 'p50 ms', 'p99 ms', 'errors', 'ec2net ops/s', 'ceiling ops/s', 'ec2net/ceiling', 'CPU ceiling/ec2net', 'moto ops/s', 'ec2net/moto', 'ec2net RSS after']);

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
    `cold start (spawn → first answered DescribeRegions): ec2net ${cold.ec2net}; moto ${cold.moto}`,
    `idle RSS: ec2net ${mib(r.idleRssMiB.ec2net)}; moto ${mib(r.idleRssMiB.moto)}`,
    '',
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
requests (form-encoded POST, keep-alive node:http agent) with ${o.concurrency} requests in flight.
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

- Cold start, spawn → first answered \`DescribeRegions\`: ec2net ${cold.ec2net}; moto ${cold.moto}.
- Resident memory (VmRSS) idle after start: ec2net ${mib(r.idleRssMiB.ec2net)}; moto ${mib(r.idleRssMiB.moto)}.
  ec2net after each workload is in the throughput table (the cloud is reset between workloads).

${NOTES_MARKER}
${notes}`;
}

/** The hand-written part of an existing RESULTS.md (below the marker), or a default. */
export function keptNotes(existing: string | undefined): string {
  const at = existing?.indexOf(NOTES_MARKER) ?? -1;
  if (existing !== undefined && at >= 0) return existing.slice(at + NOTES_MARKER.length).replace(/^\n/, '');
  return '\n## Notes\n\n(Observations and profiles go here; `--write` keeps this section.)\n';
}
