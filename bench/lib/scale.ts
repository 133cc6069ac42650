/**
 * The scale workloads: state grown to tens of thousands of resources through the Query API, and
 * the per-request cost measured as it grows.
 *
 * - Network interfaces at scale: CreateNetworkInterface (2 secondary addresses) up to `enis`
 *   interfaces; DescribeNetworkInterfaces by id and by an exact `private-ip-address` filter at
 *   1,000, 10,000 and `enis` interfaces (latency at concurrency 1, throughput and server CPU at
 *   the usual concurrency); resident memory per interface; AssignPrivateIpAddresses and
 *   DeleteNetworkInterface at full size; one DescribeNetworkInterfaces listing every interface when
 *   the region holds `motoList` (5,000) of them.
 * - Instances at scale: RunInstances (m5.large, up to 3 interfaces), AttachNetworkInterface (a
 *   second interface per instance) and DescribeInstances by id and by an exact
 *   `network-interface.private-ip-address` filter at 1,000 and `instances` instances.
 * - Durability: CreateNetworkInterface on the CLI with --data-dir (SQLite journal) against
 *   --ephemeral, alternating rounds in one run; then a restart that replays the journal.
 * moto gets the same workloads at small counts (`motoRequests` each, `motoList` for the listing).
 *
 * Interfaces go into /16 VPCs with one /16 subnet each, 16,000 interfaces per subnet (48,000 of
 * its 65,531 usable addresses, leaving room for the assigned ones): a /16 holds at most 21,843
 * interfaces with 3 addresses, so 100,000 cannot fit in one. Up to 16,000 interfaces everything
 * is in the first VPC; past that the workload spills into 10.1.0.0/16, 10.2.0.0/16…
 *
 * ec2net runs as the CLI with `--quota network-interfaces-per-region=N` (bench/lib/scale-server.ts
 * adds a forced-GC control port); the durability pair runs the plain CLI.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { form, query, runLoad, summarize, xmlField, type LoadResult, type LoadRun } from './http.js';
import { startEc2net, startScaleEc2net, type MemoryAfterGc, type Server } from './servers.js';

export const SECTIONS = {
  enis: 'network interfaces at scale',
  instances: 'instances at scale',
  durability: 'durability',
} as const;
export type SectionKey = keyof typeof SECTIONS;

export interface ScaleOptions {
  readonly root: string;
  /** Interfaces at the end of the fill (--scale). */
  readonly enis: number;
  /** Instances at the end of the launches (--scale-instances). */
  readonly instances: number;
  /** Measured requests of each workload at full concurrency (--scale-requests). */
  readonly requests: number;
  /** Requests of each concurrency-1 latency pass (--latency-requests). */
  readonly latencyRequests: number;
  readonly concurrency: number;
  /** moto's measured requests per workload; undefined = no moto. */
  readonly motoRequests?: number;
  /** Interfaces in the region for the list-everything comparison. */
  readonly motoList: number;
  /** Measured creates per server in the durability comparison (after a warm-up). */
  readonly durableRequests: number;
  readonly rounds: number;
  readonly nodeArgs: readonly string[];
  readonly sections: ReadonlySet<SectionKey>;
  readonly progress: (msg: string) => void;
}

export interface ScaleRow {
  readonly section: SectionKey;
  readonly workload: string;
  readonly server: string;
  /** The state the requests met, e.g. "10,000 ENIs" or "0 → 1,000 ENIs". */
  readonly state: string;
  /** Resources in the region when the measurement started (for lookups). */
  readonly size: number;
  readonly concurrency: number;
  readonly result?: LoadResult;
  readonly skipped?: string;
}

export interface ListTiming {
  readonly server: string;
  readonly interfaces: number;
  /** Wall time of each listing, ms (send → last byte). */
  readonly ms: readonly number[];
  readonly bytes: number;
  readonly skipped?: string;
}

export interface MemoryFigures {
  readonly interfaces: number;
  readonly at0: MemoryAfterGc;
  readonly atN: MemoryAfterGc;
}

export interface DurabilityFigures {
  readonly journalBytes: number;
  readonly journaledRequests: number;
  /** Restart on the same data directory: spawn → first answer, replay included. */
  readonly restartMs: number;
  readonly restartedInterfaces?: number;
}

export interface ScaleReport {
  readonly options: Omit<ScaleOptions, 'root' | 'nodeArgs' | 'progress' | 'sections'> & { readonly sections: SectionKey[] };
  readonly rows: ScaleRow[];
  readonly lists: ListTiming[];
  memory?: MemoryFigures;
  durability?: DurabilityFigures;
  /** 1-minute load average when each section started. */
  readonly loads: { section: SectionKey; loadAverage: number }[];
  /** Sections that could not finish (setup failure), with the reason. */
  readonly failed: { section: SectionKey; server: string; error: string }[];
}

const PER_SUBNET = 16_000;
const AMI = 'ami-12c6146b';
const FILL_DEADLINE_MS = 30 * 60_000;
const MOTO_WARMUP = 20;
/** Unmeasured describes before each measured stage (see eniScaleEc2net). */
const SETTLE = 2000;
const LATENCY_SIZES = [1000, 10_000];
const INSTANCE_SIZES = [1000];

const n0 = (n: number) => n.toLocaleString('en-US');

/** A stride coprime to n: i ↦ (i·stride) mod n visits every index below n once, spread out. */
function strideFor(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const p of [7919, 104_729, 1_299_709, 15_485_863]) if (gcd(p, n) === 1) return p % n || 1;
  return 1;
}
const spread = (i: number, n: number) => Number((BigInt(i) * BigInt(strideFor(n))) % BigInt(n));

/** One load run with the server's CPU read around it. */
async function measure(
  s: Server,
  o: {
    count: number;
    concurrency: number;
    body: (i: number) => string;
    expect?: string;
    first?: number;
    onSuccess?: (i: number, body: string) => void;
    deadlineMs?: number;
    timeoutMs?: number;
    region?: string;
  },
): Promise<LoadResult> {
  const t = s.target(o.concurrency);
  try {
    const cpu0 = s.cpuSeconds();
    const run = await runLoad(t, {
      count: o.count,
      concurrency: o.concurrency,
      body: o.body,
      first: o.first ?? 0,
      ...(o.expect !== undefined ? { expect: o.expect } : {}),
      ...(o.onSuccess ? { onSuccess: o.onSuccess } : {}),
      deadlineMs: o.deadlineMs ?? 300_000,
      ...(o.timeoutMs !== undefined ? { requestTimeoutMs: o.timeoutMs } : {}),
      ...(o.region !== undefined ? { region: o.region } : {}),
    });
    const cpu1 = s.cpuSeconds();
    return summarize([run], cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0);
  } finally {
    await t.close();
  }
}

/** Throws when every request of a (warm-up) run failed: the server does not support the workload. */
function supported(r: LoadResult, what: string): LoadResult {
  if (r.errors >= r.completed) throw new Error(`${what}: every request failed; first: ${(r.firstError ?? '').replace(/\s+/g, ' ').slice(0, 200)}`);
  return r;
}

/** Throws when a run that builds state had errors: later steps rely on everything it made. */
function must(r: LoadResult, what: string): LoadResult {
  if (r.errors > 0 || r.timedOut || r.completed === 0) {
    throw new Error(
      `${what}: ${r.errors} errors${r.timedOut ? ', deadline hit' : ''}${r.firstError ? `; first: ${r.firstError.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`,
    );
  }
  return r;
}

/**
 * Several workloads measured in `rounds` alternating rounds (A, B, A, B…), so drift in the
 * machine's speed hits each alike; one pooled result per workload.
 */
async function interleaved(
  s: Server,
  bodies: readonly ((i: number) => string)[],
  o: { count: number; concurrency: number; rounds: number; expect: string; first?: number; regions?: readonly (string | undefined)[] },
): Promise<LoadResult[]> {
  const runs = bodies.map(() => [] as LoadRun[]);
  const cpu: (number | undefined)[] = bodies.map(() => 0);
  let next = o.first ?? 0;
  for (let k = 0; k < o.rounds; k++) {
    const n = Math.floor(((k + 1) * o.count) / o.rounds) - Math.floor((k * o.count) / o.rounds);
    for (let b = 0; b < bodies.length; b++) {
      const t = s.target(o.concurrency);
      const cpu0 = s.cpuSeconds();
      const region = o.regions?.[b];
      const run = await runLoad(t, {
        count: n,
        concurrency: o.concurrency,
        body: bodies[b]!,
        first: next,
        expect: o.expect,
        deadlineMs: 300_000,
        ...(region !== undefined ? { region } : {}),
      });
      const cpu1 = s.cpuSeconds();
      await t.close();
      runs[b]!.push(run);
      cpu[b] = cpu0 === undefined || cpu1 === undefined || cpu[b] === undefined ? undefined : cpu[b]! + (cpu1 - cpu0);
    }
    next += n;
  }
  return runs.map((r, b) => summarize(r, cpu[b]));
}

async function call(s: Server, action: string, params: Record<string, string | number> = {}, timeoutMs = 30_000, region?: string): Promise<string> {
  const res = await query({ host: '127.0.0.1', port: s.port, agent: false }, form(action, params), timeoutMs, region);
  if (res.status !== 200) throw new Error(`${s.name} ${action} answered ${res.status}: ${res.body.replace(/\s+/g, ' ').slice(0, 300)}`);
  return res.body;
}

function field(xml: string, tag: string): string {
  const v = xmlField(xml, tag);
  if (v === undefined) throw new Error(`no <${tag}> in answer: ${xml.slice(0, 300)}`);
  return v;
}

/** VPC 10.k.0.0/16 with one subnet covering it; resolves with the subnet id. */
async function vpcWithSubnet(s: Server, k: number, region?: string): Promise<string> {
  const cidr = `10.${k}.0.0/16`;
  const vpc = field(await call(s, 'CreateVpc', { CidrBlock: cidr }, 30_000, region), 'vpcId');
  return field(await call(s, 'CreateSubnet', { VpcId: vpc, CidrBlock: cidr }, 30_000, region), 'subnetId');
}

/**
 * JIT warm-up: ec2net's code paths run hot before anything is measured, in other regions — separate
 * worlds of the same process, so the measured region's state is not touched. On this 2-CPU machine
 * V8 needs a few thousand creates before their cost settles (the throughput workloads warm up with
 * up to 5,000 requests for the same reason; moto, without a JIT, gets 20).
 * Two regions, not one: code optimised while it has only seen one region's values (zone names,
 * DNS domain, ids) is thrown away and re-optimised the first time it meets a second region, which
 * cost the first 1,000 measured creates about twice the CPU of the next ones.
 * Resolves with one subnet per warm-up region and the number of state-changing requests made
 * (they are journaled when durable).
 */
const WARM_REGIONS = ['us-west-2', 'eu-west-1'] as const;
const WARM_LABEL = WARM_REGIONS.join(' and ');
interface Warmed {
  readonly subnets: readonly string[];
  readonly changes: number;
}
async function warmUp(s: Server, o: ScaleOptions, what: 'enis' | 'instances', n: number): Promise<Warmed> {
  const subnets: string[] = [];
  let changes = 0;
  for (const region of WARM_REGIONS) {
    const w = await warmUpIn(s, o, what, n, region);
    subnets.push(w.subnet);
    changes += w.changes;
  }
  return { subnets, changes };
}

async function warmUpIn(s: Server, o: ScaleOptions, what: 'enis' | 'instances', n: number, region: string): Promise<{ subnet: string; changes: number }> {
  const C = o.concurrency;
  const subnet = await vpcWithSubnet(s, 0, region);
  const m: Made = { ids: [], ips: [] };
  const run = async (body: (i: number) => string, count: number, first = 0, onSuccess?: (i: number, body: string) => void) =>
    must(await measure(s, { count, concurrency: C, body, first, region, ...(onSuccess ? { onSuccess } : {}) }), `warm-up in ${region}`);
  if (what === 'enis') {
    const q = Math.floor(n / 4);
    await run(() => form('CreateNetworkInterface', { SubnetId: subnet, SecondaryPrivateIpAddressCount: 2 }), n, 0, collect(m));
    await run((i) => form('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': m.ids[spread(i, n)]! }), n);
    await run((i) => form('DescribeNetworkInterfaces', { 'Filter.1.Name': 'private-ip-address', 'Filter.1.Value.1': m.ips[spread(i, n)]! }), n);
    await run((i) => form('AssignPrivateIpAddresses', { NetworkInterfaceId: m.ids[spread(i, n)]!, SecondaryPrivateIpAddressCount: 1 }), q);
    await run((i) => form('DeleteNetworkInterface', { NetworkInterfaceId: m.ids[n - 1 - i]! }), q);
    await run(() => form('DescribeNetworkInterfaces'), 3, 0);
    return { subnet, changes: 2 + n + 2 * q };
  }
  const f: Fleet = { instances: [], enis: m };
  await run(
    () => form('RunInstances', { ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: 'm5.large', SubnetId: subnet }),
    n,
    0,
    (i, body) => {
      f.instances[i] = xmlField(body, 'instanceId') ?? '';
    },
  );
  await sleep(800);
  await run(() => form('CreateNetworkInterface', { SubnetId: subnet }), n, 0, collect(m));
  await run((i) => form('AttachNetworkInterface', { InstanceId: f.instances[i]!, NetworkInterfaceId: m.ids[i]!, DeviceIndex: 1 }), n);
  await sleep(300);
  await run((i) => form('DescribeInstances', { 'InstanceId.1': f.instances[spread(i, n)]! }), 2 * n);
  await run((i) => form('DescribeInstances', { 'Filter.1.Name': 'network-interface.private-ip-address', 'Filter.1.Value.1': m.ips[spread(i, n)]! }), 2 * n);
  return { subnet, changes: 2 + 3 * n };
}

/**
 * After a forced GC the next couple of thousand requests run slow while the heap grows back:
 * creates, describes and deletes of `n` interfaces in each warm-up region, leaving their state as it was.
 */
async function rewarm(s: Server, o: ScaleOptions, warm: Warmed, n: number): Promise<void> {
  for (const [k, region] of WARM_REGIONS.entries()) {
    const subnet = warm.subnets[k]!;
    const m: Made = { ids: [], ips: [] };
    const run = async (body: (i: number) => string, onSuccess?: (i: number, body: string) => void) =>
      must(await measure(s, { count: n, concurrency: o.concurrency, body, region, ...(onSuccess ? { onSuccess } : {}) }), `re-warm in ${region}`);
    await run(() => form('CreateNetworkInterface', { SubnetId: subnet, SecondaryPrivateIpAddressCount: 2 }), collect(m));
    await run((i) => form('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': m.ids[spread(i, n)]! }));
    await run((i) => form('DescribeNetworkInterfaces', { 'Filter.1.Name': 'private-ip-address', 'Filter.1.Value.1': m.ips[spread(i, n)]! }));
    await run((i) => form('DeleteNetworkInterface', { NetworkInterfaceId: m.ids[i]! }));
  }
}

/**
 * The flat-latency baseline: a world of REF_SIZE resources in another region of the same server,
 * measured in the same alternating rounds as the growing world at every stage. Comparing the two
 * at the same moment shows what the world's size costs a request, free of the machine's drift
 * between stages minutes apart (one-at-a-time p50s are 0.07–0.25 ms here, and that drift alone
 * moved them by 0.03–0.1 ms between stages).
 */
const REF_REGION = 'ap-southeast-2';
const REF_SIZE = 1000;
const REF = (workload: string) => `${workload}, ${n0(REF_SIZE)}-resource reference world`;

/** Several listings of everything, one at a time. */
async function timeList(s: Server, repeats: number, expectCount: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let k = 0; k < repeats; k++) {
    const t0 = process.hrtime.bigint();
    const body = await call(s, 'DescribeNetworkInterfaces', {}, 600_000);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    bytes = Buffer.byteLength(body);
    const got = body.match(/<networkInterfaceId>/g)?.length ?? 0;
    if (got !== expectCount) throw new Error(`${s.name}: the listing returned ${got} interfaces, not ${expectCount}`);
  }
  return { ms, bytes };
}

const message = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0]! : String(e));

// ---- network interfaces at scale ------------------------------------------------------------------

const CREATE = 'CreateNetworkInterface (2 secondary)';
const ASSIGN = 'AssignPrivateIpAddresses (1 more)';
const BY_ID = 'DescribeNetworkInterfaces by id';
const BY_IP = 'DescribeNetworkInterfaces private-ip-address filter';
const DELETE = 'DeleteNetworkInterface';
const RUN = 'RunInstances (m5.large)';
const ATTACH = 'AttachNetworkInterface (eth1)';
const INST_BY_ID = 'DescribeInstances by id';
const INST_BY_IP = 'DescribeInstances network-interface.private-ip-address filter';

/** What a CreateNetworkInterface answer gives the later workloads. */
interface Made {
  readonly ids: string[];
  readonly ips: string[];
}
const collect = (m: Made) => (i: number, body: string) => {
  m.ids[i] = xmlField(body, 'networkInterfaceId') ?? '';
  m.ips[i] = xmlField(body, 'privateIpAddress') ?? '';
};

async function eniScaleEc2net(o: ScaleOptions, r: ScaleReport): Promise<void> {
  const N = o.enis;
  const C = o.concurrency;
  o.progress(`${SECTIONS.enis}: ec2net, ${n0(N)} interfaces`);
  const s = await startScaleEc2net(o.root, N + 10_000, { nodeArgs: o.nodeArgs });
  try {
    o.progress(`${SECTIONS.enis}: ec2net warm-up in ${WARM_LABEL}`);
    const warm = await warmUp(s, o, 'enis', 5000);
    const subnets: string[] = [];
    for (let k = 0; k < Math.ceil(N / PER_SUBNET); k++) subnets.push(await vpcWithSubnet(s, k));
    const refSubnet = await vpcWithSubnet(s, 0, REF_REGION);
    const ref: Made = { ids: [], ips: [] };
    const refCreate = () => form('CreateNetworkInterface', { SubnetId: refSubnet, SecondaryPrivateIpAddressCount: 2 });
    must(await measure(s, { count: REF_SIZE, concurrency: C, body: refCreate, region: REF_REGION, onSuccess: collect(ref) }), 'reference world');
    const at0 = await s.gc();
    await rewarm(s, o, warm, 2000);
    const made: Made = { ids: new Array<string>(N), ips: new Array<string>(N) };
    const create = (i: number) => form('CreateNetworkInterface', { SubnetId: subnets[Math.floor(i / PER_SUBNET)]!, SecondaryPrivateIpAddressCount: 2 });
    const row = (workload: string, state: string, size: number, concurrency: number, result: LoadResult) =>
      r.rows.push({ section: 'enis', workload, server: 'ec2net', state, size, concurrency, result });

    const stops = [...new Set([...LATENCY_SIZES, o.motoList, N])].filter((x) => x <= N).sort((a, b) => a - b);
    let have = 0;
    for (const size of stops) {
      o.progress(`${SECTIONS.enis}: ec2net creates ${n0(have)} → ${n0(size)}`);
      const res = await measure(s, {
        count: size - have,
        concurrency: C,
        body: create,
        first: have,
        expect: '<networkInterfaceId>',
        onSuccess: collect(made),
        deadlineMs: FILL_DEADLINE_MS,
      });
      row(CREATE, `${n0(have)} → ${n0(size)} ENIs`, have, C, must(res, `creating interfaces ${have}..${size}`));
      have = size;
      if (size === o.motoList) {
        o.progress(`${SECTIONS.enis}: ec2net lists all ${n0(size)} interfaces`);
        await timeList(s, 1, size); // warm-up
        const t = await timeList(s, 5, size);
        r.lists.push({ server: 'ec2net', interfaces: size, ...t });
      }
      if (!LATENCY_SIZES.includes(size) && size !== N) continue;
      const byId = (i: number) => form('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': made.ids[spread(i, size)]! });
      const byIp = (i: number) => form('DescribeNetworkInterfaces', { 'Filter.1.Name': 'private-ip-address', 'Filter.1.Value.1': made.ips[spread(i, size)]! });
      o.progress(`${SECTIONS.enis}: ec2net ${BY_ID} and ${BY_IP} at ${n0(size)}`);
      const refById = (i: number) => form('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': ref.ids[spread(i, REF_SIZE)]! });
      const refByIp = (i: number) =>
        form('DescribeNetworkInterfaces', { 'Filter.1.Name': 'private-ip-address', 'Filter.1.Value.1': ref.ips[spread(i, REF_SIZE)]! });
      const bodies = [byId, byIp, refById, refByIp];
      const regions = [undefined, undefined, REF_REGION, REF_REGION];
      const expect = '<networkInterfaceId>';
      // Unmeasured: lets the GC cycle and re-optimisation that the fill left running finish first.
      await interleaved(s, bodies, { count: SETTLE, concurrency: C, rounds: 1, expect, first: 20_000_000, regions });
      const lat = await interleaved(s, bodies, { count: o.latencyRequests, concurrency: 1, rounds: o.rounds, expect, regions });
      const tput = await interleaved(s, [byId, byIp], { count: o.requests, concurrency: C, rounds: o.rounds, expect, first: o.latencyRequests });
      for (const [k, name] of [BY_ID, BY_IP].entries()) {
        row(name, `${n0(size)} ENIs`, size, 1, lat[k]!);
        row(name, `${n0(size)} ENIs`, size, C, tput[k]!);
        row(REF(name), `${n0(REF_SIZE)} ENIs (${REF_REGION}), beside ${n0(size)}`, size, 1, lat[k + 2]!);
      }
    }
    r.memory = { interfaces: N, at0, atN: await s.gc() };
    await rewarm(s, o, warm, 2000);

    // Assign on distinct interfaces spread over all of them; delete from the end.
    const w = Math.min(500, Math.floor(N / 10));
    const count = Math.min(o.requests, N - w);
    o.progress(`${SECTIONS.enis}: ec2net ${ASSIGN} and ${DELETE} at ${n0(N)}`);
    const assign = (i: number) => form('AssignPrivateIpAddresses', { NetworkInterfaceId: made.ids[spread(i, N)]!, SecondaryPrivateIpAddressCount: 1 });
    must(await measure(s, { count: w, concurrency: C, body: assign, expect: 'AssignPrivateIpAddressesResponse' }), 'assign warm-up');
    row(ASSIGN, `${n0(N)} ENIs`, N, C, await measure(s, { count, concurrency: C, body: assign, first: w, expect: 'AssignPrivateIpAddressesResponse' }));
    const del = (i: number) => form('DeleteNetworkInterface', { NetworkInterfaceId: made.ids[N - 1 - i]! });
    must(await measure(s, { count: w, concurrency: C, body: del, expect: 'DeleteNetworkInterfaceResponse' }), 'delete warm-up');
    row(
      DELETE,
      `${n0(N - w)} → ${n0(N - w - count)} ENIs`,
      N - w,
      C,
      await measure(s, { count, concurrency: C, body: del, first: w, expect: 'DeleteNetworkInterfaceResponse' }),
    );
  } finally {
    await s.stop();
  }
}

async function eniScaleMoto(o: ScaleOptions, r: ScaleReport, moto: Server, M: number): Promise<void> {
  const C = o.concurrency;
  const row = (workload: string, state: string, size: number, result: LoadResult) =>
    r.rows.push({ section: 'enis', workload, server: 'moto', state, size, concurrency: C, result });
  o.progress(`${SECTIONS.enis}: moto, ${M} requests per workload, listing at ${n0(o.motoList)}`);
  await moto.reset();
  const subnet = await vpcWithSubnet(moto, 0);
  const made: Made = { ids: [], ips: [] };
  const create = () => form('CreateNetworkInterface', { SubnetId: subnet, SecondaryPrivateIpAddressCount: 2 });
  // moto answers an occasional 500 under concurrency: measured runs keep their errors in the table,
  // and an interface a failed create should have made is made again, one at a time, untimed.
  const repair = async (upTo: number) => {
    for (let i = 0; i < upTo; i++)
      if (!made.ids[i]) collect(made)(i, await call(moto, 'CreateNetworkInterface', { SubnetId: subnet, SecondaryPrivateIpAddressCount: 2 }));
  };
  await measure(moto, { count: MOTO_WARMUP, concurrency: C, body: create, expect: '<networkInterfaceId>', onSuccess: collect(made) });
  row(
    CREATE,
    `${MOTO_WARMUP} → ${n0(MOTO_WARMUP + M)} ENIs`,
    MOTO_WARMUP,
    await measure(moto, { count: M, concurrency: C, body: create, first: MOTO_WARMUP, expect: '<networkInterfaceId>', onSuccess: collect(made) }),
  );
  let have = MOTO_WARMUP + M;
  await repair(have);
  for (const [name, param] of [
    [BY_ID, 'id'],
    [BY_IP, 'ip'],
  ] as const) {
    const size = have;
    const body = (i: number) =>
      param === 'id'
        ? form('DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': made.ids[spread(i, size)]! })
        : form('DescribeNetworkInterfaces', { 'Filter.1.Name': 'private-ip-address', 'Filter.1.Value.1': made.ips[spread(i, size)]! });
    try {
      supported(await measure(moto, { count: MOTO_WARMUP, concurrency: C, body, first: 10_000_000, expect: '<networkInterfaceId>' }), `moto ${name}`);
      row(name, `${n0(size)} ENIs`, size, await measure(moto, { count: M, concurrency: C, body, expect: '<networkInterfaceId>' }));
    } catch (e) {
      r.rows.push({ section: 'enis', workload: name, server: 'moto', state: `${n0(size)} ENIs`, size, concurrency: C, skipped: message(e) });
    }
  }
  if (o.motoList > have) {
    o.progress(`${SECTIONS.enis}: moto creates ${n0(have)} → ${n0(o.motoList)} for the listing`);
    const fill = await measure(moto, {
      count: o.motoList - have,
      concurrency: C,
      body: create,
      first: have,
      expect: '<networkInterfaceId>',
      onSuccess: collect(made),
      deadlineMs: FILL_DEADLINE_MS,
    });
    row(`${CREATE} (fill)`, `${n0(have)} → ${n0(o.motoList)} ENIs`, have, fill);
    have = o.motoList;
    await repair(have);
  }
  o.progress(`${SECTIONS.enis}: moto lists all ${n0(have)} interfaces`);
  r.lists.push({ server: 'moto', interfaces: have, ...(await timeList(moto, 1, have)) });

  const assign = (i: number) => form('AssignPrivateIpAddresses', { NetworkInterfaceId: made.ids[spread(i, have)]!, SecondaryPrivateIpAddressCount: 1 });
  await measure(moto, { count: MOTO_WARMUP, concurrency: C, body: assign, expect: 'AssignPrivateIpAddressesResponse' });
  row(
    ASSIGN,
    `${n0(have)} ENIs`,
    have,
    await measure(moto, { count: M, concurrency: C, body: assign, first: MOTO_WARMUP, expect: 'AssignPrivateIpAddressesResponse' }),
  );
  const del = (i: number) => form('DeleteNetworkInterface', { NetworkInterfaceId: made.ids[have - 1 - i]! });
  await measure(moto, { count: MOTO_WARMUP, concurrency: C, body: del, expect: 'DeleteNetworkInterfaceResponse' });
  row(
    DELETE,
    `${n0(have - MOTO_WARMUP)} → ${n0(have - MOTO_WARMUP - M)} ENIs`,
    have - MOTO_WARMUP,
    await measure(moto, { count: M, concurrency: C, body: del, first: MOTO_WARMUP, expect: 'DeleteNetworkInterfaceResponse' }),
  );
}

// ---- instances at scale ---------------------------------------------------------------------------

interface Fleet {
  readonly instances: string[];
  readonly enis: Made;
}

/**
 * Grows a fleet from `have` to `size`: launches (measured), waits out `pending`, makes one more
 * interface per new instance (setup) and attaches it as eth1 (measured).
 */
async function growFleet(
  o: ScaleOptions,
  s: Server,
  subnet: string,
  f: Fleet,
  have: number,
  size: number,
  warmup: number,
  region?: string,
): Promise<{ run: LoadResult; attach: LoadResult }> {
  const C = o.concurrency;
  // Every request of the fleet goes to its region (the flat-latency reference fleet lives in another one).
  const inRegion = (srv: Server, m: Parameters<typeof measure>[1]) => measure(srv, region === undefined ? m : { ...m, region });
  // moto answers an occasional 500 under concurrency: its measured runs keep their errors in the
  // table, and whatever a failed request should have made is made again, one at a time, untimed.
  const strict = (r: LoadResult, what: string) => (s.name === 'ec2net' ? must(r, what) : r);
  const launch = () => form('RunInstances', { ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: 'm5.large', SubnetId: subnet });
  const onRun = (i: number, body: string) => {
    f.instances[i] = xmlField(body, 'instanceId') ?? '';
  };
  const create = () => form('CreateNetworkInterface', { SubnetId: subnet });
  const repair = async () => {
    for (let i = have; i < size; i++) {
      if (!f.instances[i])
        onRun(i, await call(s, 'RunInstances', { ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: 'm5.large', SubnetId: subnet }, 30_000, region));
      if (!f.enis.ids[i] && f.enis.ids.length > have) collect(f.enis)(i, await call(s, 'CreateNetworkInterface', { SubnetId: subnet }, 30_000, region));
    }
  };
  if (warmup > 0) await inRegion(s, { count: warmup, concurrency: C, body: launch, first: have, expect: '<instanceId>', onSuccess: onRun });
  const run = strict(
    await inRegion(s, {
      count: size - have - warmup,
      concurrency: C,
      body: launch,
      first: have + warmup,
      expect: '<instanceId>',
      onSuccess: onRun,
      deadlineMs: FILL_DEADLINE_MS,
    }),
    `${s.name} RunInstances`,
  );
  await repair();
  await sleep(800); // pending lasts 500 ms in ec2net
  strict(
    await inRegion(s, {
      count: size - have,
      concurrency: C,
      body: create,
      first: have,
      expect: '<networkInterfaceId>',
      onSuccess: collect(f.enis),
      deadlineMs: FILL_DEADLINE_MS,
    }),
    `${s.name} interfaces for eth1`,
  );
  await repair();
  const attachBody = (i: number) => form('AttachNetworkInterface', { InstanceId: f.instances[i]!, NetworkInterfaceId: f.enis.ids[i]!, DeviceIndex: 1 });
  if (warmup > 0) await inRegion(s, { count: warmup, concurrency: C, body: attachBody, first: have, expect: '<attachmentId>' });
  const attach = await inRegion(s, {
    count: size - have - warmup,
    concurrency: C,
    body: attachBody,
    first: have + warmup,
    expect: '<attachmentId>',
    deadlineMs: FILL_DEADLINE_MS,
  });
  await sleep(300); // attaching lasts 200 ms in ec2net
  return { run, attach };
}

/** `ref`: ec2net's reference fleet (REF_SIZE instances in REF_REGION), measured one at a time beside this stage. */
async function describeFleet(o: ScaleOptions, r: ScaleReport, s: Server, server: string, f: Fleet, size: number, warmup: number, ref?: Fleet): Promise<void> {
  const C = o.concurrency;
  const describers = (g: Fleet, n: number) =>
    [
      (i: number) => form('DescribeInstances', { 'InstanceId.1': g.instances[spread(i, n)]! }),
      (i: number) => form('DescribeInstances', { 'Filter.1.Name': 'network-interface.private-ip-address', 'Filter.1.Value.1': g.enis.ips[spread(i, n)]! }),
    ] as const;
  const [byId, byIp] = describers(f, size);
  const state = `${n0(size)} instances`;
  o.progress(`${SECTIONS.instances}: ${server} ${INST_BY_ID} and ${INST_BY_IP} at ${n0(size)}`);
  const expect = '<instanceId>';
  if (server === 'moto') {
    for (const [name, body] of [
      [INST_BY_ID, byId],
      [INST_BY_IP, byIp],
    ] as const) {
      try {
        supported(await measure(s, { count: warmup, concurrency: C, body, first: 10_000_000, expect }), `${server} ${name}`);
        r.rows.push({
          section: 'instances',
          workload: name,
          server,
          state,
          size,
          concurrency: C,
          result: await measure(s, { count: o.motoRequests!, concurrency: C, body, expect }),
        });
      } catch (e) {
        r.rows.push({ section: 'instances', workload: name, server, state, size, concurrency: C, skipped: message(e) });
      }
    }
    return;
  }
  const bodies = ref ? [byId, byIp, ...describers(ref, REF_SIZE)] : [byId, byIp];
  const regions = ref ? [undefined, undefined, REF_REGION, REF_REGION] : undefined;
  await interleaved(s, bodies, { count: SETTLE, concurrency: C, rounds: 1, expect, first: 20_000_000, ...(regions ? { regions } : {}) });
  const lat = await interleaved(s, bodies, { count: o.latencyRequests, concurrency: 1, rounds: o.rounds, expect, ...(regions ? { regions } : {}) });
  const tput = await interleaved(s, [byId, byIp], { count: o.requests, concurrency: C, rounds: o.rounds, expect, first: o.latencyRequests });
  for (const [k, name] of [INST_BY_ID, INST_BY_IP].entries()) {
    r.rows.push({ section: 'instances', workload: name, server, state, size, concurrency: 1, result: lat[k]! });
    r.rows.push({ section: 'instances', workload: name, server, state, size, concurrency: C, result: tput[k]! });
    if (ref)
      r.rows.push({
        section: 'instances',
        workload: REF(name),
        server,
        state: `${n0(REF_SIZE)} instances (${REF_REGION}), beside ${n0(size)}`,
        size,
        concurrency: 1,
        result: lat[k + 2]!,
      });
  }
}

async function instanceScaleEc2net(o: ScaleOptions, r: ScaleReport): Promise<void> {
  const M = o.instances;
  o.progress(`${SECTIONS.instances}: ec2net, ${n0(M)} m5.large instances with 2 interfaces each`);
  const s = await startScaleEc2net(o.root, 2 * M + 10_000, { nodeArgs: o.nodeArgs });
  try {
    o.progress(`${SECTIONS.instances}: ec2net warm-up in ${WARM_LABEL}`);
    await warmUp(s, o, 'instances', 2000);
    const subnet = await vpcWithSubnet(s, 0);
    const f: Fleet = { instances: [], enis: { ids: [], ips: [] } };
    const ref: Fleet = { instances: [], enis: { ids: [], ips: [] } };
    o.progress(`${SECTIONS.instances}: ec2net reference fleet of ${n0(REF_SIZE)} in ${REF_REGION}`);
    await growFleet(o, s, await vpcWithSubnet(s, 0, REF_REGION), ref, 0, REF_SIZE, 0, REF_REGION);
    let have = 0;
    for (const size of [...new Set([...INSTANCE_SIZES, M])].filter((x) => x <= M).sort((a, b) => a - b)) {
      o.progress(`${SECTIONS.instances}: ec2net launches and attaches ${n0(have)} → ${n0(size)}`);
      const { run, attach } = await growFleet(o, s, subnet, f, have, size, 0);
      const state = `${n0(have)} → ${n0(size)} instances`;
      r.rows.push({ section: 'instances', workload: RUN, server: 'ec2net', state, size: have, concurrency: o.concurrency, result: run });
      r.rows.push({ section: 'instances', workload: ATTACH, server: 'ec2net', state, size: have, concurrency: o.concurrency, result: attach });
      await describeFleet(o, r, s, 'ec2net', f, size, 0, ref);
      have = size;
    }
  } finally {
    await s.stop();
  }
}

async function instanceScaleMoto(o: ScaleOptions, r: ScaleReport, moto: Server, M: number): Promise<void> {
  o.progress(`${SECTIONS.instances}: moto, ${M} requests per workload`);
  await moto.reset();
  const subnet = await vpcWithSubnet(moto, 0);
  const f: Fleet = { instances: [], enis: { ids: [], ips: [] } };
  const size = MOTO_WARMUP + M;
  const { run, attach } = await growFleet(o, moto, subnet, f, 0, size, MOTO_WARMUP);
  const state = `${MOTO_WARMUP} → ${n0(size)} instances`;
  r.rows.push({ section: 'instances', workload: RUN, server: 'moto', state, size: MOTO_WARMUP, concurrency: o.concurrency, result: run });
  r.rows.push({ section: 'instances', workload: ATTACH, server: 'moto', state, size: MOTO_WARMUP, concurrency: o.concurrency, result: attach });
  await describeFleet(o, r, moto, 'moto', f, size, MOTO_WARMUP);
}

// ---- durability -----------------------------------------------------------------------------------

async function durability(o: ScaleOptions, r: ScaleReport): Promise<void> {
  const C = o.concurrency;
  const dir = mkdtempSync(join(os.tmpdir(), 'ec2net-bench-'));
  o.progress(`${SECTIONS.durability}: CreateNetworkInterface, --data-dir ${dir} against --ephemeral`);
  const servers: Server[] = [];
  try {
    const mem = await startEc2net(o.root, { nodeArgs: o.nodeArgs });
    servers.push(mem);
    const disk = await startEc2net(o.root, { nodeArgs: o.nodeArgs, dataDir: dir });
    servers.push(disk);
    // Within the default quota of 5,000 interfaces per region: the CLI is used as shipped.
    const warmup = 500;
    const total = Math.min(o.durableRequests, 4400);
    let changes = 0;
    for (const s of [mem, disk]) changes = (await warmUp(s, o, 'enis', 3000)).changes;
    const sides = [
      { name: 'ec2net --ephemeral', s: mem, runs: [] as LoadRun[], cpu: 0 as number | undefined, next: warmup, subnet: '' },
      { name: 'ec2net --data-dir', s: disk, runs: [] as LoadRun[], cpu: 0 as number | undefined, next: warmup, subnet: '' },
    ];
    for (const side of sides) {
      side.subnet = await vpcWithSubnet(side.s, 0);
      const body = () => form('CreateNetworkInterface', { SubnetId: side.subnet, SecondaryPrivateIpAddressCount: 2 });
      must(await measure(side.s, { count: warmup, concurrency: C, body, expect: '<networkInterfaceId>' }), `${side.name} warm-up`);
    }
    for (let k = 0; k < o.rounds; k++) {
      const n = Math.floor(((k + 1) * total) / o.rounds) - Math.floor((k * total) / o.rounds);
      for (const side of sides) {
        const t = side.s.target(C);
        const cpu0 = side.s.cpuSeconds();
        const run = await runLoad(t, {
          count: n,
          concurrency: C,
          first: side.next,
          expect: '<networkInterfaceId>',
          body: () => form('CreateNetworkInterface', { SubnetId: side.subnet, SecondaryPrivateIpAddressCount: 2 }),
          deadlineMs: 300_000,
        });
        const cpu1 = side.s.cpuSeconds();
        await t.close();
        side.runs.push(run);
        side.next += n;
        side.cpu = cpu0 === undefined || cpu1 === undefined || side.cpu === undefined ? undefined : side.cpu + (cpu1 - cpu0);
      }
    }
    for (const side of sides) {
      r.rows.push({
        section: 'durability',
        workload: CREATE,
        server: side.name,
        state: `${n0(warmup)} → ${n0(warmup + total)} ENIs`,
        size: warmup,
        concurrency: C,
        result: summarize(side.runs, side.cpu),
      });
    }
    await disk.stop();
    servers.pop();
    const journalBytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    o.progress(`${SECTIONS.durability}: restart on the data directory (replays ${n0(warmup + total)} creates)`);
    const again = await startEc2net(o.root, { dataDir: dir, timeoutMs: 120_000 });
    servers.push(again);
    const listed =
      (await call(again, 'DescribeNetworkInterfaces', { 'Filter.1.Name': 'subnet-id', 'Filter.1.Value.1': sides[1]!.subnet }, 120_000)).match(
        /<networkInterfaceId>/g,
      )?.length ?? 0;
    r.durability = { journalBytes, journaledRequests: changes + warmup + total + 2, restartMs: again.readyMs, restartedInterfaces: listed };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- entry point ----------------------------------------------------------------------------------

export async function runScale(o: ScaleOptions, moto: Server | undefined): Promise<ScaleReport> {
  const r: ScaleReport = {
    options: {
      enis: o.enis,
      instances: o.instances,
      requests: o.requests,
      latencyRequests: o.latencyRequests,
      concurrency: o.concurrency,
      ...(o.motoRequests !== undefined ? { motoRequests: o.motoRequests } : {}),
      motoList: o.motoList,
      durableRequests: o.durableRequests,
      rounds: o.rounds,
      sections: [...o.sections],
    },
    rows: [],
    lists: [],
    loads: [],
    failed: [],
  };
  const attempt = async (section: SectionKey, server: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      r.failed.push({ section, server, error: message(e) });
      o.progress(`${SECTIONS[section]} on ${server} failed: ${message(e)}`);
    }
  };
  const M = o.motoRequests;
  if (o.sections.has('enis')) {
    r.loads.push({ section: 'enis', loadAverage: os.loadavg()[0]! });
    await attempt('enis', 'ec2net', () => eniScaleEc2net(o, r));
    if (moto && M !== undefined) await attempt('enis', 'moto', () => eniScaleMoto(o, r, moto, M));
  }
  if (o.sections.has('instances')) {
    r.loads.push({ section: 'instances', loadAverage: os.loadavg()[0]! });
    await attempt('instances', 'ec2net', () => instanceScaleEc2net(o, r));
    if (moto && M !== undefined) await attempt('instances', 'moto', () => instanceScaleMoto(o, r, moto, M));
  }
  if (o.sections.has('durability')) {
    r.loads.push({ section: 'durability', loadAverage: os.loadavg()[0]! });
    await attempt('durability', 'ec2net', () => durability(o, r));
  }
  return r;
}

// ---- targets --------------------------------------------------------------------------------------

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly goal: string;
  /** undefined: not measured in this run. */
  readonly met?: boolean;
}

const find = (r: ScaleReport, section: SectionKey, workload: string, server: string, pred: (row: ScaleRow) => boolean = () => true) =>
  r.rows.find((x) => x.section === section && x.workload === workload && x.server === server && x.result !== undefined && pred(x))?.result;

const f1 = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The issue's targets, judged from this run's figures. */
export function targets(r: ScaleReport, cold: { ec2netMs: readonly number[]; motoMs?: number; bareMs?: readonly number[] }): TargetRow[] {
  const out: TargetRow[] = [];
  const N = r.options.enis;
  const C = r.options.concurrency;
  // 1. flat latency: p50 at concurrency 1 of the world at the largest size ÷ p50 of the 1,000-resource
  // reference world measured in the same rounds (see REF_REGION); the ratio across stages (1,000 then
  // the largest size, minutes apart) and the server CPU per request are shown beside it.
  const flat = (section: SectionKey, workload: string, small: number, big: number, unit: string) => {
    const a = find(r, section, workload, 'ec2net', (x) => x.size === small && x.concurrency === 1);
    const b = find(r, section, workload, 'ec2net', (x) => x.size === big && x.concurrency === 1);
    const base = find(r, section, REF(workload), 'ec2net', (x) => x.size === big);
    const ca = find(r, section, workload, 'ec2net', (x) => x.size === small && x.concurrency === C);
    const cb = find(r, section, workload, 'ec2net', (x) => x.size === big && x.concurrency === C);
    const cpu = ca?.cpuUsPerRequest && cb?.cpuUsPerRequest ? cb.cpuUsPerRequest / ca.cpuUsPerRequest : undefined;
    const ratio = base && b ? b.p50Ms / base.p50Ms : undefined;
    const stages = a && b ? b.p50Ms / a.p50Ms : undefined;
    out.push({
      target: `${workload}: p50 at ${n0(big)} ${unit} ÷ p50 of a ${n0(REF_SIZE)}-${unit.replace(/s$/, '')} world in the same rounds`,
      measured:
        ratio === undefined
          ? '—'
          : `${f1(ratio)} (${base!.p50Ms.toFixed(3)} → ${b!.p50Ms.toFixed(3)} ms)` +
            (stages !== undefined ? `; across stages ${f1(stages)} (${a!.p50Ms.toFixed(3)} ms at ${n0(small)})` : '') +
            (cpu !== undefined ? `; server CPU/req ratio ${f1(cpu)}` : ''),
      goal: 'flat (≤ 1.5)',
      ...(ratio !== undefined ? { met: ratio <= 1.5 } : {}),
    });
  };
  flat('enis', BY_ID, 1000, N, 'ENIs');
  flat('enis', BY_IP, 1000, N, 'ENIs');
  if (r.memory) {
    const per = (r.memory.atN.rss - r.memory.at0.rss) / r.memory.interfaces;
    const heap = (r.memory.atN.heapUsed - r.memory.at0.heapUsed) / r.memory.interfaces;
    out.push({
      target: `Resident memory per interface at ${n0(r.memory.interfaces)} (after GC)`,
      measured: `${(per / 1024).toFixed(2)} KiB RSS (${(heap / 1024).toFixed(2)} KiB of JS heap)`,
      goal: '≤ 2 KiB',
      met: per <= 2048,
    });
  } else out.push({ target: 'Resident memory per interface', measured: '—', goal: '≤ 2 KiB' });
  // 2. against moto.
  const versus = (e: LoadResult | undefined, m: LoadResult | undefined) => {
    const ratio = e && m && m.opsPerSec > 0 ? e.opsPerSec / m.opsPerSec : undefined;
    const cpu = e?.cpuUsPerRequest && m?.cpuUsPerRequest ? m.cpuUsPerRequest / e.cpuUsPerRequest : undefined;
    const text =
      ratio === undefined
        ? '—'
        : `${f1(ratio)}× (${n0(Math.round(e!.opsPerSec))} vs ${n0(Math.round(m!.opsPerSec))} ops/s)` +
          (cpu !== undefined
            ? `; server CPU per request ${f1(cpu)}× less (${n0(Math.round(e!.cpuUsPerRequest!))} vs ${n0(Math.round(m!.cpuUsPerRequest!))} µs)`
            : '');
    return { ratio, text };
  };
  const vsMoto = (workload: string, note: string, pick: (x: ScaleRow) => boolean) => {
    const v = versus(
      find(r, 'enis', workload, 'ec2net', (x) => x.concurrency === C && pick(x)),
      find(r, 'enis', workload, 'moto'),
    );
    out.push({
      target: `${workload}: ec2net ops/s ÷ moto ops/s (${note})`,
      measured: v.text,
      goal: '≥ 50×',
      ...(v.ratio !== undefined ? { met: v.ratio >= 50 } : {}),
    });
  };
  const mN = r.options.motoRequests === undefined ? '(skipped)' : n0(MOTO_WARMUP + r.options.motoRequests);
  vsMoto(CREATE, `ec2net 0 → 1,000; moto ${MOTO_WARMUP} → ${mN}`, (x) => x.size === 0);
  // The same interfaces made by both (to the listing's size): 5,000 ec2net requests and ~5,000 moto
  // requests instead of 1,000 and 500, so a ramp-up or one GC weighs less in a window of ~0.1 s.
  const upTo = r.options.motoList;
  const span = (rows: readonly (LoadResult | undefined)[]) => {
    if (rows.some((x) => x === undefined)) return undefined;
    const done = rows.reduce((a, x) => a + x!.completed, 0);
    const seconds = rows.reduce((a, x) => a + x!.seconds, 0);
    const cpu = rows.every((x) => x!.cpuUsPerRequest !== undefined) ? rows.reduce((a, x) => a + x!.cpuUsPerRequest! * x!.completed, 0) / done : undefined;
    return { ...rows[0]!, completed: done, seconds, opsPerSec: done / seconds, ...(cpu !== undefined ? { cpuUsPerRequest: cpu } : {}) };
  };
  const ec2netSpan = span(
    r.rows.filter((x) => x.section === 'enis' && x.workload === CREATE && x.server === 'ec2net' && x.concurrency === C && x.size < upTo).map((x) => x.result),
  );
  const motoSpan = span([find(r, 'enis', CREATE, 'moto'), find(r, 'enis', `${CREATE} (fill)`, 'moto')]);
  const same = versus(ec2netSpan, motoSpan);
  out.push({
    target: `${CREATE}: ec2net ops/s ÷ moto ops/s over the same range (ec2net 0 → ${n0(upTo)}, ${n0(ec2netSpan?.completed ?? 0)} requests; moto ${MOTO_WARMUP} → ${n0(upTo)}, ${n0(motoSpan?.completed ?? 0)})`,
    measured: same.text,
    goal: '≥ 50×',
    ...(same.ratio !== undefined ? { met: same.ratio >= 50 } : {}),
  });
  vsMoto(ASSIGN, `ec2net at ${n0(N)}, moto at ${n0(r.options.motoList)}`, () => true);
  vsMoto(BY_ID, `ec2net at 1,000, moto at ${mN}`, (x) => x.size === 1000);
  vsMoto(BY_ID, `ec2net at ${n0(N)}, moto at ${mN}`, (x) => x.size === N);
  const le = r.lists.find((l) => l.server === 'ec2net');
  const lm = r.lists.find((l) => l.server === 'moto');
  const med = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const lr = le && lm ? med(lm.ms) / med(le.ms) : undefined;
  out.push({
    target: `DescribeNetworkInterfaces listing all ${n0(r.options.motoList)} (no MaxResults): moto time ÷ ec2net time`,
    measured: lr === undefined ? '—' : `${f1(lr)}× (${med(le!.ms).toFixed(0)} ms vs ${(med(lm!.ms) / 1000).toFixed(2)} s)`,
    goal: '≥ 50×',
    ...(lr !== undefined ? { met: lr >= 50 } : {}),
  });
  // 3. cold start.
  const best = cold.ec2netMs.length ? Math.min(...cold.ec2netMs) : undefined;
  out.push({
    target: 'Cold start: spawn → first answered request (ec2net, best of runs)',
    measured:
      best === undefined
        ? '—'
        : `${best.toFixed(0)} ms${cold.motoMs !== undefined ? `; moto ${cold.motoMs.toFixed(0)} ms (${f1(cold.motoMs / best)}× slower)` : ''}` +
          (cold.bareMs?.length ? `; a bare node:http server ${Math.min(...cold.bareMs).toFixed(0)} ms` : ''),
    goal: '≤ 150 ms',
    ...(best !== undefined ? { met: best <= 150 } : {}),
  });
  // 4. instances.
  flat('instances', INST_BY_IP, 1000, r.options.instances, 'instances');
  flat('instances', INST_BY_ID, 1000, r.options.instances, 'instances');
  for (const w of [RUN, ATTACH, INST_BY_ID]) {
    const v = versus(
      find(r, 'instances', w, 'ec2net', (x) => x.concurrency === C && x.size === (w === INST_BY_ID ? 1000 : 0)),
      find(r, 'instances', w, 'moto'),
    );
    out.push({
      target: `${w}: ec2net ops/s ÷ moto ops/s (ec2net ${w === INST_BY_ID ? 'at' : 'from 0 to'} 1,000, moto ${w === INST_BY_ID ? 'at' : `from ${MOTO_WARMUP} to`} ${mN})`,
      measured: v.text,
      goal: 'side by side (no target set)',
    });
  }
  // 5. durability.
  const dm = find(r, 'durability', CREATE, 'ec2net --ephemeral');
  const dd = find(r, 'durability', CREATE, 'ec2net --data-dir');
  const dr = dm && dd ? dd.opsPerSec / dm.opsPerSec : undefined;
  const dc = dm?.cpuUsPerRequest && dd?.cpuUsPerRequest ? dm.cpuUsPerRequest / dd.cpuUsPerRequest : undefined;
  out.push({
    target: 'CreateNetworkInterface durable (--data-dir) ÷ in-memory (--ephemeral) throughput',
    measured:
      dr === undefined
        ? '—'
        : `${(dr * 100).toFixed(0)} % (${n0(Math.round(dd!.opsPerSec))} vs ${n0(Math.round(dm!.opsPerSec))} ops/s)${dc !== undefined ? `; CPU/req in-memory ÷ durable ${(dc * 100).toFixed(0)} %` : ''}`,
    goal: '≥ 50 %',
    ...(dr !== undefined ? { met: dr >= 0.5 } : {}),
  });
  return out;
}
