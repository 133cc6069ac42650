/** Virtual private gateway operations: Create, Attach, Detach, Delete, Describe, and route propagation. */
import type { FilterSpec } from '../engine/filters.js';
import { getRouteTable } from '../engine/route-table.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import {
  attachVpnGateway,
  createVpnGateway,
  deleteVpnGateway,
  detachVpnGateway,
  disableRoutePropagation,
  enableRoutePropagation,
  getVpnGateway,
  type VpnGateway,
} from '../engine/vpn-gateway.js';
import { connectionUsingVpnGateway } from '../engine/vpn-connection.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

export function vpnGatewayView(g: VpnGateway) {
  return {
    AmazonSideAsn: g.amazonSideAsn,
    AvailabilityZone: g.availabilityZone,
    State: g.state,
    Type: g.type,
    VpcAttachments: g.attachments.map((a) => ({ State: a.state, VpcId: a.vpcId })),
    VpnGatewayId: g.id,
    // An empty tag set rather than none: Ansible's ec2_vpc_vgw reads `Tags` unconditionally.
    Tags: tagList(g.tags) ?? [],
  };
}

/** The filters the DescribeVpnGateways reference lists. */
const vpnGatewayFilters: FilterSpec<VpnGateway> = {
  resourceName: 'vpn-gateway',
  tags: (g) => g.tags,
  getters: {
    'amazon-side-asn': (g) => String(g.amazonSideAsn),
    'attachment.state': (g) => g.attachments.map((a) => a.state),
    'attachment.vpc-id': (g) => g.attachments.map((a) => a.vpcId),
    'availability-zone': (g) => g.availabilityZone,
    state: (g) => g.state,
    type: (g) => g.type,
    'vpn-gateway-id': (g) => g.id,
  },
};

export const vpnGatewayHandlers = handlers({
  CreateVpnGateway: (ctx, input) => {
    const vgw = createVpnGateway(ctx.region, {
      type: input.Type,
      amazonSideAsn: input.AmazonSideAsn,
      availabilityZone: input.AvailabilityZone,
      tags: tagsFromSpecs(input.TagSpecifications, 'vpn-gateway'),
    });
    return { VpnGateway: vpnGatewayView(vgw) };
  },

  AttachVpnGateway: (ctx, input) => {
    const vgw = getVpnGateway(ctx.region, input.VpnGatewayId);
    const a = attachVpnGateway(ctx.region, vgw, getVpc(ctx.region, input.VpcId));
    return { VpcAttachment: { State: a.state, VpcId: a.vpcId } };
  },

  DetachVpnGateway: (ctx, input) => {
    detachVpnGateway(ctx.region, getVpnGateway(ctx.region, input.VpnGatewayId), input.VpcId);
    return {};
  },

  DeleteVpnGateway: (ctx, input) => {
    const vgw = getVpnGateway(ctx.region, input.VpnGatewayId);
    deleteVpnGateway(ctx.region, vgw, connectionUsingVpnGateway(ctx.region, vgw.id));
    return {};
  },

  DescribeVpnGateways: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      vpnGatewayFilters,
      input.VpnGatewayIds,
      (id) => getVpnGateway(ctx.region, id),
      () => ctx.region.vpnGateways.values(),
      'vpnGatewayIds',
    );
    return { VpnGateways: page.items.map(vpnGatewayView) };
  },

  EnableVgwRoutePropagation: (ctx, input) => {
    const table = getRouteTable(ctx.region, input.RouteTableId);
    enableRoutePropagation(ctx.region, table, getVpnGateway(ctx.region, input.GatewayId));
    return {};
  },

  DisableVgwRoutePropagation: (ctx, input) => {
    const table = getRouteTable(ctx.region, input.RouteTableId);
    disableRoutePropagation(getVpnGateway(ctx.region, input.GatewayId), table);
    return {};
  },
});
