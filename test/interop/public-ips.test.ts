/**
 * Public IPv4 addresses of instances through the real clients (SDK v3, AWS CLI, boto3): who gets
 * an auto-assigned address at launch, when it is released and replaced (stop/start, Elastic IPs),
 * and how Elastic IPs behave on instances (AssociateAddress by InstanceId, stop/start, termination).
 *
 * Sources, cited per test:
 * - [notes "…"] the user's ENI notes, /work/shared/reference/eni-notes.md (section named)
 * - [ref §x] /work/shared/reference/aws-behaviour.md (§5 "Public IPv4 auto-assign rules")
 * - [doc using-eni] EC2 User Guide "Elastic network interfaces" (awsdocs/amazon-ec2-user-guide
 *   doc_source/using-eni.md), [doc addressing] "Public IPv4 addresses" (using-instance-addressing.md)
 * - [obs …] an AWS answer recorded in a public issue
 *
 * Timings are the Cloud defaults (pending/stopping 500 ms): tests poll DescribeInstances.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DetachNetworkInterfaceCommand,
  DisassociateAddressCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { attachNewGateway, expectCode, useHarness, invariants, until, launch, getInstance, getEni, IMAGE } from './harness.js';

const ACCOUNT = '123456789012';

// ---- helpers (each interop file keeps its own) ---------------------------------------------------

const untilState = (ec2: EC2Client, id: string, state: string) =>
  until(
    () => getInstance(ec2, id),
    (i) => i.State!.Name === state,
    `${id} ${state}`,
  );

const untilEni = (ec2: EC2Client, id: string, status: string) =>
  until(
    () => getEni(ec2, id),
    (e) => e.Status === status,
    `${id} ${status}`,
  );

async function stopStart(ec2: EC2Client, id: string): Promise<{ stopped: Instance; started: Instance }> {
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  const stopped = await untilState(ec2, id, 'stopped');
  await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
  const started = await untilState(ec2, id, 'running');
  return { stopped, started };
}

/** The public IPv4 of the default subnet's public pool shows as owned by `amazon` [ref §4.12, §4.16 ipOwnerId]. */
function assertAutoPublic(i: Instance): string {
  assert.ok(i.PublicIpAddress, `${i.InstanceId} has no public IPv4`);
  const eth0 = i.NetworkInterfaces!.find((n) => n.Attachment!.DeviceIndex === 0)!;
  assert.equal(eth0.Association!.PublicIp, i.PublicIpAddress);
  assert.equal(eth0.Association!.IpOwnerId, 'amazon');
  assert.equal(i.PublicDnsName, `ec2-${i.PublicIpAddress!.replaceAll('.', '-')}.compute-1.amazonaws.com`);
  return i.PublicIpAddress!;
}

async function customSubnet(ec2: EC2Client, { zone = 'us-east-1a', internetGateway = false } = {}) {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  if (internetGateway) await attachNewGateway(ec2, Vpc!.VpcId!);
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.1.0/24', AvailabilityZone: zone }));
  assert.equal(Subnet!.MapPublicIpOnLaunch, false);
  return Subnet!.SubnetId!;
}

// The suites run side by side (each has its own server) to keep the file's wall time short.
describe('Public IPv4 of instances (interop)', { concurrency: true }, () => {
  describe('Public IPv4 at launch (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();

    it('an existing interface launched alone as eth0 follows its own creation-time setting, not the launch', async () => {
      // [ref §4.1]: "The ENI's public-IP attribute is inherited from the subnet's MapPublicIpOnLaunch at creation and
      // does not follow later subnet changes"; [ref §5]: "An existing ENI at eth0 cannot override this; the ENI's own
      // creation-time attribute decides."
      const def: string = await h.boto3(
        "result = ec2.describe_subnets(Filters=[{'Name':'default-for-az','Values':['true']},{'Name':'availability-zone','Values':['us-east-1a']}])['Subnets'][0]['SubnetId']",
      );
      const mapped = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: def }))).NetworkInterface!;
      const a = await launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: mapped.NetworkInterfaceId }] });
      assertAutoPublic(await untilState(ec2, a.InstanceId!, 'running'));
      const custom = await customSubnet(ec2);
      const unmapped = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: custom }))).NetworkInterface!;
      const b = await launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: unmapped.NetworkInterfaceId }] });
      assert.equal((await untilState(ec2, b.InstanceId!, 'running')).PublicIpAddress, undefined);
      await invariants(h);
    });

    it('one interface in a default subnet (MapPublicIpOnLaunch=true): eth0 gets a public IPv4 owned by amazon, not an Elastic IP', async () => {
      // [ref §5 Public IPv4 auto-assign]: assigned to the eth0 being created when the subnet maps public IPs
      // (default subnets do). [doc using-eni]: "When you launch an instance, the IP address is assigned to the
      // primary network interface (eth0) that's created".
      const i = await launch(ec2);
      const running = await untilState(ec2, i.InstanceId!, 'running');
      const ip = assertAutoPublic(running);
      const eni = await getEni(ec2, running.NetworkInterfaces![0]!.NetworkInterfaceId!);
      assert.equal(eni.Association!.PublicIp, ip);
      assert.equal(eni.Association!.IpOwnerId, 'amazon');
      assert.equal(eni.Association!.AllocationId, undefined);
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({}));
      assert.deepEqual(Addresses, [], 'an auto-assigned address is not an Elastic IP');
      const byIp = await h.boto3(
        `result = [i['InstanceId'] for r in ec2.describe_instances(Filters=[{'Name': 'ip-address', 'Values': ['${ip}']}])['Reservations'] for i in r['Instances']]`,
      );
      assert.deepEqual(byIp, [i.InstanceId]);
      await invariants(h);
    });

    it('eth1 at launch means eth0 gets no public IPv4, now or after eth1 leaves and the instance restarts', async () => {
      // [notes "How to add additional Network Interfaces at Instance Launch"]: with eth1 at launch "AWS will no
      // longer assign a public IPv4 address to your eth0". [doc using-eni "Attaching a network interface when
      // launching"]: "If you specify more than one network interface, you cannot auto-assign a public IPv4 address".
      // The choice is made at launch [doc addressing "The public IP addressing feature is only available at
      // launch"], so detaching eth1 later does not bring one (ec2net decision, see report).
      const i = await launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0 }, { DeviceIndex: 1 }] });
      const running = await untilState(ec2, i.InstanceId!, 'running');
      assert.equal(running.NetworkInterfaces!.length, 2);
      assert.equal(running.PublicIpAddress, undefined);
      assert.equal(running.PublicDnsName, '');
      for (const n of running.NetworkInterfaces!) assert.equal(n.Association, undefined);
      const eth1 = running.NetworkInterfaces!.find((n) => n.Attachment!.DeviceIndex === 1)!;
      await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: eth1.Attachment!.AttachmentId! }));
      await untilEni(ec2, eth1.NetworkInterfaceId!, 'available');
      const { started } = await stopStart(ec2, i.InstanceId!);
      assert.equal(started.NetworkInterfaces!.length, 1);
      assert.equal(started.PublicIpAddress, undefined);
      await invariants(h);
    });

    it('AssociatePublicIpAddress with two interfaces is InvalidParameterCombination; true/false override the subnet (CLI)', async () => {
      // [ref §4.17 AssociatePublicIpAddress] obs message (erlcloud#284, zalando kubernetes-on-aws#8733).
      const e = await expectCode(
        launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }, { DeviceIndex: 1 }] }),
        'InvalidParameterCombination',
      );
      assert.match(e.message, /^The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces/);
      const { Reservations } = await ec2.send(new DescribeInstancesCommand({}));
      assert.deepEqual(Reservations, []);
      // A custom subnet does not map public IPs; --associate-public-ip-address asks for one anyway. The CLI
      // turns --subnet-id + --associate-public-ip-address into one NetworkInterfaces entry.
      const subnet = await customSubnet(ec2);
      const withIp = await h.cli(['run-instances', '--image-id', IMAGE, '--instance-type', 't3.micro', '--subnet-id', subnet, '--associate-public-ip-address']);
      const asked = await untilState(ec2, withIp.Instances[0].InstanceId, 'running');
      assertAutoPublic(asked);
      const plain = await launch(ec2, { SubnetId: subnet });
      assert.equal((await untilState(ec2, plain.InstanceId!, 'running')).PublicIpAddress, undefined);
      // … and --no-associate-public-ip-address refuses one in a default subnet.
      const without = await h.cli(['run-instances', '--image-id', IMAGE, '--instance-type', 't3.micro', '--no-associate-public-ip-address']);
      const refused = await untilState(ec2, without.Instances[0].InstanceId, 'running');
      assert.equal(refused.PublicIpAddress, undefined);
      await invariants(h);
    });
  });

  describe('Public IPv4 across stop/start and Elastic IPs (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();

    it('stop releases the auto-assigned public IPv4; start assigns a new, different one', async () => {
      // [ref §4.19] [doc addressing]: "We release your instance's public IP address when it is stopped …
      // Your stopped instance receives a new public IP address when it's started."
      const i = await launch(ec2);
      const first = assertAutoPublic(await untilState(ec2, i.InstanceId!, 'running'));
      await ec2.send(new StopInstancesCommand({ InstanceIds: [i.InstanceId!] }));
      const stopping = await getInstance(ec2, i.InstanceId!);
      assert.equal(stopping.PublicIpAddress, undefined, 'released as the stop begins');
      const stopped = await untilState(ec2, i.InstanceId!, 'stopped');
      assert.equal(stopped.PublicIpAddress, undefined);
      assert.equal(stopped.PublicDnsName, '');
      assert.equal((await getEni(ec2, i.NetworkInterfaces![0]!.NetworkInterfaceId!)).Association, undefined);
      assert.equal(stopped.PrivateIpAddress, i.PrivateIpAddress, 'private addresses are kept');
      await ec2.send(new StartInstancesCommand({ InstanceIds: [i.InstanceId!] }));
      const second = assertAutoPublic(await untilState(ec2, i.InstanceId!, 'running'));
      assert.notEqual(second, first);
      const cli = await h.cli(['describe-instances', '--filters', `Name=ip-address,Values=${first}`]);
      assert.deepEqual(cli.Reservations, [], 'nobody holds the old address');
      await invariants(h);
    });

    it('an Elastic IP stays across stop/start, and no auto-assigned address appears beside it', async () => {
      // [ref §4.19]: EIP associations are retained. [ref §5]: no new public IP while an EIP is on the interface.
      const i = await launch(ec2);
      await untilState(ec2, i.InstanceId!, 'running');
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      const { AssociationId } = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: i.InstanceId }));
      const { stopped, started } = await stopStart(ec2, i.InstanceId!);
      assert.equal(stopped.PublicIpAddress, eip.PublicIp);
      assert.equal(started.PublicIpAddress, eip.PublicIp);
      assert.equal(started.NetworkInterfaces![0]!.Association!.IpOwnerId, ACCOUNT);
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }));
      assert.equal(Addresses![0]!.AssociationId, AssociationId);
      assert.equal(Addresses![0]!.InstanceId, i.InstanceId);
      await invariants(h);
    });

    it('AssociateAddress by InstanceId replaces the auto-assigned address; disassociating brings a new auto-assigned one', async () => {
      // [ref §4.13 Effect on public IPs] [doc addressing]: associating an EIP releases the public IPv4 (not
      // reusable); disassociating gives a new one. Associating by instance goes to eth0's primary address.
      const i = await launch(ec2);
      const auto = assertAutoPublic(await untilState(ec2, i.InstanceId!, 'running'));
      const eip = await h.cli(['allocate-address', '--domain', 'vpc']);
      const assoc = await h.cli(['associate-address', '--instance-id', i.InstanceId!, '--allocation-id', eip.AllocationId]);
      const withEip = await getInstance(ec2, i.InstanceId!);
      assert.equal(withEip.PublicIpAddress, eip.PublicIp);
      assert.equal(withEip.PublicDnsName, `ec2-${eip.PublicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`);
      const eth0 = withEip.NetworkInterfaces![0]!;
      assert.equal(eth0.Association!.IpOwnerId, ACCOUNT);
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId] }));
      assert.equal(Addresses![0]!.InstanceId, i.InstanceId);
      assert.equal(Addresses![0]!.NetworkInterfaceId, eth0.NetworkInterfaceId);
      assert.equal(Addresses![0]!.PrivateIpAddress, i.PrivateIpAddress);

      await h.boto3(`ec2.disassociate_address(AssociationId='${assoc.AssociationId}')`);
      const after = assertAutoPublic(await getInstance(ec2, i.InstanceId!));
      assert.notEqual(after, auto, 'the released address is not handed back');
      assert.notEqual(after, eip.PublicIp);
      await invariants(h);
    });

    it('AssociateAddress by InstanceId with two interfaces is InvalidInstanceID; with eth1 attached no new public IPv4 comes after a restart', async () => {
      // [ref §4.13 InstanceId rules] [obs AWSnycast#28]: "There are multiple interfaces attached to instance 'i-x'.
      // Please specify an interface ID for the operation instead."
      // [doc using-eni "Attaching a network interface to a stopped or running instance"]: "If the public IPv4 address
      // on your instance is released, it does not receive a new one if there is more than one network interface attached".
      const i = await launch(ec2);
      const running = await untilState(ec2, i.InstanceId!, 'running');
      const auto = assertAutoPublic(running);
      const eth1 = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: running.SubnetId! }))).NetworkInterface!;
      await ec2.send(new AttachNetworkInterfaceCommand({ InstanceId: i.InstanceId!, NetworkInterfaceId: eth1.NetworkInterfaceId!, DeviceIndex: 1 }));
      await untilEni(ec2, eth1.NetworkInterfaceId!, 'in-use');
      assert.equal((await getInstance(ec2, i.InstanceId!)).PublicIpAddress, auto, 'a hot attach does not take the address away');
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      const e = await expectCode(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: i.InstanceId })), 'InvalidInstanceID');
      assert.equal(
        e.message,
        `There are multiple interfaces attached to instance '${i.InstanceId}'. Please specify an interface ID for the operation instead.`,
      );
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }));
      assert.equal(Addresses![0]!.AssociationId, undefined);
      const { started } = await stopStart(ec2, i.InstanceId!);
      assert.equal(started.PublicIpAddress, undefined);
      await invariants(h);
    });

    it('an Elastic IP on a secondary address of eth0 keeps a new public IPv4 from coming at start', async () => {
      // [ref §5 "No new public IP is given if … a secondary private IP has an EIP"] [doc addressing]
      const i = await launch(ec2);
      const running = await untilState(ec2, i.InstanceId!, 'running');
      const eth0 = running.NetworkInterfaces![0]!.NetworkInterfaceId!;
      const { AssignedPrivateIpAddresses } = await ec2.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eth0, SecondaryPrivateIpAddressCount: 1 }),
      );
      const secondary = AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eth0, PrivateIpAddress: secondary }));
      assertAutoPublic(await getInstance(ec2, i.InstanceId!)); // the primary keeps its address meanwhile
      const { started } = await stopStart(ec2, i.InstanceId!);
      assert.equal(started.PublicIpAddress, undefined);
      const eni = await getEni(ec2, eth0);
      assert.equal(eni.PrivateIpAddresses!.find((a) => a.PrivateIpAddress === secondary)!.Association!.PublicIp, eip.PublicIp);
      await invariants(h);
    });

    it('termination releases the auto-assigned address and disassociates (but keeps allocated) the Elastic IP of a deleted eth0', async () => {
      // [ref §4.18]: the auto-assigned public IPv4 is released; EIPs on deleted interfaces are disassociated, still allocated.
      const a = await launch(ec2);
      const b = await launch(ec2);
      const autoA = assertAutoPublic(await untilState(ec2, a.InstanceId!, 'running'));
      await untilState(ec2, b.InstanceId!, 'running');
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: b.InstanceId }));
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [a.InstanceId!, b.InstanceId!] }));
      const shutting = await getInstance(ec2, a.InstanceId!);
      assert.equal(shutting.PublicIpAddress, undefined);
      await untilState(ec2, b.InstanceId!, 'terminated');
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }));
      assert.equal(Addresses![0]!.PublicIp, eip.PublicIp);
      assert.equal(Addresses![0]!.AssociationId, undefined);
      assert.equal(Addresses![0]!.InstanceId, undefined);
      assert.equal(Addresses![0]!.NetworkInterfaceId, undefined);
      const { Reservations } = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'ip-address', Values: [autoA, eip.PublicIp!] }] }));
      assert.deepEqual(Reservations, []);
      // The Elastic IP can go straight to another instance.
      const c = await launch(ec2);
      await untilState(ec2, c.InstanceId!, 'running');
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: c.InstanceId }));
      assert.equal((await getInstance(ec2, c.InstanceId!)).PublicIpAddress, eip.PublicIp);
      await invariants(h);
    });

    it('DisassociateAddress on an instance that no longer qualifies gives no public IPv4 (custom subnet)', async () => {
      // [ref §4.13]: "Disassociating gives the instance a new public IP, but only if the ENI still qualifies".
      const subnet = await customSubnet(ec2, { internetGateway: true }); // the Elastic IP needs a gateway [ref §4.13]
      const i = await launch(ec2, { SubnetId: subnet });
      await untilState(ec2, i.InstanceId!, 'running');
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      const { AssociationId } = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: i.InstanceId }));
      assert.equal((await getInstance(ec2, i.InstanceId!)).PublicIpAddress, eip.PublicIp);
      await ec2.send(new DisassociateAddressCommand({ AssociationId }));
      assert.equal((await getInstance(ec2, i.InstanceId!)).PublicIpAddress, undefined);
      await invariants(h);
    });
  });
});
