/**
 * Secondary addresses through the real clients: Assign/UnassignPrivateIpAddresses (by list, by
 * count, reassignment with Elastic IPs) and Assign/UnassignIpv6Addresses.
 *
 * The rules failover scripts depend on come from the user's ENI notes
 * (/work/shared/reference/eni-notes.md, "Secondary IP address Re-Assignment"):
 * - a REASSIGNED secondary keeps its Elastic IP (the EIP moves with it);
 * - an UNASSIGNED secondary loses its Elastic IP, which stays allocated;
 * - "REASSIGN IS DIFFERENT FROM UNASSIGN".
 * Also aws-behaviour.md §4.9–4.11 and §5 "Secondary IP vs EIP" ([ref §x] below), and the EC2 User
 * Guide "Multiple IP addresses" (MultipleIP.md).
 *
 * Every refused state-changing call is checked to change nothing (full describe view before/after
 * and /_ec2net/invariants).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssignIpv6AddressesCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  UnassignIpv6AddressesCommand,
  UnassignPrivateIpAddressesCommand,
  type EC2Client,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import { nthSubCidr6, parseIpv6, parseIpv6Cidr } from '../../src/engine/cidr.js';
import { largestIpv4PerInterface } from '../../src/engine/instance-types.js';
import { attachNewGateway, getEni, getInstance, invariants, refusedUnchanged, useHarness, until } from './harness.js';

// ---- helpers ------------------------------------------------------------------------------------

/** A running instance of `type` in `subnetId`, with its primary private IP given; returns the instance and its eth0 id. */
async function running(ec2: EC2Client, subnetId: string, type: 't3.micro' | 'm5.large', privateIp?: string): Promise<{ id: string; eth0: string }> {
  const r = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: type,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      PrivateIpAddress: privateIp,
    }),
  );
  const id = r.Instances![0]!.InstanceId!;
  const i = await until(
    () => getInstance(ec2, id),
    (x) => x.State!.Name === 'running',
    `${id} running`,
  );
  return { id, eth0: i.NetworkInterfaces![0]!.NetworkInterfaceId! };
}

interface Net {
  vpcId: string;
  subnetId: string;
  subnet2Id: string;
  ipv6Cidr?: string;
}

/** A VPC with two subnets (10.0.1.0/24 and 10.0.2.0/24 in the same zone), optionally dual-stack on the first. */
async function network(ec2: EC2Client, opts: { ipv6?: boolean } = {}): Promise<Net> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: opts.ipv6 }));
  const ipv6Cidr = opts.ipv6 ? nthSubCidr6(parseIpv6Cidr(Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!)!, 64, 0).toString() : undefined;
  const s1 = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.1.0/24', Ipv6CidrBlock: ipv6Cidr, AvailabilityZone: 'us-east-1a' }));
  const s2 = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1a' }));
  return { vpcId: Vpc!.VpcId!, subnetId: s1.Subnet!.SubnetId!, subnet2Id: s2.Subnet!.SubnetId!, ipv6Cidr };
}

async function eni(ec2: EC2Client, subnetId: string, primary?: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: primary, ...extra }));
  return NetworkInterface!.NetworkInterfaceId!;
}

const privateIps = (e: NetworkInterface) => e.PrivateIpAddresses!.map((p) => p.PrivateIpAddress!);
const secondaries = (e: NetworkInterface) => e.PrivateIpAddresses!.filter((p) => !p.Primary).map((p) => p.PrivateIpAddress!);

async function available(ec2: EC2Client, subnetId: string): Promise<number> {
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
  return Subnets![0]!.AvailableIpAddressCount!;
}

async function address(ec2: EC2Client, allocationId: string) {
  const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
  assert.equal(Addresses!.length, 1, 'the Elastic IP is still allocated');
  return Addresses![0]!;
}

describe('AssignPrivateIpAddresses / UnassignPrivateIpAddresses (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  let net: Net;
  beforeEach(async () => {
    net = await network(ec2);
    await attachNewGateway(ec2, net.vpcId); // several tests map Elastic IPs into it [ref §4.13]
  });

  it('assign by list (SDK): the addresses become secondaries, each consuming one subnet address', async () => {
    // [notes "Scondary IP addresses - Benefits"; "You can configure secondary IPv4 addresses"] [ref §4.9] [obs S8 by_addresses]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const free = await available(ec2, net.subnetId);
    const out = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.20', '10.0.1.21'] }));
    assert.equal(out.NetworkInterfaceId, a);
    assert.deepEqual(out.AssignedPrivateIpAddresses!.map((x) => x.PrivateIpAddress).sort(), ['10.0.1.20', '10.0.1.21']);
    const e = await getEni(ec2, a);
    assert.deepEqual(privateIps(e), ['10.0.1.10', '10.0.1.20', '10.0.1.21'], 'primary first, then secondaries in order');
    assert.deepEqual(
      e.PrivateIpAddresses!.map((p) => p.Primary),
      [true, false, false],
    );
    assert.equal(await available(ec2, net.subnetId), free - 2);
    await invariants(h);
  });

  it('assign by count (CLI), unassign (boto3): addresses come back to the subnet', async () => {
    // [ref §4.9 SecondaryPrivateIpAddressCount] [ref §4.10] [obs S8 test_assign_unassign_private_addresses_by_count]
    const a = await eni(ec2, net.subnetId);
    const free = await available(ec2, net.subnetId);
    const out = await h.cli(['assign-private-ip-addresses', '--network-interface-id', a, '--secondary-private-ip-address-count', '2']);
    assert.equal(out.AssignedPrivateIpAddresses.length, 2);
    const got = out.AssignedPrivateIpAddresses.map((x: any) => x.PrivateIpAddress as string);
    assert.deepEqual(secondaries(await getEni(ec2, a)).sort(), [...got].sort());
    for (const ip of got) assert.ok(/^10\.0\.1\.\d+$/.test(ip) && !['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.255'].includes(ip));
    assert.equal(await available(ec2, net.subnetId), free - 2);
    await h.boto3(`ec2.unassign_private_ip_addresses(NetworkInterfaceId='${a}', PrivateIpAddresses=${JSON.stringify(got)})`);
    assert.deepEqual(secondaries(await getEni(ec2, a)), []);
    assert.equal(await available(ec2, net.subnetId), free);
    await invariants(h);
  });

  it('an address held by another interface, without AllowReassignment: refused, nothing changed', async () => {
    // [ref §4.9 "Without the flag, an in-use IP → InvalidParameterValue (… for a secondary one)"]
    // [notes "if you allow re-assignment, they can be reassigned to another network interface"]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const b = await eni(ec2, net.subnetId, '10.0.1.11');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50'] }));
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ['10.0.1.50'] })),
      'InvalidParameterValue',
    );
    // [client] amazon.aws 5.5.1's ec2_eni integration target (run against AWS) asserts "move is not allowed" in this message.
    assert.match(e.message, /move is not allowed/);
    await refusedUnchanged(
      h,
      ec2,
      () => h.cli(['assign-private-ip-addresses', '--network-interface-id', b, '--private-ip-addresses', '10.0.1.50', '--no-allow-reassignment']),
      'InvalidParameterValue',
    );
  });

  it('REASSIGN: with AllowReassignment the secondary MOVES and its Elastic IP STAYS associated, now on the new interface', async () => {
    // [notes "When a secondary private IPv4 address is reassigned to another interface, the secondary private IPv4
    // address retains its association with an Elastic IP address"; "(The Elastic IP to secondary IPv4 association
    // remains as the secondary is moved)"] [ref §4.9 "Any EIP associated with that IP moves with it"] [ref §5]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const b = await eni(ec2, net.subnetId, '10.0.1.11');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50'] }));
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const assoc = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.50' }));
    const free = await available(ec2, net.subnetId);

    // The failover script's move, through boto3.
    const out = await h.boto3(
      `result = ec2.assign_private_ip_addresses(NetworkInterfaceId='${b}', PrivateIpAddresses=['10.0.1.50'], AllowReassignment=True)['AssignedPrivateIpAddresses']`,
    );
    assert.deepEqual(out, [{ PrivateIpAddress: '10.0.1.50' }]);

    const A = await getEni(ec2, a);
    const B = await getEni(ec2, b);
    assert.deepEqual(privateIps(A), ['10.0.1.10'], 'moved away from the old interface');
    assert.deepEqual(privateIps(B), ['10.0.1.11', '10.0.1.50'], 'moved onto the new interface as a secondary');
    // The Elastic IP, seen from the address: still associated, now with the new interface.
    const addr = await address(ec2, eip.AllocationId!);
    assert.equal(addr.NetworkInterfaceId, b);
    assert.equal(addr.PrivateIpAddress, '10.0.1.50');
    assert.equal(addr.PublicIp, eip.PublicIp);
    assert.ok(addr.AssociationId, 'still associated');
    // … and from the interface: PrivateIpAddresses[].Association of the moved address.
    const moved = B.PrivateIpAddresses!.find((p) => p.PrivateIpAddress === '10.0.1.50')!;
    assert.equal(moved.Primary, false);
    assert.equal(moved.Association?.PublicIp, eip.PublicIp);
    assert.equal(moved.Association?.AllocationId, eip.AllocationId);
    assert.equal(moved.Association?.AssociationId, addr.AssociationId);
    assert.equal(moved.Association?.IpOwnerId, '123456789012');
    assert.equal(
      A.PrivateIpAddresses!.some((p) => p.Association),
      false,
      'the old interface shows no association',
    );
    // The association can still be broken by its id (what scripts hold on to).
    assert.equal(addr.AssociationId, assoc.AssociationId, 'the association id survives the move');
    // A move takes no new address from the subnet and gives none back.
    assert.equal(await available(ec2, net.subnetId), free);
    // Filters follow the move.
    const byPublic = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'addresses.association.public-ip', Values: [eip.PublicIp!] }] }));
    assert.deepEqual(
      byPublic.NetworkInterfaces!.map((e) => e.NetworkInterfaceId),
      [b],
    );
    const byIp = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'addresses.private-ip-address', Values: ['10.0.1.50'] }] }));
    assert.deepEqual(
      byIp.NetworkInterfaces!.map((e) => e.NetworkInterfaceId),
      [b],
    );
    await invariants(h);

    // And back again (failback), through the CLI: the EIP keeps following.
    await h.cli(['assign-private-ip-addresses', '--network-interface-id', a, '--private-ip-addresses', '10.0.1.50', '--allow-reassignment']);
    const back = await address(ec2, eip.AllocationId!);
    assert.equal(back.NetworkInterfaceId, a);
    assert.equal(back.PrivateIpAddress, '10.0.1.50');
    assert.deepEqual(privateIps(await getEni(ec2, b)), ['10.0.1.11']);
    await invariants(h);
    await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'network-interface-id', Values: [a] }] })).then((r) =>
      assert.deepEqual(
        r.Addresses!.map((x) => x.AllocationId),
        [eip.AllocationId],
      ),
    );
  });

  it('UNASSIGN: the Elastic IP is disassociated automatically and stays allocated ("REASSIGN IS DIFFERENT FROM UNASSIGN")', async () => {
    // [notes "When a secondary private IPv4 address is unassigned from an interface, an associated Elastic IP address
    // is automatically disassociated"; "REASSIGN IS DIFFERENT FROM UNASSIGN!!!"] [ref §4.10] [ref §5]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50'] }));
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const assoc = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.50' }));
    const free = await available(ec2, net.subnetId);
    await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50'] }));
    const addr = await address(ec2, eip.AllocationId!);
    assert.equal(addr.AssociationId, undefined);
    assert.equal(addr.NetworkInterfaceId, undefined);
    assert.equal(addr.PrivateIpAddress, undefined);
    assert.equal(addr.PublicIp, eip.PublicIp, 'same public address, still ours');
    assert.deepEqual(privateIps(await getEni(ec2, a)), ['10.0.1.10']);
    assert.equal(await available(ec2, net.subnetId), free + 1);
    // The old association id is gone.
    await refusedUnchanged(h, ec2, () => h.cli(['disassociate-address', '--association-id', assoc.AssociationId!]), 'InvalidAssociationID.NotFound');
    // Assigning the address again does NOT bring the EIP back.
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50'] }));
    assert.equal((await getEni(ec2, a)).PrivateIpAddresses!.find((p) => p.PrivateIpAddress === '10.0.1.50')!.Association, undefined);
    await invariants(h);
  });

  it('the primary address can be neither unassigned nor reassigned', async () => {
    // [notes "Eth0 is the primary"; reassignment is of secondary addresses] [ref §4.9 "A primary private IP can never be
    // reassigned"] [ref §4.10 "Primary IP → InvalidParameterValue" obs S8 test_unassign_primary_addresses]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const b = await eni(ec2, net.subnetId, '10.0.1.11');
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.10'] })),
      'InvalidParameterValue',
    );
    // With AllowReassignment: still refused [ref §4.9 ec2-api note "AWS returns InvalidIPAddress.InUse for a primary IP"].
    await refusedUnchanged(
      h,
      ec2,
      () => h.boto3(`ec2.assign_private_ip_addresses(NetworkInterfaceId='${b}', PrivateIpAddresses=['10.0.1.10'], AllowReassignment=True)`),
      'InvalidIPAddress.InUse',
    );
  });

  it('an address not on the interface cannot be unassigned; nothing changes (all-or-nothing)', async () => {
    // [ref §4.10 "IP not on the ENI → InvalidParameterValue"]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const b = await eni(ec2, net.subnetId, '10.0.1.11');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50'] }));
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ['10.0.1.60'] }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50', '10.0.1.60'] })),
      'InvalidParameterValue',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.99'] })),
      'InvalidParameterValue',
    );
  });

  it('all-or-nothing: one bad address in the list and none is assigned', async () => {
    // [ref §4.9 "All-or-nothing: if one IP fails, nothing is assigned" doc MultipleIP]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const b = await eni(ec2, net.subnetId, '10.0.1.11');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50'] }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ['10.0.1.70', '10.0.1.50'] })),
      'InvalidParameterValue',
    );
    // A move plus an address outside the subnet: the move does not happen either.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ['10.0.1.50', '10.0.9.9'], AllowReassignment: true })),
      'InvalidParameterValue',
    );
  });

  it("an address must come from the interface's own subnet, even another subnet of the same VPC", async () => {
    // [notes "Any network interface can be assigned a secondary IPv4 address from the same subnet of the network interface"]
    // [ref §4.9 "IP outside subnet → InvalidParameterValue"]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const other = await eni(ec2, net.subnet2Id, '10.0.2.10');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: other, PrivateIpAddresses: ['10.0.2.50'] }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.2.77'] })),
      'InvalidParameterValue',
    );
    // Not even by reassignment from an interface in the other subnet.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.2.50'], AllowReassignment: true })),
      'InvalidParameterValue',
    );
    // Nor a reserved address of its own subnet.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.255'] })),
      'InvalidParameterValue',
    );
  });

  it(`over the per-interface limit: PrivateIpAddressLimitExceeded (unattached: the largest per-type limit, ${largestIpv4PerInterface()} in our catalogue)`, async () => {
    // [ref §4.9 "Over the limit → PrivateIpAddressLimitExceeded, obs msg eni-xxxx: Number of private addresses will exceed
    // limit. Limit = ipv4AddressesPerInterface including the primary and prefixes"] [ref §6]. An unattached interface has
    // no instance type yet; ec2net bounds it by the largest per-interface limit of any type (64 in spec/instance-types.json).
    const limit = largestIpv4PerInterface();
    assert.equal(limit, 64, "the catalogue's largest ipv4AddressesPerInterface (noted: the unattached bound)");
    const a = await eni(ec2, net.subnetId, undefined, { SecondaryPrivateIpAddressCount: limit - 2 });
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, SecondaryPrivateIpAddressCount: 2 })),
      'PrivateIpAddressLimitExceeded',
    );
    assert.equal(e.message, `${a}: Number of private addresses will exceed limit.`);
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, SecondaryPrivateIpAddressCount: 1 }));
    assert.equal((await getEni(ec2, a)).PrivateIpAddresses!.length, limit);
    await refusedUnchanged(
      h,
      ec2,
      () => h.cli(['assign-private-ip-addresses', '--network-interface-id', a, '--private-ip-addresses', '10.0.1.200']),
      'PrivateIpAddressLimitExceeded',
    );
    // A prefix counts as one [ref §3 Prefix delegation].
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, Ipv4PrefixCount: 1 })),
      'PrivateIpAddressLimitExceeded',
    );
    // At creation too.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: limit })),
      'PrivateIpAddressLimitExceeded',
    );
  });

  it("failover between instances: eth0's secondary (with its EIP) moves to the standby's eth0, and back", async () => {
    // [notes "Redirecting internal traffic to a standby EC2 instance in case your primary EC2 instance fails — This can be
    // achieved by moving (reassigning) the secondary IPv4 address from the failed instance to the standby one"; "You can
    // reassign eth0 secondary private IPv4 address to another network interface … (The Elastic IP to secondary IPv4
    // association remains as the secondary is moved)"] [ref §4.9 "You can move secondaries of a primary ENI"]
    const active = await running(ec2, net.subnetId, 'm5.large', '10.0.1.10');
    const standby = await running(ec2, net.subnetId, 'm5.large', '10.0.1.20');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: active.eth0, PrivateIpAddresses: ['10.0.1.100'] }));
    const vip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: vip.AllocationId, NetworkInterfaceId: active.eth0, PrivateIpAddress: '10.0.1.100' }));
    assert.equal((await address(ec2, vip.AllocationId!)).InstanceId, active.id);

    await h.cli(['assign-private-ip-addresses', '--network-interface-id', standby.eth0, '--private-ip-addresses', '10.0.1.100', '--allow-reassignment']);
    const moved = await address(ec2, vip.AllocationId!);
    assert.deepEqual([moved.InstanceId, moved.NetworkInterfaceId, moved.PrivateIpAddress], [standby.id, standby.eth0, '10.0.1.100']);
    const standbyView = (await getInstance(ec2, standby.id)).NetworkInterfaces![0]!;
    assert.deepEqual(
      standbyView.PrivateIpAddresses!.map((p) => p.PrivateIpAddress),
      ['10.0.1.20', '10.0.1.100'],
    );
    assert.equal(standbyView.PrivateIpAddresses![1]!.Association?.PublicIp, vip.PublicIp);
    assert.deepEqual(
      (await getInstance(ec2, active.id)).NetworkInterfaces![0]!.PrivateIpAddresses!.map((p) => p.PrivateIpAddress),
      ['10.0.1.10'],
    );
    await invariants(h);

    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: active.eth0, PrivateIpAddresses: ['10.0.1.100'], AllowReassignment: true }));
    assert.equal((await address(ec2, vip.AllocationId!)).InstanceId, active.id);
    await invariants(h);
  });

  it('addresses can be assigned and unassigned while the instance runs or is stopped; the instance type sets the limit', async () => {
    // [notes "You can assign/remove IP addresses from EC2 instances while they are running or stopped"] [ref §4.9 "Works for
    // ENIs attached to running or stopped instances"] [ref §6 t3.micro: 2 IPv4 per interface]
    const small = await running(ec2, net.subnetId, 't3.micro');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: small.eth0, SecondaryPrivateIpAddressCount: 1 }));
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: small.eth0, SecondaryPrivateIpAddressCount: 1 })),
      'PrivateIpAddressLimitExceeded',
    );
    assert.equal(e.message, `${small.eth0}: Number of private addresses will exceed limit.`);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [small.id] }));
    await until(
      () => getInstance(ec2, small.id),
      (x) => x.State!.Name === 'stopped',
      `${small.id} stopped`,
    );
    const second = secondaries(await getEni(ec2, small.eth0));
    await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: small.eth0, PrivateIpAddresses: second }));
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: small.eth0, PrivateIpAddresses: ['10.0.1.222'] }));
    assert.deepEqual(secondaries(await getEni(ec2, small.eth0)), ['10.0.1.222']);
    await invariants(h);
  });

  it('assign by count when the subnet cannot hold them all: InsufficientFreeAddressesInSubnet, nothing assigned', async () => {
    // [ref §4.9 "Subnet full → InsufficientFreeAddressesInSubnet"] [ref §3 Subnet exhaustion]
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: '10.0.3.0/28', AvailabilityZone: 'us-east-1a' }));
    const a = await eni(ec2, Subnet!.SubnetId!, undefined, { SecondaryPrivateIpAddressCount: 5 });
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, SecondaryPrivateIpAddressCount: 6 })),
      'InsufficientFreeAddressesInSubnet',
    );
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, SecondaryPrivateIpAddressCount: 5 }));
    assert.equal(await available(ec2, Subnet!.SubnetId!), 0);
  });

  it('neither or both of a list and a count: MissingParameter / InvalidParameterCombination, nothing changed', async () => {
    // [ref §4.9 "exactly one of PrivateIpAddresses / SecondaryPrivateIpAddressCount / Ipv4Prefixes / Ipv4PrefixCount"]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    await refusedUnchanged(h, ec2, () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a })), 'MissingParameter');
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.20'], SecondaryPrivateIpAddressCount: 1 })),
      'InvalidParameterCombination',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: 'eni-0123456789abcdef0', SecondaryPrivateIpAddressCount: 1 })),
      'InvalidNetworkInterfaceID.NotFound',
    );
  });

  it('reassigning several addresses at once moves each with its own Elastic IP', async () => {
    // [notes "Each private IPv4 address can be associated with a single Elastic IP address, and vice versa"; reassignment]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const b = await eni(ec2, net.subnetId, '10.0.1.11');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.50', '10.0.1.51', '10.0.1.52'] }));
    const e1 = await ec2.send(new AllocateAddressCommand({}));
    const e2 = await ec2.send(new AllocateAddressCommand({}));
    const e3 = await ec2.send(new AllocateAddressCommand({}));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.50' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e2.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.51' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e3.AllocationId, NetworkInterfaceId: a })); // on the primary: stays
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ['10.0.1.50', '10.0.1.51'], AllowReassignment: true }));
    assert.deepEqual(privateIps(await getEni(ec2, a)), ['10.0.1.10', '10.0.1.52']);
    assert.deepEqual(privateIps(await getEni(ec2, b)), ['10.0.1.11', '10.0.1.50', '10.0.1.51']);
    const r1 = await address(ec2, e1.AllocationId!);
    const r2 = await address(ec2, e2.AllocationId!);
    const r3 = await address(ec2, e3.AllocationId!);
    assert.deepEqual([r1.NetworkInterfaceId, r1.PrivateIpAddress], [b, '10.0.1.50']);
    assert.deepEqual([r2.NetworkInterfaceId, r2.PrivateIpAddress], [b, '10.0.1.51']);
    assert.deepEqual([r3.NetworkInterfaceId, r3.PrivateIpAddress], [a, '10.0.1.10']);
    // The primary's EIP shows as the interface's own Association.
    assert.equal((await getEni(ec2, a)).Association?.PublicIp, e3.PublicIp);
    assert.equal((await getEni(ec2, b)).Association, undefined, 'a secondary EIP is not the interface association');
    await invariants(h);
  });

  it('IPv4 prefixes: assign by count and by CIDR, each counting one against the limit; unassign gives the 16 addresses back', async () => {
    // [ref §3 Prefix delegation: "/28 … must lie within the subnet CIDR without overlapping"; "Each prefix counts as one
    // address against the per-ENI IP limit"] [ref §0 AssignPrivateIpAddresses Ipv4Prefix.N, Ipv4PrefixCount;
    // UnassignPrivateIpAddresses Ipv4Prefix.N] [ref §4.9 output assignedIpv4PrefixSet]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    const free = await available(ec2, net.subnetId);
    const byCount = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, Ipv4PrefixCount: 1 }));
    assert.equal(byCount.AssignedIpv4Prefixes!.length, 1);
    assert.deepEqual(byCount.AssignedPrivateIpAddresses ?? [], []);
    const p1 = byCount.AssignedIpv4Prefixes![0]!.Ipv4Prefix!;
    assert.match(p1, /^10\.0\.1\.\d+\/28$/);
    const byCidr = await h.cli(['assign-private-ip-addresses', '--network-interface-id', a, '--ipv4-prefixes', '10.0.1.192/28']);
    assert.deepEqual(byCidr.AssignedIpv4Prefixes, [{ Ipv4Prefix: '10.0.1.192/28' }]);
    assert.equal(await available(ec2, net.subnetId), free - 32);
    assert.deepEqual((await getEni(ec2, a)).Ipv4Prefixes!.map((x) => x.Ipv4Prefix).sort(), [p1, '10.0.1.192/28'].sort());
    // An address inside a delegated prefix is taken; the last /28 holds the broadcast address; misaligned is refused.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.200'] })),
      'InvalidIPAddress.InUse',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, Ipv4Prefixes: ['10.0.1.240/28'] })),
      'InvalidParameterValue',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, Ipv4Prefixes: ['10.0.1.100/28'] })),
      'InvalidParameterValue',
    );
    await h.boto3(`ec2.unassign_private_ip_addresses(NetworkInterfaceId='${a}', Ipv4Prefixes=['10.0.1.192/28'])`);
    assert.equal(await available(ec2, net.subnetId), free - 16);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, Ipv4Prefixes: ['10.0.1.192/28'] })),
      'InvalidParameterValue',
    );
    await invariants(h);
  });

  it('AllowReassignment with a free address just assigns it', async () => {
    // [doc AssignPrivateIpAddresses AllowReassignment: "allow an IP address that is already assigned to another network interface"]
    const a = await eni(ec2, net.subnetId, '10.0.1.10');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.90'], AllowReassignment: true }));
    assert.deepEqual(privateIps(await getEni(ec2, a)), ['10.0.1.10', '10.0.1.90']);
    // Assigning an address the interface already has is refused.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ['10.0.1.90'], AllowReassignment: true })),
      'InvalidParameterValue',
    );
  });
});

describe('AssignIpv6Addresses / UnassignIpv6Addresses (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  let net: Net;
  beforeEach(async () => {
    net = await network(ec2, { ipv6: true });
  });

  it('assign by count and by list, unassign: only the new/removed addresses are returned', async () => {
    // [notes "Attributes: One or more IPv6 addresses"] [ref §4.11 "the count is additional"; "only the new addresses"]
    const a = await eni(ec2, net.subnetId, undefined, { Ipv6AddressCount: 1 });
    const first = (await getEni(ec2, a)).Ipv6Addresses!.map((x) => x.Ipv6Address!);
    const byCount = await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6AddressCount: 2 }));
    assert.equal(byCount.NetworkInterfaceId, a);
    assert.equal(byCount.AssignedIpv6Addresses!.length, 2);
    const cidr = parseIpv6Cidr(net.ipv6Cidr!)!;
    const explicit = `${net.ipv6Cidr!.split('::')[0]}::abcd`;
    const byList = await h.cli(['assign-ipv6-addresses', '--network-interface-id', a, '--ipv6-addresses', explicit]);
    assert.deepEqual(byList.AssignedIpv6Addresses, [explicit]);
    const all = (await getEni(ec2, a)).Ipv6Addresses!.map((x) => x.Ipv6Address!);
    assert.deepEqual(all.sort(), [...first, ...byCount.AssignedIpv6Addresses!, explicit].sort());
    for (const x of all) assert.ok(cidr.contains(parseIpv6(x)!));
    const un = await h.boto3(`result = ec2.unassign_ipv6_addresses(NetworkInterfaceId='${a}', Ipv6Addresses=['${explicit}'])['UnassignedIpv6Addresses']`);
    assert.deepEqual(un, [explicit]);
    assert.equal((await getEni(ec2, a)).Ipv6Addresses!.length, 3);
    await invariants(h);
  });

  it('an IPv6 address held by another interface cannot be assigned (unassign it first); nothing changed', async () => {
    // [ref §3 IPv6 "An IPv6 address can't be reassigned while assigned; unassign it first" doc MultipleIP]
    const a = await eni(ec2, net.subnetId, undefined, { Ipv6AddressCount: 1 });
    const b = await eni(ec2, net.subnetId);
    const held = (await getEni(ec2, a)).Ipv6Addresses![0]!.Ipv6Address!;
    await refusedUnchanged(h, ec2, () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: b, Ipv6Addresses: [held] })), 'InvalidIPAddress.InUse');
    await ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6Addresses: [held] }));
    await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: b, Ipv6Addresses: [held] }));
    assert.deepEqual(
      (await getEni(ec2, b)).Ipv6Addresses!.map((x) => x.Ipv6Address),
      [held],
    );
    await invariants(h);
  });

  it('IPv6 errors: outside the subnet /64, reserved, not assigned, subnet without IPv6, both list and count; nothing changed', async () => {
    // [ref §3 IPv6 reserved addresses] [ref §4.11]
    const a = await eni(ec2, net.subnetId, undefined, { Ipv6AddressCount: 1 });
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6Addresses: ['2001:db8::1'] })),
      'InvalidParameterValue',
    );
    const base = net.ipv6Cidr!.split('::')[0];
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6Addresses: [`${base}::1`] })),
      'InvalidParameterValue',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6Addresses: [`${base}::99`] })),
      'InvalidParameterValue',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6Addresses: [`${base}::99`], Ipv6AddressCount: 1 })),
      'InvalidParameterCombination',
    );
    const v4only = await eni(ec2, net.subnet2Id);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: v4only, Ipv6AddressCount: 1 })),
      'InvalidParameterValue',
    );
    // All-or-nothing: a good address and a bad one.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6Addresses: [`${base}::77`, '2001:db8::1'] })),
      'InvalidParameterValue',
    );
  });

  it(`over the per-interface IPv6 limit: PrivateIpAddressLimitExceeded (unattached bound ${largestIpv4PerInterface()})`, async () => {
    // [ref §4.11 "Limit = ipv6AddressesPerInterface … most likely PrivateIpAddressLimitExceeded"]
    const a = await eni(ec2, net.subnetId, undefined, { Ipv6AddressCount: largestIpv4PerInterface() });
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a, Ipv6AddressCount: 1 })),
      'PrivateIpAddressLimitExceeded',
    );
  });
});
