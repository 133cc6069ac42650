/**
 * IPv6 in the netns data plane (README "Data plane"): instances in a subnet with an IPv6 CIDR get
 * their IPv6 address and a default route via the router, the fabric delivers IPv6 by the control
 * plane's mapping, security groups filter IPv6, and metadata answers at fd00:ec2::254. Needs Linux
 * and root (skipped elsewhere, with the reason); all traffic stays between namespaces the server made.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  AssignIpv6AddressesCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  DescribeRouteTablesCommand,
  ReplaceRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  ModifyInstanceMetadataOptionsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  UnassignIpv6AddressesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { INTERNET_NS } from '../../src/dataplane/internet.js';
import type { RunningServer } from '../../src/server/start.js';
import { dataplaneTestLock } from './lock.js';
import { ipIn, namespaces, rootLinks, runIn, skipReason, startDataplaneServer } from './netns-tools.js';

const skip = skipReason() ?? false;
dataplaneTestLock();

/** A UDP receiver on `port` over IPv6: prints "ready", then "got <ms since epoch> <text>" per datagram. */
const udp6Receiver = (port: number) => `
const s = require('node:dgram').createSocket({ type: 'udp6', ipv6Only: true });
s.on('message', (m) => console.log('got ' + Date.now() + ' ' + m.toString()));
s.bind(${port}, '::', () => console.log('ready'));`;

/** Sends a datagram to `to`:`port` every `everyMs` ms, `count` times at most (from `from` when given). */
const udp6Sender = (to: string, port: number, everyMs: number, count: number, from?: string) => `
const s = require('node:dgram').createSocket('udp6');
let n = 0;
const send = () => { s.send('seq-' + n + ' ' + Date.now(), ${port}, '${to}'); if (++n >= ${count}) { clearInterval(t); setTimeout(() => s.close(), 50); } };
s.bind({ port: 0${from ? `, address: '${from}'` : ''} }, () => console.log('ready'));
const t = setInterval(send, ${everyMs});`;

const tcp6Echo = (port: number) => `
const srv = require('node:net').createServer((c) => c.pipe(c));
srv.listen(${port}, '::', () => console.log('ready'));`;

/** A TCP client that gives up after 1.5 s ("error TIMEOUT"): a dropped SYN is never answered. */
const tcp6Client = (to: string, port: number, text: string) => `
const c = require('node:net').connect({ port: ${port}, host: '${to}', family: 6 }, () => c.write('${text}'));
c.setTimeout(1500, () => { console.log('error TIMEOUT'); process.exit(1); });
c.on('data', (d) => { console.log('echo ' + d.toString()); c.end(); });
c.on('error', (e) => { console.log('error ' + e.code); process.exit(1); });`;

/** IMDSv2 over IPv6: a token, then `path` with it; prints "<status> <body>". */
const imds6 = (path: string, v2: boolean) => `
const http = require('node:http');
const ask = (method, p, headers) => new Promise((resolve, reject) => {
  const r = http.request({ host: 'fd00:ec2::254', port: 80, family: 6, method, path: p, headers, timeout: 3000 }, (res) => {
    let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => resolve([res.statusCode, body]));
  });
  r.on('error', reject); r.on('timeout', () => r.destroy(new Error('timeout'))); r.end();
});
(async () => {
  const headers = {};
  if (${v2}) headers['x-aws-ec2-metadata-token'] = (await ask('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '60' }))[1];
  const [status, body] = await ask('GET', '${path}', headers);
  console.log(status + ' ' + body);
})().catch((e) => console.log('error ' + e.message));`;

describe('data plane: IPv6', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;
  let subnetId: string;
  let vpcId: string;
  let before_: { ns: string[]; links: string[] };

  before(async () => {
    before_ = { ns: namespaces(), links: rootLinks() };
    ({ server, ec2 } = await startDataplaneServer());
    // A dual-stack VPC and subnet: an Amazon-provided /56, a /64 out of it (VPC User Guide, "IPv6 support for your VPC").
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
    vpcId = vpc.Vpc!.VpcId!;
    const v = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    const block = v.Vpcs![0]!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24', Ipv6CidrBlock: block.replace('/56', '/64') }));
    subnetId = subnet.Subnet!.SubnetId!;
  });
  after(async () => {
    await server?.close();
    assert.deepEqual(namespaces(), before_.ns);
    assert.deepEqual(rootLinks(), before_.links);
  });

  async function launch(count: number, groups?: string[]): Promise<Instance[]> {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0123456789abcdef0',
        MinCount: count,
        MaxCount: count,
        InstanceType: 't3.large',
        SubnetId: subnetId,
        Ipv6AddressCount: 1,
        ...(groups ? { SecurityGroupIds: groups } : {}),
      }),
    );
    await server.dataplane!.settled();
    return run.Instances!;
  }
  const v6Of = (i: Instance) => i.NetworkInterfaces![0]!.Ipv6Addresses![0]!.Ipv6Address!;
  const eniOf = (i: Instance) => i.NetworkInterfaces![0]!.NetworkInterfaceId!;

  it('configures the IPv6 address on eth0 with a default route via the router, and carries TCP and UDP over IPv6', async () => {
    const [a, b] = await launch(2);
    const bIp = v6Of(b!);
    // What DHCPv6 gives on EC2 is a single address (a /128); the router is reached at a link-local address.
    assert.match(ipIn(b!.InstanceId!, ['-o', '-6', 'addr', 'show', 'eth0']), new RegExp(`inet6 ${bIp}/128`));
    assert.match(ipIn(b!.InstanceId!, ['-6', 'route', 'show', 'default']), /default via fe80::1 dev eth0/);
    const echo = runIn(b!.InstanceId!, tcp6Echo(7000));
    const udp = runIn(b!.InstanceId!, udp6Receiver(7001));
    try {
      await echo.line(/ready/);
      await udp.line(/ready/);
      // The default security group lets its members in, over IPv6 too ("Default security groups").
      const client = runIn(a!.InstanceId!, tcp6Client(bIp, 7000, 'hello-tcp6'));
      assert.equal(await client.line(/^(echo|error)/), 'echo hello-tcp6');
      const sender = runIn(a!.InstanceId!, udp6Sender(bIp, 7001, 20, 20));
      assert.match(await udp.line(/^got \d+ seq-/), /seq-\d+/);
      sender.stop();
    } finally {
      echo.stop();
      udp.stop();
    }
  });

  it('delivers an IPv6 address where it is assigned now: unassigned from B and assigned to C, the traffic follows within 1 s', async () => {
    const [a, b, c] = await launch(3);
    const assigned = await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eniOf(b!), Ipv6AddressCount: 1 }));
    const vip = assigned.AssignedIpv6Addresses![0]!;
    await server.dataplane!.settled();
    // As for IPv4, an address beyond the first is delivered by the fabric but configured by the instance itself.
    execFileSync('ip', ['-n', b!.InstanceId!, 'addr', 'add', `${vip}/128`, 'dev', 'eth0', 'nodad']);
    execFileSync('ip', ['-n', c!.InstanceId!, 'addr', 'add', `${vip}/128`, 'dev', 'eth0', 'nodad']);
    const onB = runIn(b!.InstanceId!, udp6Receiver(7100));
    const onC = runIn(c!.InstanceId!, udp6Receiver(7100));
    await onB.line(/ready/);
    await onC.line(/ready/);
    const client = runIn(a!.InstanceId!, udp6Sender(vip, 7100, 20, 400));
    try {
      await onB.line(/^got/);
      assert.equal(onC.lines.filter((l) => l.startsWith('got')).length, 0, 'only the holder receives');
      const t0 = Date.now();
      // An IPv6 address cannot be reassigned while assigned (EC2 User Guide, "Multiple IP addresses"): unassign, then assign.
      await ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: eniOf(b!), Ipv6Addresses: [vip] }));
      await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eniOf(c!), Ipv6Addresses: [vip] }));
      const first = Number(/^got (\d+)/.exec(await onC.line(/^got/, 3000))![1]);
      const ms = first - t0;
      console.log(`# IPv6 move: traffic reached C ${ms} ms after UnassignIpv6Addresses was sent`);
      assert.ok(ms < 1000, `traffic reached C ${ms} ms after the move`);
      const atB = onB.lines.length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(onB.lines.length, atB, 'nothing reaches B once the address is gone from it');
    } finally {
      client.stop();
      onB.stop();
      onC.stop();
    }
  });

  it('drops what an interface sends from an IPv6 address not its own, unless its source/destination check is off', async () => {
    const [a, b] = await launch(2);
    const spoof = v6Of(b!).replace(/:[0-9a-f]+$/, ':abcd');
    execFileSync('ip', ['-n', a!.InstanceId!, 'addr', 'add', `${spoof}/128`, 'dev', 'eth0', 'nodad']);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: b!.SecurityGroups![0]!.GroupId!,
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 7200, ToPort: 7200, Ipv6Ranges: [{ CidrIpv6: `${spoof}/128` }] }],
      }),
    );
    const onB = runIn(b!.InstanceId!, udp6Receiver(7200));
    try {
      await onB.line(/ready/);
      const spoofed = runIn(a!.InstanceId!, udp6Sender(v6Of(b!), 7200, 20, 15, spoof));
      await new Promise((r) => spoofed.child.on('exit', r));
      assert.equal(onB.lines.filter((l) => l.startsWith('got')).length, 0, 'a spoofed IPv6 source must be dropped while the check is on');
      // EC2 User Guide, "Source/destination checking".
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniOf(a!), SourceDestCheck: { Value: false } }));
      await server.dataplane!.settled();
      const allowed = runIn(a!.InstanceId!, udp6Sender(v6Of(b!), 7200, 20, 50, spoof));
      await onB.line(/^got/, 3000);
      allowed.stop();
    } finally {
      onB.stop();
    }
  });

  it('filters IPv6 by security group: dropped until an Ipv6Ranges rule allows it', async () => {
    // A new group has no inbound rule; its outbound rules allow all IPv4 and, in a VPC with IPv6, all IPv6 ("Security groups": default rules).
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'v6-web', Description: 'v6 web', VpcId: vpcId }));
    const [server_] = await launch(1, [sg.GroupId!]);
    const [client_] = await launch(1);
    const echo = runIn(server_!.InstanceId!, tcp6Echo(8080));
    try {
      await echo.line(/ready/);
      const blocked = runIn(client_!.InstanceId!, tcp6Client(v6Of(server_!), 8080, 'x'));
      assert.equal(await blocked.line(/^(echo|error)/), 'error TIMEOUT');
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: sg.GroupId!,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
        }),
      );
      await server.dataplane!.settled();
      const allowed = runIn(client_!.InstanceId!, tcp6Client(v6Of(server_!), 8080, 'now'));
      assert.equal(await allowed.line(/^(echo|error)/), 'echo now');
    } finally {
      echo.stop();
    }
  });

  it('answers metadata at fd00:ec2::254 as the instance that asks, with IMDSv2 and IMDSv1', async () => {
    // EC2 User Guide, "Access instance metadata": the IPv6 endpoint is http://[fd00:ec2::254].
    const [a] = await launch(1);
    // The IPv6 endpoint is off unless MetadataOptions.HttpProtocolIpv6 turns it on ("Configure the Instance Metadata Service options").
    const off = runIn(a!.InstanceId!, imds6('/latest/meta-data/instance-id', false));
    assert.match(await off.line(/^(\d+|error) /), /^error /);
    await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: a!.InstanceId!, HttpProtocolIpv6: 'enabled' }));
    const v2 = runIn(a!.InstanceId!, imds6('/latest/meta-data/instance-id', true));
    assert.equal(await v2.line(/^(\d+|error) /), `200 ${a!.InstanceId!}`);
    const v1 = runIn(a!.InstanceId!, imds6('/latest/meta-data/local-ipv4', false));
    assert.equal(await v1.line(/^(\d+|error) /), `200 ${a!.PrivateIpAddress!}`);
  });

  it('reaches the internet over IPv6 through an internet gateway both ways, and only outward through an egress-only one', async () => {
    const [a] = await launch(1);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: a!.SecurityGroups![0]!.GroupId!,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 7401, ToPort: 7401, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
      }),
    );
    const igw = await ec2.send(new CreateInternetGatewayCommand({}));
    const igwId = igw.InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const tables = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    const main = tables.RouteTables![0]!.RouteTableId!;
    // VPC User Guide, "Enable internet access for a VPC using an internet gateway": ::/0 to the gateway for IPv6.
    await ec2.send(new CreateRouteCommand({ RouteTableId: main, DestinationIpv6CidrBlock: '::/0', GatewayId: igwId }));
    await server.dataplane!.settled();
    // The internet's own IPv6 address is in the documentation range (RFC 3849).
    const outside = runIn(INTERNET_NS, tcp6Echo(7400));
    const inside = runIn(a!.InstanceId!, tcp6Echo(7401));
    try {
      await outside.line(/ready/);
      await inside.line(/ready/);
      assert.equal(await runIn(a!.InstanceId!, tcp6Client('2001:db8::1', 7400, 'out')).line(/^(echo|error)/), 'echo out');
      assert.equal(await runIn(INTERNET_NS, tcp6Client(v6Of(a!), 7401, 'in')).line(/^(echo|error)/), 'echo in');
      // An egress-only internet gateway lets connections out and their replies in, never a connection in
      // (VPC User Guide, "Enable outbound IPv6 traffic using an egress-only internet gateway").
      const eigw = await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpcId }));
      const eigwId = eigw.EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId!;
      await ec2.send(new ReplaceRouteCommand({ RouteTableId: main, DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: eigwId }));
      await server.dataplane!.settled();
      assert.equal(await runIn(a!.InstanceId!, tcp6Client('2001:db8::1', 7400, 'out-again')).line(/^(echo|error)/), 'echo out-again');
      assert.equal(await runIn(INTERNET_NS, tcp6Client(v6Of(a!), 7401, 'in')).line(/^(echo|error)/), 'error TIMEOUT');
    } finally {
      outside.stop();
      inside.stop();
    }
  });
});
