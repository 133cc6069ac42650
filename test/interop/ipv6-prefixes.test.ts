/**
 * IPv6 prefix delegation through the real clients: /80 prefixes on network interfaces
 * (CreateNetworkInterface, AssignIpv6Addresses, UnassignIpv6Addresses, RunInstances and launch
 * templates), their views (DescribeNetworkInterfaces ipv6PrefixSet, DescribeInstances
 * networkInterfaceSet.ipv6PrefixSet) and their limits.
 *
 * Sources, cited per test:
 * - [UG] EC2 User Guide, "Assign prefixes to network interfaces" (ec2-prefix-eni.md): the IPv6 prefix
 *   is /80, inside the subnet's CIDR, overlapping no other prefix or address in use; each prefix counts
 *   as one address against the per-interface limit; instances built on the Nitro System.
 * - [API] the EC2 API reference (service model documentation) of CreateNetworkInterface (Ipv6Prefixes,
 *   Ipv6PrefixCount: "can't specify … if you've specified … specific IPv6 addresses, or a count of IPv6
 *   addresses"), AssignIpv6Addresses (Ipv6Prefixes vs Ipv6PrefixCount only) and UnassignIpv6Addresses.
 * - [ref §x] /work/shared/reference/aws-behaviour.md sections (§3 Prefix delegation, §4.1, §4.11).
 * - [obs karpenter] RunInstances with both an IPv6 address count and an IPv6 prefix count:
 *   InvalidParameterValue "You can specify one and only one of ipv6Address or ipv6AddressCount or
 *   ipv6Prefix or ipv6PrefixCount in interfaces to create." (aws/karpenter-provider-aws#2187, #9201).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AssignIpv6AddressesCommand,
  CreateLaunchTemplateCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  DisassociateSubnetCidrBlockCommand,
  GetLaunchTemplateDataCommand,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  UnassignIpv6AddressesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { formatIpv6, nthSubCidr6, parseIpv6, parseIpv6Cidr } from '../../src/engine/cidr.js';
import { getEni, getInstance, IMAGE, invariants, refusedUnchanged, until, useHarness } from './harness.js';

interface Net {
  vpcId: string;
  /** Dual-stack: 10.0.1.0/24 and the VPC block's first /64. */
  subnetId: string;
  /** IPv4 only: 10.0.2.0/24. */
  v4SubnetId: string;
  ipv6Cidr: string;
  subnetAssociationId: string;
}

async function network(ec2: EC2Client): Promise<Net> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
  const ipv6Cidr = nthSubCidr6(parseIpv6Cidr(Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!)!, 64, 0).toString();
  const s1 = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.1.0/24', Ipv6CidrBlock: ipv6Cidr, AvailabilityZone: 'us-east-1a' }));
  const s2 = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1a' }));
  return {
    vpcId: Vpc!.VpcId!,
    subnetId: s1.Subnet!.SubnetId!,
    v4SubnetId: s2.Subnet!.SubnetId!,
    ipv6Cidr,
    subnetAssociationId: s1.Subnet!.Ipv6CidrBlockAssociationSet![0]!.AssociationId!,
  };
}

/** The n-th /80 of the subnet's /64, as AWS writes it. */
const nth80 = (net: Net, n: number) => nthSubCidr6(parseIpv6Cidr(net.ipv6Cidr)!, 80, n).toString();

/** Checks a prefix is an aligned /80 inside the subnet's /64 and returns it unchanged. */
function assertPrefix80(net: Net, text: string): string {
  const cidr = parseIpv6Cidr(text)!;
  assert.equal(cidr.prefix, 80, `${text} is a /80`);
  assert.equal(`${formatIpv6(cidr.base)}/80`, text, `${text} is written with its host bits zero`);
  const subnet = parseIpv6Cidr(net.ipv6Cidr)!;
  assert.ok(subnet.contains(cidr.base) && subnet.contains(cidr.last), `${text} inside ${net.ipv6Cidr}`);
  return text;
}

const prefixesOf = async (ec2: EC2Client, id: string) => ((await getEni(ec2, id)).Ipv6Prefixes ?? []).map((p) => p.Ipv6Prefix!).sort();

describe('IPv6 prefix delegation (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  let net: Net;
  beforeEach(async () => {
    net = await network(ec2);
  });

  it('CreateNetworkInterface with Ipv6PrefixCount: aligned /80s inside the subnet /64, shown as Ipv6Prefixes (SDK and CLI)', async () => {
    // [UG "The IPv6 prefix that you can specify is /80"; "The prefix is in the subnet CIDR"] [API CreateNetworkInterface Ipv6PrefixCount]
    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6PrefixCount: 2 }));
    const got = eni!.Ipv6Prefixes!.map((p) => assertPrefix80(net, p.Ipv6Prefix!));
    assert.equal(new Set(got).size, 2);
    // A prefix is no individual address: none is listed.
    assert.deepEqual(eni!.Ipv6Addresses ?? [], []);
    assert.deepEqual(await prefixesOf(ec2, eni!.NetworkInterfaceId!), [...got].sort());
    const out = await h.cli(['describe-network-interfaces', '--network-interface-ids', eni!.NetworkInterfaceId!]);
    assert.deepEqual(out.NetworkInterfaces[0].Ipv6Prefixes.map((p: { Ipv6Prefix: string }) => p.Ipv6Prefix).sort(), [...got].sort());
    await invariants(h);
  });

  it('CreateNetworkInterface with explicit Ipv6Prefixes (CLI, boto3); a prefix in use elsewhere is refused', async () => {
    // [UG "Manual assignment … AWS verifies that the prefix is not already assigned"] [API CreateNetworkInterface Ipv6Prefixes]
    const p1 = nth80(net, 5);
    const cli = await h.cli(['create-network-interface', '--subnet-id', net.subnetId, '--ipv6-prefixes', `Ipv6Prefix=${p1}`]);
    assert.deepEqual(cli.NetworkInterface.Ipv6Prefixes, [{ Ipv6Prefix: p1 }]);
    const p2 = nth80(net, 6);
    const b3 = await h.boto3(`result = ec2.create_network_interface(SubnetId='${net.subnetId}', Ipv6Prefixes=[{'Ipv6Prefix': '${p2}'}])['NetworkInterface']`);
    assert.deepEqual(b3.Ipv6Prefixes, [{ Ipv6Prefix: p2 }]);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: p1 }] })),
      'InvalidIPAddress.InUse',
    );
    await invariants(h);
  });

  it('CreateNetworkInterface refusals: not a /80, host bits set, outside the subnet, subnet without IPv6, two ways at once; nothing changed', async () => {
    const base = parseIpv6Cidr(net.ipv6Cidr)!.base;
    const bad = async (input: ConstructorParameters<typeof CreateNetworkInterfaceCommand>[0], code: string) =>
      refusedUnchanged(h, ec2, () => ec2.send(new CreateNetworkInterfaceCommand(input)), code);
    // [UG "The IPv6 prefix that you can specify is /80"]
    await bad(
      { SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: nthSubCidr6(parseIpv6Cidr(net.ipv6Cidr)!, 96, 70000).toString() }] },
      'InvalidParameterValue',
    );
    await bad({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: `${formatIpv6(base + (5n << 48n) + 1n)}/80` }] }, 'InvalidParameterValue');
    await bad({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: 'not-a-prefix' }] }, 'InvalidParameterValue');
    // [UG "The prefix is in the subnet CIDR of the network interface"]
    await bad({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: '2001:db8::/80' }] }, 'InvalidParameterValue');
    // [ref §4.11 "The subnet must have an IPv6 CIDR"]
    await bad({ SubnetId: net.v4SubnetId, Ipv6PrefixCount: 1 }, 'InvalidParameterValue');
    await bad({ SubnetId: net.v4SubnetId, Ipv6Prefixes: [{ Ipv6Prefix: nth80(net, 3) }] }, 'InvalidParameterValue');
    // [API CreateNetworkInterface: prefixes exclude a prefix count, specific IPv6 addresses and an address count]
    // [ref §4.1 "IPv6 group … violations → InvalidParameterCombination"]
    await bad({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: nth80(net, 3) }], Ipv6PrefixCount: 1 }, 'InvalidParameterCombination');
    await bad({ SubnetId: net.subnetId, Ipv6AddressCount: 1, Ipv6PrefixCount: 1 }, 'InvalidParameterCombination');
    await bad(
      { SubnetId: net.subnetId, Ipv6Addresses: [{ Ipv6Address: formatIpv6(base + 0x99n) }], Ipv6Prefixes: [{ Ipv6Prefix: nth80(net, 3) }] },
      'InvalidParameterCombination',
    );
    // The same prefix twice in one request.
    await bad({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: nth80(net, 3) }, { Ipv6Prefix: nth80(net, 3) }] }, 'InvalidParameterValue');
  });

  it('AssignIpv6Addresses by prefix count (SDK) and list (CLI) answers assignedIpv6PrefixSet; UnassignIpv6Addresses (boto3) answers unassignedIpv6PrefixSet', async () => {
    // [API AssignIpv6Addresses Ipv6PrefixCount / Ipv6Prefixes; output AssignedIpv6Prefixes] [ref §4.11 "only the new addresses"]
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
    const id = NetworkInterface!.NetworkInterfaceId!;
    const byCount = await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: id, Ipv6PrefixCount: 1 }));
    assert.equal(byCount.NetworkInterfaceId, id);
    assert.deepEqual(byCount.AssignedIpv6Addresses ?? [], []);
    assert.equal(byCount.AssignedIpv6Prefixes!.length, 1);
    const auto = assertPrefix80(net, byCount.AssignedIpv6Prefixes![0]!);
    const explicit = nth80(net, 9);
    const byList = await h.cli(['assign-ipv6-addresses', '--network-interface-id', id, '--ipv6-prefixes', explicit]);
    assert.deepEqual(byList.AssignedIpv6Prefixes, [explicit]);
    assert.deepEqual(await prefixesOf(ec2, id), [auto, explicit].sort());
    // [API UnassignIpv6Addresses Ipv6Prefixes; output UnassignedIpv6Prefixes] [ref §4.11]
    const un = await h.boto3(`result = ec2.unassign_ipv6_addresses(NetworkInterfaceId='${id}', Ipv6Prefixes=['${explicit}'])`);
    assert.deepEqual(un.UnassignedIpv6Prefixes, [explicit]);
    assert.deepEqual(await prefixesOf(ec2, id), [auto]);
    // A prefix not on the interface cannot be unassigned; the freed prefix can go to another interface.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: id, Ipv6Prefixes: [explicit] })),
      'InvalidParameterValue',
    );
    const { NetworkInterface: other } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: explicit }] }));
    assert.deepEqual(other!.Ipv6Prefixes, [{ Ipv6Prefix: explicit }]);
    await invariants(h);
  });

  it('AssignIpv6Addresses refusals: both prefix ways, neither way, count < 1, prefix in use, subnet without IPv6; nothing changed', async () => {
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: nth80(net, 2) }] }));
    const id = NetworkInterface!.NetworkInterfaceId!;
    const bad = (input: Omit<ConstructorParameters<typeof AssignIpv6AddressesCommand>[0], 'NetworkInterfaceId'>, code: string, eni = id) =>
      refusedUnchanged(h, ec2, () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eni, ...input })), code);
    // [API AssignIpv6Addresses "You cannot use this option if you use the Ipv6Prefixes option"]
    await bad({ Ipv6Prefixes: [nth80(net, 3)], Ipv6PrefixCount: 1 }, 'InvalidParameterCombination');
    // [API "You must specify either the IPv6 addresses or the IPv6 address count … or the IPv6 Prefix Delegation count"]
    await bad({}, 'MissingParameter');
    await bad({ Ipv6PrefixCount: 0 }, 'InvalidParameterValue');
    // Already delegated (to this very interface): [UG "does not overlap with other prefixes"]
    await bad({ Ipv6Prefixes: [nth80(net, 2)] }, 'InvalidIPAddress.InUse');
    const { NetworkInterface: v4 } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.v4SubnetId }));
    await bad({ Ipv6PrefixCount: 1 }, 'InvalidParameterValue', v4!.NetworkInterfaceId!);
    // All-or-nothing: a good prefix and one outside the subnet.
    await bad({ Ipv6Prefixes: [nth80(net, 4), '2001:db8::/80'] }, 'InvalidParameterValue');
  });

  it('an address inside a delegated prefix is not handed out, and a prefix holding an assigned address is refused', async () => {
    // [UG "does not overlap with other prefixes or IP addresses assigned to existing resources in the subnet"]
    const base = parseIpv6Cidr(net.ipv6Cidr)!.base;
    const { NetworkInterface: a } = await ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: nth80(net, 7) }] }),
    );
    const { NetworkInterface: b } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
    const inside = formatIpv6(base + (7n << 48n) + 0x1234n);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: b!.NetworkInterfaceId!, Ipv6Addresses: [inside] })),
      'InvalidIPAddress.InUse',
    );
    // The interface holding the prefix cannot take one of its addresses singly either.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a!.NetworkInterfaceId!, Ipv6Addresses: [inside] })),
      'InvalidIPAddress.InUse',
    );
    const single = formatIpv6(base + (8n << 48n) + 0x42n);
    await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: b!.NetworkInterfaceId!, Ipv6Addresses: [single] }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a!.NetworkInterfaceId!, Ipv6Prefixes: [nth80(net, 8)] })),
      'InvalidIPAddress.InUse',
    );
    // The /80 holding the subnet's reserved first addresses is never delegated.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: a!.NetworkInterfaceId!, Ipv6Prefixes: [nth80(net, 0)] })),
      'InvalidParameterValue',
    );
    await invariants(h);
  });

  it('each prefix counts as one address against the instance type’s per-interface IPv6 limit (t3.micro: 2)', async () => {
    // [UG "Each prefix that you assign to a network interface counts as one IP address"] [ref §3 Prefix delegation]
    // [ref §4.11 over the limit: PrivateIpAddressLimitExceeded] t3.micro: 2 IPv6 addresses per interface (instance-types.json).
    const r = await ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGE,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, Ipv6AddressCount: 1 }],
      }),
    );
    const eth0 = r.Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eth0, Ipv6PrefixCount: 1 }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eth0, Ipv6PrefixCount: 1 })),
      'PrivateIpAddressLimitExceeded',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eth0, Ipv6AddressCount: 1 })),
      'PrivateIpAddressLimitExceeded',
    );
    await invariants(h);
  });

  it('RunInstances NetworkInterfaces with Ipv6PrefixCount: the instance view shows networkInterfaceSet.ipv6PrefixSet, and the filter finds it', async () => {
    // [API RunInstances InstanceNetworkInterfaceSpecification.Ipv6PrefixCount] [ref §0 ipv6PrefixSet/item{ipv6Prefix}]
    const r = await ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGE,
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 1,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, Ipv6PrefixCount: 2 }],
      }),
    );
    const inst = r.Instances![0]!;
    const prefixes = inst.NetworkInterfaces![0]!.Ipv6Prefixes!.map((p) => assertPrefix80(net, p.Ipv6Prefix!));
    assert.equal(prefixes.length, 2);
    // DescribeInstances documents the filter network-interface.ipv6-prefixes.ipv6-prefix.
    const found = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'network-interface.ipv6-prefixes.ipv6-prefix', Values: [prefixes[1]!] }] }));
    assert.deepEqual(
      found.Reservations!.flatMap((x) => x.Instances!.map((i) => i.InstanceId)),
      [inst.InstanceId],
    );
    const cli = await h.cli(['describe-instances', '--instance-ids', inst.InstanceId!]);
    assert.deepEqual(
      cli.Reservations[0].Instances[0].NetworkInterfaces[0].Ipv6Prefixes.map((p: { Ipv6Prefix: string }) => p.Ipv6Prefix).sort(),
      [...prefixes].sort(),
    );
    await invariants(h);
  });

  it('RunInstances with an IPv6 address count and a prefix count on one interface: InvalidParameterValue, nothing launched', async () => {
    // [obs karpenter] "You can specify one and only one of ipv6Address or ipv6AddressCount or ipv6Prefix or ipv6PrefixCount in interfaces to create."
    await refusedUnchanged(
      h,
      ec2,
      () =>
        ec2.send(
          new RunInstancesCommand({
            ImageId: IMAGE,
            InstanceType: 'm5.large',
            MinCount: 1,
            MaxCount: 1,
            NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, Ipv6AddressCount: 1, Ipv6PrefixCount: 1 }],
          }),
        ),
      'InvalidParameterValue',
    );
  });

  it('RunInstances checks the IPv6 count, prefixes included, against the type (t3.micro: 2), and refuses explicit prefixes for several instances', async () => {
    // [UG "Each prefix … counts as one IP address"] [ref "ENI-specific" errors: InvalidInterface.IpAddressLimitExceeded "at launch"]
    const run = (spec: { Ipv6PrefixCount?: number; Ipv6Prefixes?: { Ipv6Prefix: string }[] }, count = 1) =>
      ec2.send(
        new RunInstancesCommand({
          ImageId: IMAGE,
          InstanceType: 't3.micro',
          MinCount: count,
          MaxCount: count,
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, ...spec }],
        }),
      );
    await refusedUnchanged(h, ec2, () => run({ Ipv6PrefixCount: 3 }), 'InvalidInterface.IpAddressLimitExceeded');
    // A type without IPv6 (m3.medium: IPv6 not supported in instance-types.json) takes no prefix.
    await refusedUnchanged(
      h,
      ec2,
      () =>
        ec2.send(
          new RunInstancesCommand({
            ImageId: IMAGE,
            InstanceType: 'm3.medium',
            MinCount: 1,
            MaxCount: 1,
            NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, Ipv6PrefixCount: 1 }],
          }),
        ),
      'InvalidInterface.IpAddressLimitExceeded',
    );
    // [ref §4.17 "PrivateIpAddress / PrivateIpAddresses / Ipv6Addresses cannot be used when launching more than one
    // instance"]; a specific prefix is a block of specific addresses.
    await refusedUnchanged(h, ec2, () => run({ Ipv6Prefixes: [{ Ipv6Prefix: nth80(net, 12) }] }, 2), 'InvalidParameterCombination');
    const r = await run({ Ipv6PrefixCount: 2 });
    assert.equal(r.Instances![0]!.NetworkInterfaces![0]!.Ipv6Prefixes!.length, 2);
    await invariants(h);
  });

  it('a stopped instance whose interface holds more prefixes than the new type allows keeps its type', async () => {
    // [EC2 User Guide, "Change the instance type": the new type must support the addresses] [UG "Each prefix … counts as
    // one IP address"]: three /80s on an m5.large interface do not fit a t3.micro (2 IPv6 addresses per interface).
    const r = await ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGE,
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 1,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, Ipv6PrefixCount: 3 }],
      }),
    );
    const id = r.Instances![0]!.InstanceId!;
    await until(
      () => getInstance(ec2, id),
      (i) => i.State!.Name === 'running',
      `${id} running`,
    );
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await until(
      () => getInstance(ec2, id),
      (i) => i.State!.Name === 'stopped',
      `${id} stopped`,
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't3.micro' } })),
      'InvalidParameterValue',
    );
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 'c5.large' } }));
  });

  it('a launch template whose interface carries Ipv6PrefixCount launches with the prefix delegated', async () => {
    // [API LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.Ipv6PrefixCount]; the VPC CNI's IPv6 mode and
    // Karpenter set it in templates (aws/karpenter-provider-aws#7275).
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'v6-nodes',
        LaunchTemplateData: { ImageId: IMAGE, InstanceType: 'm5.large', NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, Ipv6PrefixCount: 1 }] },
      }),
    );
    const r = await ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'v6-nodes' }, MinCount: 1, MaxCount: 1 }));
    const eth0 = r.Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const got = await prefixesOf(ec2, eth0);
    assert.equal(got.length, 1);
    assertPrefix80(net, got[0]!);
    // GetLaunchTemplateData gives the interface's prefixes back in the specification's Ipv6Prefixes
    // [API LaunchTemplateInstanceNetworkInterfaceSpecification.Ipv6Prefixes].
    const { LaunchTemplateData } = await ec2.send(new GetLaunchTemplateDataCommand({ InstanceId: r.Instances![0]!.InstanceId }));
    assert.deepEqual(LaunchTemplateData!.NetworkInterfaces![0]!.Ipv6Prefixes, [{ Ipv6Prefix: got[0] }]);
    await invariants(h);
  });

  it("the subnet's IPv6 block cannot be disassociated while a prefix is delegated from it", async () => {
    // [ref §4.11] a subnet block with addresses in use is not disassociated; a delegated prefix is addresses in use [UG].
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6PrefixCount: 1 }));
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: net.subnetAssociationId })),
      'InvalidParameterValue',
    );
    assert.ok(e);
    await ec2.send(
      new UnassignIpv6AddressesCommand({
        NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId!,
        Ipv6Prefixes: NetworkInterface!.Ipv6Prefixes!.map((p) => p.Ipv6Prefix!),
      }),
    );
    await ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: net.subnetAssociationId }));
    await invariants(h);
  });

  it('explicit prefixes are compared by value: another spelling of the same /80 is the same prefix', async () => {
    // RFC 5952 spellings: AWS answers the canonical form (what its Describe output shows).
    const p = nth80(net, 11);
    const base = parseIpv6(p.split('/')[0]!)!;
    const longhand = `${[...Array(8)].map((_, i) => ((base >> BigInt(112 - 16 * i)) & 0xffffn).toString(16).padStart(4, '0')).join(':')}/80`;
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6Prefixes: [{ Ipv6Prefix: longhand }] }));
    assert.deepEqual(NetworkInterface!.Ipv6Prefixes, [{ Ipv6Prefix: p }]);
    const un = await ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId!, Ipv6Prefixes: [longhand] }));
    assert.deepEqual(un.UnassignedIpv6Prefixes, [p]);
  });
});
