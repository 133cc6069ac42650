/**
 * Security groups and network ACLs in the netns data plane (README "Data plane"): nftables in the
 * VPC router namespace enforces them per interface (groups, stateful) and per subnet (ACLs,
 * stateless). Needs Linux and root (CI has both); all traffic stays between the server's namespaces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyManagedPrefixListCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ReplaceNetworkAclAssociationCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  type Instance,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/start.js';
import { dataplaneTestLock } from './lock.js';
import { runIn, skipReason, startDataplaneServer, tcpEcho } from './netns-tools.js';

const skip = skipReason() ?? false;
dataplaneTestLock();

/**
 * Tries a TCP connection to `to`:`port` every `everyMs` ms, `count` times, each given `everyMs`
 * to connect: prints "ok <ms since epoch>" or "fail <ms since epoch>" per attempt.
 */
const tcpProbe = (to: string, port: number, everyMs: number, count: number) => `
const net = require('node:net');
let n = 0;
const once = () => {
  const started = Date.now();
  const c = net.connect(${port}, '${to}');
  const done = (what) => { clearTimeout(t); c.destroy(); console.log(what + ' ' + started); if (++n < ${count}) setTimeout(once, Math.max(0, ${everyMs} - (Date.now() - started))); };
  const t = setTimeout(() => done('fail'), ${everyMs});
  c.on('connect', () => done('ok'));
  c.on('error', () => done('fail'));
};
once();`;

/** A client that keeps one TCP connection and sends on it every 50 ms: prints "echo <n>" per echo. */
const tcpStream = (to: string, port: number, count: number) => `
const c = require('node:net').connect(${port}, '${to}', () => { console.log('connected'); let n = 0; const t = setInterval(() => { c.write('x'); if (++n >= ${count}) { clearInterval(t); setTimeout(() => c.end(), 200); } }, 50); });
let got = 0;
c.on('data', (d) => { got += d.length; console.log('echo ' + got); });
c.on('error', (e) => console.log('error ' + e.code));`;

/** Runs a probe to completion and returns its results in order. */
async function probe(from: string, to: string, port: number, count = 3, everyMs = 300): Promise<string[]> {
  const p = runIn(from, tcpProbe(to, port, everyMs, count), count * everyMs + 5000);
  await new Promise((r) => p.child.on('exit', r));
  return p.lines.map((l) => l.split(' ')[0]!);
}

const tcp = (port: number, peer: Partial<IpPermission>): IpPermission => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...peer });

describe('data plane: security groups (nftables, stateful)', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;
  let vpcId: string;
  let defaultGroup: string;
  const launch = async (groupIds: string[], subnetId?: string): Promise<Instance> => {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0123456789abcdef0',
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        SecurityGroupIds: groupIds,
        SubnetId: subnetId,
      }),
    );
    return run.Instances![0]!;
  };
  const group = async (name: string) => (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId!;

  before(async () => {
    ({ server, ec2 } = await startDataplaneServer());
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }));
    defaultGroup = groups.SecurityGroups![0]!.GroupId!;
    vpcId = groups.SecurityGroups![0]!.VpcId!;
  });
  after(async () => {
    await server?.close();
  });

  it('blocks TCP no rule allows, then lets new connections through within 1 s of AuthorizeSecurityGroupIngress', async () => {
    // Amazon VPC User Guide, "Security group rules": a new group has no inbound rules, so all inbound traffic is denied.
    const web = await group('web-closed');
    const a = await launch([defaultGroup]);
    const b = await launch([web]);
    await server.dataplane!.settled();
    const echo = runIn(b.InstanceId!, tcpEcho(8000), 60_000);
    try {
      await echo.line(/ready/);
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8000, 2), ['fail', 'fail']);
      // "When you add or remove rules, they are automatically applied to all instances associated with the security group."
      const p = runIn(a.InstanceId!, tcpProbe(b.PrivateIpAddress!, 8000, 50, 80), 30_000);
      await p.line(/^fail/);
      const t0 = Date.now();
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [tcp(8000, { IpRanges: [{ CidrIp: `${a.PrivateIpAddress}/32` }] })] }),
      );
      const first = Number((await p.line(/^ok/, 5000)).split(' ')[1]);
      p.stop();
      // An attempt that began before the call may still land after it: the figure is bounded by the probe's period.
      const ms = Math.max(0, first - t0);
      console.log(`# security group: a new connection passed ${ms} ms after AuthorizeSecurityGroupIngress was sent`);
      assert.ok(ms < 1000, `the rule took ${ms} ms to apply`);
      // Only the allowed port: another stays closed.
      const other = runIn(b.InstanceId!, tcpEcho(8001), 30_000);
      await other.line(/ready/);
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8001, 1), ['fail']);
      other.stop();
    } finally {
      echo.stop();
    }
  });

  it('shows each interface with its link state, packet counters and security group drops at GET /console/api/dataplane', async () => {
    const closed = await group('console-closed');
    const a = await launch([defaultGroup]);
    const b = await launch([closed]);
    await server.dataplane!.settled();
    assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8050, 1), ['fail']);
    const view = (await (await fetch(`${server.url}/console/api/dataplane`)).json()) as {
      on: boolean;
      interfaces: { instanceId: string; device: string; link: string; sent: { packets: number }; droppedBySecurityGroups: { inbound: number } }[];
    };
    assert.equal(view.on, true);
    const ofA = view.interfaces.find((i) => i.instanceId === a.InstanceId)!;
    const ofB = view.interfaces.find((i) => i.instanceId === b.InstanceId)!;
    assert.equal(ofA.device, 'eth0');
    assert.equal(ofA.link, 'up');
    assert.ok(ofA.sent.packets > 0, 'A sent its SYN');
    assert.ok(ofB.droppedBySecurityGroups.inbound > 0, "B's group dropped it");
  });

  it('keeps a tracked connection after its rule is revoked, and refuses new ones', async () => {
    const svc = await group('svc-tracked');
    const a = await launch([defaultGroup]);
    const b = await launch([svc]);
    const rule = tcp(8100, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: svc, IpPermissions: [rule] }));
    await server.dataplane!.settled();
    const echo = runIn(b.InstanceId!, tcpEcho(8100), 60_000);
    try {
      await echo.line(/ready/);
      const stream = runIn(a.InstanceId!, tcpStream(b.PrivateIpAddress!, 8100, 40), 30_000);
      await stream.line(/^echo ([3-9]|\d\d+)$/);
      // EC2 User Guide, "Amazon EC2 security group connection tracking": "When you change a security group
      // rule, its tracked connections are not immediately interrupted"; only new ones are refused.
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: svc, IpPermissions: [rule] }));
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8100, 1), ['fail']);
      await stream.line(/^echo 40$/, 10_000);
      stream.stop();
    } finally {
      echo.stop();
    }
  });

  it('allows by group reference: members of the referenced group pass, others do not, and membership changes count', async () => {
    const clients = await group('clients');
    const db = await group('db');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [tcp(5432, { UserIdGroupPairs: [{ GroupId: clients }] })] }));
    const member = await launch([clients]);
    const outsider = await launch([defaultGroup]);
    const server_ = await launch([db]);
    await server.dataplane!.settled();
    const echo = runIn(server_.InstanceId!, tcpEcho(5432), 60_000);
    try {
      await echo.line(/ready/);
      // "Security group rules": a group as the source allows traffic from the network interfaces associated with it.
      assert.deepEqual(await probe(member.InstanceId!, server_.PrivateIpAddress!, 5432, 1), ['ok']);
      assert.deepEqual(await probe(outsider.InstanceId!, server_.PrivateIpAddress!, 5432, 1), ['fail']);
      // Joining the group (ModifyNetworkInterfaceAttribute Groups) lets the outsider in.
      await ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: outsider.NetworkInterfaces![0]!.NetworkInterfaceId!,
          Groups: [defaultGroup, clients],
        }),
      );
      await server.dataplane!.settled();
      assert.deepEqual(await probe(outsider.InstanceId!, server_.PrivateIpAddress!, 5432, 1), ['ok']);
    } finally {
      echo.stop();
    }
  });

  it('allows a prefix list as a source, by its current entries', async () => {
    const a = await launch([defaultGroup]);
    const pl = await ec2.send(
      new CreateManagedPrefixListCommand({ PrefixListName: 'clients', AddressFamily: 'IPv4', MaxEntries: 5, Entries: [{ Cidr: `${a.PrivateIpAddress}/32` }] }),
    );
    const g = await group('by-prefix-list');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [tcp(8200, { PrefixListIds: [{ PrefixListId: pl.PrefixList!.PrefixListId! }] })] }),
    );
    const b = await launch([g]);
    await server.dataplane!.settled();
    const echo = runIn(b.InstanceId!, tcpEcho(8200), 30_000);
    try {
      await echo.line(/ready/);
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8200, 1), ['ok']);
      // A rule follows its list's current entries (Amazon VPC User Guide, "Reference prefix lists in your AWS resources").
      await ec2.send(
        new ModifyManagedPrefixListCommand({
          PrefixListId: pl.PrefixList!.PrefixListId!,
          CurrentVersion: 1,
          RemoveEntries: [{ Cidr: `${a.PrivateIpAddress}/32` }],
        }),
      );
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8200, 1), ['fail']);
    } finally {
      echo.stop();
    }
  });

  it('enforces egress: revoking the default allow-all stops new outbound connections, a narrower rule restores them', async () => {
    const out = await group('no-egress');
    const open = await group('open-8300');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: open, IpPermissions: [tcp(8300, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })] }));
    const a = await launch([out]);
    const b = await launch([open]);
    await server.dataplane!.settled();
    const echo = runIn(b.InstanceId!, tcpEcho(8300), 60_000);
    try {
      await echo.line(/ready/);
      // A new group's only rule allows all outbound traffic (Amazon VPC User Guide, "Security group rules").
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8300, 1), ['ok']);
      await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: out, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8300, 1), ['fail']);
      await ec2.send(
        new AuthorizeSecurityGroupEgressCommand({ GroupId: out, IpPermissions: [tcp(8300, { IpRanges: [{ CidrIp: `${b.PrivateIpAddress}/32` }] })] }),
      );
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 8300, 1), ['ok']);
    } finally {
      echo.stop();
    }
  });
});

describe('data plane: network ACLs (nftables, stateless)', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;

  before(async () => {
    ({ server, ec2 } = await startDataplaneServer());
  });
  after(async () => {
    await server?.close();
  });

  it('applies rules in number order at the subnet boundary; return traffic needs its own outbound rule', async () => {
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }));
    const vpcId = groups.SecurityGroups![0]!.VpcId!;
    const open = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'open', Description: 'open', VpcId: vpcId }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: open, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const subnet = async (cidr: string) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    const s1 = await subnet('172.31.210.0/24');
    const s2 = await subnet('172.31.211.0/24');
    const launch = async (subnetId: string) =>
      (
        await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-0123456789abcdef0',
            MinCount: 1,
            MaxCount: 1,
            InstanceType: 't3.micro',
            SubnetId: subnetId,
            SecurityGroupIds: [open],
          }),
        )
      ).Instances![0]!;
    const a = await launch(s1);
    const b = await launch(s2);
    const c = await launch(s2);
    await server.dataplane!.settled();
    const acls = await ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'default', Values: ['true'] },
        ],
      }),
    );
    const defaultAcl = acls.NetworkAcls![0]!;
    const echo = runIn(b.InstanceId!, tcpEcho(9000), 90_000);
    try {
      await echo.line(/ready/);
      // The default ACL allows everything (rule 100).
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 9000, 1), ['ok']);
      // Amazon VPC User Guide, "Network ACL rules": rules are evaluated from the lowest number; the first match decides.
      const deny = { NetworkAclId: defaultAcl.NetworkAclId!, RuleNumber: 50, Egress: false };
      await ec2.send(
        new CreateNetworkAclEntryCommand({ ...deny, Protocol: '6', RuleAction: 'deny', CidrBlock: '0.0.0.0/0', PortRange: { From: 9000, To: 9000 } }),
      );
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 9000, 1), ['fail']);
      // An ACL applies at the subnet's boundary: C, in B's subnet, is not filtered by it.
      assert.deepEqual(await probe(c.InstanceId!, b.PrivateIpAddress!, 9000, 1), ['ok']);
      await ec2.send(new DeleteNetworkAclEntryCommand(deny));
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 9000, 1), ['ok']);

      // A custom ACL denies everything until rules are added ("Custom network ACLs").
      const custom = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
      const assoc = defaultAcl.Associations!.find((x) => x.SubnetId === s2)!;
      await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc.NetworkAclAssociationId!, NetworkAclId: custom }));
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 9000, 1), ['fail']);
      // Rule 100 each way, TCP, with subnet 1 (A's) as the peer.
      const allowTcp = (egress: boolean, from: number, to: number) =>
        ec2.send(
          new CreateNetworkAclEntryCommand({
            NetworkAclId: custom,
            RuleNumber: 100,
            Egress: egress,
            Protocol: '6',
            RuleAction: 'allow',
            CidrBlock: '172.31.210.0/24',
            PortRange: { From: from, To: to },
          }),
        );
      await allowTcp(false, 9000, 9000);
      await server.dataplane!.settled();
      // Stateless ("Network ACL basics"): the SYN gets in, but B's SYN-ACK needs an outbound rule of its own.
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 9000, 1), ['fail']);
      // Ephemeral ports (the guide's example uses 1024-65535; Linux picks from 32768-60999).
      await allowTcp(true, 1024, 65535);
      await server.dataplane!.settled();
      assert.deepEqual(await probe(a.InstanceId!, b.PrivateIpAddress!, 9000, 1), ['ok']);
    } finally {
      echo.stop();
    }
  });
});
