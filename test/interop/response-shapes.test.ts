/**
 * Elements AWS sends even when empty (src/api/always-present.ts holds the list and its evidence):
 * - an untagged, detached internet gateway has `Tags: []` and `Attachments: []` — amazon.aws 5.5.1
 *   ec2_vpc_igw_info indexes both (`igw['Tags']`), and lyft/cartography's recorded
 *   DescribeInternetGateways data shows `"Tags": []`;
 * - a subnet without IPv6 has `Ipv6CidrBlockAssociationSet: []` (describe-subnets captures,
 *   pastebin.com/X53ZBF3b, and the AWS CLI reference's create-subnet example) but no `Tags` while
 *   untagged (the same capture);
 * - network interfaces always carry `TagSet` (ec2_eni_info indexes it), security groups
 *   `IpPermissions`/`IpPermissionsEgress` (ec2_security_group indexes them);
 * - an interface made by CreateNetworkInterface names its creator in `RequesterId` (amazon.aws
 *   5.5.1's ec2_eni integration target, run against AWS, asserts `requester_id is string`): the
 *   caller's user id, as GetCallerIdentity answers it;
 * - CreateSnapshot and CreateVolume answer an untagged resource with `Tags: []` (the AWS CLI
 *   reference's create-snapshot and create-volume examples), and amazon.aws 5.5.1 ec2_snapshot reads
 *   `snapshot['Tags']` straight after CreateSnapshot, which its integration target does against AWS
 *   for an untagged volume.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/protocol/model.js';
import { ALWAYS_PRESENT } from '../../src/api/always-present.js';
import { rawQuery, useHarness } from './harness.js';

describe('elements AWS sends even when empty', () => {
  const h = useHarness({ resetEachTest: false });

  it('names only shapes and members the model has', () => {
    const model = loadModel();
    for (const [shape, members] of Object.entries(ALWAYS_PRESENT)) {
      assert.equal(model.shapes[shape]?.type, 'structure', shape);
      for (const m of members) assert.ok(model.shapes[shape]!.members![m], `${shape}.${m}`);
    }
  });

  it('an untagged internet gateway has an empty tag set, as ec2_vpc_igw_info reads it (boto3)', async () => {
    const out = await h.boto3(
      [
        "igw = ec2.create_internet_gateway()['InternetGateway']",
        "found = ec2.describe_internet_gateways(InternetGatewayIds=[igw['InternetGatewayId']])['InternetGateways'][0]",
        // What the module does for every gateway, the default VPC's included.
        "result = {'created': [igw['Tags'], igw['Attachments']], 'described': [found['Tags'], found['Attachments']], 'all': [len(g['Tags']) for g in ec2.describe_internet_gateways()['InternetGateways']]}",
      ].join('\n'),
    );
    assert.deepEqual(out.created, [[], []]);
    assert.deepEqual(out.described, [[], []]);
    assert.deepEqual(out.all, [0, 0]);
    const raw = await rawQuery(h.url, 'Action=DescribeInternetGateways&Version=2016-11-15');
    assert.match(raw.text, /<tagSet\/>/);
  });

  it('a subnet without IPv6 lists no IPv6 associations but is not given an empty tag set', async () => {
    const out = await h.boto3(
      [
        "vpc = ec2.create_vpc(CidrBlock='10.3.0.0/16')['Vpc']",
        "s = ec2.create_subnet(VpcId=vpc['VpcId'], CidrBlock='10.3.0.0/24')['Subnet']",
        "d = ec2.describe_subnets(SubnetIds=[s['SubnetId']])['Subnets'][0]",
        "eni = ec2.create_network_interface(SubnetId=s['SubnetId'])['NetworkInterface']",
        "gid = ec2.create_security_group(GroupName='bare', Description='no ingress', VpcId=vpc['VpcId'])['GroupId']",
        "sg = ec2.describe_security_groups(GroupIds=[gid])['SecurityGroups'][0]",
        "who = boto3.client('sts', endpoint_url=ec2.meta.endpoint_url, region_name='us-east-1').get_caller_identity()['UserId']",
        "result = [d['Ipv6CidrBlockAssociationSet'], 'Tags' in d, eni['TagSet'], sg['IpPermissions'], len(sg['IpPermissionsEgress']), eni['RequesterId'] == who]",
      ].join('\n'),
    );
    assert.deepEqual(out, [[], false, [], [], 1, true]);
  });

  it('CreateSnapshot and CreateVolume answer an untagged resource with an empty tag set (boto3)', async () => {
    const out = await h.boto3(
      [
        "az = ec2.describe_availability_zones()['AvailabilityZones'][0]['ZoneName']",
        'vol = ec2.create_volume(AvailabilityZone=az, Size=1)',
        "snap = ec2.create_snapshot(VolumeId=vol['VolumeId'])",
        "tagged = ec2.create_snapshot(VolumeId=vol['VolumeId'], TagSpecifications=[{'ResourceType': 'snapshot', 'Tags': [{'Key': 'k', 'Value': 'v'}]}])",
        // What ec2_snapshot does with the answer.
        "result = [vol['Tags'], snap['Tags'], tagged['Tags']]",
      ].join('\n'),
    );
    assert.deepEqual(out, [[], [], [{ Key: 'k', Value: 'v' }]]);
  });
});
