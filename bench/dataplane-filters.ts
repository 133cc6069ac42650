/**
 * `node dist/bench/dataplane-filters.js [--changes N]`: how long a security group or network ACL
 * change takes to act on traffic in the netns data plane (Linux, root). Prints a Markdown section
 * for bench/RESULTS.md.
 * - Security group: a client sends a datagram every 5 ms on a new flow that no rule allows;
 *   AuthorizeSecurityGroupIngress sent → the first datagram the server receives. N times, each
 *   rule revoked again before the next (with a new flow each time: a tracked one would pass anyway).
 * - Network ACL (stateless, so it acts on a running flow): CreateNetworkAclEntry deny sent → the
 *   last datagram that got through; DeleteNetworkAclEntry sent → the first that gets through again.
 * Every loop is bounded; all traffic stays in the namespaces the server made.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclEntryCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { runIn, skipReason, startDataplaneServer, udpReceiver, udpSender, type NsProgram } from '../test/dataplane/netns-tools.js';

const { values } = parseArgs({ options: { changes: { type: 'string' } } });
const CHANGES = Number(values.changes ?? 100);
/** The client's sending interval: the figures' resolution. */
const EVERY_MS = 5;
const LIMIT_MS = 3000;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stamp = (line: string) => Number(line.split(' ')[1]);

/** The first datagram `receiver` got at or after `since` (ms since epoch), waiting up to LIMIT_MS. */
async function firstAfter(receiver: NsProgram, since: number): Promise<number> {
  const deadline = Date.now() + LIMIT_MS;
  while (Date.now() < deadline) {
    const line = receiver.lines.find((l) => l.startsWith('got ') && stamp(l) >= since);
    if (line) return stamp(line);
    await sleep(2);
  }
  throw new Error(`no datagram arrived within ${LIMIT_MS} ms of the change`);
}

async function main(): Promise<void> {
  const reason = skipReason();
  if (reason) throw new Error(reason);
  const load = os.loadavg()[0]!.toFixed(2);
  const { server, ec2 } = await startDataplaneServer({ cloud: { lifecycle: { pendingMs: 0, attachingMs: 0, detachingMs: 0 } } });
  const programs: NsProgram[] = [];
  try {
    const launch = async (groupIds: string[] | undefined, subnetId?: string) =>
      (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SecurityGroupIds: groupIds, SubnetId: subnetId })))
        .Instances![0]!;
    const a = await launch(undefined);
    const vpcId = a.VpcId!;
    const closed = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'closed', Description: 'closed', VpcId: vpcId }))).GroupId!;
    const open = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'open', Description: 'open', VpcId: vpcId }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: open, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const b = await launch([closed]);
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '172.31.220.0/24', AvailabilityZone: a.Placement!.AvailabilityZone })))
      .Subnet!;
    const c = await launch([open], subnet.SubnetId!);
    await server.dataplane!.settled();

    // Security group: a new flow, then the rule that lets it in.
    const onB = runIn(b.InstanceId!, udpReceiver(7500), 30 * 60_000);
    programs.push(onB);
    await onB.line(/ready/);
    const rule: IpPermission = { IpProtocol: 'udp', FromPort: 7500, ToPort: 7500, IpRanges: [{ CidrIp: `${a.PrivateIpAddress}/32` }] };
    const sg: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const sender = runIn(a.InstanceId!, udpSender(b.PrivateIpAddress!, 7500, EVERY_MS, 2000), 60_000);
      await sender.line(/ready/);
      await sleep(4 * EVERY_MS);
      const t0 = Date.now();
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: closed, IpPermissions: [rule] }));
      sg.push((await firstAfter(onB, t0)) - t0);
      sender.stop();
      await new Promise((r) => (sender.child.exitCode !== null ? r(undefined) : sender.child.once('exit', r)));
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: closed, IpPermissions: [rule] }));
      await server.dataplane!.settled();
      onB.lines.length = 0;
    }

    // Network ACL: one steady flow across the subnet boundary, denied and allowed again.
    const acl = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }] }))).NetworkAcls![0]!.NetworkAclId!;
    const onC = runIn(c.InstanceId!, udpReceiver(7501), 30 * 60_000);
    programs.push(onC);
    await onC.line(/ready/);
    const stream = runIn(a.InstanceId!, udpSender(c.PrivateIpAddress!, 7501, EVERY_MS, 10_000_000), 30 * 60_000);
    programs.push(stream);
    await onC.line(/^got/);
    const entry = { NetworkAclId: acl, RuleNumber: 10, Egress: false };
    const deny: number[] = [];
    const allow: number[] = [];
    const rounds = Math.max(1, Math.floor(CHANGES / 2));
    for (let i = 0; i < rounds; i++) {
      const t0 = Date.now();
      await ec2.send(
        new CreateNetworkAclEntryCommand({ ...entry, Protocol: '17', RuleAction: 'deny', CidrBlock: '0.0.0.0/0', PortRange: { From: 7501, To: 7501 } }),
      );
      await server.dataplane!.settled();
      await sleep(100);
      const last = Math.max(t0, ...onC.lines.filter((l) => l.startsWith('got ')).map(stamp));
      deny.push(last - t0);
      onC.lines.length = 0;
      const t1 = Date.now();
      await ec2.send(new DeleteNetworkAclEntryCommand(entry));
      allow.push((await firstAfter(onC, t1)) - t1);
    }

    const row = (what: string, times: number[]) => {
      const s = [...times].sort((x, y) => x - y);
      return `| ${what} (n = ${s.length}) | ${quantile(s, 0.5)} ms | ${quantile(s, 0.99)} ms | ${s.at(-1)} ms |`;
    };
    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    process.stdout.write(
      [
        `## Data plane filters (nftables), ${when}: \`node dist/bench/dataplane-filters.js --changes ${CHANGES}\``,
        '',
        `Machine: ${os.cpus().length} CPUs, Linux ${os.release()}; Node ${process.version}; 1-minute load average when the run started: ${load}. Client sends every ${EVERY_MS} ms.`,
        '',
        '| from the API call sent to … | p50 | p99 | max |',
        '|---|---:|---:|---:|',
        row('AuthorizeSecurityGroupIngress → the first datagram of a new flow received', sg),
        row('CreateNetworkAclEntry (deny) → the last datagram of a running flow received', deny),
        row('DeleteNetworkAclEntry → the first datagram received again', allow),
        '',
      ].join('\n'),
    );
  } finally {
    for (const p of programs) p.stop();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`dataplane filters bench: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
