/** VPC operations: Create/Delete/Describe, CIDR block associations, attributes. */
import { Ec2Error, invalidCombination, missingParam } from '../engine/errors.js';
import type { FilterSpec } from '../engine/filters.js';
import type { Vpc, VpcCidrAssociation, VpcIpv6Association } from '../engine/model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { associateVpcCidr, associateVpcIpv6, createVpc, deleteVpc, disassociateVpcCidr, getVpc, parseVpcCidr } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

export const vpcFilters: FilterSpec<Vpc> = {
  resourceName: 'vpc',
  tags: (v) => v.tags,
  getters: {
    cidr: (v) => v.cidrs[0]?.cidr.toString(),
    // Legacy names AWS still takes and clients send: `cidr-block` (amazon.aws ec2_vpc_net finds its VPC
    // by tag:Name + cidr-block) and `isDefault` (Terraform's aws_vpc data source and amazon.aws
    // ec2_instance looking for the default VPC).
    'cidr-block': (v) => v.cidrs[0]?.cidr.toString(),
    isDefault: (v) => v.isDefault,
    // The association filters see every listed block, disassociated ones too, as the Describe
    // output does: amazon.aws ec2_vpc_subnet waits on `ipv6-cidr-block-association.state=disassociated`.
    'cidr-block-association.cidr-block': (v) => v.cidrs.map((c) => c.cidr.toString()),
    'cidr-block-association.association-id': (v) => v.cidrs.map((c) => c.associationId),
    'cidr-block-association.state': (v) => v.cidrs.map((c) => c.state),
    'dhcp-options-id': (v) => v.dhcpOptionsId,
    'ipv6-cidr-block-association.ipv6-cidr-block': (v) => v.ipv6Cidrs.map((c) => c.cidr.toString()),
    'ipv6-cidr-block-association.ipv6-pool': (v) => v.ipv6Cidrs.map(() => 'Amazon'),
    'ipv6-cidr-block-association.association-id': (v) => v.ipv6Cidrs.map((c) => c.associationId),
    'ipv6-cidr-block-association.state': (v) => v.ipv6Cidrs.map((c) => c.state),
    'is-default': (v) => v.isDefault,
    'owner-id': (v) => v.ownerId,
    state: (v) => v.state,
    'vpc-id': (v) => v.id,
  },
};

export const cidrAssociationView = (c: VpcCidrAssociation) => ({
  AssociationId: c.associationId,
  CidrBlock: c.cidr.toString(),
  CidrBlockState: { State: c.state },
});

export const ipv6AssociationView = (c: VpcIpv6Association) => ({
  AssociationId: c.associationId,
  Ipv6CidrBlock: c.cidr.toString(),
  Ipv6CidrBlockState: { State: c.state },
  NetworkBorderGroup: c.networkBorderGroup,
  Ipv6Pool: 'Amazon',
});

export function vpcView(v: Vpc) {
  return {
    OwnerId: v.ownerId,
    InstanceTenancy: v.instanceTenancy as 'default',
    // Disassociated blocks stay listed with their state (see engine/cidr-association.ts).
    Ipv6CidrBlockAssociationSet: v.ipv6Cidrs.map(ipv6AssociationView),
    CidrBlockAssociationSet: v.cidrs.map(cidrAssociationView),
    IsDefault: v.isDefault,
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' as const },
    Tags: tagList(v.tags),
    VpcId: v.id,
    State: v.state,
    CidrBlock: v.cidrs[0]!.cidr.toString(),
    DhcpOptionsId: v.dhcpOptionsId,
  };
}

export const vpcHandlers = handlers({
  CreateVpc: (ctx, input) => {
    if (input.CidrBlock === undefined) {
      if (input.Ipv4IpamPoolId !== undefined) throw new Ec2Error('UnsupportedOperation', 'IPAM pools are not supported by ec2net yet.');
      throw missingParam('CidrBlock');
    }
    if (input.Ipv6IpamPoolId !== undefined || input.Ipv6Pool !== undefined || input.Ipv6CidrBlock !== undefined) {
      throw new Ec2Error('UnsupportedOperation', 'Only Amazon-provided IPv6 blocks (AmazonProvidedIpv6CidrBlock) are supported by ec2net.');
    }
    const cidr = parseVpcCidr(input.CidrBlock);
    const tags = tagsFromSpecs(input.TagSpecifications, 'vpc');
    const vpc = createVpc(ctx.region, {
      cidr,
      amazonIpv6: input.AmazonProvidedIpv6CidrBlock === true,
      instanceTenancy: input.InstanceTenancy,
      tags,
    });
    return { Vpc: vpcView(vpc) };
  },

  DeleteVpc: (ctx, input) => {
    deleteVpc(ctx.region, input.VpcId);
    return {};
  },

  DescribeVpcs: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      vpcFilters,
      input.VpcIds,
      (id) => getVpc(ctx.region, id),
      () => ctx.region.vpcs.values(),
      'vpcIds',
    );
    return { Vpcs: page.items.map(vpcView), NextToken: page.nextToken };
  },

  AssociateVpcCidrBlock: (ctx, input) => {
    const vpc = getVpc(ctx.region, input.VpcId);
    const wantsV6 = input.AmazonProvidedIpv6CidrBlock === true;
    if (wantsV6 === (input.CidrBlock !== undefined)) {
      throw invalidCombination('Exactly one of CidrBlock or AmazonProvidedIpv6CidrBlock must be specified.');
    }
    if (wantsV6) {
      const id = associateVpcIpv6(ctx.region, vpc);
      const assoc = vpc.ipv6Cidrs.find((c) => c.associationId === id)!;
      return { VpcId: vpc.id, Ipv6CidrBlockAssociation: ipv6AssociationView(assoc) };
    }
    const id = associateVpcCidr(ctx.region, vpc, parseVpcCidr(input.CidrBlock!));
    const assoc = vpc.cidrs.find((c) => c.associationId === id)!;
    return { VpcId: vpc.id, CidrBlockAssociation: cidrAssociationView(assoc) };
  },

  DisassociateVpcCidrBlock: (ctx, input) => {
    const { vpc, v4, v6 } = disassociateVpcCidr(ctx.region, input.AssociationId);
    return {
      VpcId: vpc.id,
      CidrBlockAssociation: v4 ? { ...cidrAssociationView(v4), CidrBlockState: { State: 'disassociating' as const } } : undefined,
      Ipv6CidrBlockAssociation: v6 ? { ...ipv6AssociationView(v6), Ipv6CidrBlockState: { State: 'disassociating' as const } } : undefined,
    };
  },

  DescribeVpcAttribute: (ctx, input) => {
    const vpc = getVpc(ctx.region, input.VpcId);
    switch (input.Attribute) {
      case 'enableDnsSupport':
        return { VpcId: vpc.id, EnableDnsSupport: { Value: vpc.enableDnsSupport } };
      case 'enableDnsHostnames':
        return { VpcId: vpc.id, EnableDnsHostnames: { Value: vpc.enableDnsHostnames } };
      case 'enableNetworkAddressUsageMetrics':
        return { VpcId: vpc.id, EnableNetworkAddressUsageMetrics: { Value: false } };
      default:
        throw new Ec2Error('InvalidParameterValue', `Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`);
    }
  },

  ModifyVpcAttribute: (ctx, input) => {
    const vpc = getVpc(ctx.region, input.VpcId);
    const set = [input.EnableDnsSupport, input.EnableDnsHostnames, input.EnableNetworkAddressUsageMetrics].filter((a) => a !== undefined);
    if (set.length !== 1) throw invalidCombination('Exactly one attribute may be modified at a time.');
    if (input.EnableDnsSupport?.Value !== undefined) vpc.enableDnsSupport = input.EnableDnsSupport.Value;
    if (input.EnableDnsHostnames?.Value !== undefined) vpc.enableDnsHostnames = input.EnableDnsHostnames.Value;
    return {};
  },
});
