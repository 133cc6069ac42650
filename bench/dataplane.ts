/**
 * `node dist/bench/dataplane.js [--instances N] [--moves M]`: the netns data plane's figures (Linux,
 * root): the time to bring up N instances with two interfaces each (RunInstances sent → every
 * namespace, link, address and route in place), and failover times over M moves of a secondary
 * address between two instances with AllowReassignment (the move sent → the first datagram of a
 * client's steady stream that reaches the new holder). Prints a Markdown section for
 * bench/RESULTS.md. Every loop is bounded; all traffic stays in the namespaces the server made.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { AssignPrivateIpAddressesCommand, DescribeSubnetsCommand, RunInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { namespaces, runIn, skipReason, startDataplaneServer, udpReceiver, udpSender } from '../test/dataplane/netns-tools.js';

const { values } = parseArgs({ options: { instances: { type: 'string' }, moves: { type: 'string' } } });
const INSTANCES = Number(values.instances ?? 100);
const MOVES = Number(values.moves ?? 100);
/** The client's sending interval: the failover times' resolution. */
const EVERY_MS = 5;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const reason = skipReason();
  if (reason) throw new Error(reason);
  const load = os.loadavg()[0]!.toFixed(2);
  const nsBefore = namespaces().length;
  const { server, ec2 } = await startDataplaneServer({
    cloud: { quotas: { networkInterfacesPerRegion: 5000 }, lifecycle: { pendingMs: 0, attachingMs: 0, detachingMs: 0 } },
  });
  try {
    const subnetId = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets![0]!.SubnetId!;
    await server.dataplane!.settled();
    // Bring-up: N instances, each with eth0 and eth1.
    const t0 = performance.now();
    const launched: Instance[] = [];
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
    const times: number[] = [];
    try {
      for (let m = 0; m < MOVES; m++) {
        const to = m % 2 === 0 ? 1 : 0;
        const target = [b!, c!][to]!;
        const seen = receivers[to]!.lines.length;
        const start = Date.now();
        await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniOf(target), PrivateIpAddresses: [vip], AllowReassignment: true }));
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
    } finally {
      client.stop();
      for (const r of receivers) r.stop();
    }
    times.sort((x, y) => x - y);
    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    process.stdout.write(
      [
        `## Data plane (netns), ${when}: \`node dist/bench/dataplane.js --instances ${INSTANCES} --moves ${MOVES}\``,
        '',
        `Machine: ${os.cpus().length} CPUs, Linux ${os.release()}; Node ${process.version}; 1-minute load average when the run started: ${load}.`,
        '',
        '| figure | value |',
        '|---|---:|',
        `| bring-up: ${INSTANCES} instances × 2 interfaces (RunInstances in batches of 20 → all applied; ${made} namespaces) | ${Math.round(bringUpMs)} ms |`,
        `| failover over ${MOVES} moves (AllowReassignment sent → first datagram at the new holder; client every ${EVERY_MS} ms), p50 | ${quantile(times, 0.5)} ms |`,
        `| failover p99 | ${quantile(times, 0.99)} ms |`,
        `| failover max | ${times.at(-1)} ms |`,
        '',
      ].join('\n'),
    );
  } finally {
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`dataplane bench: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
