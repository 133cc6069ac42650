/**
 * VPCs through the real clients. Rules: default VPC per the Amazon VPC User Guide ("Default VPCs":
 * 172.31.0.0/16, one /20 default subnet per zone); CIDR sizes /16–/28 ("VPC CIDR blocks").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateVpcCommand, DeleteVpcCommand, DescribeVpcsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { expectCode, useHarness } from './harness.js';

describe('VPCs (interop)', () => {
  const h = useHarness();

  it('every account × region has a default VPC with one default /20 subnet per zone', async () => {
    const ec2 = h.ec2('us-west-2');
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({}));
    assert.equal(Vpcs?.length, 1);
    assert.equal(Vpcs![0]!.CidrBlock, '172.31.0.0/16');
    assert.equal(Vpcs![0]!.IsDefault, true);
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpcs![0]!.VpcId!] }] }));
    const cidrs = Subnets!.map((s) => s.CidrBlock).sort();
    assert.deepEqual(cidrs, ['172.31.0.0/20', '172.31.16.0/20', '172.31.32.0/20', '172.31.48.0/20']);
    for (const s of Subnets!) {
      assert.equal(s.DefaultForAz, true);
      assert.equal(s.MapPublicIpOnLaunch, true);
      assert.equal(s.AvailableIpAddressCount, 4091);
    }
  });

  it('CreateVpc via the CLI, seen by boto3; /8 refused with InvalidVpc.Range and nothing created', async () => {
    const created = await h.cli(['create-vpc', '--cidr-block', '10.0.0.0/16']);
    assert.match(created.Vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
    const seen = await h.boto3(`result = ec2.describe_vpcs(VpcIds=['${created.Vpc.VpcId}'])['Vpcs'][0]['CidrBlock']`);
    assert.equal(seen, '10.0.0.0/16');
    const ec2 = h.ec2();
    await expectCode(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range');
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({}));
    assert.equal(Vpcs!.length, 2);
  });

  it('unknown and malformed VPC ids get AWS codes', async () => {
    const ec2 = h.ec2();
    const e = await expectCode(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })), 'InvalidVpcID.NotFound');
    assert.equal(e.message, "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    await expectCode(ec2.send(new DeleteVpcCommand({ VpcId: 'subnet-12345678' })), 'InvalidVpcID.Malformed');
  });

  it('accounts and regions are separate worlds', async () => {
    await h.ec2('us-east-1', '111111111111').send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const other = await h.ec2('us-east-1', '222222222222').send(new DescribeVpcsCommand({}));
    assert.equal(other.Vpcs!.length, 1, 'only its own default VPC');
    const otherRegion = await h.ec2('eu-west-1', '111111111111').send(new DescribeVpcsCommand({}));
    assert.equal(otherRegion.Vpcs!.length, 1);
    assert.equal(otherRegion.Vpcs![0]!.OwnerId, '111111111111');
  });
});
