/**
 * Filter names beyond the hyphenated ones: the aliases the API reference documents and the legacy
 * names real clients send, and every documented DescribeInstances/DescribeInstanceStatus filter.
 *
 * Sources:
 * - DescribeSubnets (API reference and the service model's Filters doc): "You can also use
 *   availabilityZone as the filter name" — likewise availabilityZoneId, cidr/cidrBlock (for
 *   cidr-block), defaultForAz. Terraform's aws_subnet data source sends availabilityZone,
 *   availabilityZoneId, cidrBlock, defaultForAz (internal/service/ec2/vpc_subnet_data_source.go).
 * - DescribeVpcs: amazon.aws 5.5.1 ec2_vpc_net finds its VPC with tag:Name + cidr-block; Terraform's
 *   aws_vpc data source sends cidr, dhcp-options-id, isDefault, state (vpc_data_source.go); amazon.aws
 *   ec2_instance looks for the default VPC with isDefault. All work against AWS.
 * - Unknown names stay refused: InvalidParameterValue "The filter '…' is invalid" (src/engine/filters.ts);
 *   names are case-sensitive (EC2 User Guide, "List and filter your resources").
 * - DescribeInstances filters (API reference list): a filter on a field the answer leaves out
 *   matches nothing; one on a field it shows matches that value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, launch, useHarness } from './harness.js';

describe('filter aliases and legacy names', () => {
  const h = useHarness({ resetEachTest: false });

  it('DescribeVpcs takes cidr-block and isDefault, as ec2_vpc_net and Terraform send them (boto3)', async () => {
    const ec2 = h.ec2();
    const vpc = (
      await ec2.send(
        new CreateVpcCommand({ CidrBlock: '10.42.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'aliases' }] }] }),
      )
    ).Vpc!;
    const found = await h.boto3(
      "result = [v['VpcId'] for v in ec2.describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': ['aliases']}, {'Name': 'cidr-block', 'Values': ['10.42.0.0/16']}])['Vpcs']]",
    );
    assert.deepEqual(found, [vpc.VpcId]);
    const defaults = await h.boto3("result = [v['IsDefault'] for v in ec2.describe_vpcs(Filters=[{'Name': 'isDefault', 'Values': ['true']}])['Vpcs']]");
    assert.deepEqual(defaults, [true]);
    const other = await h.boto3("result = [v['VpcId'] for v in ec2.describe_vpcs(Filters=[{'Name': 'isDefault', 'Values': ['false']}])['Vpcs']]");
    assert.deepEqual(other, [vpc.VpcId]);
    for (const name of ['isdefault', 'cidr_block', 'default']) {
      const e = await expectCode(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: name, Values: ['x'] }] })), 'InvalidParameterValue');
      assert.equal(e.message, `The filter '${name}' is invalid`);
    }
  });

  it('DescribeSubnets takes every documented alias (CLI)', async () => {
    const ec2 = h.ec2('eu-west-1');
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId!, CidrBlock: '10.7.1.0/24', AvailabilityZone: 'eu-west-1b' }))).Subnet!;
    const ids = async (filters: string[]) =>
      (await h.cli(['describe-subnets', '--filters', `Name=vpc-id,Values=${vpc.VpcId}`, ...filters], 'eu-west-1')).Subnets.map((s: any) => s.SubnetId);
    assert.deepEqual(await ids(['Name=availabilityZone,Values=eu-west-1b']), [subnet.SubnetId]);
    assert.deepEqual(await ids([`Name=availabilityZoneId,Values=${subnet.AvailabilityZoneId}`]), [subnet.SubnetId]);
    assert.deepEqual(await ids(['Name=cidrBlock,Values=10.7.1.0/24']), [subnet.SubnetId]);
    assert.deepEqual(await ids(['Name=cidr,Values=10.7.*']), [subnet.SubnetId]);
    assert.deepEqual(await ids(['Name=defaultForAz,Values=false']), [subnet.SubnetId]);
    assert.deepEqual(await ids(['Name=availabilityZone,Values=eu-west-1a']), []);
    // Terraform's default-subnet lookup: availabilityZone + defaultForAz.
    const defaults = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: 'availabilityZone', Values: ['eu-west-1a'] },
          { Name: 'defaultForAz', Values: ['true'] },
        ],
      }),
    );
    assert.equal(defaults.Subnets!.length, 1);
    await expectCode(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability_zone', Values: ['eu-west-1a'] }] })), 'InvalidParameterValue');
  });

  it('DescribeInstances and DescribeInstanceStatus take every documented filter, matching what the answer shows', async () => {
    const ec2 = h.ec2('us-west-2');
    const instance = await launch(ec2);
    const eni = instance.NetworkInterfaces![0]!.NetworkInterfaceId!;
    await ec2.send(new CreateTagsCommand({ Resources: [eni], Tags: [{ Key: 'role', Value: 'web' }] }));
    const matches = async (name: string, value: string) =>
      ((await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: [value] }] }))).Reservations ?? []).flatMap((r) =>
        r.Instances!.map((i) => i.InstanceId),
      );
    assert.deepEqual(await matches('metadata-options.state', 'applied'), [instance.InstanceId]);
    assert.deepEqual(await matches('private-dns-name-options.hostname-type', 'ip-name'), [instance.InstanceId]);
    assert.deepEqual(await matches('ebs-optimized', 'false'), [instance.InstanceId]);
    assert.deepEqual(await matches('network-interface.tag-key', 'role'), [instance.InstanceId]);
    assert.deepEqual(await matches('network-interface.tag-value', 'web'), [instance.InstanceId]);
    assert.deepEqual(await matches('usage-operation', 'RunInstances'), [instance.InstanceId]);
    // Fields ec2net's answer leaves out match nothing, even with `*`.
    // Every instance has its image's root volume (EC2 User Guide, "Block device mappings").
    assert.deepEqual(await matches('block-device-mapping.device-name', '/dev/*'), [instance.InstanceId]);
    assert.deepEqual(await matches('spot-instance-request-id', '*'), []);
    const status = await ec2.send(
      new DescribeInstanceStatusCommand({
        IncludeAllInstances: true,
        Filters: [{ Name: 'availability-zone-id', Values: [instance.Placement!.AvailabilityZoneId ?? 'usw2-az1'] }],
      }),
    );
    assert.deepEqual(
      status.InstanceStatuses!.map((s) => s.InstanceId),
      [instance.InstanceId],
    );
  });
});
