/** Site-to-Site VPN connection operations: Create, Delete, Describe, Modify, and static routes. */
import { getCustomerGateway } from '../engine/customer-gateway.js';
import type { FilterSpec } from '../engine/filters.js';
import type { RegionState } from '../engine/cloud.js';
import { checkId, ID_KINDS, notFound } from '../engine/ids.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { customerGatewayConfiguration } from '../engine/vpn-config.js';
import {
  createVpnConnection,
  createVpnConnectionRoute,
  deleteVpnConnection,
  deleteVpnConnectionRoute,
  getVpnConnection,
  modifyVpnConnectionOptions,
  moveVpnConnection,
  type VpnConnection,
} from '../engine/vpn-connection.js';
import { getVpnGateway } from '../engine/vpn-gateway.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';
import type { S_VpnState } from '../protocol/generated/shapes.js';

export function vpnConnectionView(region: RegionState, c: VpnConnection) {
  const cgw = region.customerGateways.get(c.customerGatewayId);
  const changed = new Date(c.lastStatusChange);
  return {
    VpnConnectionId: c.id,
    // `modifying` is AWS's answer during a modification, though the model's VpnState enum lacks it.
    State: c.state as S_VpnState,
    Type: c.type,
    Category: 'VPN',
    CustomerGatewayId: c.customerGatewayId,
    VpnGatewayId: c.vpnGatewayId,
    GatewayAssociationState: c.state === 'deleted' ? ('not-associated' as const) : ('associated' as const),
    // The document is shown while the connection is pending or available, as AWS shows it.
    CustomerGatewayConfiguration:
      cgw && (c.state === 'pending' || c.state === 'available' || c.state === 'modifying')
        ? customerGatewayConfiguration(c, cgw, region.vpnGateways.get(c.vpnGatewayId))
        : undefined,
    Options: {
      EnableAcceleration: false,
      StaticRoutesOnly: c.staticRoutesOnly,
      LocalIpv4NetworkCidr: c.localIpv4NetworkCidr,
      RemoteIpv4NetworkCidr: c.remoteIpv4NetworkCidr,
      OutsideIpAddressType: 'PublicIpv4',
      TunnelInsideIpVersion: 'ipv4' as const,
      TunnelOptions: c.tunnels.map((t) => ({ OutsideIpAddress: t.outsideIp, TunnelInsideCidr: t.insideCidr, PreSharedKey: t.preSharedKey })),
    },
    Routes: c.routes.map((r) => ({ DestinationCidrBlock: r.destinationCidr, Source: 'Static' as const, State: r.state })),
    // No customer device answers the tunnels: both are DOWN.
    VgwTelemetry: c.tunnels.map((t) => ({
      OutsideIpAddress: t.outsideIp,
      Status: 'DOWN' as const,
      StatusMessage: '',
      AcceptedRouteCount: 0,
      LastStatusChange: changed,
    })),
    // An empty tag set rather than none, like the other gateways (community.aws reads `Tags`).
    Tags: tagList(c.tags) ?? [],
  };
}

/** The filters the DescribeVpnConnections reference lists. */
const vpnConnectionFilters = (region: RegionState): FilterSpec<VpnConnection> => ({
  resourceName: 'vpn-connection',
  tags: (c) => c.tags,
  getters: {
    'customer-gateway-configuration': (c) => {
      const cgw = region.customerGateways.get(c.customerGatewayId);
      return cgw ? customerGatewayConfiguration(c, cgw, region.vpnGateways.get(c.vpnGatewayId)) : undefined;
    },
    'customer-gateway-id': (c) => c.customerGatewayId,
    state: (c) => c.state,
    'option.static-routes-only': (c) => String(c.staticRoutesOnly),
    'route.destination-cidr-block': (c) => c.routes.map((r) => r.destinationCidr),
    'bgp-asn': (c) => {
      const asn = region.vpnGateways.get(c.vpnGatewayId)?.amazonSideAsn;
      return asn === undefined ? undefined : String(asn);
    },
    type: (c) => c.type,
    'vpn-connection-id': (c) => c.id,
    'vpn-gateway-id': (c) => c.vpnGatewayId,
    'transit-gateway-id': () => undefined,
  },
});

export const vpnConnectionHandlers = handlers({
  CreateVpnConnection: (ctx, input) => {
    const o = input.Options;
    const vpn = createVpnConnection(ctx.region, {
      type: input.Type,
      customerGateway: getCustomerGateway(ctx.region, input.CustomerGatewayId),
      vpnGateway: input.VpnGatewayId !== undefined ? getVpnGateway(ctx.region, input.VpnGatewayId) : undefined,
      transitGatewayId: input.TransitGatewayId,
      staticRoutesOnly: o?.StaticRoutesOnly ?? false,
      localIpv4NetworkCidr: o?.LocalIpv4NetworkCidr,
      remoteIpv4NetworkCidr: o?.RemoteIpv4NetworkCidr,
      tunnelInsideIpVersion: o?.TunnelInsideIpVersion,
      tunnels: (o?.TunnelOptions ?? []).map((t) => ({ insideCidr: t.TunnelInsideCidr, preSharedKey: t.PreSharedKey })),
      tags: tagsFromSpecs(input.TagSpecifications, 'vpn-connection'),
    });
    return { VpnConnection: vpnConnectionView(ctx.region, vpn) };
  },

  DeleteVpnConnection: (ctx, input) => {
    deleteVpnConnection(ctx.region, getVpnConnection(ctx.region, input.VpnConnectionId));
    return {};
  },

  DescribeVpnConnections: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      vpnConnectionFilters(ctx.region),
      input.VpnConnectionIds,
      (id) => getVpnConnection(ctx.region, id),
      () => ctx.region.vpnConnections.values(),
      'vpnConnectionIds',
    );
    return { VpnConnections: page.items.map((c) => vpnConnectionView(ctx.region, c)) };
  },

  CreateVpnConnectionRoute: (ctx, input) => {
    createVpnConnectionRoute(getVpnConnection(ctx.region, input.VpnConnectionId), input.DestinationCidrBlock);
    return {};
  },

  DeleteVpnConnectionRoute: (ctx, input) => {
    deleteVpnConnectionRoute(getVpnConnection(ctx.region, input.VpnConnectionId), input.DestinationCidrBlock);
    return {};
  },

  ModifyVpnConnectionOptions: (ctx, input) => {
    const vpn = getVpnConnection(ctx.region, input.VpnConnectionId);
    modifyVpnConnectionOptions(ctx.region, vpn, {
      local: input.LocalIpv4NetworkCidr,
      remote: input.RemoteIpv4NetworkCidr,
      localIpv6: input.LocalIpv6NetworkCidr,
      remoteIpv6: input.RemoteIpv6NetworkCidr,
    });
    return { VpnConnection: vpnConnectionView(ctx.region, vpn) };
  },

  ModifyVpnConnection: (ctx, input) => {
    const vpn = getVpnConnection(ctx.region, input.VpnConnectionId);
    if (input.TransitGatewayId !== undefined) {
      // Transit gateways are not emulated: none exists to move to.
      checkId(ID_KINDS.transitGateway, input.TransitGatewayId);
      throw notFound(ID_KINDS.transitGateway, input.TransitGatewayId);
    }
    moveVpnConnection(ctx.region, vpn, {
      vpnGateway: input.VpnGatewayId !== undefined ? getVpnGateway(ctx.region, input.VpnGatewayId) : undefined,
      customerGateway: input.CustomerGatewayId !== undefined ? getCustomerGateway(ctx.region, input.CustomerGatewayId) : undefined,
    });
    return { VpnConnection: vpnConnectionView(ctx.region, vpn) };
  },
});
