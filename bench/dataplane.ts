/**
 * `node dist/bench/dataplane.js [--instances N] [--moves M] [--eip-moves E]`: the netns data plane's figures (Linux,
 * root): the time to bring up N instances with two interfaces each (RunInstances sent → every
 * namespace, link, address and route in place), and failover times over M moves of a secondary
 * address between two instances with AllowReassignment (the move sent → the first datagram of a
 * client's steady stream that reaches the new holder), and the same for an Elastic IP moved between
 * them by AssociateAddress with AllowReassociation, the client in the `ec2net-internet` namespace
 * (the public pool is a documentation range, 203.0.113.0/24). Beside each stage's throughput (requests
 * per second of wall time) it reports CPU per request from /proc: this process's (the server, with
 * the SDK client and the bench's polling beside it) and its `ip`/`nft` children's. Prints a Markdown
 * section for bench/RESULTS.md. Every loop is bounded; all traffic stays in the namespaces the server made.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { INTERNET_NS } from '../src/dataplane/internet.js';
import { acquireDataplaneLock, releaseDataplaneLock } from '../test/dataplane/lock.js';
import { childrenCpuSeconds, cpuSeconds } from './lib/procs.js';
import { namespaces, runIn, skipReason, startDataplaneServer, udpReceiver, udpSender, type NsProgram } from '../test/dataplane/netns-tools.js';

const { values } = parseArgs({ options: { instances: { type: 'string' }, moves: { type: 'string' }, 'eip-moves': { type: 'string' } } });
const INSTANCES = Number(values.instances ?? 100);
const MOVES = Number(values.moves ?? 100);
const EIP_MOVES = Number(values['eip-moves'] ?? 100);
/** The client's sending interval: the failover times' resolution. */
const EVERY_MS = 5;

/** A stage's cost: wall time, and CPU of this process and of its exited children (from /proc/self/stat). */
interface Stage {
  readonly requests: number;
  readonly wallMs: number;
  readonly selfCpuS: number;
  readonly childrenCpuS: number;
}

async function measured<T>(requests: number, fn: () => Promise<T>): Promise<{ result: T; stage: Stage }> {
  const [self0, kids0, t0] = [cpuSeconds(process.pid) ?? NaN, childrenCpuSeconds(process.pid) ?? NaN, performance.now()];
  const result = await fn();
  const stage = {
    requests,
    wallMs: performance.now() - t0,
    selfCpuS: (cpuSeconds(process.pid) ?? NaN) - self0,
    childrenCpuS: (childrenCpuSeconds(process.pid) ?? NaN) - kids0,
  };
  return { result, stage };
}

const perRequest = (s: Stage) =>
  `${(s.requests / (s.wallMs / 1000)).toFixed(1)} req/s; CPU per request ${((s.selfCpuS * 1000) / s.requests).toFixed(1)} ms in ec2net's process + ${((s.childrenCpuS * 1000) / s.requests).toFixed(1)} ms in its \`ip\`/\`nft\` children`;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/**
 * Moves something `moves` times between two receivers (`move(to)` sends the request), each time
 * timing the request sent → the first datagram at the new holder stamped after it was sent.
 */
async function timeMoves(receivers: NsProgram[], moves: number, move: (to: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let m = 0; m < moves; m++) {
    const to = m % 2 === 0 ? 1 : 0;
    const seen = receivers[to]!.lines.length;
    const start = Date.now();
    await move(to);
    const deadline = start + 3000;
    let arrived: number | undefined;
    while (arrived === undefined && Date.now() < deadline) {
      const line = receivers[to]!.lines.slice(seen).find((l) => Number(l.split(' ')[1]) >= start);
      if (line) arrived = Number(line.split(' ')[1]);
      else await new Promise((r) => setTimeout(r, 2));
    }
    if (arrived === undefined) throw new Error(`move ${m}: no traffic reached the new holder within 3 s`);
    times.push(arrived - start);
  }
  return times.sort((x, y) => x - y);
}

/** An Elastic IP moved between b and c (AllowReassociation) while the internet streams to it. */
async function eipMoves(
  ec2: EC2Client,
  settled: () => Promise<void>,
  b: Instance,
  c: Instance,
  eniOf: (i: Instance) => string,
): Promise<{ result: number[]; stage: Stage }> {
  // Security groups are enforced: the default group lets in only its own members, so the
  // internet's datagrams need an inbound rule, as on AWS (Amazon VPC User Guide, "Default security groups").
  const groupId = b.SecurityGroups![0]!.GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'udp', FromPort: 7310, ToPort: 7310, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'bench: from the internet' }] }],
    }),
  );
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eniOf(b) }));
  await settled();
  const receivers = [b, c].map((i) => runIn(i.InstanceId!, udpReceiver(7310), 10 * 60_000));
  for (const r of receivers) await r.line(/ready/);
  // The client binds no address: it sends from the internet namespace's own (192.0.2.1).
  const client = runIn(INTERNET_NS, udpSender(eip.PublicIp!, 7310, EVERY_MS, 1_000_000), 10 * 60_000);
  try {
    await receivers[0]!.line(/^got/);
    const holders = [b, c];
    return await measured(EIP_MOVES, () =>
      timeMoves(receivers, EIP_MOVES, (to) =>
        ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eniOf(holders[to]!), AllowReassociation: true })),
      ),
    );
  } finally {
    client.stop();
    for (const r of receivers) r.stop();
  }
}

async function main(): Promise<void> {
  const reason = skipReason();
  if (reason) throw new Error(reason);
  const load = os.loadavg()[0]!.toFixed(2);
  const nsBefore = namespaces().length;
  const { server, ec2 } = await startDataplaneServer({
    cloud: {
      quotas: { networkInterfacesPerRegion: 5000 },
      lifecycle: { pendingMs: 0, attachingMs: 0, detachingMs: 0 },
      // A documentation range (RFC 5737) as the public pool: nothing here is anyone's address.
      publicPools: { 'us-east-1': '203.0.113.0/24' },
    },
  });
  try {
    const subnetId = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets![0]!.SubnetId!;
    await server.dataplane!.settled();
    // Bring-up: N instances, each with eth0 and eth1.
    const t0 = performance.now();
    const launched: Instance[] = [];
    const self0 = cpuSeconds(process.pid) ?? NaN;
    const kids0 = childrenCpuSeconds(process.pid) ?? NaN;
    for (let left = INSTANCES; left > 0; left -= 20) {
      const n = Math.min(20, left);
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-0123456789abcdef0',
          InstanceType: 't3.large',
          MinCount: n,
          MaxCount: n,
          NetworkInterfaces: [
            { DeviceIndex: 0, SubnetId: subnetId },
            { DeviceIndex: 1, SubnetId: subnetId },
          ],
        }),
      );
      launched.push(...run.Instances!);
    }
    await server.dataplane!.settled();
    const bringUpMs = performance.now() - t0;
    const bringUp: Stage = {
      requests: Math.ceil(INSTANCES / 20),
      wallMs: bringUpMs,
      selfCpuS: (cpuSeconds(process.pid) ?? NaN) - self0,
      childrenCpuS: (childrenCpuSeconds(process.pid) ?? NaN) - kids0,
    };
    const made = namespaces().length - nsBefore;
    const last = launched.at(-1)!;
    const eth1 = execFileSync('ip', ['-n', last.InstanceId!, '-o', 'addr', 'show', 'eth1'], { encoding: 'utf8' });
    if (!eth1.includes(last.NetworkInterfaces!.find((n) => n.Attachment?.DeviceIndex === 1)!.PrivateIpAddress!)) throw new Error('eth1 is not configured');

    // Failover: A streams to a secondary address that moves between B and C.
    const [a, b, c] = launched;
    const eniOf = (i: Instance) => i.NetworkInterfaces!.find((n) => n.Attachment?.DeviceIndex === 0)!.NetworkInterfaceId!;
    const vip = (await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniOf(b!), SecondaryPrivateIpAddressCount: 1 })))
      .AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
    await server.dataplane!.settled();
    // Both configure it (as a failover pair's standby does): the figure is the fabric's, not a process start's.
    for (const i of [b!, c!]) execFileSync('ip', ['-n', i.InstanceId!, 'addr', 'add', `${vip}/20`, 'dev', 'eth0']);
    const receivers = [b!, c!].map((i) => runIn(i.InstanceId!, udpReceiver(7300), 10 * 60_000));
    for (const r of receivers) await r.line(/ready/);
    const client = runIn(a!.InstanceId!, udpSender(vip, 7300, EVERY_MS, 1_000_000), 10 * 60_000);
    await receivers[0]!.line(/^got/);
    let times: number[];
    let failover: Stage;
    try {
      const holders = [b!, c!];
      ({ result: times, stage: failover } = await measured(MOVES, () =>
        timeMoves(receivers, MOVES, (to) =>
          ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniOf(holders[to]!), PrivateIpAddresses: [vip], AllowReassignment: true })),
        ),
      ));
    } finally {
      client.stop();
      for (const r of receivers) r.stop();
    }
    const { result: eipTimes, stage: eipStage } = await eipMoves(ec2, () => server.dataplane!.settled(), b!, c!, eniOf);
    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    process.stdout.write(
      [
        `## Data plane (netns), ${when}: \`node dist/bench/dataplane.js --instances ${INSTANCES} --moves ${MOVES} --eip-moves ${EIP_MOVES}\``,
        '',
        `Machine: ${os.cpus().length} CPUs, Linux ${os.release()}; Node ${process.version}; 1-minute load average when the run started: ${load}.`,
        '',
        '| figure | value |',
        '|---|---:|',
        `| bring-up: ${INSTANCES} instances × 2 interfaces (RunInstances in batches of 20 → all applied; ${made} namespaces) | ${Math.round(bringUpMs)} ms |`,
        `| failover over ${MOVES} moves (AllowReassignment sent → first datagram at the new holder; client every ${EVERY_MS} ms), p50 | ${quantile(times, 0.5)} ms |`,
        `| failover p99 | ${quantile(times, 0.99)} ms |`,
        `| failover max | ${times.at(-1)} ms |`,
        `| Elastic IP move over ${EIP_MOVES} moves (AssociateAddress with AllowReassociation sent → first datagram from the internet namespace at the new holder; client every ${EVERY_MS} ms), p50 | ${quantile(eipTimes, 0.5)} ms |`,
        `| Elastic IP move p99 | ${quantile(eipTimes, 0.99)} ms |`,
        `| Elastic IP move max | ${eipTimes.at(-1)} ms |`,
        `| bring-up cost: ${bringUp.requests} RunInstances | ${perRequest(bringUp)} |`,
        `| failover cost: ${failover.requests} AssignPrivateIpAddresses | ${perRequest(failover)} |`,
        `| Elastic IP move cost: ${eipStage.requests} AssociateAddress | ${perRequest(eipStage)} |`,
        '',
        `1-minute load average when the run ended: ${os.loadavg()[0]!.toFixed(2)}.`,
        '',
      ].join('\n'),
    );
  } finally {
    await server.close();
  }
}

// One data plane user at a time on a machine: the tests check that no namespace leaks.
acquireDataplaneLock()
  .then(main)
  .finally(releaseDataplaneLock)
  .then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`dataplane bench: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
