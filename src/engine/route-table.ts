/**
 * Route tables: the main table every VPC gets, custom tables, subnet associations, and routes to
 * internet gateways, network interfaces and instances. Rules from the Amazon VPC User Guide
 * ("Configure route tables", "Route table concepts", "Subnet route tables") and the EC2 API
 * reference (CreateRoute, ReplaceRoute, DeleteRoute, AssociateRouteTable, …); error wording from
 * AWS answers quoted in public threads (cited where used).
 */
import { parseIpv4Cidr, parseIpv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidParam, invalidValue, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound, type IdKind } from './ids.js';
import { getInstance, soleInterface } from './instance.js';
import { getInternetGateway } from './internet-gateway.js';
import { getEgressOnlyInternetGateway, requireIpv6Destination } from './egress-only-internet-gateway.js';
import type { Subnet, Tags, Vpc } from './model.js';
import { getNetworkInterface } from './network-interface.js';
import type { Route, RouteTable, RouteTableAssociation } from './routing-model.js';
import { findPrefixList } from './prefix-list.js';
import { endpointRouteActive } from './vpc-endpoint.js';
import { checkGatewayTableRoute, forgetTableGatewayAssociations, isLive, localRouteReplaceable } from './gateway-route-table.js';
import { dropTablePropagations, vpnRouteActive, vpnRouteTarget } from './vpn-gateway.js';
import { peeringRouteActive, peeringRouteTarget } from './vpc-peering.js';

/** Makes the id of something a VPC or subnet gets by itself (see createVpcRouting in vpc-defaults.ts). */
export type IdSource = (k: IdKind, label: string) => string;

export function getRouteTable(region: RegionState, id: string): RouteTable {
  checkId(ID_KINDS.routeTable, id);
  const table = region.routeTables.get(id);
  if (!table) throw notFound(ID_KINDS.routeTable, id);
  return table;
}

// ---- tables ------------------------------------------------------------------------------------

const localRoutes = (vpc: Vpc): Route[] => [
  ...vpc.cidrs
    .filter((c) => c.state === 'associated')
    .map((c) => ({ destinationCidrBlock: c.cidr.toString(), gatewayId: 'local', origin: 'CreateRouteTable' as const })),
  ...vpc.ipv6Cidrs
    .filter((c) => c.state === 'associated')
    .map((c) => ({ destinationIpv6CidrBlock: c.cidr.toString(), gatewayId: 'local', origin: 'CreateRouteTable' as const })),
];

/** A table holding the VPC's local routes ("Every route table contains a local route for communication within the VPC"). */
export function createRouteTable(region: RegionState, vpc: Vpc, tags: Tags = new Map(), id = region.ids.next(ID_KINDS.routeTable)): RouteTable {
  const table: RouteTable = { id, resourceType: 'route-table', ownerId: region.accountId, vpcId: vpc.id, routes: localRoutes(vpc), tags };
  region.routeTables.set(id, region.register(table));
  return table;
}

/** The main route table of a new VPC, with its main association. */
export function createMainRouteTable(region: RegionState, vpc: Vpc, ids: IdSource): RouteTable {
  const table = createRouteTable(region, vpc, new Map(), ids(ID_KINDS.routeTable, 'main-route-table'));
  const assoc: RouteTableAssociation = {
    id: ids(ID_KINDS.routeTableAssociation, 'main-route-table-association'),
    routeTableId: table.id,
    vpcId: vpc.id,
    main: true,
  };
  region.routeTableAssociations.set(assoc.id, assoc);
  return table;
}

export function associationsOf(region: RegionState, tableId: string): RouteTableAssociation[] {
  const out: RouteTableAssociation[] = [];
  for (const a of region.routeTableAssociations.values()) if (a.routeTableId === tableId) out.push(a);
  return out;
}

export function mainAssociation(region: RegionState, vpcId: string): RouteTableAssociation | undefined {
  for (const a of region.routeTableAssociations.values()) if (a.main && a.vpcId === vpcId) return a;
  return undefined;
}

function subnetAssociation(region: RegionState, subnetId: string): RouteTableAssociation | undefined {
  for (const a of region.routeTableAssociations.values()) if (a.subnetId === subnetId) return a;
  return undefined;
}

/** The table a subnet uses: its explicit association, else the VPC's main table. */
export function routeTableOfSubnet(region: RegionState, subnet: Subnet): RouteTable | undefined {
  const a = subnetAssociation(region, subnet.id) ?? mainAssociation(region, subnet.vpcId);
  return a ? region.routeTables.get(a.routeTableId) : undefined;
}

/**
 * The main table cannot be deleted, nor a table with subnets associated. Observed wording:
 * "The routeTable 'rtb-…' has dependencies and cannot be deleted." (DependencyViolation).
 */
export function deleteRouteTable(region: RegionState, table: RouteTable): void {
  if (associationsOf(region, table.id).some(isLive)) {
    throw new Ec2Error('DependencyViolation', `The routeTable '${table.id}' has dependencies and cannot be deleted.`);
  }
  forgetTableGatewayAssociations(region, table.id);
  dropTablePropagations(region, table.id);
  region.routeTables.delete(table.id);
  region.unregister(table.id);
}

/** Whether a VPC has route tables other than its main one (they keep it from deletion). */
export function vpcHasCustomRouteTables(region: RegionState, vpcId: string): boolean {
  const main = mainAssociation(region, vpcId)?.routeTableId;
  for (const t of region.routeTables.values()) if (t.vpcId === vpcId && t.id !== main) return true;
  return false;
}

/** DeleteVpc: the main table and its association go with the VPC. */
export function removeVpcRouteTables(region: RegionState, vpcId: string): void {
  for (const a of [...region.routeTableAssociations.values()]) if (a.vpcId === vpcId) region.routeTableAssociations.delete(a.id);
  for (const t of [...region.routeTables.values()]) {
    if (t.vpcId === vpcId) {
      region.routeTables.delete(t.id);
      region.unregister(t.id);
    }
  }
}

/** DeleteSubnet: its explicit association goes with it. */
export function dropSubnetRouteAssociation(region: RegionState, subnetId: string): void {
  const a = subnetAssociation(region, subnetId);
  if (a) region.routeTableAssociations.delete(a.id);
}

/** AssociateVpcCidrBlock / DisassociateVpcCidrBlock: every table of the VPC gains or loses the block's local route. */
export function syncLocalRoutes(region: RegionState, vpc: Vpc): void {
  for (const t of region.routeTables.values()) {
    if (t.vpcId !== vpc.id) continue;
    // A local route whose target was replaced by an interface (gateway route tables) keeps its target.
    const wanted = localRoutes(vpc).map((w) => t.routes.find((r) => r.networkInterfaceId !== undefined && destinationOf(r) === destinationOf(w)) ?? w);
    const others = t.routes.filter((r) => r.gatewayId !== 'local');
    const kept = others.filter((r) => !wanted.some((w) => destinationOf(w) === destinationOf(r)));
    t.routes.splice(0, t.routes.length, ...wanted, ...kept);
  }
}

// ---- associations --------------------------------------------------------------------------------

/** Observed: "route table rtb-… and subnet subnet-… belong to different networks" (same wording as for gateways). */
const differentNetworks = (tableId: string, what: string, id: string) => invalidValue(`route table ${tableId} and ${what} ${id} belong to different networks`);

export function associateSubnet(region: RegionState, table: RouteTable, subnet: Subnet): RouteTableAssociation {
  if (subnet.vpcId !== table.vpcId) throw differentNetworks(table.id, 'subnet', subnet.id);
  // Observed: "Resource.AlreadyAssociated: the specified association for route table rtb-… conflicts with an
  // existing association" (hashicorp/terraform-provider-aws#38960, GSA/devsecops-example#79).
  if (subnetAssociation(region, subnet.id)) {
    throw new Ec2Error('Resource.AlreadyAssociated', `the specified association for route table ${table.id} conflicts with an existing association`);
  }
  const assoc: RouteTableAssociation = {
    id: region.ids.next(ID_KINDS.routeTableAssociation),
    routeTableId: table.id,
    vpcId: table.vpcId,
    main: false,
    subnetId: subnet.id,
  };
  region.routeTableAssociations.set(assoc.id, assoc);
  return assoc;
}

export function getRouteTableAssociation(region: RegionState, id: string): RouteTableAssociation {
  checkId(ID_KINDS.routeTableAssociation, id);
  const a = region.routeTableAssociations.get(id);
  // An ended gateway association is still listed, but no longer there to change.
  if (!a || !isLive(a)) throw new Ec2Error('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`);
  return a;
}

/** Observed: "cannot disassociate the main route table association rtbassoc-…" (InvalidParameterValue; ansible/ansible#25521). */
export function disassociateRouteTable(region: RegionState, assoc: RouteTableAssociation): void {
  if (assoc.main) throw invalidValue(`cannot disassociate the main route table association ${assoc.id}`);
  region.routeTableAssociations.delete(assoc.id);
}

/** A subnet's association moves to `table`; the main association moves too (which makes `table` the main table). */
export function replaceAssociation(region: RegionState, assoc: RouteTableAssociation, table: RouteTable): RouteTableAssociation {
  if (table.vpcId !== assoc.vpcId) {
    throw assoc.subnetId ? differentNetworks(table.id, 'subnet', assoc.subnetId) : differentNetworks(table.id, 'association', assoc.id);
  }
  const next: RouteTableAssociation = { ...assoc, id: region.ids.next(ID_KINDS.routeTableAssociation), routeTableId: table.id };
  region.routeTableAssociations.delete(assoc.id);
  region.routeTableAssociations.set(next.id, next);
  return next;
}

// ---- routes ----------------------------------------------------------------------------------------

export const destinationOf = (r: Route): string => r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId!;

export interface DestinationInput {
  readonly DestinationCidrBlock?: string;
  readonly DestinationIpv6CidrBlock?: string;
  readonly DestinationPrefixListId?: string;
}

type Destination = Pick<Route, 'destinationCidrBlock' | 'destinationIpv6CidrBlock' | 'destinationPrefixListId'>;

/** Exactly one destination, canonicalised as AWS stores it (host bits dropped). */
export function parseDestination(input: DestinationInput): Destination {
  const given = [input.DestinationCidrBlock, input.DestinationIpv6CidrBlock, input.DestinationPrefixListId].filter((d) => d !== undefined);
  // Observed: "MissingParameter: The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock"
  // (hashicorp/terraform#14564).
  if (given.length === 0) throw missingParam('destinationCidrBlock or destinationIpv6CidrBlock');
  if (given.length > 1)
    throw invalidCombination('Exactly one of destinationCidrBlock, destinationIpv6CidrBlock and destinationPrefixListId must be specified.');
  if (input.DestinationCidrBlock !== undefined) {
    const c = parseIpv4Cidr(input.DestinationCidrBlock);
    // Observed: "Value (::/0) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block."
    // (ansible-collections/amazon.aws#477).
    if (!c) throw invalidParam(input.DestinationCidrBlock, 'destinationCidrBlock', 'This is not a valid CIDR block.');
    return { destinationCidrBlock: c.toString() };
  }
  if (input.DestinationIpv6CidrBlock !== undefined) {
    const c = parseIpv6Cidr(input.DestinationIpv6CidrBlock);
    if (!c) throw invalidParam(input.DestinationIpv6CidrBlock, 'destinationIpv6CidrBlock', 'This is not a valid IPv6 CIDR block.');
    return { destinationIpv6CidrBlock: c.toString() };
  }
  // Whether the list exists is checked where the route is made (requirePrefixList); a route to a deleted
  // list can still be deleted.
  const pl = input.DestinationPrefixListId!;
  checkId(ID_KINDS.prefixList, pl);
  return { destinationPrefixListId: pl };
}

/** Observed for an unknown list: "The prefix list ID 'pl-…' does not exist" (InvalidPrefixListID.NotFound). */
function requirePrefixList(region: RegionState, d: Destination): void {
  if (d.destinationPrefixListId !== undefined) findPrefixList(region, d.destinationPrefixListId);
}

/** A gateway endpoint's route is the endpoint's: it changes with ModifyVpcEndpoint, not with the route calls. */
function refuseEndpointRoute(table: RouteTable, r: Route): void {
  if (r.gatewayId?.startsWith('vpce-')) {
    throw invalidValue(`The route ${destinationOf(r)} in route table ${table.id} belongs to VPC endpoint ${r.gatewayId}; use ModifyVpcEndpoint to remove it.`);
  }
}

export interface TargetInput {
  readonly GatewayId?: string;
  readonly InstanceId?: string;
  readonly NetworkInterfaceId?: string;
  readonly NatGatewayId?: string;
  readonly EgressOnlyInternetGatewayId?: string;
  readonly VpcPeeringConnectionId?: string;
  readonly VpcEndpointId?: string;
  readonly TransitGatewayId?: string;
  readonly LocalGatewayId?: string;
  readonly CarrierGatewayId?: string;
  readonly CoreNetworkArn?: string;
  readonly OdbNetworkArn?: string;
}

type Target = Pick<Route, 'gatewayId' | 'instanceId' | 'networkInterfaceId' | 'natGatewayId' | 'egressOnlyInternetGatewayId' | 'vpcPeeringConnectionId'>;

/** Observed: "The request must contain exactly one of gatewayId, natGatewayId, …" (MissingParameter; cluster-api-provider-aws#4899). */
const TARGET_LIST =
  'gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, egressOnlyInternetGatewayId, transitGatewayId, localGatewayId, carrierGatewayId, vpcEndpointId, coreNetworkArn or instanceId';

/** Whether the target may take a destination inside the VPC's own blocks (VPC User Guide, "Routing for a middlebox appliance"). */
const middleboxTarget = (t: Target) => t.networkInterfaceId !== undefined || t.natGatewayId !== undefined;

/** Resolves and checks the one target of a route in `table`. */
export function resolveTarget(region: RegionState, table: RouteTable, input: TargetInput): Target {
  const given = Object.entries(input).filter(([k, v]) => v !== undefined && TARGET_KEYS.has(k));
  if (given.length !== 1) {
    throw given.length === 0
      ? new Ec2Error('MissingParameter', `The request must contain exactly one of ${TARGET_LIST}`)
      : invalidCombination(`The request must contain exactly one of ${TARGET_LIST}`);
  }
  if (input.GatewayId !== undefined) return { gatewayId: gatewayTarget(region, table, input.GatewayId) };
  if (input.NetworkInterfaceId !== undefined) {
    const eni = getNetworkInterface(region, input.NetworkInterfaceId);
    if (eni.vpcId !== table.vpcId) throw differentNetworks(table.id, 'interface', eni.id);
    return { networkInterfaceId: eni.id };
  }
  if (input.InstanceId !== undefined) {
    const instance = getInstance(region, input.InstanceId);
    if (instance.vpcId !== table.vpcId) throw differentNetworks(table.id, 'instance', instance.id);
    // An instance stands for its one interface; with several AWS asks for the interface
    // ("There are multiple interfaces attached to instance '…'", InvalidInstanceID).
    const eni = soleInterface(region, instance);
    return { instanceId: instance.id, networkInterfaceId: eni.id };
  }
  if (input.NatGatewayId !== undefined) {
    checkId(ID_KINDS.natGateway, input.NatGatewayId);
    const nat = region.natGateways.get(input.NatGatewayId);
    if (!nat || nat.state === 'deleted' || nat.state === 'failed') throw notFound(ID_KINDS.natGateway, input.NatGatewayId);
    if (nat.vpcId !== table.vpcId) throw differentNetworks(table.id, 'nat gateway', nat.id);
    return { natGatewayId: nat.id };
  }
  if (input.EgressOnlyInternetGatewayId !== undefined) {
    const g = getEgressOnlyInternetGateway(region, input.EgressOnlyInternetGatewayId);
    if (g.vpcId !== table.vpcId) throw differentNetworks(table.id, 'network gateway', g.id);
    return { egressOnlyInternetGatewayId: g.id };
  }
  if (input.VpcPeeringConnectionId !== undefined) {
    return { vpcPeeringConnectionId: peeringRouteTarget(region, table.id, table.vpcId, input.VpcPeeringConnectionId) };
  }
  // The families below do not exist in ec2net yet: every id is unknown.
  if (input.VpcEndpointId !== undefined) throw unknownId(ID_KINDS.vpcEndpoint, input.VpcEndpointId);
  if (input.TransitGatewayId !== undefined) throw unknownId(ID_KINDS.transitGateway, input.TransitGatewayId);
  throw new Ec2Error('UnsupportedOperation', 'Routes to local gateways, carrier gateways, core networks and ODB networks are not supported by ec2net.');
}

/** Whether the request names a route target (ReplaceRoute's LocalTarget stands alone). */
export const hasTarget = (input: TargetInput): boolean => Object.entries(input).some(([k, v]) => v !== undefined && TARGET_KEYS.has(k));

const TARGET_KEYS = new Set([
  'GatewayId',
  'InstanceId',
  'NetworkInterfaceId',
  'NatGatewayId',
  'EgressOnlyInternetGatewayId',
  'VpcPeeringConnectionId',
  'VpcEndpointId',
  'TransitGatewayId',
  'LocalGatewayId',
  'CarrierGatewayId',
  'CoreNetworkArn',
  'OdbNetworkArn',
]);

function unknownId(k: IdKind, id: string): Ec2Error {
  checkId(k, id);
  return notFound(k, id);
}

/** `GatewayId` names an internet gateway (virtual private gateways and gateway endpoints do not exist in ec2net). */
function gatewayTarget(region: RegionState, table: RouteTable, id: string): string {
  if (id.startsWith('igw-')) {
    const igw = getInternetGateway(region, id);
    // Observed for a gateway not (yet) attached to the table's VPC: "route table rtb-… and network gateway igw-…
    // belong to different networks" (InvalidParameterValue; smoketurner/serverless-vpc-plugin#147).
    if (igw.vpcId !== table.vpcId) throw differentNetworks(table.id, 'network gateway', igw.id);
    return igw.id;
  }
  if (id.startsWith('vgw-')) return vpnRouteTarget(region, table, id);
  if (id.startsWith('vpce-')) {
    checkId(ID_KINDS.vpcEndpoint, id);
    // Gateway endpoints get their routes through CreateVpcEndpoint/ModifyVpcEndpoint (RouteTableIds).
    if (region.vpcEndpoints.has(id)) throw invalidValue(`Route target ${id} is a VPC endpoint: add its routes with ModifyVpcEndpoint (AddRouteTableIds).`);
    throw notFound(ID_KINDS.vpcEndpoint, id);
  }
  throw new Ec2Error('InvalidGatewayID.NotFound', `The gateway ID '${id}' does not exist`);
}

/** Whether the table's VPC blocks contain the destination (equal included). */
function insideVpc(region: RegionState, table: RouteTable, d: Destination): 'equal' | 'inside' | undefined {
  const vpc = region.vpcs.get(table.vpcId)!;
  if (d.destinationCidrBlock !== undefined) {
    const c = parseIpv4Cidr(d.destinationCidrBlock)!;
    for (const b of vpc.cidrs) if (b.state === 'associated' && b.cidr.containsCidr(c)) return b.cidr.equals(c) ? 'equal' : 'inside';
  }
  if (d.destinationIpv6CidrBlock !== undefined) {
    const c = parseIpv6Cidr(d.destinationIpv6CidrBlock)!;
    for (const b of vpc.ipv6Cidrs) if (b.state === 'associated' && b.cidr.containsCidr(c)) return b.cidr.equals(c) ? 'equal' : 'inside';
  }
  return undefined;
}

/**
 * A destination inside the VPC (more specific than a local route) may only go to a middlebox:
 * observed "Route target is not supported. This route only supports interface and instance targets."
 * (InvalidParameterValue; hashicorp/terraform#26018).
 */
function checkAgainstLocal(region: RegionState, table: RouteTable, d: Destination, t: Target): void {
  if (insideVpc(region, table, d) === 'inside' && !middleboxTarget(t)) {
    throw invalidValue('Route target is not supported. This route only supports interface and instance targets.');
  }
}

export function findRoute(table: RouteTable, d: Destination): Route | undefined {
  const key = destinationOf(d as Route);
  return table.routes.find((r) => destinationOf(r) === key);
}

/** Observed: "RouteAlreadyExists: The route identified by 0.0.0.0/0 already exists." (clouddrove/terraform-aws-vpc-peering#10). */
export function createRoute(region: RegionState, table: RouteTable, d: Destination, input: TargetInput): Route {
  requirePrefixList(region, d);
  const t = resolveTarget(region, table, input);
  if (t.egressOnlyInternetGatewayId !== undefined) requireIpv6Destination(d.destinationIpv6CidrBlock !== undefined);
  if (findRoute(table, d)) throw new Ec2Error('RouteAlreadyExists', `The route identified by ${destinationOf(d as Route)} already exists.`);
  checkAgainstLocal(region, table, d, t);
  const route: Route = { ...d, ...t, origin: 'CreateRoute' };
  checkGatewayTableRoute(region, table, route);
  table.routes.push(route);
  return route;
}

/** Observed: "no route with destination-cidr-block 10.0.0.0/24 in route table rtb-…" (InvalidRoute.NotFound). */
export function routeNotFound(table: RouteTable, d: Destination): Ec2Error {
  const param =
    d.destinationCidrBlock !== undefined
      ? 'destination-cidr-block'
      : d.destinationIpv6CidrBlock !== undefined
        ? 'destination-ipv6-cidr-block'
        : 'destination-prefix-list-id';
  return new Ec2Error('InvalidRoute.NotFound', `no route with ${param} ${destinationOf(d as Route)} in route table ${table.id}`);
}

/**
 * ReplaceRoute: the route gets the new target (and origin CreateRoute). The local route's target is
 * not replaceable here: ec2net has no gateway route tables, the one place AWS points `local` elsewhere.
 */
export function replaceRoute(region: RegionState, table: RouteTable, d: Destination, input: TargetInput): Route {
  const existing = findRoute(table, d);
  if (!existing) throw routeNotFound(table, d);
  // Only a gateway route table's local route takes another target (gateway-route-table.ts).
  if (existing.gatewayId === 'local' && !localRouteReplaceable(region, table)) {
    throw invalidValue(`cannot replace local route ${destinationOf(existing)} in route table ${table.id}`);
  }
  refuseEndpointRoute(table, existing);
  const t = resolveTarget(region, table, input);
  if (t.egressOnlyInternetGatewayId !== undefined) requireIpv6Destination(d.destinationIpv6CidrBlock !== undefined);
  checkAgainstLocal(region, table, d, t);
  const route: Route = { ...d, ...t, origin: 'CreateRoute' };
  checkGatewayTableRoute(region, table, route);
  table.routes[table.routes.indexOf(existing)] = route;
  return route;
}

/** Observed: "cannot remove local route 10.0.0.0/16 in route table rtb-…" (InvalidParameterValue). */
export function deleteRoute(table: RouteTable, d: Destination): void {
  const existing = findRoute(table, d);
  if (!existing) throw routeNotFound(table, d);
  if (existing.gatewayId === 'local') throw invalidValue(`cannot remove local route ${destinationOf(existing)} in route table ${table.id}`);
  refuseEndpointRoute(table, existing);
  table.routes.splice(table.routes.indexOf(existing), 1);
}

/**
 * `active`, or `blackhole` when the target is gone: "the route's target isn't available (for example,
 * the specified gateway isn't attached to the VPC)" (API reference, Route.State). An interface target
 * is active while it is attached to an instance that is not terminated.
 */
export function routeState(region: RegionState, table: RouteTable, r: Route): 'active' | 'blackhole' {
  if (r.gatewayId === 'local') return 'active';
  if (r.gatewayId?.startsWith('vpce-')) return endpointRouteActive(region, r.gatewayId) ? 'active' : 'blackhole';
  if (r.gatewayId?.startsWith('vgw-')) return vpnRouteActive(region, table, r.gatewayId) ? 'active' : 'blackhole';
  if (r.gatewayId !== undefined) return region.internetGateways.get(r.gatewayId)?.vpcId === table.vpcId ? 'active' : 'blackhole';
  if (r.vpcPeeringConnectionId !== undefined) return peeringRouteActive(region, r.vpcPeeringConnectionId) ? 'active' : 'blackhole';
  if (r.egressOnlyInternetGatewayId !== undefined) return region.egressOnlyInternetGateways.has(r.egressOnlyInternetGatewayId) ? 'active' : 'blackhole';
  if (r.natGatewayId !== undefined) {
    const state = region.natGateways.get(r.natGatewayId)?.state;
    return state === 'available' || state === 'pending' ? 'active' : 'blackhole';
  }
  if (r.networkInterfaceId !== undefined) {
    const eni = region.networkInterfaces.get(r.networkInterfaceId);
    const instanceId = eni?.attachment?.instanceId;
    const instance = instanceId !== undefined ? region.instances.get(instanceId) : undefined;
    if (!instance || instance.state === 'terminated' || instance.state === 'shutting-down') return 'blackhole';
    if (r.instanceId !== undefined && r.instanceId !== instance.id) return 'blackhole';
    return 'active';
  }
  return 'blackhole';
}

/** The instance a route's interface is attached to (AWS shows it beside the interface), else the one it was made for. */
export function routeInstanceId(region: RegionState, r: Route): string | undefined {
  if (r.networkInterfaceId === undefined) return undefined;
  return region.networkInterfaces.get(r.networkInterfaceId)?.attachment?.instanceId ?? r.instanceId;
}
