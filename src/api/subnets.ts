/** Subnet operations: Create/Delete/Describe, attributes, IPv6 CIDR associations. */
import { associated } from '../engine/cidr-association.js';
import { Ec2Error, invalidCombination } from '../engine/errors.js';
import type { FilterSpec } from '../engine/filters.js';
import type { Subnet, SubnetIpv6Association } from '../engine/model.js';
import { associateSubnetIpv6, createSubnet, deleteSubnet, disassociateSubnetIpv6, getSubnet } from '../engine/subnet.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

const liveV6 = (s: Subnet) => associated(s.ipv6);

export const subnetArn = (s: Subnet) => `arn:aws:ec2:${s.zone.regionName}:${s.ownerId}:subnet/${s.id}`;

export const subnetFilters: FilterSpec<Subnet> = {
  resourceName: 'subnet',
  tags: (s) => s.tags,
  getters: {
    'availability-zone': (s) => s.zone.zoneName,
    'availability-zone-id': (s) => s.zone.zoneId,
    // Aliases the API reference documents ("You can also use availabilityZone as the filter name",
    // likewise availabilityZoneId, cidr, cidrBlock, defaultForAz); Terraform's aws_subnet data source
    // sends availabilityZone, availabilityZoneId, cidrBlock and defaultForAz.
    availabilityZone: (s) => s.zone.zoneName,
    availabilityZoneId: (s) => s.zone.zoneId,
    'available-ip-address-count': (s) => s.pool.freeCount,
    'cidr-block': (s) => s.cidr.toString(),
    cidr: (s) => s.cidr.toString(),
    cidrBlock: (s) => s.cidr.toString(),
    'customer-owned-ipv4-pool': () => undefined,
    'default-for-az': (s) => s.defaultForAz,
    defaultForAz: (s) => s.defaultForAz,
    'enable-dns64': () => false,
    'enable-lni-at-device-index': () => undefined,
    // Every listed block, disassociated ones too (amazon.aws ec2_vpc_subnet waits on state=disassociated).
    'ipv6-cidr-block-association.ipv6-cidr-block': (s) => s.ipv6.map((a) => a.cidr.toString()),
    'ipv6-cidr-block-association.association-id': (s) => s.ipv6.map((a) => a.associationId),
    'ipv6-cidr-block-association.state': (s) => s.ipv6.map((a) => a.state),
    'ipv6-native': () => false,
    'map-customer-owned-ip-on-launch': () => false,
    'map-public-ip-on-launch': (s) => s.mapPublicIpOnLaunch,
    'outpost-arn': () => undefined,
    'owner-id': (s) => s.ownerId,
    'private-dns-name-options-on-launch.hostname-type': () => 'ip-name',
    'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': () => false,
    'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': () => false,
    state: (s) => s.state,
    'subnet-arn': (s) => subnetArn(s),
    'subnet-id': (s) => s.id,
    'vpc-id': (s) => s.vpcId,
  },
};

export const subnetIpv6View = (a: SubnetIpv6Association) => ({
  AssociationId: a.associationId,
  Ipv6CidrBlock: a.cidr.toString(),
  Ipv6CidrBlockState: { State: a.state },
  Ipv6AddressAttribute: 'public' as const,
  IpSource: 'amazon' as const,
});

export function subnetView(s: Subnet) {
  return {
    AvailabilityZoneId: s.zone.zoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: s.ownerId,
    AssignIpv6AddressOnCreation: s.assignIpv6AddressOnCreation,
    Ipv6CidrBlockAssociationSet: s.ipv6.map(subnetIpv6View),
    Tags: tagList(s.tags),
    SubnetArn: subnetArn(s),
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name' as const,
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' as const },
    SubnetId: s.id,
    State: s.state,
    VpcId: s.vpcId,
    CidrBlock: s.cidr.toString(),
    AvailableIpAddressCount: s.pool.freeCount,
    AvailabilityZone: s.zone.zoneName,
    DefaultForAz: s.defaultForAz,
    MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
  };
}

export const subnetHandlers = handlers({
  CreateSubnet: (ctx, input) => {
    if (input.CidrBlock === undefined) {
      if (input.Ipv4IpamPoolId !== undefined) throw new Ec2Error('UnsupportedOperation', 'IPAM pools are not supported by ec2net yet.');
      throw new Ec2Error('MissingParameter', 'The request must contain the parameter CidrBlock');
    }
    if (input.Ipv6Native) throw new Ec2Error('UnsupportedOperation', 'IPv6-only subnets are not supported by ec2net yet.');
    const vpc = getVpc(ctx.region, input.VpcId);
    const tags = tagsFromSpecs(input.TagSpecifications, 'subnet');
    const subnet = createSubnet(ctx.region, {
      vpc,
      cidrBlock: input.CidrBlock,
      zoneName: input.AvailabilityZone,
      zoneId: input.AvailabilityZoneId,
      ipv6CidrBlock: input.Ipv6CidrBlock,
      tags,
    });
    return { Subnet: subnetView(subnet) };
  },

  DeleteSubnet: (ctx, input) => {
    deleteSubnet(ctx.region, input.SubnetId);
    return {};
  },

  DescribeSubnets: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      subnetFilters,
      input.SubnetIds,
      (id) => getSubnet(ctx.region, id),
      () => ctx.region.subnets.values(),
      'subnetIds',
    );
    return { Subnets: page.items.map(subnetView), NextToken: page.nextToken };
  },

  ModifySubnetAttribute: (ctx, input) => {
    const subnet = getSubnet(ctx.region, input.SubnetId);
    const supported = [input.MapPublicIpOnLaunch, input.AssignIpv6AddressOnCreation].filter((a) => a !== undefined);
    const others = Object.entries(input).filter(
      ([k, v]) => v !== undefined && !['SubnetId', 'MapPublicIpOnLaunch', 'AssignIpv6AddressOnCreation', 'DryRun'].includes(k),
    );
    if (others.length > 0) throw new Ec2Error('UnsupportedOperation', `The subnet attribute ${others[0]![0]} is not supported by ec2net yet.`);
    if (supported.length !== 1) throw invalidCombination('Exactly one attribute may be modified at a time.');
    if (input.MapPublicIpOnLaunch?.Value !== undefined) subnet.mapPublicIpOnLaunch = input.MapPublicIpOnLaunch.Value;
    if (input.AssignIpv6AddressOnCreation?.Value !== undefined) {
      if (input.AssignIpv6AddressOnCreation.Value && liveV6(subnet).length === 0) {
        throw new Ec2Error('InvalidParameterValue', `Invalid value for parameter AssignIpv6AddressOnCreation: subnet '${subnet.id}' has no IPv6 CIDR block.`);
      }
      subnet.assignIpv6AddressOnCreation = input.AssignIpv6AddressOnCreation.Value;
    }
    return {};
  },

  AssociateSubnetCidrBlock: (ctx, input) => {
    const subnet = getSubnet(ctx.region, input.SubnetId);
    if (input.Ipv6CidrBlock === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter Ipv6CidrBlock');
    const id = associateSubnetIpv6(ctx.region, subnet, input.Ipv6CidrBlock);
    const assoc = subnet.ipv6.find((a) => a.associationId === id)!;
    return { SubnetId: subnet.id, Ipv6CidrBlockAssociation: { ...subnetIpv6View(assoc), Ipv6CidrBlockState: { State: 'associating' as const } } };
  },

  DisassociateSubnetCidrBlock: (ctx, input) => {
    const { subnet, association } = disassociateSubnetIpv6(ctx.region, input.AssociationId);
    return { SubnetId: subnet.id, Ipv6CidrBlockAssociation: { ...subnetIpv6View(association), Ipv6CidrBlockState: { State: 'disassociating' as const } } };
  },
});
