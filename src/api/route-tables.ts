/** Route table operations: Create/Delete/Describe, associations, and routes. */
import { invalidCombination, missingParam } from '../engine/errors.js';
import {
  associateGateway,
  disassociateGateway,
  refuseLocalRouteDeletion,
  replaceGatewayAssociation,
  restoreLocalTarget,
} from '../engine/gateway-route-table.js';
import { propagatingVgws } from '../engine/vpn-gateway.js';
import { propagatedRoutes } from '../engine/vpn-connection.js';
import { perWorld, type FilterSpec } from '../engine/filters.js';
import type { RegionState } from '../engine/cloud.js';
import {
  associateSubnet,
  associationsOf,
  createRoute,
  createRouteTable,
  deleteRoute,
  deleteRouteTable,
  disassociateRouteTable,
  findRoute,
  hasTarget,
  getRouteTable,
  getRouteTableAssociation,
  parseDestination,
  replaceAssociation,
  replaceRoute,
  routeInstanceId,
  routeNotFound,
  routeState,
} from '../engine/route-table.js';
import type { Route, RouteTable, RouteTableAssociation } from '../engine/routing-model.js';
import { getSubnet } from '../engine/subnet.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';
import { idempotent } from './idempotency.js';

const ASSOCIATED = { State: 'associated' as const };

/** A table's own routes, then those its propagating gateways' VPN connections bring (Origin EnableVgwRoutePropagation). */
const withPropagated = (region: RegionState, t: RouteTable): Route[] => {
  const propagated = propagatedRoutes(region, t);
  return propagated.length === 0 ? t.routes : [...t.routes, ...propagated];
};

export function routeView(region: RegionState, table: RouteTable, r: Route) {
  const instanceId = routeInstanceId(region, r);
  return {
    DestinationCidrBlock: r.destinationCidrBlock,
    DestinationIpv6CidrBlock: r.destinationIpv6CidrBlock,
    DestinationPrefixListId: r.destinationPrefixListId,
    GatewayId: r.gatewayId,
    InstanceId: instanceId,
    InstanceOwnerId: instanceId !== undefined ? region.accountId : undefined,
    NetworkInterfaceId: r.networkInterfaceId,
    NatGatewayId: r.natGatewayId,
    EgressOnlyInternetGatewayId: r.egressOnlyInternetGatewayId,
    VpcPeeringConnectionId: r.vpcPeeringConnectionId,
    Origin: r.origin,
    State: routeState(region, table, r),
  };
}

const associationView = (a: RouteTableAssociation) => ({
  Main: a.main,
  RouteTableAssociationId: a.id,
  RouteTableId: a.routeTableId,
  SubnetId: a.subnetId,
  GatewayId: a.gatewayId,
  AssociationState: a.state === 'disassociated' ? { State: 'disassociated' as const } : ASSOCIATED,
});

export function routeTableView(region: RegionState, t: RouteTable) {
  return {
    Associations: associationsOf(region, t.id).map(associationView),
    PropagatingVgws: propagatingVgws(region, t.id).map((GatewayId) => ({ GatewayId })),
    RouteTableId: t.id,
    Routes: withPropagated(region, t).map((r) => routeView(region, t, r)),
    Tags: tagList(t.tags),
    VpcId: t.vpcId,
    OwnerId: t.ownerId,
  };
}

/** The filters the DescribeRouteTables reference lists. */
const routeTableFilters = perWorld((region: RegionState): FilterSpec<RouteTable> => {
  const assocs = (t: RouteTable) => associationsOf(region, t.id);
  const routes = (t: RouteTable, f: (r: Route) => string | undefined) => withPropagated(region, t).map(f);
  return {
    resourceName: 'route-table',
    tags: (t) => t.tags,
    getters: {
      'association.gateway-id': (t) => assocs(t).map((a) => a.gatewayId),
      'association.route-table-association-id': (t) => assocs(t).map((a) => a.id),
      'association.route-table-id': (t) => assocs(t).map((a) => a.routeTableId),
      'association.subnet-id': (t) => assocs(t).map((a) => a.subnetId),
      // "Route tables that do not have an association ID are not returned in the response."
      'association.main': (t) => assocs(t).map((a) => a.main),
      'owner-id': (t) => t.ownerId,
      'route-table-id': (t) => t.id,
      'route.destination-cidr-block': (t) => routes(t, (r) => r.destinationCidrBlock),
      'route.destination-ipv6-cidr-block': (t) => routes(t, (r) => r.destinationIpv6CidrBlock),
      'route.destination-prefix-list-id': (t) => routes(t, (r) => r.destinationPrefixListId),
      'route.egress-only-internet-gateway-id': (t) => routes(t, (r) => r.egressOnlyInternetGatewayId),
      'route.gateway-id': (t) => routes(t, (r) => r.gatewayId),
      'route.instance-id': (t) => routes(t, (r) => routeInstanceId(region, r)),
      'route.nat-gateway-id': (t) => routes(t, (r) => r.natGatewayId),
      'route.transit-gateway-id': () => [],
      'route.origin': (t) => routes(t, (r) => r.origin),
      'route.state': (t) => routes(t, (r) => routeState(region, t, r)),
      'route.vpc-peering-connection-id': (t) => routes(t, (r) => r.vpcPeeringConnectionId),
      'vpc-id': (t) => t.vpcId,
    },
  };
});

export const routeTableHandlers = handlers({
  CreateRouteTable: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const vpc = getVpc(ctx.region, input.VpcId);
        const table = createRouteTable(ctx.region, vpc, tagsFromSpecs(input.TagSpecifications, 'route-table'));
        return { id: table.id, output: { RouteTable: routeTableView(ctx.region, table), ClientToken: input.ClientToken } };
      },
      (id) => ({ RouteTable: routeTableView(ctx.region, getRouteTable(ctx.region, id)), ClientToken: input.ClientToken }),
    ),

  DeleteRouteTable: (ctx, input) => {
    deleteRouteTable(ctx.region, getRouteTable(ctx.region, input.RouteTableId));
    return {};
  },

  DescribeRouteTables: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      routeTableFilters(ctx.region),
      input.RouteTableIds,
      (id) => getRouteTable(ctx.region, id),
      () => ctx.region.routeTables.values(),
      'routeTableIds',
    );
    return { RouteTables: page.items.map((t) => routeTableView(ctx.region, t)), NextToken: page.nextToken };
  },

  AssociateRouteTable: (ctx, input) => {
    const table = getRouteTable(ctx.region, input.RouteTableId);
    if (input.GatewayId !== undefined && input.SubnetId !== undefined) throw invalidCombination('Specify either subnetId or gatewayId, not both.');
    if (input.GatewayId !== undefined) {
      const edge = associateGateway(ctx.region, table, input.GatewayId);
      return { AssociationId: edge.id, AssociationState: ASSOCIATED };
    }
    if (input.SubnetId === undefined) throw missingParam('subnetId or gatewayId');
    const assoc = associateSubnet(ctx.region, table, getSubnet(ctx.region, input.SubnetId));
    return { AssociationId: assoc.id, AssociationState: ASSOCIATED };
  },

  DisassociateRouteTable: (ctx, input) => {
    const assoc = getRouteTableAssociation(ctx.region, input.AssociationId);
    if (assoc.gatewayId !== undefined) disassociateGateway(assoc);
    else disassociateRouteTable(ctx.region, assoc);
    return {};
  },

  ReplaceRouteTableAssociation: (ctx, input) => {
    const assoc = getRouteTableAssociation(ctx.region, input.AssociationId);
    const table = getRouteTable(ctx.region, input.RouteTableId);
    const next = assoc.gatewayId !== undefined ? replaceGatewayAssociation(ctx.region, assoc, table) : replaceAssociation(ctx.region, assoc, table);
    return { NewAssociationId: next.id, AssociationState: ASSOCIATED };
  },

  CreateRoute: (ctx, input) => {
    const table = getRouteTable(ctx.region, input.RouteTableId);
    createRoute(ctx.region, table, parseDestination(input), input);
    return { Return: true };
  },

  ReplaceRoute: (ctx, input) => {
    const table = getRouteTable(ctx.region, input.RouteTableId);
    const d = parseDestination(input);
    if (input.LocalTarget === true) {
      const route = findRoute(table, d);
      if (!route) throw routeNotFound(table, d);
      restoreLocalTarget(ctx.region, table, route, hasTarget(input));
      return {};
    }
    replaceRoute(ctx.region, table, d, input);
    return {};
  },

  DeleteRoute: (ctx, input) => {
    const table = getRouteTable(ctx.region, input.RouteTableId);
    const d = parseDestination(input);
    refuseLocalRouteDeletion(ctx.region, table, findRoute(table, d));
    deleteRoute(table, d);
    return {};
  },
});
