/**
 * Tags, regions and zones through the real clients.
 * Rules:
 * - tags: EC2 API reference CreateTags / DeleteTags ("If you specify a tag key without a tag value, we
 *   delete any tag with this key regardless of its value. If you specify a tag key with an empty string
 *   as the tag value, we delete the tag only if its value is an empty string"; no Tags → all tags),
 *   DescribeTags filters key, value, resource-id, resource-type; `tag:<key>`, `tag-key`, `tag-value`
 *   on Describe* (EC2 User Guide "Filter your resources"); TagSpecifications on create calls
 *   (EC2 User Guide "Tag your resources — tag on creation");
 * - regions and zones: aws-behaviour.md §2 "Regions and AZs" (AZ name = region + letter, ID e.g.
 *   use1-az6; the us-east-1 and eu-west-1 mappings); the Regions list of the AWS "Regions and
 *   Availability Zones" guide; DescribeRegions / DescribeAvailabilityZones filters from the EC2 API reference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeRegionsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  type DescribeAvailabilityZonesCommandInput,
  type Filter,
} from '@aws-sdk/client-ec2';
import { expectCode, useHarness } from './harness.js';

/** The commercial (`aws` partition) Regions, from the AWS "Regions and Availability Zones" guide. */
const COMMERCIAL_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

describe('tags, regions and zones (interop)', () => {
  const h = useHarness();

  const ec2 = () => h.ec2();
  const tagsOf = async (filters: Filter[] = []) =>
    (await ec2().send(new DescribeTagsCommand({ Filters: filters }))).Tags!.map((t) => `${t.ResourceId}|${t.ResourceType}|${t.Key}=${t.Value}`).sort();

  describe('tags', () => {
    it('TagSpecifications on CreateVpc and CreateSubnet tag the new resources', async () => {
      const { Vpc } = await ec2().send(
        new CreateVpcCommand({
          CidrBlock: '10.0.0.0/16',
          TagSpecifications: [
            {
              ResourceType: 'vpc',
              Tags: [
                { Key: 'Name', Value: 'main' },
                { Key: 'env', Value: '' },
              ],
            },
          ],
        }),
      );
      assert.deepEqual(Vpc!.Tags, [
        { Key: 'Name', Value: 'main' },
        { Key: 'env', Value: '' },
      ]);
      const subnet = await h.cli([
        'create-subnet',
        '--vpc-id',
        Vpc!.VpcId!,
        '--cidr-block',
        '10.0.0.0/24',
        '--tag-specifications',
        'ResourceType=subnet,Tags=[{Key=Name,Value=public},{Key=tier,Value=web}]',
      ]);
      assert.deepEqual(subnet.Subnet.Tags, [
        { Key: 'Name', Value: 'public' },
        { Key: 'tier', Value: 'web' },
      ]);
      assert.deepEqual(
        await tagsOf(),
        [
          `${Vpc!.VpcId}|vpc|Name=main`,
          `${Vpc!.VpcId}|vpc|env=`,
          `${subnet.Subnet.SubnetId}|subnet|Name=public`,
          `${subnet.Subnet.SubnetId}|subnet|tier=web`,
        ].sort(),
      );
    });

    it('a TagSpecification for a resource type the call does not create is refused; nothing is created', async () => {
      await expectCode(
        ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'a', Value: 'b' }] }] })),
        'InvalidParameterValue',
      );
      assert.equal((await ec2().send(new DescribeVpcsCommand({}))).Vpcs!.length, 1);
    });

    it('CreateTags (boto3) and DescribeTags filters key, value, resource-id, resource-type', async () => {
      const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: '10.0.0.0/24' }));
      const [vpc, subnet] = [Vpc!.VpcId!, Subnet!.SubnetId!];
      await h.boto3(`ec2.create_tags(Resources=['${vpc}', '${subnet}'], Tags=[{'Key': 'team', 'Value': 'net'}, {'Key': 'Name', 'Value': 'x'}])`);
      await ec2().send(new CreateTagsCommand({ Resources: [subnet], Tags: [{ Key: 'Name', Value: 'sub-a' }] }));
      assert.deepEqual(await tagsOf([{ Name: 'key', Values: ['team'] }]), [`${subnet}|subnet|team=net`, `${vpc}|vpc|team=net`].sort());
      assert.deepEqual(await tagsOf([{ Name: 'value', Values: ['sub-*'] }]), [`${subnet}|subnet|Name=sub-a`]);
      assert.deepEqual(await tagsOf([{ Name: 'resource-id', Values: [vpc] }]), [`${vpc}|vpc|Name=x`, `${vpc}|vpc|team=net`]);
      assert.deepEqual(
        await tagsOf([
          { Name: 'resource-type', Values: ['subnet'] },
          { Name: 'key', Values: ['Name'] },
        ]),
        [`${subnet}|subnet|Name=sub-a`],
      );
      const cli = await h.cli(['describe-tags', '--filters', `Name=resource-id,Values=${subnet}`, 'Name=key,Values=t*']);
      assert.deepEqual(cli.Tags, [{ Key: 'team', ResourceId: subnet, ResourceType: 'subnet', Value: 'net' }]);
      await expectCode(ec2().send(new DescribeTagsCommand({ Filters: [{ Name: 'resource', Values: ['x'] }] })), 'InvalidParameterValue');
    });

    it('CreateTags overwrites a value; it is all or nothing when one resource does not exist', async () => {
      const { Vpc } = await ec2().send(
        new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'old' }] }] }),
      );
      const vpc = Vpc!.VpcId!;
      await ec2().send(new CreateTagsCommand({ Resources: [vpc], Tags: [{ Key: 'Name', Value: 'new' }] }));
      assert.deepEqual(await tagsOf(), [`${vpc}|vpc|Name=new`]);
      await expectCode(
        ec2().send(new CreateTagsCommand({ Resources: [vpc, 'subnet-0123456789abcdef0'], Tags: [{ Key: 'extra', Value: '1' }] })),
        'InvalidSubnetID.NotFound',
      );
      await expectCode(ec2().send(new CreateTagsCommand({ Resources: [vpc], Tags: [{ Key: 'aws:reserved', Value: '1' }] })), 'InvalidParameterValue');
      assert.deepEqual(await tagsOf(), [`${vpc}|vpc|Name=new`], 'nothing changed');
    });

    it('DeleteTags: key alone, key with matching value, key with empty value, no tags at all (CLI and SDK)', async () => {
      const { Vpc } = await ec2().send(
        new CreateVpcCommand({
          CidrBlock: '10.0.0.0/16',
          TagSpecifications: [
            {
              ResourceType: 'vpc',
              Tags: [
                { Key: 'a', Value: '1' },
                { Key: 'b', Value: '2' },
                { Key: 'c', Value: '' },
                { Key: 'd', Value: '4' },
              ],
            },
          ],
        }),
      );
      const vpc = Vpc!.VpcId!;
      await ec2().send(
        new DeleteTagsCommand({
          Resources: [vpc],
          Tags: [
            { Key: 'b', Value: 'wrong' },
            { Key: 'c', Value: '' },
          ],
        }),
      );
      assert.deepEqual(await tagsOf(), [`${vpc}|vpc|a=1`, `${vpc}|vpc|b=2`, `${vpc}|vpc|d=4`]);
      await h.cli(['delete-tags', '--resources', vpc, '--tags', 'Key=a', 'Key=b,Value=2']);
      assert.deepEqual(await tagsOf(), [`${vpc}|vpc|d=4`]);
      await h.cli(['delete-tags', '--resources', vpc]);
      assert.deepEqual(await tagsOf(), []);
    });

    it('tag:Key, tag-key and tag-value filters on DescribeVpcs', async () => {
      const mk = async (cidr: string, tags: { Key: string; Value: string }[]) =>
        (await ec2().send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: [{ ResourceType: 'vpc', Tags: tags }] }))).Vpc!.VpcId!;
      const prod = await mk('10.0.0.0/16', [
        { Key: 'env', Value: 'prod' },
        { Key: 'Name', Value: 'a' },
      ]);
      const dev = await mk('10.1.0.0/16', [{ Key: 'env', Value: 'dev' }]);
      const owner = await mk('10.2.0.0/16', [{ Key: 'owner', Value: 'prod' }]);
      const ids = async (filters: Filter[]) => (await ec2().send(new DescribeVpcsCommand({ Filters: filters }))).Vpcs!.map((v) => v.VpcId!).sort();
      assert.deepEqual(await ids([{ Name: 'tag:env', Values: ['prod'] }]), [prod]);
      assert.deepEqual(await ids([{ Name: 'tag:env', Values: ['prod', 'dev'] }]), [prod, dev].sort());
      assert.deepEqual(await ids([{ Name: 'tag:env', Values: ['*'] }]), [prod, dev].sort());
      assert.deepEqual(await ids([{ Name: 'tag:Env', Values: ['prod'] }]), [], 'tag keys are case-sensitive');
      assert.deepEqual(await ids([{ Name: 'tag-key', Values: ['env'] }]), [prod, dev].sort());
      assert.deepEqual(await ids([{ Name: 'tag-value', Values: ['prod'] }]), [prod, owner].sort());
      assert.deepEqual(
        await ids([
          { Name: 'tag-key', Values: ['owner'] },
          { Name: 'tag-value', Values: ['prod'] },
        ]),
        [owner],
      );
      const boto = await h.boto3(`result = [v['VpcId'] for v in ec2.describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': ['?']}])['Vpcs']]`);
      assert.deepEqual(boto, [prod]);
    });
  });

  describe('regions', () => {
    it('DescribeRegions lists every commercial region with its EC2 endpoint (SDK, CLI)', async () => {
      const { Regions } = await ec2().send(new DescribeRegionsCommand({}));
      assert.deepEqual(Regions!.map((r) => r.RegionName).sort(), [...COMMERCIAL_REGIONS].sort());
      for (const r of Regions!) {
        assert.equal(r.Endpoint, `ec2.${r.RegionName}.amazonaws.com`);
        assert.ok(['opt-in-not-required', 'opted-in'].includes(r.OptInStatus!), r.OptInStatus);
      }
      assert.equal(Regions!.find((r) => r.RegionName === 'us-east-1')!.OptInStatus, 'opt-in-not-required');
      assert.equal(Regions!.find((r) => r.RegionName === 'af-south-1')!.OptInStatus, 'opted-in');
      const all = await ec2().send(new DescribeRegionsCommand({ AllRegions: true }));
      assert.equal(all.Regions!.length, COMMERCIAL_REGIONS.length);
      const cli = await h.cli(['describe-regions']);
      assert.equal(cli.Regions.length, COMMERCIAL_REGIONS.length);
    });

    it('RegionNames and the region-name filter select regions; an unknown name is InvalidParameterValue', async () => {
      const named = await ec2().send(new DescribeRegionsCommand({ RegionNames: ['eu-west-1', 'us-west-2'] }));
      assert.deepEqual(named.Regions!.map((r) => r.RegionName).sort(), ['eu-west-1', 'us-west-2']);
      const filtered = await h.cli(['describe-regions', '--filters', 'Name=region-name,Values=eu-west-*']);
      assert.deepEqual(filtered.Regions.map((r: { RegionName: string }) => r.RegionName).sort(), ['eu-west-1', 'eu-west-2', 'eu-west-3']);
      const optIn = await ec2().send(new DescribeRegionsCommand({ Filters: [{ Name: 'opt-in-status', Values: ['opt-in-not-required'] }] }));
      assert.ok(optIn.Regions!.length > 0 && optIn.Regions!.every((r) => r.OptInStatus === 'opt-in-not-required'));
      await expectCode(ec2().send(new DescribeRegionsCommand({ RegionNames: ['us-east-1', 'mars-north-1'] })), 'InvalidParameterValue');
      await expectCode(ec2().send(new DescribeRegionsCommand({ Filters: [{ Name: 'name', Values: ['x'] }] })), 'InvalidParameterValue');
    });
  });

  describe('availability zones', () => {
    it("the zones of the caller's region, with AWS's name → ID mapping (us-east-1, eu-west-1)", async () => {
      const { AvailabilityZones } = await ec2().send(new DescribeAvailabilityZonesCommand({}));
      assert.deepEqual(
        AvailabilityZones!.map((z) => `${z.ZoneName}=${z.ZoneId}`),
        ['us-east-1a=use1-az6', 'us-east-1b=use1-az1', 'us-east-1c=use1-az2', 'us-east-1d=use1-az4', 'us-east-1e=use1-az3', 'us-east-1f=use1-az5'],
      );
      for (const z of AvailabilityZones!) {
        assert.equal(z.RegionName, 'us-east-1');
        assert.equal(z.State, 'available');
        assert.equal(z.ZoneType, 'availability-zone');
        assert.equal(z.GroupName, 'us-east-1-zg-1');
        assert.equal(z.NetworkBorderGroup, 'us-east-1');
        assert.equal(z.OptInStatus, 'opt-in-not-required');
        assert.deepEqual(z.Messages, []);
      }
      const eu = await h.boto3(`result = [z['ZoneName'] + '=' + z['ZoneId'] for z in ec2.describe_availability_zones()['AvailabilityZones']]`, 'eu-west-1');
      assert.deepEqual(eu, ['eu-west-1a=euw1-az3', 'eu-west-1b=euw1-az1', 'eu-west-1c=euw1-az2']);
    });

    it('filters zone-name, zone-id, state; ZoneNames and ZoneIds', async () => {
      const names = async (input: DescribeAvailabilityZonesCommandInput) =>
        (await ec2().send(new DescribeAvailabilityZonesCommand(input))).AvailabilityZones!.map((z) => z.ZoneName);
      assert.deepEqual(await names({ Filters: [{ Name: 'zone-name', Values: ['us-east-1c', 'us-east-1e'] }] }), ['us-east-1c', 'us-east-1e']);
      assert.deepEqual(await names({ Filters: [{ Name: 'zone-id', Values: ['use1-az1'] }] }), ['us-east-1b']);
      assert.deepEqual(await names({ Filters: [{ Name: 'zone-name', Values: ['*f'] }] }), ['us-east-1f']);
      assert.equal((await names({ Filters: [{ Name: 'state', Values: ['available'] }] })).length, 6);
      assert.deepEqual(await names({ Filters: [{ Name: 'state', Values: ['impaired'] }] }), []);
      assert.deepEqual(await names({ ZoneNames: ['us-east-1d', 'us-east-1a'] }), ['us-east-1a', 'us-east-1d']);
      assert.deepEqual(await names({ ZoneIds: ['use1-az6'] }), ['us-east-1a']);
      const cli = await h.cli(['describe-availability-zones', '--zone-names', 'us-east-1b', '--filters', 'Name=zone-id,Values=use1-az1']);
      assert.deepEqual(
        cli.AvailabilityZones.map((z: { ZoneName: string }) => z.ZoneName),
        ['us-east-1b'],
      );
    });

    it('a zone name that is not in the region is InvalidParameterValue; so is an unknown filter', async () => {
      const e = await expectCode(ec2().send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })), 'InvalidParameterValue');
      assert.ok(e.message.includes('us-east-1z'), e.message);
      await expectCode(ec2().send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['eu-west-1a'] })), 'InvalidParameterValue');
      await expectCode(ec2().send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az9'] })), 'InvalidParameterValue');
      await expectCode(ec2().send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone', Values: ['x'] }] })), 'InvalidParameterValue');
    });
  });
});
