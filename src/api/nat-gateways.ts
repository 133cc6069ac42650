/** NAT gateway operations: Create, Delete, Describe. */
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidValue, missingParam } from '../engine/errors.js';
import type { FilterSpec } from '../engine/filters.js';
import { createNatGateway, deleteNatGateway, getNatGateway } from '../engine/nat-gateway.js';
import type { NatGateway } from '../engine/routing-model.js';
import { getSubnet } from '../engine/subnet.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';
import { idempotent } from './idempotency.js';

export function natGatewayView(region: RegionState, n: NatGateway) {
  const eni = n.networkInterfaceId !== undefined ? region.networkInterfaces.get(n.networkInterfaceId) : undefined;
  const eip = n.allocationId !== undefined ? region.elasticIps.get(n.allocationId) : undefined;
  const held = eni?.privateIps ?? [];
  // The primary address first (with the Elastic IP of a public gateway), then any secondary ones.
  const addresses = n.failure
    ? []
    : held.length > 0
      ? held.map((ip) => ({
          AllocationId: ip.primary ? n.allocationId : undefined,
          NetworkInterfaceId: eni!.id,
          PrivateIp: ip.text,
          PublicIp: ip.primary ? n.publicIp : undefined,
          AssociationId: ip.primary && eip?.association?.networkInterfaceId === eni!.id ? eip.association.associationId : undefined,
          IsPrimary: ip.primary,
          Status: 'succeeded' as const,
        }))
      : [{ AllocationId: n.allocationId, PrivateIp: n.privateIp, PublicIp: n.publicIp, IsPrimary: true, Status: 'succeeded' as const }];
  return {
    CreateTime: new Date(n.createTime),
    DeleteTime: n.deleteTime !== undefined ? new Date(n.deleteTime) : undefined,
    FailureCode: n.state === 'failed' ? n.failure?.code : undefined,
    FailureMessage: n.state === 'failed' ? n.failure?.message : undefined,
    NatGatewayAddresses: addresses,
    NatGatewayId: n.id,
    State: n.state,
    SubnetId: n.subnetId,
    VpcId: n.vpcId,
    Tags: tagList(n.tags) ?? [],
    ConnectivityType: n.connectivityType,
  };
}

/** The filters the DescribeNatGateways reference lists. */
const natGatewayFilters: FilterSpec<NatGateway> = {
  resourceName: 'natgateway',
  tags: (n) => n.tags,
  getters: {
    'nat-gateway-id': (n) => n.id,
    state: (n) => n.state,
    'subnet-id': (n) => n.subnetId,
    'vpc-id': (n) => n.vpcId,
  },
};

export const natGatewayHandlers = handlers({
  CreateNatGateway: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        if (input.VpcId !== undefined || input.AvailabilityMode !== undefined || input.AvailabilityZoneAddresses !== undefined) {
          throw new Ec2Error('UnsupportedOperation', 'Regional NAT gateways are not supported by ec2net yet.');
        }
        if (input.SecondaryAllocationIds?.length) {
          throw new Ec2Error('UnsupportedOperation', 'Secondary Elastic IP addresses on NAT gateways are not supported by ec2net yet.');
        }
        if (input.SubnetId === undefined) throw missingParam('subnetId');
        const subnet = getSubnet(ctx.region, input.SubnetId);
        const connectivityType = input.ConnectivityType ?? 'public';
        if (connectivityType !== 'public' && connectivityType !== 'private')
          throw invalidValue(`Value (${connectivityType}) for parameter connectivityType is invalid.`);
        const nat = createNatGateway(ctx.region, {
          subnet,
          connectivityType,
          allocationId: input.AllocationId,
          privateIp: input.PrivateIpAddress,
          secondaryCount: input.SecondaryPrivateIpAddressCount,
          secondaryIps: input.SecondaryPrivateIpAddresses,
          tags: tagsFromSpecs(input.TagSpecifications, 'natgateway'),
        });
        return { id: nat.id, output: { NatGateway: natGatewayView(ctx.region, nat), ClientToken: input.ClientToken } };
      },
      (id) => ({ NatGateway: natGatewayView(ctx.region, getNatGateway(ctx.region, id)), ClientToken: input.ClientToken }),
    ),

  DeleteNatGateway: (ctx, input) => {
    const nat = getNatGateway(ctx.region, input.NatGatewayId);
    deleteNatGateway(ctx.region, nat);
    return { NatGatewayId: nat.id };
  },

  DescribeNatGateways: (ctx, input) => {
    const page = describe(
      ctx,
      { ...input, Filters: input.Filter },
      natGatewayFilters,
      input.NatGatewayIds,
      (id) => getNatGateway(ctx.region, id),
      () => ctx.region.natGateways.values(),
      'natGatewayIds',
    );
    return { NatGateways: page.items.map((n) => natGatewayView(ctx.region, n)), NextToken: page.nextToken };
  },
});
