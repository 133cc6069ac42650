/**
 * The public side of the netns data plane (README "Data plane"): the `ec2net-internet` namespace
 * stands for the outside world; Elastic IPs and auto-assigned public IPv4s reach their interface
 * through one-to-one NAT at the internet gateway, only when the subnet routes to it; NAT gateways
 * take private subnets out. The public pool is a documentation range (RFC 5737). Needs Linux and
 * root (skipped elsewhere); all traffic stays between namespaces the server made.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeInstancesCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNatGatewaysCommand,
  DescribeSecurityGroupsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { INTERNET_NS } from '../../src/dataplane/internet.js';
import type { RunningServer } from '../../src/server/start.js';
import { dataplaneTestLock } from './lock.js';
import { namespaces, rootLinks, runIn, skipReason, startDataplaneServer, tcpClient, tcpEcho, udpReceiver, udpSender } from './netns-tools.js';

const skip = skipReason() ?? false;
dataplaneTestLock();

/** A server "on the internet" (RFC 5737 documentation range), held on the internet namespace's loopback. */
const SITE = '198.51.100.7';

/** A TCP server that answers each connection with the address it came from. */
const whoAmI = (port: number) => `
const srv = require('node:net').createServer((c) => c.end(c.remoteAddress));
srv.listen(${port}, '0.0.0.0', () => console.log('ready'));`;

describe('data plane: the internet, Elastic IPs and NAT gateways', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;
  let before_: { ns: string[]; links: string[] };
  let vpcId: string;
  let publicSubnet: string;
  let privateSubnet: string;
  let isolatedSubnet: string;
  let publicTable: string;
  let igw: string;

  /** Launches and waits (bounded) until every instance is running: AWS refuses AssociateAddress to a pending instance. */
  const launch = async (subnetId: string, count = 1): Promise<Instance[]> => {
    const launched = (
      await ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.large', MinCount: count, MaxCount: count, SubnetId: subnetId }),
      )
    ).Instances!;
    const ids = launched.map((i) => i.InstanceId!);
    for (let round = 0; round < 100; round++) {
      const seen = ((await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
      if (seen.length === ids.length && seen.every((i) => i.State?.Name === 'running')) return launched;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${ids.join(', ')} not running after 5 s`);
  };
  const allocate = async () => (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))) as { AllocationId: string; PublicIp: string };

  before(async () => {
    before_ = { ns: namespaces(), links: rootLinks() };
    ({ server, ec2 } = await startDataplaneServer({
      cloud: {
        publicPools: { 'us-east-1': '203.0.113.0/24' },
        lifecycle: { pendingMs: 50, stoppingMs: 50, shuttingDownMs: 50, attachingMs: 0, detachingMs: 0 },
      },
    }));
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const subnet = async (cidr: string) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
    publicSubnet = await subnet('10.30.1.0/24');
    privateSubnet = await subnet('10.30.2.0/24');
    isolatedSubnet = await subnet('10.30.3.0/24');
    // VPC User Guide, "Enable internet access for a VPC using an internet gateway": a public subnet's table routes 0.0.0.0/0 to the gateway.
    publicTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: publicSubnet }));
    // Security groups are enforced: the VPC's default group (every instance here has it) lets the internet in.
    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groups.SecurityGroups![0]!.GroupId!,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await server.dataplane!.settled();
    assert.ok(namespaces().includes(INTERNET_NS));
  });
  after(async () => {
    await server?.close();
    assert.deepEqual(namespaces(), before_.ns);
    assert.deepEqual(rootLinks(), before_.links);
  });

  it('a sender in the internet namespace with no address of its own reaches an Elastic IP (as curl would)', async () => {
    // First test of the file: nothing has given the internet namespace an address yet. The
    // client binds none, so its source is whatever the namespace's routes prefer.
    const [x] = await launch(publicSubnet);
    const eip = await allocate();
    await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: x!.InstanceId! }));
    await server.dataplane!.settled();
    const site = runIn(x!.InstanceId!, whoAmI(7600));
    try {
      await site.line(/ready/);
      const client = runIn(INTERNET_NS, tcpClient(eip.PublicIp, 7600, ''), 10_000);
      // The instance sees the internet's own public address (a documentation range outside the pool 203.0.113.0/24).
      assert.equal(await client.line(/^(echo|error)/), 'echo 192.0.2.1');
    } finally {
      site.stop();
    }
  });

  it('an Elastic IP reaches its instance from the internet, and follows AssociateAddress with AllowReassociation within 1 s', async () => {
    const [x, y] = await launch(publicSubnet, 2);
    const eip = await allocate();
    await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: x!.InstanceId! }));
    await server.dataplane!.settled();
    const [onX, onY] = [x!, y!].map((i) => runIn(i.InstanceId!, udpReceiver(7700), 30_000));
    const echo = runIn(y!.InstanceId!, tcpEcho(7701), 30_000);
    const sender = runIn(INTERNET_NS, udpSender(eip.PublicIp, 7700, 10, 2000), 30_000);
    try {
      for (const p of [onX!, onY!, echo]) await p.line(/ready/);
      await onX!.line(/^got/, 3000);
      // AssociateAddress reference: with AllowReassociation an Elastic IP already associated moves.
      const t0 = Date.now();
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: y!.InstanceId!, AllowReassociation: true }));
      const first = Number(/^got (\d+)/.exec(await onY!.line(/^got/, 3000))![1]);
      console.log(`# Elastic IP move: traffic from the internet reached Y ${first - t0} ms after AssociateAddress was sent`);
      assert.ok(first - t0 < 1000, `traffic reached Y ${first - t0} ms after AssociateAddress`);
      await server.dataplane!.settled();
      const seen = onX!.lines.length;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(onX!.lines.length, seen, 'X gets nothing once the address moved');
      // Both ways: the answer leaves with the Elastic IP as its source, so the client's connection works.
      const client = runIn(INTERNET_NS, tcpClient(eip.PublicIp, 7701, 'hello-internet'));
      assert.equal(await client.line(/^(echo|error)/), 'echo hello-internet');
    } finally {
      sender.stop();
      for (const p of [onX!, onY!, echo]) p.stop();
    }
  });

  it('is unreachable without a route to the internet gateway in the subnet route table; reachable once the subnet uses one', async () => {
    const [z] = await launch(isolatedSubnet);
    const eip = await allocate();
    // The VPC has a gateway attached, so the association succeeds; the subnet's (main) table has only the local route.
    await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: z!.InstanceId! }));
    await server.dataplane!.settled();
    const onZ = runIn(z!.InstanceId!, udpReceiver(7710), 30_000);
    const sender = runIn(INTERNET_NS, udpSender(eip.PublicIp, 7710, 10, 2000), 30_000);
    try {
      await onZ.line(/ready/);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(onZ.lines.filter((l) => l.startsWith('got')).length, 0, 'no route to the gateway: nothing arrives');
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: isolatedSubnet }));
      await onZ.line(/^got/, 3000);
    } finally {
      sender.stop();
      onZ.stop();
    }
  });

  it('an instance in a private subnet reaches the internet through a NAT gateway, seen from outside as its Elastic IP', async () => {
    const eip = await allocate();
    const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, AllocationId: eip.AllocationId }))).NatGateway!.NatGatewayId!;
    const deadline = Date.now() + 5000;
    while ((await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat] }))).NatGateways![0]!.State !== 'available') {
      assert.ok(Date.now() < deadline, 'the NAT gateway becomes available');
      await new Promise((r) => setTimeout(r, 50));
    }
    const privateTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTable, SubnetId: privateSubnet }));
    const [p] = await launch(privateSubnet);
    await server.dataplane!.settled();
    execFileSync('ip', ['-n', INTERNET_NS, 'addr', 'add', `${SITE}/32`, 'dev', 'lo']);
    const site = runIn(INTERNET_NS, whoAmI(7800), 30_000);
    try {
      await site.line(/ready/);
      const client = runIn(p!.InstanceId!, tcpClient(SITE, 7800, ''), 10_000);
      // VPC User Guide, "NAT gateway basics": the gateway's private address, translated to its Elastic IP by the internet gateway.
      assert.equal(await client.line(/^(echo|error)/), `echo ${eip.PublicIp}`);
    } finally {
      site.stop();
    }
  });

  it('an auto-assigned public IPv4 reaches its instance too', async () => {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 't3.large',
        MinCount: 1,
        MaxCount: 1,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: publicSubnet, AssociatePublicIpAddress: true }],
      }),
    );
    const i = run.Instances![0]!;
    assert.match(i.PublicIpAddress ?? '', /^203\.0\.113\./);
    await server.dataplane!.settled();
    const echo = runIn(i.InstanceId!, tcpEcho(7900));
    try {
      await echo.line(/ready/);
      const client = runIn(INTERNET_NS, tcpClient(i.PublicIpAddress!, 7900, 'auto-assigned'));
      assert.equal(await client.line(/^(echo|error)/), 'echo auto-assigned');
    } finally {
      echo.stop();
    }
  });

  it("routes what enters through the internet gateway by the gateway's route table (ingress routing to an appliance)", async () => {
    // VPC User Guide, "Gateway route tables": a table associated with the internet gateway routes
    // incoming traffic; a route for a whole subnet's CIDR may go to a middlebox's network interface.
    const subnet = async (cidr: string) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
    const applianceSubnet = await subnet('10.30.4.0/24');
    const guarded = await subnet('10.30.5.0/24');
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: guarded }));
    const [appliance] = await launch(applianceSubnet);
    const [w] = await launch(guarded);
    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: appliance!.NetworkInterfaces![0]!.NetworkInterfaceId!,
        SourceDestCheck: { Value: false },
      }),
    );
    const eip = await allocate();
    await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: w!.InstanceId! }));
    const gatewayTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: gatewayTable, GatewayId: igw }));
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: gatewayTable,
        DestinationCidrBlock: '10.30.5.0/24',
        NetworkInterfaceId: appliance!.NetworkInterfaces![0]!.NetworkInterfaceId!,
      }),
    );
    await server.dataplane!.settled();
    const onW = runIn(w!.InstanceId!, udpReceiver(7950), 30_000);
    const sender = runIn(INTERNET_NS, udpSender(eip.PublicIp, 7950, 10, 2000), 30_000);
    try {
      await onW.line(/ready/);
      // The appliance does not forward yet: what the gateway sends to it goes no further.
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(onW.lines.filter((l) => l.startsWith('got')).length, 0, 'inbound traffic goes through the appliance');
      execFileSync('ip', ['netns', 'exec', appliance!.InstanceId!, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
      await onW.line(/^got/, 3000);
    } finally {
      sender.stop();
      onW.stop();
    }
  });
});
