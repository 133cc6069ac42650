/**
 * Elastic IPs through the real clients: AllocateAddress, DescribeAddresses (ids, public IPs, every
 * filter), AssociateAddress (primary, secondary, reassociation, one EIP per private IP),
 * DisassociateAddress, ReleaseAddress, DescribeAddressesAttribute.
 *
 * Sources: the user's ENI notes (/work/shared/reference/eni-notes.md, "Attributes" and "Secondary IP
 * address Re-Assignment": "Each private IPv4 address can be associated with a single Elastic IP
 * address, and vice versa"), aws-behaviour.md §4 Quotas and §4.12–4.16 ([ref §x]), the
 * openstack/ec2-api functional tests run against AWS ([obs S8]) and the EC2 API reference pages.
 *
 * Every refused state-changing call is checked to change nothing (describe view before/after and
 * /_ec2net/invariants).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DescribeAddressesAttributeCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  DisassociateAddressCommand,
  ReleaseAddressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { attachNewGateway, expectCode, getEni, invariants, refusedUnchanged, useHarness, until } from './harness.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

// ---- helpers ------------------------------------------------------------------------------------

/** A nondefault VPC with an internet gateway (Elastic IPs need one: [ref §4.13]) and one subnet. */
async function subnet(ec2: EC2Client): Promise<string> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  await attachNewGateway(ec2, Vpc!.VpcId!);
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }));
  return Subnet!.SubnetId!;
}

/** An interface with primary `primary` and the given secondaries. */
async function eni(ec2: EC2Client, subnetId: string, primary: string, secondaries: string[] = []): Promise<string> {
  const { NetworkInterface } = await ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnetId,
      PrivateIpAddresses: [{ PrivateIpAddress: primary, Primary: true }, ...secondaries.map((s) => ({ PrivateIpAddress: s, Primary: false }))],
    }),
  );
  return NetworkInterface!.NetworkInterfaceId!;
}

async function address(ec2: EC2Client, allocationId: string) {
  const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
  assert.equal(Addresses!.length, 1);
  return Addresses![0]!;
}

/** The public IP mapped to `ip` of interface `id`, as the interface shows it. */
async function publicOf(ec2: EC2Client, id: string, ip: string): Promise<string | undefined> {
  return (await getEni(ec2, id)).PrivateIpAddresses!.find((p) => p.PrivateIpAddress === ip)?.Association?.PublicIp;
}

/** Polls until `probe` returns something `ok` accepts (50 ms apart, 5 s at most). */

/** A running t3.micro in `subnetId`: its id and the id of the eth0 RunInstances made for it. */
async function instance(ec2: EC2Client, subnetId: string): Promise<{ id: string; eth0: string }> {
  const r = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId }),
  );
  const id = r.Instances![0]!.InstanceId!;
  const i = await until(
    async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!,
    (x) => x.State!.Name === 'running',
    `${id} running`,
  );
  return { id, eth0: i.NetworkInterfaces!.find((n) => n.Attachment!.DeviceIndex === 0)!.NetworkInterfaceId! };
}

/** Hot-attaches `eniId` to `instanceId` at `deviceIndex` and waits for in-use. */
async function attach(ec2: EC2Client, eniId: string, instanceId: string, deviceIndex = 1): Promise<string> {
  const { AttachmentId } = await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: instanceId, DeviceIndex: deviceIndex }));
  await until(
    () => getEni(ec2, eniId),
    (e) => e.Status === 'in-use',
    `${eniId} in-use`,
  );
  return AttachmentId!;
}

const isIpv4 = (s: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s);

describe('AllocateAddress / DescribeAddresses / DescribeAddressesAttribute (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('AllocateAddress (domain vpc): public IP, eipalloc-+17 hex, vpc, amazon pool, region border group', async () => {
    // [ref §4.12 Output] [ref §1 "eipalloc- + 17 hex"] [obs S8 test_create_delete_vpc_address: Domain vpc]
    const out = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    assert.match(out.AllocationId!, /^eipalloc-[0-9a-f]{17}$/);
    assert.ok(isIpv4(out.PublicIp!));
    assert.equal(out.Domain, 'vpc');
    assert.equal(out.PublicIpv4Pool, 'amazon');
    assert.equal(out.NetworkBorderGroup, REGION);
    const cli = await h.cli(['allocate-address', '--domain', 'vpc']);
    assert.equal(cli.Domain, 'vpc');
    assert.notEqual(cli.PublicIp, out.PublicIp);
    const a = await address(ec2, out.AllocationId!);
    assert.equal(a.PublicIp, out.PublicIp);
    assert.equal(a.Domain, 'vpc');
    assert.equal(a.AssociationId, undefined);
    // Domain other than vpc/standard: InvalidParameterValue [obs S8 test_invalid_create_address].
    await refusedUnchanged(h, ec2, () => ec2.send(new AllocateAddressCommand({ Domain: 'invalid' as 'vpc' })), 'InvalidParameterValue');
  });

  it('public IPs are unique across accounts: five each in two accounts, ten distinct addresses', async () => {
    // [ref §4.12 "Address recovers a released IP (if not taken by another account)"] (one public pool per region)
    const one = h.ec2(REGION, '111111111111');
    const two = h.ec2(REGION, '222222222222');
    const ips: string[] = [];
    for (let i = 0; i < 5; i++) {
      ips.push((await one.send(new AllocateAddressCommand({ Domain: 'vpc' }))).PublicIp!);
      ips.push((await two.send(new AllocateAddressCommand({ Domain: 'vpc' }))).PublicIp!);
    }
    assert.equal(new Set(ips).size, 10);
    // Each account sees only its own.
    const seenOne = (await one.send(new DescribeAddressesCommand({}))).Addresses!.map((a) => a.PublicIp!);
    const seenTwo = await h.boto3(`result = [a['PublicIp'] for a in ec2.describe_addresses()['Addresses']]`, REGION, '222222222222');
    assert.equal(seenOne.length, 5);
    assert.equal(seenTwo.length, 5);
    assert.deepEqual(
      seenOne.filter((ip) => seenTwo.includes(ip)),
      [],
    );
    // Another account's allocation id is not found [ref §4.15 "AuthFailure" for another account's address by IP; by id, not ours].
    const theirs = (await two.send(new DescribeAddressesCommand({}))).Addresses![0]!;
    await expectCode(one.send(new DescribeAddressesCommand({ AllocationIds: [theirs.AllocationId!] })), 'InvalidAllocationID.NotFound');
    // Asking for another account's address explicitly (with room in the quota): it is taken.
    const mine = (await one.send(new DescribeAddressesCommand({}))).Addresses![0]!;
    await one.send(new ReleaseAddressCommand({ AllocationId: mine.AllocationId }));
    await refusedUnchanged(h, one, () => one.send(new AllocateAddressCommand({ Domain: 'vpc', Address: theirs.PublicIp })), 'InvalidAddress.NotFound');
    // … while our own released address can be recovered [ref §4.12 "Address recovers a released IP"].
    const back = await one.send(new AllocateAddressCommand({ Domain: 'vpc', Address: mine.PublicIp }));
    assert.equal(back.PublicIp, mine.PublicIp);
    assert.notEqual(back.AllocationId, mine.AllocationId);
  });

  it('the 6th Elastic IP in a region is AddressLimitExceeded and allocates nothing; other regions have their own quota', async () => {
    // [ref §4 Quotas "EIPs per region | 5 (AddressLimitExceeded)"] [ref §4.12 "Over quota (5) → AddressLimitExceeded"]
    for (let i = 0; i < 5; i++) await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await refusedUnchanged(h, ec2, () => h.cli(['allocate-address', '--domain', 'vpc']), 'AddressLimitExceeded');
    assert.equal((await ec2.send(new DescribeAddressesCommand({}))).Addresses!.length, 5);
    const west = h.ec2('us-west-2');
    await west.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    // Releasing one makes room again.
    const first = (await ec2.send(new DescribeAddressesCommand({}))).Addresses![0]!;
    await ec2.send(new ReleaseAddressCommand({ AllocationId: first.AllocationId }));
    await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await invariants(h);
  });

  it('DescribeAddresses by AllocationIds, by PublicIps, and both (union); unknown and malformed refused', async () => {
    // [ref §4.16] [obs S8 test_describe_vpc_addresses: PublicIps=[ip] + AllocationIds=[id2] → 2 addresses;
    // PublicIps=['invalidIp'] → InvalidParameterValue; AllocationIds=['eipalloc-00000000'] → InvalidAllocationID.NotFound]
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const byId = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [e1.AllocationId!] }));
    assert.deepEqual(
      byId.Addresses!.map((a) => a.PublicIp),
      [e1.PublicIp],
    );
    const byIp = await h.cli(['describe-addresses', '--public-ips', e2.PublicIp!]);
    assert.deepEqual(
      byIp.Addresses.map((a: any) => a.AllocationId),
      [e2.AllocationId],
    );
    const both = await h.boto3(
      `result = sorted(a['AllocationId'] for a in ec2.describe_addresses(PublicIps=['${e1.PublicIp}'], AllocationIds=['${e2.AllocationId}'])['Addresses'])`,
    );
    assert.deepEqual(both, [e1.AllocationId, e2.AllocationId].sort());
    await expectCode(ec2.send(new DescribeAddressesCommand({ PublicIps: ['invalidIp'] })), 'InvalidParameterValue');
    const nf = await expectCode(ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-00000000'] })), 'InvalidAllocationID.NotFound');
    assert.equal(nf.message, "The allocation ID 'eipalloc-00000000' does not exist");
    await expectCode(ec2.send(new DescribeAddressesCommand({ PublicIps: ['198.51.100.7'] })), 'InvalidAddress.NotFound');
  });

  it('every DescribeAddresses filter matches what it should and nothing else', async () => {
    // [ref §4.16 filters] [model DescribeAddressesRequest.Filters doc] [doc "Filter" wildcards]
    const sub = await subnet(ec2);
    const a = await eni(ec2, sub, '10.0.1.10', ['10.0.1.11']);
    const b = await eni(ec2, sub, '10.0.1.20');
    const e1 = await ec2.send(
      new AllocateAddressCommand({
        Domain: 'vpc',
        TagSpecifications: [
          {
            ResourceType: 'elastic-ip',
            Tags: [
              { Key: 'Name', Value: 'front' },
              { Key: 'env', Value: 'prod' },
            ],
          },
        ],
      }),
    );
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e3 = await ec2.send(
      new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'Name', Value: 'spare' }] }] }),
    );
    const as1 = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.11' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e2.AllocationId, NetworkInterfaceId: b }));
    const inst = await instance(ec2, sub);
    await attach(ec2, a, inst.id);
    const [x1, x2, x3] = [e1.AllocationId!, e2.AllocationId!, e3.AllocationId!];
    const all = [x1, x2, x3].sort();
    const rows: [string, string[], string[]][] = [
      ['allocation-id', [x1], [x1]],
      ['allocation-id', ['eipalloc-*'], all],
      ['allocation-id', ['eipalloc-0123456789abcdef0'], []],
      ['association-id', [as1.AssociationId!], [x1]],
      ['association-id', ['eipassoc-*'], [x1, x2].sort()],
      ['association-id', ['eipassoc-0123456789abcdef0'], []],
      ['domain', ['vpc'], all],
      ['domain', ['standard'], []],
      ['instance-id', [inst.id], [x1]],
      ['instance-id', ['i-00000000000000000'], []],
      ['network-border-group', [REGION], all],
      ['network-border-group', ['us-west-2'], []],
      ['network-interface-id', [b], [x2]],
      ['network-interface-id', ['eni-0123456789abcdef0'], []],
      ['network-interface-owner-id', [ACCOUNT], [x1, x2].sort()],
      ['network-interface-owner-id', ['999999999999'], []],
      ['private-ip-address', ['10.0.1.11'], [x1]],
      ['private-ip-address', ['10.0.1.?0'], [x2]],
      ['private-ip-address', ['10.0.1.10'], []],
      ['public-ip', [e3.PublicIp!], [x3]],
      ['public-ip', ['203.0.113.*'], []],
      ['public-ipv4-pool', ['amazon'], all],
      ['public-ipv4-pool', ['ipv4pool-ec2-0123456789abcdef0'], []],
      ['tag:Name', ['front'], [x1]],
      ['tag:Name', ['*'], [x1, x3].sort()],
      ['tag:Name', ['back'], []],
      ['tag-key', ['env'], [x1]],
      ['tag-key', ['owner'], []],
      ['tag-value', ['spare'], [x3]],
      ['tag-value', ['nothing'], []],
    ];
    for (const [name, values, expected] of rows) {
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: name, Values: values }] }));
      assert.deepEqual(Addresses!.map((x) => x.AllocationId!).sort(), expected, `filter ${name}=${values.join(',')}`);
    }
    const mismatches = await h.boto3(`
rows = json.loads(${JSON.stringify(JSON.stringify(rows))})
result = []
for name, values, expected in rows:
    got = sorted(a['AllocationId'] for a in ec2.describe_addresses(Filters=[{'Name': name, 'Values': values}])['Addresses'])
    if got != sorted(expected):
        result.append([name, values, got])`);
    assert.deepEqual(mismatches, []);
    // instanceId shows while the holding interface is attached [ref §4.16 last paragraph].
    assert.equal((await address(ec2, x1)).InstanceId, inst.id);
    assert.equal((await address(ec2, x2)).InstanceId, undefined);
    await expectCode(ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })), 'InvalidParameterValue');
  });

  it('domain-name: one entry per address (allocation id and public IP, no PTR record: none can be set here), ids, all, pages', async () => {
    // [API reference DescribeAddressesAttribute: AllocationId.N, Attribute (domain-name), MaxResults 1–1000,
    // NextToken; AddressAttribute = PublicIp, AllocationId, PtrRecord, PtrRecordUpdate]. Terraform's aws_eip
    // reads ptr_record through this call with AllocationIds=[id] and expects "" for an address without
    // reverse DNS (hashicorp/terraform-provider-aws, TestAccEC2EIP_basic). ModifyAddressAttribute, which
    // would set a PTR record, is not implemented, so no address has one.
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const one = await ec2.send(new DescribeAddressesAttributeCommand({ AllocationIds: [e1.AllocationId!], Attribute: 'domain-name' }));
    assert.deepEqual(one.Addresses, [{ AllocationId: e1.AllocationId, PublicIp: e1.PublicIp }]);
    const all = await ec2.send(new DescribeAddressesAttributeCommand({ Attribute: 'domain-name' }));
    const sorted = [e1, e2].sort((a, b) => (a.AllocationId! < b.AllocationId! ? -1 : 1));
    assert.deepEqual(
      all.Addresses,
      sorted.map((e) => ({ AllocationId: e.AllocationId, PublicIp: e.PublicIp })),
    );
    const page1 = await ec2.send(new DescribeAddressesAttributeCommand({ Attribute: 'domain-name', MaxResults: 1 }));
    assert.deepEqual(
      page1.Addresses!.map((a) => a.AllocationId),
      [sorted[0]!.AllocationId],
    );
    const page2 = await ec2.send(new DescribeAddressesAttributeCommand({ Attribute: 'domain-name', MaxResults: 1, NextToken: page1.NextToken }));
    assert.deepEqual(
      page2.Addresses!.map((a) => a.AllocationId),
      [sorted[1]!.AllocationId],
    );
    assert.equal(page2.NextToken, undefined);
    const cli = await h.cli(['describe-addresses-attribute', '--allocation-ids', e2.AllocationId!, '--attribute', 'domain-name']);
    assert.deepEqual(cli.Addresses, [{ AllocationId: e2.AllocationId, PublicIp: e2.PublicIp }]);
    const py = await h.boto3(`result = ec2.describe_addresses_attribute(AllocationIds=['${e1.AllocationId}'], Attribute='domain-name')['Addresses']`);
    assert.deepEqual(py, [{ AllocationId: e1.AllocationId, PublicIp: e1.PublicIp }]);
  });

  it('an unknown allocation id, an unknown attribute or no attribute is refused', async () => {
    // Unknown id: the code DescribeAddresses gives [ref §4.12, InvalidAllocationID.NotFound].
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await expectCode(
      ec2.send(new DescribeAddressesAttributeCommand({ AllocationIds: [e1.AllocationId!, 'eipalloc-0123456789abcdef0'], Attribute: 'domain-name' })),
      'InvalidAllocationID.NotFound',
    );
    await expectCode(
      ec2.send(new DescribeAddressesAttributeCommand({ AllocationIds: ['eipalloc-xyz'], Attribute: 'domain-name' })),
      'InvalidAllocationID.Malformed',
    );
    await expectCode(ec2.send(new DescribeAddressesAttributeCommand({ Attribute: 'ptr' as 'domain-name' })), 'InvalidParameterValue');
    await expectCode(ec2.send(new DescribeAddressesAttributeCommand({})), 'MissingParameter');
    await expectCode(ec2.send(new DescribeAddressesAttributeCommand({ Attribute: 'domain-name', MaxResults: 0 })), 'InvalidParameterValue');
  });
});

describe('AssociateAddress / DisassociateAddress / ReleaseAddress (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  let sub: string;
  beforeEach(async () => {
    sub = await subnet(ec2);
  });

  it('associate to an interface (defaults to its primary) and to a secondary; both views agree', async () => {
    // [ref §4.13 "PrivateIpAddress (primary or secondary) defaults to the primary IP"] [notes "One Elastic IP address
    // corresponding to each IPv4 address"] [ref §4.13 "An EIP can be associated with an unattached ENI" obs S8]
    const a = await eni(ec2, sub, '10.0.1.10', ['10.0.1.11']);
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const as1 = await h.cli(['associate-address', '--allocation-id', e1.AllocationId!, '--network-interface-id', a]);
    assert.match(as1.AssociationId, /^eipassoc-[0-9a-f]{17}$/);
    const as2 = await h.boto3(
      `result = ec2.associate_address(AllocationId='${e2.AllocationId}', NetworkInterfaceId='${a}', PrivateIpAddress='10.0.1.11')['AssociationId']`,
    );
    const r1 = await address(ec2, e1.AllocationId!);
    assert.deepEqual([r1.AssociationId, r1.NetworkInterfaceId, r1.PrivateIpAddress, r1.NetworkInterfaceOwnerId], [as1.AssociationId, a, '10.0.1.10', ACCOUNT]);
    const r2 = await address(ec2, e2.AllocationId!);
    assert.deepEqual([r2.AssociationId, r2.NetworkInterfaceId, r2.PrivateIpAddress], [as2, a, '10.0.1.11']);
    const E = await getEni(ec2, a);
    assert.deepEqual(E.Association, {
      PublicIp: e1.PublicIp,
      PublicDnsName: `ec2-${e1.PublicIp!.replaceAll('.', '-')}.compute-1.amazonaws.com`,
      IpOwnerId: ACCOUNT,
      AllocationId: e1.AllocationId,
      AssociationId: as1.AssociationId,
    });
    assert.equal(await publicOf(ec2, a, '10.0.1.11'), e2.PublicIp);
    // The same association again is idempotent [ref §4.13 "Idempotent: repeating the same association gives no error"].
    const again = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a }));
    assert.equal(again.AssociationId, as1.AssociationId);
    await invariants(h);
  });

  it('AllowReassociation=false with an associated EIP: Resource.AlreadyAssociated, nothing changed', async () => {
    // [ref §4.13 "AllowReassociation=false makes it fail if the EIP is already associated"; obs msg
    // "resource eipalloc-x is already associated with associate-id eipassoc-y" (ansible#27385)]
    const a = await eni(ec2, sub, '10.0.1.10');
    const b = await eni(ec2, sub, '10.0.1.20');
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const as1 = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a }));
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: b, AllowReassociation: false })),
      'Resource.AlreadyAssociated',
    );
    assert.equal(e.message, `resource ${e1.AllocationId} is already associated with associate-id ${as1.AssociationId}`);
    await refusedUnchanged(
      h,
      ec2,
      () => h.cli(['associate-address', '--allocation-id', e1.AllocationId!, '--network-interface-id', b, '--no-allow-reassociation']),
      'Resource.AlreadyAssociated',
    );
  });

  it('reassociation (the VPC default) moves the EIP: the old private IP loses it', async () => {
    // [ref §4.13 "In VPC, reassociation is automatic"] [doc AssociateAddress AllowReassociation]
    const a = await eni(ec2, sub, '10.0.1.10');
    const b = await eni(ec2, sub, '10.0.1.20', ['10.0.1.21']);
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const as1 = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a }));
    const as2 = await ec2.send(
      new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: b, PrivateIpAddress: '10.0.1.21', AllowReassociation: true }),
    );
    assert.notEqual(as2.AssociationId, as1.AssociationId);
    assert.equal(await publicOf(ec2, a, '10.0.1.10'), undefined, 'the old private IP lost it');
    assert.equal((await getEni(ec2, a)).Association, undefined);
    assert.equal(await publicOf(ec2, b, '10.0.1.21'), e1.PublicIp);
    const r = await address(ec2, e1.AllocationId!);
    assert.deepEqual([r.NetworkInterfaceId, r.PrivateIpAddress, r.AssociationId], [b, '10.0.1.21', as2.AssociationId]);
    // The old association id is gone.
    await refusedUnchanged(h, ec2, () => ec2.send(new DisassociateAddressCommand({ AssociationId: as1.AssociationId })), 'InvalidAssociationID.NotFound');
    await invariants(h);
  });

  it('one EIP per private IP, both ways: associating a second EIP to a private IP displaces the first (still allocated)', async () => {
    // [notes "Each private IPv4 address can be associated with a single Elastic IP address, and vice versa"]
    // [ref §4.13 "If the target private IP already has an EIP, that old EIP is disassociated but stays allocated"]
    const a = await eni(ec2, sub, '10.0.1.10');
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a }));
    // With AllowReassociation=false the displacement is refused [ref §4.13 observed "resource eni-x and 10.2.41.95 is
    // already associated with public address …"].
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: e2.AllocationId, NetworkInterfaceId: a, AllowReassociation: false })),
      'Resource.AlreadyAssociated',
    );
    assert.equal(e.message, `resource ${a} and 10.0.1.10 is already associated with public address ${e1.PublicIp}`);
    await ec2.send(new AssociateAddressCommand({ AllocationId: e2.AllocationId, NetworkInterfaceId: a }));
    assert.equal(await publicOf(ec2, a, '10.0.1.10'), e2.PublicIp);
    const r1 = await address(ec2, e1.AllocationId!);
    assert.equal(r1.AssociationId, undefined, 'the displaced EIP is disassociated');
    assert.equal(r1.PublicIp, e1.PublicIp, '… and stays allocated');
    const { Addresses } = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'private-ip-address', Values: ['10.0.1.10'] }] }));
    assert.deepEqual(
      Addresses!.map((x) => x.AllocationId),
      [e2.AllocationId],
      'exactly one EIP maps to the private IP',
    );
    await invariants(h);
  });

  it('DisassociateAddress: the EIP stays allocated; unknown or repeated association is InvalidAssociationID.NotFound', async () => {
    // [ref §4.14 "an unknown or already-removed association → InvalidAssociationID.NotFound, msg The association ID
    // 'eipassoc-x' does not exist" obs terraform#3653, S8]
    const a = await eni(ec2, sub, '10.0.1.10');
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const as1 = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a }));
    await h.boto3(`ec2.disassociate_address(AssociationId='${as1.AssociationId}')`);
    const r = await address(ec2, e1.AllocationId!);
    assert.equal(r.AssociationId, undefined);
    assert.equal(r.NetworkInterfaceId, undefined);
    assert.equal((await getEni(ec2, a)).Association, undefined);
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new DisassociateAddressCommand({ AssociationId: as1.AssociationId })),
      'InvalidAssociationID.NotFound',
    );
    assert.equal(e.message, `The association ID '${as1.AssociationId}' does not exist`);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new DisassociateAddressCommand({ AssociationId: 'eipassoc-0123456789abcdef0' })),
      'InvalidAssociationID.NotFound',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new DisassociateAddressCommand({ AssociationId: 'eni-0123456789abcdef0' })),
      'InvalidAssociationID.Malformed',
    );
    // PublicIp alone for a VPC address: InvalidParameterValue [ref §4.14 obs S8].
    await refusedUnchanged(h, ec2, () => ec2.send(new DisassociateAddressCommand({ PublicIp: e1.PublicIp })), 'InvalidParameterValue');
  });

  it('ReleaseAddress: refused while associated in a nondefault VPC (InvalidIPAddress.InUse); allowed after disassociation; then NotFound', async () => {
    // [ref §4.15 "Nondefault VPC: it must be disassociated first, else InvalidIPAddress.InUse"; "Already released →
    // InvalidAllocationID.NotFound" obs S8 test_invalid_delete_vpc_address]
    const a = await eni(ec2, sub, '10.0.1.10');
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const as1 = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a }));
    await refusedUnchanged(h, ec2, () => h.cli(['release-address', '--allocation-id', e1.AllocationId!]), 'InvalidIPAddress.InUse');
    assert.equal(await publicOf(ec2, a, '10.0.1.10'), e1.PublicIp);
    // Both PublicIp and AllocationId: InvalidParameterCombination; PublicIp alone: InvalidParameterValue [obs S8].
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ReleaseAddressCommand({ AllocationId: e1.AllocationId, PublicIp: e1.PublicIp })),
      'InvalidParameterCombination',
    );
    await refusedUnchanged(h, ec2, () => ec2.send(new ReleaseAddressCommand({ PublicIp: e1.PublicIp })), 'InvalidParameterValue');
    await ec2.send(new DisassociateAddressCommand({ AssociationId: as1.AssociationId }));
    await ec2.send(new ReleaseAddressCommand({ AllocationId: e1.AllocationId }));
    await invariants(h);
    await refusedUnchanged(h, ec2, () => ec2.send(new ReleaseAddressCommand({ AllocationId: e1.AllocationId })), 'InvalidAllocationID.NotFound');
    await expectCode(ec2.send(new DescribeAddressesCommand({ AllocationIds: [e1.AllocationId!] })), 'InvalidAllocationID.NotFound');
    await refusedUnchanged(
      h,
      ec2,
      () => h.boto3(`ec2.associate_address(AllocationId='${e1.AllocationId}', NetworkInterfaceId='${a}')`),
      'InvalidAllocationID.NotFound',
    );
    await refusedUnchanged(h, ec2, () => ec2.send(new ReleaseAddressCommand({ AllocationId: 'eipalloc-00000000' })), 'InvalidAllocationID.NotFound');
  });

  it('ReleaseAddress in the default VPC disassociates automatically', async () => {
    // [ref §4.15 "Default VPC: releasing auto-disassociates"] [doc ReleaseAddress "[Default VPC] Releasing the Elastic IP
    // address automatically disassociates it"]
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnets![0]!.SubnetId }));
    const id = NetworkInterface!.NetworkInterfaceId!;
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: id }));
    await ec2.send(new ReleaseAddressCommand({ AllocationId: e1.AllocationId }));
    assert.equal((await getEni(ec2, id)).Association, undefined);
    assert.equal((await ec2.send(new DescribeAddressesCommand({}))).Addresses!.length, 0);
    await invariants(h);
  });

  it('associate errors: unknown allocation / interface, address not on the interface, neither or both targets; nothing changed', async () => {
    // [ref §4.13 Errors: InvalidAllocationID.NotFound "The allocation ID 'eipalloc-x' does not exist";
    // InvalidNetworkInterfaceID.NotFound; "either InstanceId or NetworkInterfaceId, not both"]
    const a = await eni(ec2, sub, '10.0.1.10');
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const nf = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: 'eipalloc-0123456789abcdef0', NetworkInterfaceId: a })),
      'InvalidAllocationID.NotFound',
    );
    assert.equal(nf.message, "The allocation ID 'eipalloc-0123456789abcdef0' does not exist");
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: 'eni-0123456789abcdef0' })),
      'InvalidNetworkInterfaceID.NotFound',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.99' })),
      'InvalidParameterValue',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a, InstanceId: 'i-0123456789abcdef0' })),
      'InvalidParameterCombination',
    );
    await refusedUnchanged(h, ec2, () => ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId })), 'MissingParameter');
  });

  it("AssociateAddress by InstanceId goes to the primary interface's primary address; refused with two interfaces", async () => {
    // [ref §4.13 InstanceId rules: "Associating by instance goes to the primary ENI's primary IP"; "With more than one →
    // InvalidInstanceID, msg There are multiple interfaces attached to instance 'i-x'. Please specify an interface ID for
    // the operation instead." obs S8]
    const inst = await instance(ec2, sub);
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const e2 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await h.cli(['associate-address', '--allocation-id', e1.AllocationId!, '--instance-id', inst.id]);
    const r = await address(ec2, e1.AllocationId!);
    const eth0 = await getEni(ec2, inst.eth0);
    assert.deepEqual([r.InstanceId, r.NetworkInterfaceId, r.PrivateIpAddress], [inst.id, inst.eth0, eth0.PrivateIpAddress]);
    assert.equal(eth0.Association?.PublicIp, e1.PublicIp);
    const extra = await eni(ec2, sub, '10.0.1.30');
    await attach(ec2, extra, inst.id);
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: e2.AllocationId, InstanceId: inst.id })),
      'InvalidInstanceID',
    );
    assert.equal(e.message, `There are multiple interfaces attached to instance '${inst.id}'. Please specify an interface ID for the operation instead.`);
    await invariants(h);
  });

  it('an instance still pending (or terminated) cannot take an Elastic IP; nothing changed', async () => {
    // [ref §4.13 "The instance is pending → IncorrectInstanceState [doc S3]"] Observed AWS answers: by instance id
    // "InvalidInstanceID: The pending instance 'i-x' is not in a valid state for this operation." (terraform-provider-aws
    // #3072, #21228), "The terminated instance 'i-x' …" (cloudposse/terraform-aws-ec2-instance#95); by interface id
    // "IncorrectInstanceState: The pending-instance-creation instance to which 'eni-x' is attached is not in a valid state
    // for this operation" (terraform-provider-aws#19699).
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const r = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: sub }));
    const id = r.Instances![0]!.InstanceId!;
    const eth0 = r.Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    assert.equal(r.Instances![0]!.State!.Name, 'pending');
    // (The instance moves on by its own clock, so "nothing changed" compares interfaces and addresses only.)
    const view = async () => {
      const [n, a] = await Promise.all([ec2.send(new DescribeNetworkInterfacesCommand({})), ec2.send(new DescribeAddressesCommand({}))]);
      return { interfaces: n.NetworkInterfaces, addresses: a.Addresses };
    };
    const before = await view();
    const byInstance = await expectCode(ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, InstanceId: id })), 'InvalidInstanceID');
    assert.equal(byInstance.message, `The pending instance '${id}' is not in a valid state for this operation.`);
    const byEni = await expectCode(
      ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: eth0 })),
      'IncorrectInstanceState',
    );
    assert.equal(byEni.message, `The pending-instance-creation instance to which '${eth0}' is attached is not in a valid state for this operation`);
    assert.deepEqual(await view(), before);
    assert.equal((await address(ec2, e1.AllocationId!)).AssociationId, undefined);
    await invariants(h);
    // Once running it works; once terminated it is refused again (and the EIP came off with the eth0 it was on).
    await until(
      async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State!.Name,
      (s) => s === 'running',
      'running',
    );
    await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, InstanceId: id }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await until(
      async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State!.Name,
      (s) => s === 'terminated',
      'terminated',
    );
    assert.equal((await address(ec2, e1.AllocationId!)).AssociationId, undefined, 'deleted with its eth0: disassociated, still allocated');
    const gone = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, InstanceId: id })),
      'InvalidInstanceID',
    );
    assert.equal(gone.message, `The terminated instance '${id}' is not in a valid state for this operation.`);
  });

  it('an Elastic IP stays with its interface through detach and re-attach; instanceId follows the attachment', async () => {
    // [notes "Detaching an ENI: Primary private IPv4, secondary private IPv4, IPv6, and Elastic IP addresses they continue
    // to be with the same network interface even when it is detached, or attached to another instance"]
    // [ref §4.16 "instanceId is filled when the ENI holding the EIP is attached … When the ENI is detached, only
    // networkInterfaceId / privateIpAddress remain."]
    const one = await instance(ec2, sub);
    const two = await instance(ec2, sub);
    const a = await eni(ec2, sub, '10.0.1.40', ['10.0.1.41']);
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const as1 = await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.41' }));
    const att = await attach(ec2, a, one.id);
    assert.equal((await address(ec2, e1.AllocationId!)).InstanceId, one.id);
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: att }));
    await until(
      () => getEni(ec2, a),
      (x) => x.Status === 'available',
      `${a} available`,
    );
    const detached = await address(ec2, e1.AllocationId!);
    assert.deepEqual(
      [detached.InstanceId, detached.NetworkInterfaceId, detached.PrivateIpAddress, detached.AssociationId],
      [undefined, a, '10.0.1.41', as1.AssociationId],
    );
    await attach(ec2, a, two.id);
    const moved = await address(ec2, e1.AllocationId!);
    assert.deepEqual([moved.InstanceId, moved.NetworkInterfaceId, moved.AssociationId], [two.id, a, as1.AssociationId]);
    assert.equal(await publicOf(ec2, a, '10.0.1.41'), e1.PublicIp);
    await invariants(h);
  });

  it('deleting the interface disassociates its EIPs, which stay allocated and can be associated again', async () => {
    // [ref §4.2 "Deleting releases its private IPs and EIP associations; the EIP stays allocated"]
    const a = await eni(ec2, sub, '10.0.1.10', ['10.0.1.11']);
    const b = await eni(ec2, sub, '10.0.1.20');
    const e1 = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: a, PrivateIpAddress: '10.0.1.11' }));
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: a }));
    const r = await address(ec2, e1.AllocationId!);
    assert.equal(r.AssociationId, undefined);
    await ec2.send(new AssociateAddressCommand({ AllocationId: e1.AllocationId, NetworkInterfaceId: b }));
    assert.equal(await publicOf(ec2, b, '10.0.1.20'), e1.PublicIp);
    // The deleted interface's secondary can be assigned elsewhere, without any EIP coming back with it.
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ['10.0.1.11'] }));
    assert.equal(await publicOf(ec2, b, '10.0.1.11'), undefined);
    await invariants(h);
  });
});
