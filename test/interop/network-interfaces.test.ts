/**
 * Network interfaces through the real clients (SDK v3, AWS CLI, boto3): CreateNetworkInterface,
 * DescribeNetworkInterfaces (ids, every filter, pagination), Modify/Describe/Reset attribute,
 * DeleteNetworkInterface.
 *
 * Sources, cited per test:
 * - [notes] the user's ENI notes, /work/shared/reference/eni-notes.md (section named)
 * - [ref §x] /work/shared/reference/aws-behaviour.md
 * - [doc] the EC2 API reference / User Guide page named
 *
 * Every error test on a state-changing call also checks that nothing changed: the whole
 * describe view (interfaces, subnets, addresses) before and after, and /_ec2net/invariants.
 *
 * Groups come from CreateSecurityGroup and attachments from RunInstances + AttachNetworkInterface,
 * all through the SDK: nothing is written behind the API's back.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ResetNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  paginateDescribeNetworkInterfaces,
  type EC2Client,
  type Filter,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import { nthSubCidr6, parseIpv4, parseIpv4Cidr, parseIpv6, parseIpv6Cidr } from '../../src/engine/cidr.js';
import { attachNewGateway, expectCode, invariants, refusedUnchanged, useHarness, until } from './harness.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

// ---- helpers (each interop file keeps its own: the harness is shared, helpers are not) ---------

interface Net {
  vpcId: string;
  subnetId: string;
  ipv6Cidr?: string;
}

/** A VPC and one subnet in it (optionally dual-stack: Amazon /56 on the VPC, a /64 of it on the subnet). */
async function network(ec2: EC2Client, vpcCidr: string, subnetCidr: string, opts: { ipv6?: boolean; zone?: string } = {}): Promise<Net> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr, AmazonProvidedIpv6CidrBlock: opts.ipv6 }));
  let ipv6Cidr: string | undefined;
  if (opts.ipv6) {
    const block = Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    ipv6Cidr = nthSubCidr6(parseIpv6Cidr(block)!, 64, 1).toString();
  }
  const { Subnet } = await ec2.send(
    new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: subnetCidr, Ipv6CidrBlock: ipv6Cidr, AvailabilityZone: opts.zone ?? 'us-east-1a' }),
  );
  return { vpcId: Vpc!.VpcId!, subnetId: Subnet!.SubnetId!, ipv6Cidr };
}

async function available(ec2: EC2Client, subnetId: string): Promise<number> {
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
  return Subnets![0]!.AvailableIpAddressCount!;
}

async function getEni(ec2: EC2Client, id: string): Promise<NetworkInterface> {
  const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
  assert.equal(NetworkInterfaces!.length, 1);
  return NetworkInterfaces![0]!;
}

async function defaultGroupId(ec2: EC2Client, vpcId: string): Promise<string> {
  const { SecurityGroups } = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: ['default'] },
      ],
    }),
  );
  assert.equal(SecurityGroups!.length, 1);
  return SecurityGroups![0]!.GroupId!;
}

async function makeGroup(ec2: EC2Client, vpcId: string, name: string): Promise<string> {
  return (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: `${name} group` }))).GroupId!;
}

async function makeGroups(ec2: EC2Client, vpcId: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(await makeGroup(ec2, vpcId, `g${i}`));
  return out;
}

/** Polls until `probe` returns something `ok` accepts (50 ms apart, 5 s at most). */

/** Launches a t3.micro in `subnetId` and hot-attaches `eniId` at device index 1; returns the instance id. */
async function attachToNewInstance(ec2: EC2Client, subnetId: string, eniId: string): Promise<{ instanceId: string; attachmentId: string }> {
  const r = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId }),
  );
  const instanceId = r.Instances![0]!.InstanceId!;
  await until(
    () => ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    (d) => d.Reservations![0]!.Instances![0]!.State!.Name === 'running',
    `${instanceId} running`,
  );
  const { AttachmentId } = await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: instanceId, DeviceIndex: 1 }));
  await until(
    () => getEni(ec2, eniId),
    (e) => e.Status === 'in-use',
    `${eniId} in-use`,
  );
  return { instanceId, attachmentId: AttachmentId! };
}

const ids = (list: NetworkInterface[] | undefined) => (list ?? []).map((e) => e.NetworkInterfaceId!).sort();

/** Offset of an address inside a CIDR. */
const offsetIn = (cidr: string, ip: string) => parseIpv4(ip)! - parseIpv4Cidr(cidr)!.base;

describe('CreateNetworkInterface (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('defaults: auto primary (not reserved), eni-+17 hex, 02: MAC, default group, SourceDestCheck true, RequesterManaged false, available', async () => {
    // [ref §4.1 Defaults] [ref §1 Resource IDs, Other value formats] [ref §2 Default security group]
    // [notes "You can specify exactly which IP ... or leave AWS assign one automatically"]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const free = await available(ec2, net.subnetId);
    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
    assert.match(eni!.NetworkInterfaceId!, /^eni-[0-9a-f]{17}$/);
    assert.match(eni!.MacAddress!, /^02(:[0-9a-f]{2}){5}$/);
    const off = offsetIn('10.0.1.0/24', eni!.PrivateIpAddress!);
    assert.ok(off >= 4 && off <= 254, `primary ${eni!.PrivateIpAddress} is a reserved address`);
    assert.equal(eni!.PrivateIpAddresses!.length, 1);
    assert.equal(eni!.PrivateIpAddresses![0]!.Primary, true);
    assert.equal(eni!.PrivateIpAddresses![0]!.PrivateIpAddress, eni!.PrivateIpAddress);
    assert.equal(eni!.PrivateDnsName, `ip-${eni!.PrivateIpAddress!.replaceAll('.', '-')}.ec2.internal`);
    assert.equal(eni!.SubnetId, net.subnetId);
    assert.equal(eni!.VpcId, net.vpcId);
    assert.equal(eni!.AvailabilityZone, 'us-east-1a');
    assert.equal(eni!.OwnerId, ACCOUNT);
    assert.equal(eni!.SourceDestCheck, true);
    assert.equal(eni!.RequesterManaged, false);
    assert.equal(eni!.Status, 'available');
    assert.equal(eni!.InterfaceType, 'interface');
    assert.equal(eni!.Attachment, undefined);
    assert.equal(eni!.Groups!.length, 1);
    assert.equal(eni!.Groups![0]!.GroupName, 'default');
    assert.equal(eni!.Groups![0]!.GroupId, await defaultGroupId(ec2, net.vpcId));
    // Every assigned private IP consumes one address [ref §3 Reserved addresses].
    assert.equal(await available(ec2, net.subnetId), free - 1);
    await invariants(h);
  });

  it('auto-assigned primaries never take a reserved address (.0-.3, last), even when the /28 fills up', async () => {
    // [ref §3 Reserved addresses]: 5 reserved per subnet; a /28 has 11 usable.
    const net = await network(ec2, '10.0.0.0/16', '10.0.2.0/28');
    assert.equal(await available(ec2, net.subnetId), 11);
    const got: string[] = [];
    for (let i = 0; i < 11; i++) {
      const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
      got.push(NetworkInterface!.PrivateIpAddress!);
    }
    const offsets = got.map((ip) => offsetIn('10.0.2.0/28', ip)).sort((a, b) => a - b);
    assert.deepEqual(offsets, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert.equal(await available(ec2, net.subnetId), 0);
    // The 12th: InsufficientFreeAddressesInSubnet [ref §3 Subnet exhaustion], nothing created.
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId })),
      'InsufficientFreeAddressesInSubnet',
    );
    assert.equal(e.message, 'The specified subnet does not have enough free addresses to satisfy the request.');
  });

  it('primary + 20 secondaries in a /28 (11 usable): InsufficientFreeAddressesInSubnet, nothing half-created', async () => {
    // [ref §3 Subnet exhaustion] [ref §4.9 "All-or-nothing"] [ARCHITECTURE: validate first, then apply]
    const net = await network(ec2, '10.0.0.0/16', '10.0.2.0/28');
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: '10.0.2.4' }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: 20 })),
      'InsufficientFreeAddressesInSubnet',
    );
    // Exactly what is left still fits: primary + 9 secondaries = the 10 free addresses.
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: 9 }));
    assert.equal(NetworkInterface!.PrivateIpAddresses!.length, 10);
    assert.equal(await available(ec2, net.subnetId), 0);
    await invariants(h);
  });

  it('explicit PrivateIpAddress through the AWS CLI', async () => {
    // [notes "You can specify exactly which IP address in the subnet"] [ref §0 CreateNetworkInterface PrivateIpAddress]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const out = await h.cli(['create-network-interface', '--subnet-id', net.subnetId, '--private-ip-address', '10.0.1.77', '--description', 'cli eni']);
    assert.equal(out.NetworkInterface.PrivateIpAddress, '10.0.1.77');
    assert.equal(out.NetworkInterface.Description, 'cli eni');
    assert.deepEqual(
      out.NetworkInterface.PrivateIpAddresses.map((p: any) => [p.PrivateIpAddress, p.Primary]),
      [['10.0.1.77', true]],
    );
    await invariants(h);
  });

  it('PrivateIpAddresses with exactly one Primary, through boto3', async () => {
    // [ref §0 PrivateIpAddresses.N.{PrivateIpAddress,Primary}] [doc PrivateIpAddressSpecification: "Only one IPv4 address can be designated as primary"]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const eni = await h.boto3(`
r = ec2.create_network_interface(SubnetId='${net.subnetId}', PrivateIpAddresses=[
  {'PrivateIpAddress': '10.0.1.21', 'Primary': False},
  {'PrivateIpAddress': '10.0.1.20', 'Primary': True},
  {'PrivateIpAddress': '10.0.1.22', 'Primary': False}])
result = r['NetworkInterface']`);
    assert.equal(eni.PrivateIpAddress, '10.0.1.20');
    const byIp = Object.fromEntries(eni.PrivateIpAddresses.map((p: any) => [p.PrivateIpAddress, p.Primary]));
    assert.deepEqual(byIp, { '10.0.1.20': true, '10.0.1.21': false, '10.0.1.22': false });
    assert.equal(eni.PrivateIpAddresses[0].PrivateIpAddress, '10.0.1.20', 'the primary is listed first');
    await invariants(h);
  });

  it('two Primary entries, or PrivateIpAddress disagreeing with the Primary entry, are refused and change nothing', async () => {
    // [ref §4.1 "PrivateIpAddress plus a Primary=true entry ... is not allowed (only one primary)"]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    await refusedUnchanged(
      h,
      ec2,
      () =>
        ec2.send(
          new CreateNetworkInterfaceCommand({
            SubnetId: net.subnetId,
            PrivateIpAddresses: [
              { PrivateIpAddress: '10.0.1.20', Primary: true },
              { PrivateIpAddress: '10.0.1.21', Primary: true },
            ],
          }),
        ),
      'InvalidParameterValue',
    );
    await refusedUnchanged(
      h,
      ec2,
      () =>
        ec2.send(
          new CreateNetworkInterfaceCommand({
            SubnetId: net.subnetId,
            PrivateIpAddress: '10.0.1.30',
            PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.20', Primary: true }],
          }),
        ),
      'InvalidParameterCombination',
    );
  });

  it('SecondaryPrivateIpAddressCount: that many secondaries, each consuming an address', async () => {
    // [ref §3 "+2 for count=2"] [ref §4.1]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const free = await available(ec2, net.subnetId);
    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: 3 }));
    const addrs = eni!.PrivateIpAddresses!;
    assert.equal(addrs.length, 4);
    assert.deepEqual(
      addrs.map((a) => a.Primary),
      [true, false, false, false],
    );
    assert.equal(new Set(addrs.map((a) => a.PrivateIpAddress)).size, 4);
    for (const a of addrs) {
      const off = offsetIn('10.0.1.0/24', a.PrivateIpAddress!);
      assert.ok(off >= 4 && off <= 254);
    }
    assert.equal(await available(ec2, net.subnetId), free - 4);
    await invariants(h);
  });

  it('Ipv6AddressCount: addresses from the subnet /64 (a /64 of the VPC Amazon /56), never reserved', async () => {
    // [ref §3 IPv6]: VPC /56, subnet /64, 5 reserved (::, ::1, ::2, ::3, last). [ref §0 Ipv6AddressCount]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24', { ipv6: true });
    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6AddressCount: 3 }));
    const v6 = eni!.Ipv6Addresses!.map((a) => a.Ipv6Address!);
    assert.equal(v6.length, 3);
    assert.equal(new Set(v6).size, 3);
    const cidr = parseIpv6Cidr(net.ipv6Cidr!)!;
    for (const a of v6) {
      const n = parseIpv6(a)!;
      assert.ok(cidr.contains(n), `${a} outside ${net.ipv6Cidr}`);
      const off = n - cidr.base;
      assert.ok(off > 3n && off < (1n << 64n) - 1n, `${a} is reserved`);
    }
    // Seen the same way by the CLI, including the ipv6 filter.
    const out = await h.cli(['describe-network-interfaces', '--filters', `Name=ipv6-addresses.ipv6-address,Values=${v6[1]}`]);
    assert.deepEqual(
      out.NetworkInterfaces.map((e: any) => e.NetworkInterfaceId),
      [eni!.NetworkInterfaceId],
    );
    await invariants(h);
  });

  it('Ipv6AddressCount in a subnet without IPv6 is refused and changes nothing', async () => {
    // [ref §4.11 "The subnet must have an IPv6 CIDR"]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    await refusedUnchanged(h, ec2, () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv6AddressCount: 1 })), 'InvalidParameterValue');
  });

  it('Ipv4PrefixCount: an aligned /28 inside the subnet, 16 addresses used, via boto3', async () => {
    // [ref §3 Prefix delegation]: IPv4 prefix is /28, inside the subnet, no overlap.
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const free = await available(ec2, net.subnetId);
    const eni = await h.boto3(`result = ec2.create_network_interface(SubnetId='${net.subnetId}', Ipv4PrefixCount=1)['NetworkInterface']`);
    assert.equal(eni.Ipv4Prefixes.length, 1);
    const prefix = eni.Ipv4Prefixes[0].Ipv4Prefix as string;
    const cidr = parseIpv4Cidr(prefix)!;
    assert.equal(cidr.prefix, 28);
    assert.equal(cidr.base % 16, 0);
    assert.ok(parseIpv4Cidr('10.0.1.0/24')!.containsCidr(cidr));
    // The prefix holds no reserved address and not the primary.
    assert.ok(!cidr.contains(parseIpv4('10.0.1.0')!) && !cidr.contains(parseIpv4('10.0.1.255')!));
    assert.ok(!cidr.contains(parseIpv4(eni.PrivateIpAddress)!));
    assert.equal(await available(ec2, net.subnetId), free - 1 - 16);
    await invariants(h);
  });

  it('Description and TagSpecifications are kept and shown', async () => {
    // [notes "Attributes: A description"] [ref §0 TagSpecification.N.*]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const { NetworkInterface: eni } = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: net.subnetId,
        Description: 'failover target',
        TagSpecifications: [
          {
            ResourceType: 'network-interface',
            Tags: [
              { Key: 'Name', Value: 'eth1' },
              { Key: 'role', Value: 'standby' },
            ],
          },
        ],
      }),
    );
    assert.equal(eni!.Description, 'failover target');
    assert.deepEqual(eni!.TagSet, [
      { Key: 'Name', Value: 'eth1' },
      { Key: 'role', Value: 'standby' },
    ]);
    const seen = await h.boto3(`result = ec2.describe_network_interfaces(NetworkInterfaceIds=['${eni!.NetworkInterfaceId}'])['NetworkInterfaces'][0]`);
    assert.equal(seen.Description, 'failover target');
    assert.deepEqual(seen.TagSet, [
      { Key: 'Name', Value: 'eth1' },
      { Key: 'role', Value: 'standby' },
    ]);
  });

  it('each created interface gets a distinct MAC address', async () => {
    // [notes "Attributes: A MAC address"] [ref §1 MAC address]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const macs = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
      macs.add(NetworkInterface!.MacAddress!);
    }
    assert.equal(macs.size, 20);
  });

  it('explicit groups (up to 5) in the same VPC; a 6th is SecurityGroupsPerInterfaceLimitExceeded, nothing created', async () => {
    // [notes "Attributes: Up to 5 security groups"] [ref §4 Quotas: 5 per ENI, SecurityGroupsPerInterfaceLimitExceeded]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const groups = await makeGroups(ec2, net.vpcId, 6);
    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Groups: groups.slice(0, 5) }));
    assert.deepEqual(
      eni!.Groups!.map((g) => g.GroupId),
      groups.slice(0, 5),
    );
    assert.deepEqual(
      eni!.Groups!.map((g) => g.GroupName),
      ['g1', 'g2', 'g3', 'g4', 'g5'],
    );
    const e = await refusedUnchanged(
      h,
      ec2,
      () => h.cli(['create-network-interface', '--subnet-id', net.subnetId, '--groups', ...groups]),
      'SecurityGroupsPerInterfaceLimitExceeded',
    );
    assert.match(e.message, /The maximum number of security groups per interface has been reached/);
  });

  it('a group from another VPC is refused, nothing created; an unknown group is InvalidGroup.NotFound', async () => {
    // [notes "Security groups apply to network interfaces"] [ref §5 Security groups "Must be in the same VPC"]
    // [ref §8 InvalidParameter "e.g. SG and subnet in different VPCs"; observed RunInstances message
    // "Security group sg-x and subnet subnet-y belong to different networks."]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const other = await network(ec2, '10.1.0.0/16', '10.1.1.0/24');
    const foreign = await makeGroup(ec2, other.vpcId, 'foreign');
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Groups: [foreign] })),
      'InvalidParameter',
    );
    assert.match(e.message, /belong to different networks/);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Groups: ['sg-0123456789abcdef0'] })),
      'InvalidGroup.NotFound',
    );
  });

  it('explicit address outside the subnet, reserved, or in use: AWS errors, nothing created', async () => {
    // [ref §4.1 Errors: InvalidParameterValue (outside subnet), InvalidIPAddress.InUse (taken)] [ref §3 Reserved addresses]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: '10.0.1.50' }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: '10.0.2.50' })),
      'InvalidParameterValue',
    );
    for (const reserved of ['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.255']) {
      await refusedUnchanged(
        h,
        ec2,
        () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: reserved })),
        'InvalidParameterValue',
      );
    }
    const e = await refusedUnchanged(
      h,
      ec2,
      () => h.boto3(`ec2.create_network_interface(SubnetId='${net.subnetId}', PrivateIpAddress='10.0.1.50')`),
      'InvalidIPAddress.InUse',
    );
    assert.match(e.message, /10\.0\.1\.50 is in use/);
    // An in-use address among the secondaries: nothing is created either (the primary is not kept).
    await refusedUnchanged(
      h,
      ec2,
      () =>
        ec2.send(
          new CreateNetworkInterfaceCommand({
            SubnetId: net.subnetId,
            PrivateIpAddresses: [
              { PrivateIpAddress: '10.0.1.60', Primary: true },
              { PrivateIpAddress: '10.0.1.50', Primary: false },
            ],
          }),
        ),
      'InvalidIPAddress.InUse',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: 'not-an-ip' })),
      'InvalidParameterValue',
    );
  });

  it('unknown or malformed subnet: InvalidSubnetID.NotFound / .Malformed', async () => {
    // [ref §4.1 Errors: InvalidSubnetID.NotFound "The subnet ID 'subnet-x' does not exist"] [ref §8]
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: 'subnet-0123456789abcdef0' })),
      'InvalidSubnetID.NotFound',
    );
    assert.equal(e.message, "The subnet ID 'subnet-0123456789abcdef0' does not exist");
    await refusedUnchanged(h, ec2, () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: 'vpc-0123456789abcdef0' })), 'InvalidSubnetID.Malformed');
  });

  it('ClientToken: the same token and request returns the same interface; different parameters are IdempotentParameterMismatch', async () => {
    // [doc EC2 API "Ensuring idempotency"] [ref §0 CreateNetworkInterface ClientToken; §8 IdempotentParameterMismatch]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const args = ['create-network-interface', '--subnet-id', net.subnetId, '--description', 'idem', '--client-token', 'token-1'];
    const first = await h.cli(args);
    const again = await h.cli(args);
    assert.equal(again.NetworkInterface.NetworkInterfaceId, first.NetworkInterface.NetworkInterfaceId);
    assert.equal(again.NetworkInterface.PrivateIpAddress, first.NetworkInterface.PrivateIpAddress);
    assert.equal(first.ClientToken, 'token-1');
    // The SDK with the same token and parameters: still the one interface.
    const sdk = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Description: 'idem', ClientToken: 'token-1' }));
    assert.equal(sdk.NetworkInterface!.NetworkInterfaceId, first.NetworkInterface.NetworkInterfaceId);
    assert.equal((await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces!.length, 1);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Description: 'different', ClientToken: 'token-1' })),
      'IdempotentParameterMismatch',
    );
    // Tokens are per account: another account may use the same token for its own interface.
    const otherEc2 = h.ec2(REGION, '210987654321');
    const { Subnets } = await otherEc2.send(new DescribeSubnetsCommand({}));
    const other = await otherEc2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnets![0]!.SubnetId!, ClientToken: 'token-1' }));
    assert.notEqual(other.NetworkInterface!.NetworkInterfaceId, first.NetworkInterface.NetworkInterfaceId);
  });

  it('a refused create does not burn its ClientToken', async () => {
    // [doc "Ensuring idempotency": a token identifies a request that succeeded]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: '10.0.1.9' }));
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: '10.0.1.9', ClientToken: 'retry-me' })),
      'InvalidIPAddress.InUse',
    );
    const ok = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: '10.0.1.10', ClientToken: 'retry-me' }));
    assert.equal(ok.NetworkInterface!.PrivateIpAddress, '10.0.1.10');
  });
});

describe('DescribeNetworkInterfaces (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('by ids; unknown → InvalidNetworkInterfaceID.NotFound; malformed → InvalidNetworkInterfaceId.Malformed', async () => {
    // [ref §4.3 "An unknown or deleted ID ... → InvalidNetworkInterfaceID.NotFound ... fails rather than filtering"]
    // [ref §1 Malformed-ID codes: lower-case d in InvalidNetworkInterfaceId.Malformed]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const a = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }))).NetworkInterface!.NetworkInterfaceId!;
    const b = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }))).NetworkInterface!.NetworkInterfaceId!;
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
    const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [a, b] }));
    assert.deepEqual(ids(NetworkInterfaces), [a, b].sort());
    const e = await expectCode(
      ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [a, 'eni-0123456789abcdef0'] })),
      'InvalidNetworkInterfaceID.NotFound',
    );
    assert.equal(e.message, "The networkInterface ID 'eni-0123456789abcdef0' does not exist");
    await expectCode(h.cli(['describe-network-interfaces', '--network-interface-ids', 'eni-nothex!']), 'InvalidNetworkInterfaceId.Malformed');
    await expectCode(h.boto3(`ec2.describe_network_interfaces(NetworkInterfaceIds=['subnet-0123456789abcdef0'])`), 'InvalidNetworkInterfaceId.Malformed');
  });

  it('every filter matches what it should and nothing else (SDK and boto3), with wildcards', async () => {
    // [ref §4.3 Filters] [model DescribeNetworkInterfacesRequest.Filters doc] [doc "Filter": * and ?, case-sensitive, whole value]
    // Three interfaces: a (rich: secondary, IPv6, EIPs, custom group, tags, attached at device 1), b (plain, another
    // VPC and zone), p (the eth0 RunInstances made for the instance a is attached to; in a second subnet of a's VPC).
    const n1 = await network(ec2, '10.0.0.0/16', '10.0.1.0/24', { ipv6: true, zone: 'us-east-1a' });
    await attachNewGateway(ec2, n1.vpcId); // the Elastic IPs below need a gateway [ref §4.13]
    const n2 = await network(ec2, '10.1.0.0/16', '10.1.1.0/24', { zone: 'us-east-1b' });
    const { Subnet: launchSubnet } = await ec2.send(new CreateSubnetCommand({ VpcId: n1.vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1a' }));
    const web = await makeGroup(ec2, n1.vpcId, 'web');
    const { NetworkInterface: A } = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: n1.subnetId,
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.0.1.10', Primary: true },
          { PrivateIpAddress: '10.0.1.11', Primary: false },
        ],
        Ipv6AddressCount: 1,
        Description: 'web server eth1',
        Groups: [web],
        TagSpecifications: [
          {
            ResourceType: 'network-interface',
            Tags: [
              { Key: 'Name', Value: 'alpha' },
              { Key: 'team', Value: 'blue' },
            ],
          },
        ],
      }),
    );
    const { NetworkInterface: B } = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: n2.subnetId,
        TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'beta' }] }],
      }),
    );
    const a = A!.NetworkInterfaceId!;
    const b = B!.NetworkInterfaceId!;
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: a, SourceDestCheck: { Value: false } }));
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const as1 = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e2.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.11' }));
    const { instanceId, attachmentId } = await attachToNewInstance(ec2, launchSubnet!.SubnetId!, a);
    const attached = await getEni(ec2, a);
    const attachTime = attached.Attachment!.AttachTime!.toISOString();
    const P = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [launchSubnet!.SubnetId!] }] })))
      .NetworkInterfaces!;
    assert.equal(P.length, 1);
    const p = P[0]!.NetworkInterfaceId!;
    const v6 = A!.Ipv6Addresses![0]!.Ipv6Address!;
    const dash = (ip: string) => ip.replaceAll('.', '-');
    const defaultB = await defaultGroupId(ec2, n2.vpcId);
    const defaultA = await defaultGroupId(ec2, n1.vpcId);

    // [filter name, values, expected ids]. Every filter of networkInterfaceFilters has a positive
    // and a negative row; filters whose positive case needs something ec2net cannot make yet
    // (managed interfaces, requester ids) are noted.
    const all = [a, b, p].sort();
    const ap = [a, p].sort();
    const rows: [string, string[], string[]][] = [
      ['addresses.private-ip-address', ['10.0.1.11'], [a]],
      ['addresses.private-ip-address', ['10.0.1.*'], [a]],
      ['addresses.private-ip-address', ['10.9.9.9'], []],
      ['addresses.primary', ['false'], [a]],
      ['addresses.primary', ['true'], all],
      ['addresses.primary', ['yes'], []],
      ['addresses.association.public-ip', [e2.PublicIp!], [a]],
      ['addresses.association.public-ip', ['203.0.113.9'], []],
      ['addresses.association.owner-id', [ACCOUNT], [a]],
      ['addresses.association.owner-id', ['amazon'], []],
      ['association.association-id', [as1.AssociationId!], [a]],
      ['association.association-id', ['eipassoc-0123456789abcdef0'], []],
      ['association.allocation-id', [e1.AllocationId!], [a]],
      ['association.allocation-id', ['eipalloc-0123456789abcdef0'], []],
      ['association.ip-owner-id', [ACCOUNT], [a]],
      ['association.ip-owner-id', ['amazon'], []],
      ['association.public-ip', [e1.PublicIp!], [a]],
      ['association.public-ip', ['203.0.113.9'], []],
      ['association.public-dns-name', [`ec2-${dash(e1.PublicIp!)}.compute-1.amazonaws.com`], [a]],
      ['association.public-dns-name', ['ec2-*.compute-1.amazonaws.com'], [a]],
      ['association.public-dns-name', ['*.eu-west-1.compute.amazonaws.com'], []],
      ['attachment.attachment-id', [attachmentId], [a]],
      ['attachment.attachment-id', ['eni-attach-00000000000000000'], []],
      ['attachment.attach-time', [attachTime], [a]],
      ['attachment.attach-time', [`${attachTime.slice(0, 4)}-*`], ap],
      ['attachment.attach-time', ['1999-*'], []],
      ['attachment.delete-on-termination', ['false'], [a]],
      ['attachment.delete-on-termination', ['true'], [p]],
      ['attachment.delete-on-termination', ['yes'], []],
      ['attachment.device-index', ['1'], [a]],
      ['attachment.device-index', ['0'], [p]],
      ['attachment.device-index', ['5'], []],
      ['attachment.instance-id', [instanceId], ap],
      ['attachment.instance-id', ['i-*'], ap],
      ['attachment.instance-id', ['i-00000000000000000'], []],
      ['attachment.instance-owner-id', [ACCOUNT], ap],
      ['attachment.instance-owner-id', ['999999999999'], []],
      ['attachment.network-card-index', ['0'], ap],
      ['attachment.network-card-index', ['1'], []],
      ['attachment.status', ['attached'], ap],
      ['attachment.status', ['detached', 'attaching'], []],
      ['availability-zone', ['us-east-1a'], ap],
      ['availability-zone', ['us-east-1?'], all],
      ['availability-zone', ['us-east-1f'], []],
      ['availability-zone-id', [A!.AvailabilityZoneId!], ap],
      ['availability-zone-id', ['use1-az*'], all],
      ['availability-zone-id', ['usw2-az1'], []],
      ['description', ['web server eth1'], [a]],
      ['description', ['web*'], [a]],
      ['description', ['*eth?'], [a]],
      ['description', ['web'], []],
      ['description', ['WEB SERVER ETH1'], []],
      ['group-id', [web], [a]],
      ['group-id', [defaultB], [b]],
      ['group-id', [defaultA], [p]],
      ['group-id', ['sg-0123456789abcdef0'], []],
      ['group-name', ['web'], [a]],
      ['group-name', ['default'], [b, p].sort()],
      ['group-name', ['w?b', 'def*'], all],
      ['group-name', ['nope'], []],
      ['ipv6-addresses.ipv6-address', [v6], [a]],
      ['ipv6-addresses.ipv6-address', ['2001:db8::1'], []],
      ['ipv6-address', [v6], [a]],
      ['ipv6-address', ['2001:db8::1'], []],
      ['interface-type', ['interface'], all],
      ['interface-type', ['efa', 'trunk'], []],
      ['mac-address', [A!.MacAddress!], [a]],
      ['mac-address', ['02:*'], all],
      ['mac-address', ['0e:49:61:0f:c3:11'], []],
      ['network-interface-id', [a], [a]],
      ['network-interface-id', ['eni-*'], all],
      ['network-interface-id', ['eni-0123456789abcdef0'], []],
      ['operator.managed', ['false'], all],
      ['operator.managed', ['true'], []],
      // operator.principal: only managed interfaces have one; ec2net has none, so only the negative case.
      ['operator.principal', ['*'], []],
      ['owner-id', [ACCOUNT], all],
      ['owner-id', ['999999999999'], []],
      ['private-ip-address', ['10.0.1.10'], [a]],
      ['private-ip-address', [B!.PrivateIpAddress!, '10.0.1.10'], [a, b].sort()],
      ['private-ip-address', ['10.0.1.12'], []],
      ['private-dns-name', ['ip-10-0-1-10.ec2.internal'], [a]],
      ['private-dns-name', ['ip-10-1-*'], [b]],
      ['private-dns-name', ['ip-10-0-1-10.us-east-1.compute.internal'], []],
      // requester-id: the creator of an interface made by CreateNetworkInterface (the account's user,
      // AIDA…); an instance's own primary interface has none.
      ['requester-id', ['AIDA*'], [a, b].sort()],
      ['requester-id', ['AROA*'], []],
      ['requester-managed', ['false'], all],
      ['requester-managed', ['true'], []],
      ['source-dest-check', ['false'], [a]],
      ['source-dest-check', ['true'], [b, p].sort()],
      ['source-dest-check', ['False'], []],
      ['status', ['in-use'], ap],
      ['status', ['available'], [b]],
      ['status', ['pending'], []],
      ['subnet-id', [n1.subnetId], [a]],
      ['subnet-id', ['subnet-0123456789abcdef0'], []],
      ['vpc-id', [n2.vpcId], [b]],
      ['vpc-id', [n1.vpcId], ap],
      ['vpc-id', ['vpc-*'], all],
      ['vpc-id', ['vpc-0123456789abcdef0'], []],
      ['tag:Name', ['alpha'], [a]],
      ['tag:Name', ['?eta'], [b]],
      ['tag:Name', ['gamma'], []],
      ['tag:name', ['alpha'], []],
      ['tag-key', ['team'], [a]],
      ['tag-key', ['Name'], [a, b].sort()],
      ['tag-key', ['owner'], []],
      ['tag-value', ['blue'], [a]],
      ['tag-value', ['b*'], [a, b].sort()],
      ['tag-value', ['red'], []],
    ];
    for (const [name, values, expected] of rows) {
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: name, Values: values }] }));
      assert.deepEqual(ids(NetworkInterfaces), [...expected].sort(), `SDK filter ${name}=${values.join(',')}`);
    }
    // Every filter the API declares is covered by at least one positive and one negative row above.
    const { networkInterfaceFilters } = await import('../../src/api/network-interfaces.js');
    const declared = Object.keys(networkInterfaceFilters(h.server.cloud().region(ACCOUNT, REGION)).getters);
    const positive = new Set(rows.filter((r) => r[2].length > 0).map((r) => r[0]));
    const negative = new Set(rows.filter((r) => r[2].length === 0).map((r) => r[0]));
    for (const name of declared) {
      assert.ok(negative.has(name), `no negative row for ${name}`);
      if (name !== 'operator.principal') assert.ok(positive.has(name), `no positive row for ${name}`);
    }
    // The same table through boto3 in one process.
    const mismatches = await h.boto3(`
rows = json.loads(${JSON.stringify(JSON.stringify(rows))})
result = []
for name, values, expected in rows:
    got = sorted(e['NetworkInterfaceId'] for e in ec2.describe_network_interfaces(Filters=[{'Name': name, 'Values': values}])['NetworkInterfaces'])
    if got != sorted(expected):
        result.append([name, values, got])`);
    assert.deepEqual(mismatches, []);
    // Filters AND across names, OR within one name.
    const and = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'tag:Name', Values: ['alpha', 'beta'] },
          { Name: 'status', Values: ['available'] },
        ],
      }),
    );
    assert.deepEqual(ids(and.NetworkInterfaces), [b]);
    // Filters together with explicit ids: both apply.
    const both = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [a, b], Filters: [{ Name: 'status', Values: ['in-use'] }] }));
    assert.deepEqual(ids(both.NetworkInterfaces), [a]);
    await invariants(h);
  });

  it('an unknown filter name is refused with InvalidParameterValue', async () => {
    // [ref §4.3 "Unknown filter name → InvalidParameterValue"] [ref §8 InvalidFilter]
    const e = await expectCode(
      ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] as Filter[] })),
      'InvalidParameterValue',
    );
    assert.equal(e.message, "The filter 'no-such-filter' is invalid");
  });

  it('pagination: MaxResults 5 with the SDK paginator and the CLI; MaxResults with ids or below 5 refused', async () => {
    // [ref §4.3 "MaxResults is 5–1000 and cannot be combined with NetworkInterfaceIds"] [model DescribeNetworkInterfacesMaxResults min 5]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const made: string[] = [];
    for (let i = 0; i < 12; i++)
      made.push((await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }))).NetworkInterface!.NetworkInterfaceId!);
    const pages: string[][] = [];
    for await (const page of paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 5 }, {})) {
      pages.push(ids(page.NetworkInterfaces));
    }
    assert.deepEqual(
      pages.map((p) => p.length),
      [5, 5, 2],
    );
    assert.deepEqual(pages.flat().sort(), made.sort());
    // A filter and pages together.
    const filtered: string[] = [];
    for await (const page of paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'subnet-id', Values: [net.subnetId] }] })) {
      filtered.push(...ids(page.NetworkInterfaces));
    }
    assert.equal(filtered.length, 12);
    const cli = await h.cli(['describe-network-interfaces', '--page-size', '5']);
    assert.deepEqual(ids(cli.NetworkInterfaces), made.sort());
    await expectCode(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [made[0]!], MaxResults: 5 })), 'InvalidParameterCombination');
    // boto3 and the CLI refuse MaxResults=4 client-side; the SDK sends it and the server refuses it.
    await expectCode(ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 4 })), 'InvalidParameterValue');
    await expectCode(ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5, NextToken: 'garbage' })), 'InvalidPaginationToken');
  });
});

describe('Modify/Describe/ResetNetworkInterfaceAttribute (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  let net: Net;
  let eniId: string;
  beforeEach(async () => {
    net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    eniId = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Description: 'before' }))).NetworkInterface!.NetworkInterfaceId!;
  });

  it('description: modify via the SDK, read back via the CLI', async () => {
    // [ref §4.4 Description.Value] [ref §4.5 description{value}] [obs S8 test_network_interface_attribute]
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Description: { Value: 'after' } }));
    const out = await h.cli(['describe-network-interface-attribute', '--network-interface-id', eniId, '--attribute', 'description']);
    assert.deepEqual(out, { NetworkInterfaceId: eniId, Description: { Value: 'after' } });
    assert.equal((await getEni(ec2, eniId)).Description, 'after');
    await invariants(h);
  });

  it('sourceDestCheck: modify to false via boto3, reset to true via the CLI', async () => {
    // [notes "Attributes: A source/destination check flag"] [ref §4.6 "the reset sets it to true"] [ref §5 Source/dest check]
    const v = await h.boto3(`
ec2.modify_network_interface_attribute(NetworkInterfaceId='${eniId}', SourceDestCheck={'Value': False})
result = ec2.describe_network_interface_attribute(NetworkInterfaceId='${eniId}', Attribute='sourceDestCheck')['SourceDestCheck']`);
    assert.deepEqual(v, { Value: false });
    assert.equal((await getEni(ec2, eniId)).SourceDestCheck, false);
    await h.cli(['reset-network-interface-attribute', '--network-interface-id', eniId, '--source-dest-check', 'true']);
    const after = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attribute: 'sourceDestCheck' }));
    assert.deepEqual(after.SourceDestCheck, { Value: true });
    // Reset through the SDK too (sets true whatever the value given).
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, SourceDestCheck: { Value: false } }));
    await ec2.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, SourceDestCheck: 'true' }));
    assert.equal((await getEni(ec2, eniId)).SourceDestCheck, true);
  });

  it('groupSet: Groups replaces the whole set; other-VPC, unknown and 6 groups refused, nothing changed', async () => {
    // [ref §4.4 Groups "replaces the set; at least one; IDs only; same VPC"] [ref §5 Security groups] [notes "Up to 5 security groups"]
    const g = await makeGroups(ec2, net.vpcId, 6);
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [g[0]!, g[1]!] }));
    const set = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attribute: 'groupSet' }));
    assert.deepEqual(set.Groups, [
      { GroupId: g[0], GroupName: 'g1' },
      { GroupId: g[1], GroupName: 'g2' },
    ]);
    await h.cli(['modify-network-interface-attribute', '--network-interface-id', eniId, '--groups', g[2]!]);
    assert.deepEqual(
      (await getEni(ec2, eniId)).Groups!.map((x) => x.GroupId),
      [g[2]],
      'replaced, not added',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: g })),
      'SecurityGroupsPerInterfaceLimitExceeded',
    );
    const other = await network(ec2, '10.1.0.0/16', '10.1.1.0/24');
    const foreign = await makeGroup(ec2, other.vpcId, 'foreign');
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [g[0]!, foreign] })),
      'InvalidParameter',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: ['sg-0123456789abcdef0'] })),
      'InvalidGroup.NotFound',
    );
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: g.slice(0, 5) }));
    assert.equal((await getEni(ec2, eniId)).Groups!.length, 5);
  });

  it('attachment: absent from DescribeNetworkInterfaceAttribute when unattached', async () => {
    // [ref §4.5 "attachment{…} — omitted entirely when unattached" obs S8]
    const out = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attribute: 'attachment' }));
    assert.equal(out.NetworkInterfaceId, eniId);
    assert.equal(out.Attachment, undefined);
    const py = await h.boto3(
      `result = sorted(k for k in ec2.describe_network_interface_attribute(NetworkInterfaceId='${eniId}', Attribute='attachment') if k != 'ResponseMetadata')`,
    );
    assert.deepEqual(py, ['NetworkInterfaceId']);
  });

  it('attachment: shown once attached; DeleteOnTermination changed through Attachment (the "termination behavior")', async () => {
    // [notes "In both cases above, you can change the default behavior by changing the termination behavior";
    // "Network interfaces created by CLI are NOT terminated automatically"] [ref §4.4 Attachment "needs AttachmentId and
    // DeleteOnTermination"; observed: without DeleteOnTermination → MissingParameter, bad id → InvalidAttachmentID.NotFound]
    // [ref §4.7 "The attachment created has DeleteOnTermination=false"]
    const { instanceId, attachmentId } = await attachToNewInstance(ec2, net.subnetId, eniId);
    const before = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attribute: 'attachment' }));
    assert.equal(before.Attachment!.AttachmentId, attachmentId);
    assert.equal(before.Attachment!.InstanceId, instanceId);
    assert.equal(before.Attachment!.DeviceIndex, 1);
    assert.equal(before.Attachment!.DeleteOnTermination, false, 'an interface created by the API is not deleted with the instance');
    await h.cli([
      'modify-network-interface-attribute',
      '--network-interface-id',
      eniId,
      '--attachment',
      `AttachmentId=${attachmentId},DeleteOnTermination=true`,
    ]);
    const after = await h.boto3(
      `result = ec2.describe_network_interface_attribute(NetworkInterfaceId='${eniId}', Attribute='attachment')['Attachment']['DeleteOnTermination']`,
    );
    assert.equal(after, true);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attachment: { AttachmentId: attachmentId } })),
      'MissingParameter',
    );
    await refusedUnchanged(
      h,
      ec2,
      () =>
        ec2.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: eniId,
            Attachment: { AttachmentId: 'eni-attach-0123456789abcdef0', DeleteOnTermination: false },
          }),
        ),
      'InvalidAttachmentID.NotFound',
    );
    await invariants(h);
  });

  it('no attribute, or two at once, is InvalidParameterCombination and changes nothing', async () => {
    // [ref §4.4 "Exactly one attribute per call"; observed: none → InvalidParameterCombination, more than one → InvalidParameterCombination]
    await refusedUnchanged(h, ec2, () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId })), 'InvalidParameterCombination');
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Description: { Value: 'x' }, SourceDestCheck: { Value: false } })),
      'InvalidParameterCombination',
    );
    const gx = await makeGroup(ec2, net.vpcId, 'gx');
    await refusedUnchanged(
      h,
      ec2,
      () => h.boto3(`ec2.modify_network_interface_attribute(NetworkInterfaceId='${eniId}', Description={'Value': 'x'}, Groups=['${gx}'])`),
      'InvalidParameterCombination',
    );
    // Description without a Value [ref §4.4 observed errors].
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Description: {} })),
      'InvalidParameterCombination',
    );
  });

  it('DescribeNetworkInterfaceAttribute: missing Attribute, unknown attribute, unknown interface', async () => {
    // [ref §4.5 Errors]
    await expectCode(ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId })), 'InvalidParameterCombination');
    await expectCode(h.boto3(`ec2.describe_network_interface_attribute(NetworkInterfaceId='${eniId}', Attribute='mtu')`), 'InvalidParameterValue');
    await expectCode(
      ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: 'eni-0123456789abcdef0', Attribute: 'description' })),
      'InvalidNetworkInterfaceID.NotFound',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: 'eni-0123456789abcdef0', Description: { Value: 'x' } })),
      'InvalidNetworkInterfaceID.NotFound',
    );
  });
});

describe('DeleteNetworkInterface (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('releases every address (primary, secondaries, prefix, IPv6); its EIPs are disassociated and stay allocated', async () => {
    // [ref §4.2 "Deleting releases its private IPs and EIP associations; the EIP stays allocated"] [obs S8 test_vpc_addresses]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24', { ipv6: true });
    await attachNewGateway(ec2, net.vpcId); // the Elastic IPs below need a gateway [ref §4.13]
    const free = await available(ec2, net.subnetId);
    const { NetworkInterface: eni } = await ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: 2, Ipv6AddressCount: 2 }),
    );
    const id = eni!.NetworkInterfaceId!;
    await ec2
      .send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, Ipv4PrefixCount: 1 }))
      .then((r) => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: r.NetworkInterface!.NetworkInterfaceId })));
    assert.equal(await available(ec2, net.subnetId), free - 3);
    const secondary = eni!.PrivateIpAddresses!.find((p) => !p.Primary)!.PrivateIpAddress!;
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: id }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e2.AllocationId, NetworkInterfaceId: id, PrivateIpAddress: secondary }));

    await h.cli(['delete-network-interface', '--network-interface-id', id]);
    assert.equal(await available(ec2, net.subnetId), free);
    const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [e1.AllocationId!, e2.AllocationId!] }));
    assert.equal(Addresses!.length, 2, 'both Elastic IPs stay allocated');
    for (const a of Addresses!) {
      assert.equal(a.AssociationId, undefined);
      assert.equal(a.NetworkInterfaceId, undefined);
      assert.equal(a.PrivateIpAddress, undefined);
    }
    await expectCode(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] })), 'InvalidNetworkInterfaceID.NotFound');
    // The released addresses can be taken again: the same private IPs, the same IPv6 addresses.
    const again = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: net.subnetId,
        PrivateIpAddress: eni!.PrivateIpAddress,
        Ipv6Addresses: eni!.Ipv6Addresses!.map((x) => ({ Ipv6Address: x.Ipv6Address })),
      }),
    );
    assert.equal(again.NetworkInterface!.PrivateIpAddress, eni!.PrivateIpAddress);
    await invariants(h);
  });

  it('unknown, malformed or already-deleted interface: AWS errors, nothing changed', async () => {
    // [ref §4.2 Errors: unknown → InvalidNetworkInterfaceID.NotFound "The networkInterface ID 'eni-x' does not exist"]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const id = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }))).NetworkInterface!.NetworkInterfaceId!;
    await h.boto3(`ec2.delete_network_interface(NetworkInterfaceId='${id}')`);
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id })),
      'InvalidNetworkInterfaceID.NotFound',
    );
    assert.equal(e.message, `The networkInterface ID '${id}' does not exist`);
    await refusedUnchanged(h, ec2, () => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: 'eni_bad' })), 'InvalidNetworkInterfaceId.Malformed');
  });

  it('an attached interface cannot be deleted: InvalidNetworkInterface.InUse "currently in use", nothing changed', async () => {
    // [ref §4.2 "The ENI must be detached first"; error page S3 InvalidNetworkInterface.InUse; obs msg
    // "Network interface 'eni-x' is currently in use." (S8)]
    const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
    const id = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }))).NetworkInterface!.NetworkInterfaceId!;
    const { attachmentId } = await attachToNewInstance(ec2, net.subnetId, id);
    const e = await refusedUnchanged(h, ec2, () => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id })), 'InvalidNetworkInterface.InUse');
    assert.equal(e.message, `Network interface '${id}' is currently in use.`);
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId }));
    await until(
      () => getEni(ec2, id),
      (x) => x.Status === 'available',
      `${id} available`,
    );
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
    await invariants(h);
  });
});
