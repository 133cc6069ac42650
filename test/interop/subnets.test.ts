/**
 * Subnets through the real clients (SDK v3, AWS CLI, boto3, mixed).
 * Rules:
 * - sizes /16–/28 inside one of the VPC's CIDR blocks, else InvalidSubnet.Range; overlap with another
 *   subnet of the VPC is InvalidSubnet.Conflict (aws-behaviour.md §3 "CIDR sizes"; VPC User Guide
 *   "Subnet CIDR blocks"; error codes §8/S3);
 * - five reserved addresses per subnet, so AvailableIpAddressCount = 2^(32−n) − 5 when empty
 *   (§3 "Reserved addresses");
 * - IPv6: the VPC has an Amazon-provided /56, a subnet's IPv6 block is exactly a /64 inside it (§3 "IPv6");
 * - zones by name or by zone ID (EC2 API reference, CreateSubnet: AvailabilityZone / AvailabilityZoneId);
 * - filters: EC2 API reference DescribeSubnets "Filters"; wildcards `*` and `?` (EC2 User Guide,
 *   "List and filter your resources"); unknown filter → InvalidParameterValue "The filter 'x' is invalid".
 * Every refused request is checked to have changed nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DescribeSubnetsCommand,
  ModifySubnetAttributeCommand,
  type Subnet,
} from '@aws-sdk/client-ec2';
import ipaddr from 'ipaddr.js';
import { expectCode, useHarness } from './harness.js';

describe('subnets (interop)', () => {
  const h = useHarness();

  const ec2 = () => h.ec2();
  const newVpc = async (cidr = '10.0.0.0/16', ipv6 = false) =>
    (await ec2().send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: ipv6 || undefined }))).Vpc!;
  const subnetsOf = async (vpcId: string): Promise<Subnet[]> =>
    (await ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!;
  /** A picture of every subnet of the world, to show a refused call changed nothing. */
  const snapshot = async () =>
    JSON.stringify((await ec2().send(new DescribeSubnetsCommand({}))).Subnets!.map((s) => [s.SubnetId, s.CidrBlock, s.MapPublicIpOnLaunch, s.Tags]).sort());

  describe('CreateSubnet', () => {
    it('SDK: zone by name; AvailableIpAddressCount is size − 5; nondefault subnets do not map public IPs', async () => {
      const vpc = await newVpc();
      const { Subnet: s } = await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1c' }));
      assert.match(s!.SubnetId!, /^subnet-[0-9a-f]{17}$/);
      assert.equal(s!.AvailabilityZone, 'us-east-1c');
      assert.equal(s!.AvailabilityZoneId, 'use1-az2');
      assert.equal(s!.AvailableIpAddressCount, 256 - 5);
      assert.equal(s!.DefaultForAz, false);
      assert.equal(s!.MapPublicIpOnLaunch, false);
      assert.equal(s!.State, 'available');
      assert.equal(s!.VpcId, vpc.VpcId);
      assert.equal(s!.SubnetArn, `arn:aws:ec2:us-east-1:123456789012:subnet/${s!.SubnetId}`);
    });

    it('CLI: zone by ID; /28 has 11 usable addresses, /16 has 65531', async () => {
      const vpc = await newVpc('10.0.0.0/16');
      const small = await h.cli(['create-subnet', '--vpc-id', vpc.VpcId!, '--cidr-block', '10.0.0.0/28', '--availability-zone-id', 'use1-az1']);
      assert.equal(small.Subnet.AvailabilityZone, 'us-east-1b');
      assert.equal(small.Subnet.AvailabilityZoneId, 'use1-az1');
      assert.equal(small.Subnet.AvailableIpAddressCount, 16 - 5);
      const vpc2 = await newVpc('10.1.0.0/16');
      const whole = await h.boto3(`result = ec2.create_subnet(VpcId='${vpc2.VpcId}', CidrBlock='10.1.0.0/16')['Subnet']['AvailableIpAddressCount']`);
      assert.equal(whole, 65536 - 5);
    });

    it('a non-canonical CIDR is canonicalised (100.68.0.18/18 → 100.68.0.0/18)', async () => {
      const vpc = await newVpc('100.68.0.0/16');
      const { Subnet: s } = await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '100.68.0.18/18' }));
      assert.equal(s!.CidrBlock, '100.68.0.0/18');
    });

    it('boto3: an IPv6 /64 inside the VPC /56', async () => {
      const vpc = await newVpc('10.0.0.0/16', true);
      const v6 = vpc.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
      assert.match(v6, /\/56$/);
      // The /64 numbered 0x2a inside the /56.
      const parts = ipaddr.IPv6.parse(v6.split('/')[0]!).parts;
      parts[3] = parts[3]! | 0x2a;
      const block = `${new ipaddr.IPv6(parts).toString()}/64`;
      const got = await h.boto3(`
s = ec2.create_subnet(VpcId='${vpc.VpcId}', CidrBlock='10.0.0.0/24', Ipv6CidrBlock='${block}')['Subnet']
result = [a['Ipv6CidrBlock'] for a in s['Ipv6CidrBlockAssociationSet']] + [a['Ipv6CidrBlockState']['State'] for a in s['Ipv6CidrBlockAssociationSet']]`);
      assert.deepEqual(got, [block, 'associated']);
    });

    it('IPv6 blocks that are not a /64 inside the VPC /56 are InvalidSubnet.Range; nothing changes', async () => {
      const vpc = await newVpc('10.0.0.0/16', true);
      const v6 = vpc.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
      const before = await snapshot();
      for (const bad of [v6.replace('/56', '/63'), v6.replace('/56', '/80'), '2001:db8::/64']) {
        await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24', Ipv6CidrBlock: bad })), 'InvalidSubnet.Range');
      }
      assert.equal(await snapshot(), before);
    });

    it('InvalidSubnet.Range: outside the VPC, /29, /15 — via SDK, CLI and boto3; nothing changes', async () => {
      const vpc = await newVpc('10.0.0.0/16');
      const before = await snapshot();
      const e = await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.0.0/24' })), 'InvalidSubnet.Range');
      assert.equal(e.message, "The CIDR '10.1.0.0/24' is invalid.");
      await assert.rejects(h.cli(['create-subnet', '--vpc-id', vpc.VpcId!, '--cidr-block', '10.0.0.0/29']), /InvalidSubnet\.Range/);
      const boto = await h.boto3(`
try:
    ec2.create_subnet(VpcId='${vpc.VpcId}', CidrBlock='10.0.0.0/15')
except botocore.exceptions.ClientError as e:
    result = e.response['Error']['Code']`);
      assert.equal(boto, 'InvalidSubnet.Range');
      assert.equal(await snapshot(), before);
    });

    it('InvalidSubnet.Conflict when the block overlaps another subnet of the VPC; nothing changes', async () => {
      const vpc = await newVpc('10.0.0.0/16');
      await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24' }));
      const before = await snapshot();
      for (const cidr of ['10.0.0.0/24', '10.0.0.128/25', '10.0.0.0/20', '10.0.0.240/28']) {
        const e = await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: cidr })), 'InvalidSubnet.Conflict');
        assert.equal(e.message, `The CIDR '${cidr}' conflicts with another subnet`);
      }
      await assert.rejects(h.cli(['create-subnet', '--vpc-id', vpc.VpcId!, '--cidr-block', '10.0.0.64/26']), /InvalidSubnet\.Conflict/);
      assert.equal(await snapshot(), before);
      // The same block in another VPC is fine.
      const other = await newVpc('10.0.0.0/16');
      await ec2().send(new CreateSubnetCommand({ VpcId: other.VpcId, CidrBlock: '10.0.0.0/24' }));
    });

    it('bad zone, bad CIDR text, unknown VPC: refused, nothing changes', async () => {
      const vpc = await newVpc();
      const before = await snapshot();
      await expectCode(
        ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1z' })),
        'InvalidParameterValue',
      );
      await expectCode(
        ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'eu-west-1a' })),
        'InvalidParameterValue',
      );
      await expectCode(
        ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24', AvailabilityZoneId: 'use1-az99' })),
        'InvalidParameterValue',
      );
      await expectCode(
        ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az6' })),
        'InvalidParameterCombination',
      );
      await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.300/24' })), 'InvalidParameterValue');
      await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.0.0.0/24' })), 'InvalidVpcID.NotFound');
      await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24', DryRun: true })), 'DryRunOperation');
      assert.equal(await snapshot(), before);
    });
  });

  describe('DeleteSubnet and ModifySubnetAttribute', () => {
    it('DeleteSubnet (CLI) removes it; a second delete is InvalidSubnetID.NotFound; malformed ids are Malformed', async () => {
      const vpc = await newVpc();
      const { Subnet: s } = await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24' }));
      await h.cli(['delete-subnet', '--subnet-id', s!.SubnetId!]);
      assert.deepEqual(await subnetsOf(vpc.VpcId!), []);
      const e = await expectCode(ec2().send(new DeleteSubnetCommand({ SubnetId: s!.SubnetId })), 'InvalidSubnetID.NotFound');
      assert.equal(e.message, `The subnet ID '${s!.SubnetId}' does not exist`);
      await expectCode(ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s!.SubnetId!] })), 'InvalidSubnetID.NotFound');
      const before = await snapshot();
      await expectCode(ec2().send(new DeleteSubnetCommand({ SubnetId: 'vpc-12345678' })), 'InvalidSubnetID.Malformed');
      assert.equal(await snapshot(), before);
    });

    it('ModifySubnetAttribute MapPublicIpOnLaunch on (boto3) and off (CLI), seen by the SDK', async () => {
      const vpc = await newVpc();
      const { Subnet: s } = await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.0.0/24' }));
      await h.boto3(`ec2.modify_subnet_attribute(SubnetId='${s!.SubnetId}', MapPublicIpOnLaunch={'Value': True})`);
      assert.equal((await subnetsOf(vpc.VpcId!))[0]!.MapPublicIpOnLaunch, true);
      const filtered = await ec2().send(
        new DescribeSubnetsCommand({
          Filters: [
            { Name: 'map-public-ip-on-launch', Values: ['true'] },
            { Name: 'vpc-id', Values: [vpc.VpcId!] },
          ],
        }),
      );
      assert.deepEqual(
        filtered.Subnets!.map((x) => x.SubnetId),
        [s!.SubnetId],
      );
      await h.cli(['modify-subnet-attribute', '--subnet-id', s!.SubnetId!, '--no-map-public-ip-on-launch']);
      assert.equal((await subnetsOf(vpc.VpcId!))[0]!.MapPublicIpOnLaunch, false);
      const before = await snapshot();
      await expectCode(
        ec2().send(new ModifySubnetAttributeCommand({ SubnetId: 'subnet-0123456789abcdef0', MapPublicIpOnLaunch: { Value: true } })),
        'InvalidSubnetID.NotFound',
      );
      assert.equal(await snapshot(), before);
    });
  });

  describe('DescribeSubnets filters', () => {
    /** A VPC with three tagged subnets in known zones. */
    async function fixture() {
      const vpc = await newVpc();
      const make = async (cidr: string, zone: string, name: string) =>
        (
          await ec2().send(
            new CreateSubnetCommand({
              VpcId: vpc.VpcId,
              CidrBlock: cidr,
              AvailabilityZone: zone,
              TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: name }] }],
            }),
          )
        ).Subnet!.SubnetId!;
      return {
        vpc: vpc.VpcId!,
        web1: await make('10.0.1.0/24', 'us-east-1a', 'web-1'),
        web2: await make('10.0.2.0/24', 'us-east-1b', 'web-2'),
        db: await make('10.0.3.0/24', 'us-east-1a', 'db-10'),
      };
    }
    const ids = async (filters: { Name: string; Values: string[] }[]) =>
      (await ec2().send(new DescribeSubnetsCommand({ Filters: filters }))).Subnets!.map((s) => s.SubnetId!).sort();

    it('availability-zone, cidr-block, default-for-az (SDK)', async () => {
      const f = await fixture();
      assert.deepEqual(
        await ids([
          { Name: 'vpc-id', Values: [f.vpc] },
          { Name: 'availability-zone', Values: ['us-east-1a'] },
        ]),
        [f.web1, f.db].sort(),
      );
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['10.0.2.0/24'] }]), [f.web2]);
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['10.0.2.0/24', '10.0.3.0/24'] }]), [f.web2, f.db].sort(), 'values are ORed');
      const defaults = await ids([{ Name: 'default-for-az', Values: ['true'] }]);
      assert.equal(defaults.length, 6, 'one default subnet per us-east-1 zone');
      assert.ok(![f.web1, f.web2, f.db].some((id) => defaults.includes(id)));
      assert.deepEqual(await ids([{ Name: 'default-for-az', Values: ['false'] }]), [f.web1, f.web2, f.db].sort());
    });

    it('tag:Name with * and ? wildcards (CLI and boto3)', async () => {
      const f = await fixture();
      const cli = await h.cli(['describe-subnets', '--filters', 'Name=tag:Name,Values=web-*']);
      assert.deepEqual(cli.Subnets.map((s: Subnet) => s.SubnetId).sort(), [f.web1, f.web2].sort());
      const boto = await h.boto3(
        `result = sorted(s['SubnetId'] for s in ec2.describe_subnets(Filters=[{'Name': 'tag:Name', 'Values': ['db-??', 'web-?0']}])['Subnets'])`,
      );
      assert.deepEqual(boto, [f.db]);
      assert.deepEqual(await ids([{ Name: 'tag:Name', Values: ['*'] }]), [f.web1, f.web2, f.db].sort(), '* needs the tag to exist');
      assert.deepEqual(await ids([{ Name: 'tag:Name', Values: ['web'] }]), [], 'a value matches the whole string');
      assert.deepEqual(
        await ids([
          { Name: 'cidr-block', Values: ['10.0.?.0/24'] },
          { Name: 'availability-zone', Values: ['*b'] },
        ]),
        [f.web2],
        'filters are ANDed',
      );
    });

    it('an unknown filter is InvalidParameterValue naming it (SDK, CLI)', async () => {
      const e = await expectCode(ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] })), 'InvalidParameterValue');
      assert.equal(e.message, "The filter 'colour' is invalid");
      await assert.rejects(
        h.cli(['describe-subnets', '--filters', 'Name=availabilityZone2,Values=x']),
        /InvalidParameterValue.*The filter 'availabilityZone2' is invalid/s,
      );
    });
  });
});
