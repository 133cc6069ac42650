/**
 * VPC and subnet CIDR block associations after disassociation, through the real clients.
 *
 * Rules:
 * - [api VpcCidrBlockState, SubnetCidrBlockState]: a block's state is one of associating | associated |
 *   disassociating | disassociated | failing | failed. DisassociateVpcCidrBlock / DisassociateSubnetCidrBlock
 *   answer `disassociating`; DescribeVpcs / DescribeSubnets keep listing the block, then as `disassociated`.
 * - [client] amazon.aws ec2_vpc_net (wait_for_vpc_ipv6_state) polls DescribeVpcs for up to 300 s until every
 *   Amazon IPv6 block in Ipv6CidrBlockAssociationSet shows `disassociated`; its own integration target expects the
 *   set to hold two entries after a block is removed and another associated. ec2_vpc_subnet waits with
 *   DescribeSubnets filtered by `ipv6-cidr-block-association.state=disassociated`.
 * - [ug "VPC CIDR blocks"] a VPC has up to 5 IPv4 blocks (default quota); only associated blocks hold subnets,
 *   local routes, and addresses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AssociateSubnetCidrBlockCommand,
  AssociateVpcCidrBlockCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DisassociateSubnetCidrBlockCommand,
  DisassociateVpcCidrBlockCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { nthSubCidr6, parseIpv6, parseIpv6Cidr } from '../../src/engine/cidr.js';
import { expectCode, invariants, until, useHarness } from './harness.js';

async function vpcOf(ec2: EC2Client, vpcId: string) {
  return (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
}

const v4States = (vpc: Awaited<ReturnType<typeof vpcOf>>) => vpc.CidrBlockAssociationSet!.map((c) => [c.CidrBlock, c.CidrBlockState!.State]);

describe('VPC and subnet CIDR associations after disassociation (interop)', () => {
  const h = useHarness();

  it('a disassociated IPv4 block stays listed, disassociating then disassociated; it no longer counts or routes', async () => {
    const ec2 = h.ec2();
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const { CidrBlockAssociation } = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/16' }));
    const answer = await ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: CidrBlockAssociation!.AssociationId }));
    assert.equal(answer.CidrBlockAssociation!.CidrBlockState!.State, 'disassociating');
    const settled = await until(
      () => vpcOf(ec2, vpcId),
      (v) => v.CidrBlockAssociationSet!.some((c) => c.CidrBlockState!.State === 'disassociated'),
      'the block to show disassociated',
    );
    assert.deepEqual(v4States(settled), [
      ['10.0.0.0/16', 'associated'],
      ['10.1.0.0/16', 'disassociated'],
    ]);
    assert.equal(settled.CidrBlock, '10.0.0.0/16');
    // No local route, no subnet inside it.
    const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.deepEqual(
      RouteTables![0]!.Routes!.filter((r) => r.GatewayId === 'local').map((r) => r.DestinationCidrBlock),
      ['10.0.0.0/16'],
    );
    await expectCode(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/24' })), 'InvalidSubnet.Range');
    // Disassociating it again: the association is gone.
    await expectCode(
      ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: CidrBlockAssociation!.AssociationId })),
      'InvalidVpcCidrBlockAssociationID.NotFound',
    );
    // The same CIDR may be associated again (a new association); the quota counts associated blocks only.
    const again = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/16' }));
    assert.notEqual(again.CidrBlockAssociation!.AssociationId, CidrBlockAssociation!.AssociationId);
    for (const k of [2, 3, 4]) await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: `10.${k}.0.0/16` }));
    await expectCode(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '10.9.0.0/16' })), 'CidrLimitExceeded');
    assert.equal((await vpcOf(ec2, vpcId)).CidrBlockAssociationSet!.length, 6);
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/24' }));
    await invariants(h);
  });

  it('filters on cidr-block-association.* see disassociated blocks with their state (boto3)', async () => {
    const ec2 = h.ec2();
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    const { CidrBlockAssociation } = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '10.21.0.0/16' }));
    await ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: CidrBlockAssociation!.AssociationId }));
    await until(
      () => vpcOf(ec2, vpcId),
      (v) => v.CidrBlockAssociationSet!.some((c) => c.CidrBlockState!.State === 'disassociated'),
      'the block to show disassociated',
    );
    const ids = (filters: string) => h.boto3(`result = [v['VpcId'] for v in ec2.describe_vpcs(Filters=${filters})['Vpcs']]`);
    assert.deepEqual(await ids(`[{'Name': 'cidr-block-association.state', 'Values': ['disassociated']}]`), [vpcId]);
    assert.deepEqual(await ids(`[{'Name': 'cidr-block-association.cidr-block', 'Values': ['10.21.0.0/16']}]`), [vpcId]);
    assert.deepEqual(await ids(`[{'Name': 'cidr-block-association.association-id', 'Values': ['${CidrBlockAssociation!.AssociationId}']}]`), [vpcId]);
    // The legacy `cidr-block` filter is the primary block only.
    assert.deepEqual(await ids(`[{'Name': 'cidr-block', 'Values': ['10.21.0.0/16']}]`), []);
  });

  it('an Amazon IPv6 block stays listed as disassociated, as ec2_vpc_net waits for; a new one is listed beside it (CLI)', async () => {
    const ec2 = h.ec2();
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
    const first = vpc.Ipv6CidrBlockAssociationSet![0]!;
    const out = await h.cli(['disassociate-vpc-cidr-block', '--association-id', first.AssociationId!]);
    assert.equal(out.Ipv6CidrBlockAssociation.Ipv6CidrBlockState.State, 'disassociating');
    const settled = await until(
      () => vpcOf(ec2, vpc.VpcId!),
      (v) => v.Ipv6CidrBlockAssociationSet!.every((c) => c.Ipv6Pool === 'Amazon' && c.Ipv6CidrBlockState!.State === 'disassociated'),
      'the IPv6 block to show disassociated',
    );
    assert.equal(settled.Ipv6CidrBlockAssociationSet!.length, 1);
    const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }));
    assert.ok(RouteTables![0]!.Routes!.every((r) => r.DestinationIpv6CidrBlock === undefined));
    const firstSlash64 = nthSubCidr6(parseIpv6Cidr(first.Ipv6CidrBlock!)!, 64, 0).toString();
    await expectCode(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.30.0.0/24', Ipv6CidrBlock: firstSlash64 })), 'InvalidSubnet.Range');
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc.VpcId, AmazonProvidedIpv6CidrBlock: true }));
    const both = await vpcOf(ec2, vpc.VpcId!);
    assert.deepEqual(
      both.Ipv6CidrBlockAssociationSet!.map((c) => c.Ipv6CidrBlockState!.State),
      ['disassociated', 'associated'],
    );
    const filtered = await h.cli(['describe-vpcs', '--filters', 'Name=ipv6-cidr-block-association.state,Values=disassociated']);
    assert.deepEqual(
      filtered.Vpcs.map((v: { VpcId: string }) => v.VpcId),
      [vpc.VpcId],
    );
    await invariants(h);
  });

  it('a subnet IPv6 block stays listed as disassociated; the filter ec2_vpc_subnet waits on finds it; addresses come only from an associated block', async () => {
    const ec2 = h.ec2();
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
    const v6 = parseIpv6Cidr(vpc.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!)!;
    const block = (k: number) => nthSubCidr6(v6, 64, k).toString();
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.40.0.0/24', Ipv6CidrBlock: block(1) }))).Subnet!;
    const assoc = subnet.Ipv6CidrBlockAssociationSet![0]!;
    const answer = await ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: assoc.AssociationId }));
    assert.equal(answer.Ipv6CidrBlockAssociation!.Ipv6CidrBlockState!.State, 'disassociating');
    const waited = await until(
      () =>
        h.boto3(
          `result = [s['SubnetId'] for s in ec2.describe_subnets(SubnetIds=['${subnet.SubnetId}'], Filters=[{'Name': 'ipv6-cidr-block-association.state', 'Values': ['disassociated']}, {'Name': 'vpc-id', 'Values': ['${vpc.VpcId}']}])['Subnets']]`,
        ),
      (ids: string[]) => ids.length === 1,
      'the subnet block to show disassociated',
    );
    assert.deepEqual(waited, [subnet.SubnetId]);
    await expectCode(ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: assoc.AssociationId })), 'InvalidSubnetCidrBlockAssociationID.NotFound');
    // No IPv6 address from a disassociated block.
    await expectCode(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId, Ipv6AddressCount: 1 })), 'InvalidParameterValue');
    // The same /64 may come back (a new association), listed after the old one.
    const again = await ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId: subnet.SubnetId, Ipv6CidrBlock: block(1) }));
    assert.notEqual(again.Ipv6CidrBlockAssociation!.AssociationId, assoc.AssociationId);
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] }));
    assert.deepEqual(
      Subnets![0]!.Ipv6CidrBlockAssociationSet!.map((a) => [a.AssociationId, a.Ipv6CidrBlockState!.State]),
      [
        [assoc.AssociationId, 'disassociated'],
        [again.Ipv6CidrBlockAssociation!.AssociationId, 'associated'],
      ],
    );
    const eni = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId, Ipv6AddressCount: 1 }));
    assert.ok(parseIpv6Cidr(block(1))!.contains(parseIpv6(eni.NetworkInterface!.Ipv6Addresses![0]!.Ipv6Address!)!));
    await invariants(h);
  });
});
