/**
 * Gateway route tables: a route table associated with an internet gateway or a virtual private
 * gateway (an edge association) routes the traffic entering the VPC through that gateway. Rules from
 * the Amazon VPC User Guide, "Gateway route tables":
 * - the gateway must be attached to the table's VPC, and has at most one such association;
 * - "A gateway route table … supports routes with the following targets: the default local route,
 *   … a network interface for a middlebox appliance";
 * - with a network interface as target, the destination is "the entire IPv4 or IPv6 CIDR block of
 *   your VPC (in this case, you replace the target of the default local route)" or "the entire IPv4
 *   or IPv6 CIDR block of a subnet in your VPC"; prefix lists cannot be destinations;
 * - a table cannot be associated with a gateway while it holds other routes or propagates routes;
 * - "If you change the target of the local route in a gateway route table to a network interface …
 *   you can later restore it to the default local target" (ReplaceRoute, LocalTarget).
 * An ended edge association stays listed with state `disassociated`, and associating the same
 * gateway with the same table again brings that association back (the amazon.aws
 * ec2_vpc_route_table integration target counts associations so across such a cycle).
 */
import { parseIpv4Cidr, parseIpv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidValue } from './errors.js';
import { ID_KINDS } from './ids.js';
import { getInternetGateway } from './internet-gateway.js';
import type { Route, RouteTable, RouteTableAssociation } from './routing-model.js';
import { getVpnGateway, propagatingVgws, vpnGatewayVpc } from './vpn-gateway.js';

/** Whether an association is in force (ended gateway associations stay listed). */
export const isLive = (a: RouteTableAssociation): boolean => a.state !== 'disassociated';

/** The gateway's association in force, if any. */
export function edgeAssociationOf(region: RegionState, gatewayId: string): RouteTableAssociation | undefined {
  for (const a of region.routeTableAssociations.values()) if (a.gatewayId === gatewayId && isLive(a)) return a;
  return undefined;
}

/** Whether the table is associated with a gateway now. */
export function isGatewayTable(region: RegionState, tableId: string): boolean {
  for (const a of region.routeTableAssociations.values()) if (a.routeTableId === tableId && a.gatewayId !== undefined && isLive(a)) return true;
  return false;
}

/** The gateways a table can be associated with, and the VPC each is attached to. */
function edgeGatewayVpc(region: RegionState, id: string): string | undefined {
  if (id.startsWith('igw-')) return getInternetGateway(region, id).vpcId;
  if (id.startsWith('vgw-')) return vpnGatewayVpc(getVpnGateway(region, id));
  // Other gateways (NAT, egress-only, endpoints…) take no edge association.
  if (/^(nat|eigw|vpce|tgw|pcx|lgw|cagw)-/.test(id)) {
    throw invalidValue(`Gateway ${id} cannot be associated with a route table: only internet gateways and virtual private gateways can.`);
  }
  throw new Ec2Error('InvalidGatewayID.NotFound', `The gateway ID '${id}' does not exist`);
}

/** Same wording as for a route to a gateway outside the table's VPC (route-table.ts). */
const differentNetworks = (tableId: string, gatewayId: string) =>
  invalidValue(`route table ${tableId} and network gateway ${gatewayId} belong to different networks`);

/** A destination's relation to the VPC's blocks and its subnets' blocks. */
function destinationPlace(
  region: RegionState,
  table: RouteTable,
  r: Pick<Route, 'destinationCidrBlock' | 'destinationIpv6CidrBlock'>,
): 'vpc' | 'subnet' | 'inside' | 'outside' {
  const vpc = region.vpcs.get(table.vpcId)!;
  if (r.destinationCidrBlock !== undefined) {
    const c = parseIpv4Cidr(r.destinationCidrBlock)!;
    if (vpc.cidrs.some((b) => b.state === 'associated' && b.cidr.equals(c))) return 'vpc';
    for (const s of region.subnetsOf(vpc.id).all()) if (s.cidr.equals(c)) return 'subnet';
    return vpc.cidrs.some((b) => b.state === 'associated' && b.cidr.containsCidr(c)) ? 'inside' : 'outside';
  }
  if (r.destinationIpv6CidrBlock !== undefined) {
    const c = parseIpv6Cidr(r.destinationIpv6CidrBlock)!;
    if (vpc.ipv6Cidrs.some((b) => b.state === 'associated' && b.cidr.equals(c))) return 'vpc';
    for (const s of region.subnetsOf(vpc.id).all()) if (s.ipv6.some((a) => a.state === 'associated' && a.cidr.equals(c))) return 'subnet';
    return vpc.ipv6Cidrs.some((b) => b.state === 'associated' && b.cidr.containsCidr(c)) ? 'inside' : 'outside';
  }
  return 'outside';
}

const destinationText = (r: Route) => r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId!;

/** Why a route cannot be in a gateway route table, or undefined when it can. */
function unsupportedRoute(region: RegionState, table: RouteTable, r: Route): string | undefined {
  if (r.gatewayId === 'local') return undefined;
  if (r.networkInterfaceId === undefined || r.instanceId !== undefined) {
    return `Route target of ${destinationText(r)} is not supported in a gateway route table: only the local route and network interfaces can be targets.`;
  }
  const place = destinationPlace(region, table, r);
  if (place !== 'vpc' && place !== 'subnet') {
    return `Route destination ${destinationText(r)} is not supported in a gateway route table: it must be the CIDR block of the VPC or of one of its subnets.`;
  }
  return undefined;
}

/**
 * CreateRoute / ReplaceRoute: the route for a VPC block is the local route, whose target can only be
 * an interface (once replaced in a gateway route table); a gateway route table holds only what it may.
 */
export function checkGatewayTableRoute(region: RegionState, table: RouteTable, route: Route): void {
  if (route.networkInterfaceId === undefined && destinationPlace(region, table, route) === 'vpc') {
    throw invalidValue(`cannot replace local route ${destinationText(route)} in route table ${table.id}`);
  }
  if (!isGatewayTable(region, table.id)) return;
  const why = unsupportedRoute(region, table, route);
  if (why) throw invalidValue(why);
}

/** Whether the local route at this destination may take another target (only in a gateway route table). */
export const localRouteReplaceable = (region: RegionState, table: RouteTable): boolean => isGatewayTable(region, table.id);

/** What keeps a table from becoming a gateway route table: a route it cannot hold, or route propagation. */
function checkTableForGateway(region: RegionState, table: RouteTable): void {
  for (const r of table.routes) {
    const why = unsupportedRoute(region, table, r);
    if (why) throw invalidValue(`Route table ${table.id} cannot be associated with a gateway. ${why}`);
  }
  if (propagatingVgws(region, table.id).length > 0) {
    throw invalidValue(`Route table ${table.id} cannot be associated with a gateway while route propagation is enabled.`);
  }
}

/** Brings back the table's ended association with the gateway, or makes one. */
function putAssociation(region: RegionState, table: RouteTable, gatewayId: string): RouteTableAssociation {
  for (const a of region.routeTableAssociations.values()) {
    if (a.routeTableId === table.id && a.gatewayId === gatewayId) {
      delete a.state;
      return a;
    }
  }
  const assoc: RouteTableAssociation = {
    id: region.ids.next(ID_KINDS.routeTableAssociation),
    routeTableId: table.id,
    vpcId: table.vpcId,
    main: false,
    gatewayId,
  };
  region.routeTableAssociations.set(assoc.id, assoc);
  return assoc;
}

/** AssociateRouteTable with GatewayId. */
export function associateGateway(region: RegionState, table: RouteTable, gatewayId: string): RouteTableAssociation {
  if (edgeGatewayVpc(region, gatewayId) !== table.vpcId) throw differentNetworks(table.id, gatewayId);
  // Same code and wording as a subnet that already has an association (route-table.ts).
  if (edgeAssociationOf(region, gatewayId)) {
    throw new Ec2Error('Resource.AlreadyAssociated', `the specified association for route table ${table.id} conflicts with an existing association`);
  }
  checkTableForGateway(region, table);
  return putAssociation(region, table, gatewayId);
}

/** DisassociateRouteTable of an edge association: it stays listed, `disassociated`. */
export function disassociateGateway(assoc: RouteTableAssociation): void {
  assoc.state = 'disassociated';
}

/** ReplaceRouteTableAssociation of an edge association: the gateway moves to `table`. */
export function replaceGatewayAssociation(region: RegionState, assoc: RouteTableAssociation, table: RouteTable): RouteTableAssociation {
  if (table.vpcId !== assoc.vpcId) throw differentNetworks(table.id, assoc.gatewayId!);
  if (table.id === assoc.routeTableId) return assoc;
  checkTableForGateway(region, table);
  assoc.state = 'disassociated';
  return putAssociation(region, table, assoc.gatewayId!);
}

/** The gateway left its VPC (DetachInternetGateway, DetachVpnGateway): its edge association ends. */
export function endGatewayAssociation(region: RegionState, gatewayId: string): void {
  const a = edgeAssociationOf(region, gatewayId);
  if (a) a.state = 'disassociated';
}

/** The gateway is deleted: its ended associations are no longer listed. */
export function forgetGatewayAssociations(region: RegionState, gatewayId: string): void {
  for (const a of [...region.routeTableAssociations.values()]) if (a.gatewayId === gatewayId) region.routeTableAssociations.delete(a.id);
}

/** DeleteRouteTable: ended gateway associations go with the table. */
export function forgetTableGatewayAssociations(region: RegionState, tableId: string): void {
  for (const a of [...region.routeTableAssociations.values()]) if (a.routeTableId === tableId && !isLive(a)) region.routeTableAssociations.delete(a.id);
}

/**
 * DeleteRoute: a local route whose target was replaced is still the VPC block's route, and stays
 * ("cannot remove local route …", as for a `local` target in route-table.ts).
 */
export function refuseLocalRouteDeletion(region: RegionState, table: RouteTable, route: Route | undefined): void {
  if (route?.networkInterfaceId !== undefined && destinationPlace(region, table, route) === 'vpc') {
    throw invalidValue(`cannot remove local route ${destinationText(route)} in route table ${table.id}`);
  }
}

/**
 * ReplaceRoute with LocalTarget: the route for one of the VPC's blocks gets `local` back. The API
 * reference: "Specifies whether to reset the local route to its default target (local)."
 */
export function restoreLocalTarget(region: RegionState, table: RouteTable, route: Route, otherTarget: boolean): Route {
  if (otherTarget) throw invalidCombination('LocalTarget cannot be combined with another route target.');
  if (destinationPlace(region, table, route) !== 'vpc') {
    throw invalidValue(
      `The route ${destinationText(route)} in route table ${table.id} is not a local route: LocalTarget applies only to a route for a CIDR block of the VPC.`,
    );
  }
  const local: Route = {
    destinationCidrBlock: route.destinationCidrBlock,
    destinationIpv6CidrBlock: route.destinationIpv6CidrBlock,
    gatewayId: 'local',
    origin: 'CreateRouteTable',
  };
  table.routes[table.routes.indexOf(route)] = local;
  return local;
}

/** Invariants: one edge association per gateway, made with a gateway attached to the table's VPC; gateway tables hold only what they may. */
export function checkGatewayRouteTables(region: RegionState, v: (rule: string, detail: string) => void): void {
  const seen = new Set<string>();
  for (const a of region.routeTableAssociations.values()) {
    if (a.gatewayId === undefined || !isLive(a)) continue;
    if (seen.has(a.gatewayId)) v('edge-association', `${a.gatewayId} has two edge associations`);
    seen.add(a.gatewayId);
    const vpcId = a.gatewayId.startsWith('igw-')
      ? region.internetGateways.get(a.gatewayId)?.vpcId
      : (() => {
          const g = region.vpnGateways.get(a.gatewayId);
          return g ? vpnGatewayVpc(g) : undefined;
        })();
    if (vpcId !== a.vpcId) v('edge-association', `${a.id} associates ${a.gatewayId}, which is not attached to ${a.vpcId}`);
    const table = region.routeTables.get(a.routeTableId);
    if (table && region.vpcs.has(table.vpcId)) {
      for (const r of table.routes)
        if (unsupportedRoute(region, table, r)) v('gateway-table-route', `${table.id} is a gateway route table with route ${destinationText(r)}`);
    }
  }
  for (const g of region.vpnGateways.values()) {
    if (g.attachments.slice(1).some((x) => x.state !== 'detached')) v('vpn-attachment', `${g.id} has an earlier attachment that is not detached`);
    const vpcId = vpnGatewayVpc(g);
    for (const id of g.propagations) {
      if (region.routeTables.get(id)?.vpcId !== vpcId) v('vgw-propagation', `${g.id} propagates to ${id}, not a table of its VPC`);
    }
  }
}
