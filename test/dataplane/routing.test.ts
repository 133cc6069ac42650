/**
 * Route tables in the netns data plane (README "Data plane"): the subnet's route table decides
 * where traffic goes — local routes deliver by the mapping, routes to an appliance's interface send
 * traffic there, routes whose target is gone drop it. Needs Linux and root (skipped elsewhere);
 * all traffic stays between namespaces the server made.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ReplaceRouteCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/start.js';
import { dataplaneTestLock } from './lock.js';
import { namespaces, rootLinks, runIn, skipReason, startDataplaneServer, tcpClient, tcpEcho, udpReceiver, udpSender, type NsProgram } from './netns-tools.js';

const skip = skipReason() ?? false;
dataplaneTestLock();

/** A destination outside the VPC (documentation range): appliances hold it on their loopback, so what reaches them is seen. */
const FAR = '198.51.100.7';
const eniOf = (i: Instance) => i.NetworkInterfaces![0]!.NetworkInterfaceId!;

/** Lines received since `from`, after waiting `ms`. */
async function receivedAfter(p: NsProgram, from: number, ms: number): Promise<number> {
  await new Promise((r) => setTimeout(r, ms));
  return p.lines.slice(from).filter((l) => l.startsWith('got')).length;
}

describe('data plane: route tables', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;
  let before_: { ns: string[]; links: string[] };
  let vpcId: string;
  let applianceSubnet: string;
  let privateSubnet: string;
  let privateTable: string;

  const launch = async (subnetId: string, count: number): Promise<Instance[]> =>
    (
      await ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.large', MinCount: count, MaxCount: count, SubnetId: subnetId }),
      )
    ).Instances!;

  /** An appliance: source/destination check off (it receives what is not addressed to it), FAR on its loopback. */
  const appliance = async (i: Instance) => {
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniOf(i), SourceDestCheck: { Value: false } }));
    execFileSync('ip', ['-n', i.InstanceId!, 'addr', 'add', `${FAR}/32`, 'dev', 'lo']);
  };

  before(async () => {
    before_ = { ns: namespaces(), links: rootLinks() };
    ({ server, ec2 } = await startDataplaneServer());
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    applianceSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }))).Subnet!.SubnetId!;
    privateSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.2.0/24' }))).Subnet!.SubnetId!;
    privateTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTable, SubnetId: privateSubnet }));
  });
  after(async () => {
    await server?.close();
    assert.deepEqual(namespaces(), before_.ns);
    assert.deepEqual(rootLinks(), before_.links);
  });

  it('fails over between appliances: traffic follows ReplaceRoute within 1 s; a more specific route wins; a route whose target is gone drops', async () => {
    // VPC User Guide, "Routing for a middlebox appliance" / "Example routing options": a private
    // subnet's default route to an appliance's network interface; ReplaceRoute moves it (API reference).
    const [a, b, d] = await launch(applianceSubnet, 3);
    const [client] = await launch(privateSubnet, 1);
    for (const i of [a!, b!, d!]) await appliance(i);
    await ec2.send(new CreateRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: eniOf(a!) }));
    await server.dataplane!.settled();
    const [onA, onB, onD] = [a!, b!, d!].map((i) => runIn(i.InstanceId!, udpReceiver(7500), 30_000));
    const sender = runIn(client!.InstanceId!, udpSender(FAR, 7500, 10, 2000), 30_000);
    try {
      for (const p of [onA!, onB!, onD!]) await p.line(/ready/);
      await onA!.line(/^got/, 3000);
      assert.equal(onB!.lines.filter((l) => l.startsWith('got')).length, 0, 'only the route target sees the traffic');
      const t0 = Date.now();
      await ec2.send(new ReplaceRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: eniOf(b!) }));
      const first = Number(/^got (\d+)/.exec(await onB!.line(/^got/, 3000))![1]);
      console.log(`# appliance failover: traffic reached B ${first - t0} ms after ReplaceRoute was sent`);
      assert.ok(first - t0 < 1000, `traffic reached B ${first - t0} ms after ReplaceRoute`);
      await server.dataplane!.settled();
      const seenA = onA!.lines.length;
      assert.equal(await receivedAfter(onA!, seenA, 200), 0, 'A gets nothing once the route moved');

      // The longest prefix wins: a /24 to D beats the default route to B.
      await ec2.send(new CreateRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '198.51.100.0/24', InstanceId: d!.InstanceId! }));
      await onD!.line(/^got/, 3000);
      // D terminated: the route's state is blackhole (API reference, Route.State) and traffic to the /24 is dropped.
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [d!.InstanceId!] }));
      await server.dataplane!.settled();
      const seenB = onB!.lines.length;
      assert.equal(await receivedAfter(onB!, seenB, 300), 0, 'a blackhole route drops; the default route does not take over');
      // Without the route, the default applies again.
      await ec2.send(new DeleteRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '198.51.100.0/24' }));
      await onB!.line(/^got/, 3000);
    } finally {
      sender.stop();
      for (const p of [onA!, onB!, onD!]) p.stop();
    }
  });

  it('delivers by the local route across subnets, and drops what a subnet has no route for', async () => {
    const [server_] = await launch(applianceSubnet, 1);
    const [c] = await launch(privateSubnet, 1);
    await server.dataplane!.settled();
    const echo = runIn(server_!.InstanceId!, tcpEcho(7600));
    try {
      await echo.line(/ready/);
      const client = runIn(c!.InstanceId!, tcpClient(server_!.PrivateIpAddress!, 7600, 'local-route'));
      assert.equal(await client.line(/^(echo|error)/), 'echo local-route');
    } finally {
      echo.stop();
    }
    // The appliance subnet uses the main table: only the local route. Something far away is not reached
    // (the router drops it silently, so the client only waits).
    const probe = runIn(server_!.InstanceId!, tcpClient(FAR, 7601, 'x'), 1500);
    await new Promise((r) => probe.child.on('exit', r));
    assert.ok(!probe.lines.some((l) => l.startsWith('echo')), 'no route, no answer');
  });
});
