/**
 * VPC endpoints to AWS services (AWS PrivateLink guide; EC2 API reference, CreateVpcEndpoint,
 * ModifyVpcEndpoint, DeleteVpcEndpoints):
 * - a Gateway endpoint (S3, DynamoDB) adds, in each chosen route table, a route whose destination is
 *   the service's AWS-managed prefix list and whose target (GatewayId) is the endpoint; it is
 *   `available` at once and its routes go when it is deleted or a table is removed from it;
 * - an Interface endpoint puts one requester-managed interface of type `vpc_endpoint` in each chosen
 *   subnet (at most one subnet per zone), with the endpoint's security groups (the VPC's default
 *   group when none is given); `pending` → `available`, `deleting` → gone with its interfaces.
 */
import { createHash } from 'node:crypto';
import type { RegionState } from './cloud.js';
import { awsPrefixListOfService } from './aws-prefix-lists.js';
import type { VpcEndpoint, VpcEndpointType } from './endpoint-model.js';
import { findEndpointService, type EndpointService } from './endpoint-services.js';
import { Ec2Error, invalidValue } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Subnet, Tags, Vpc } from './model.js';
import { createNetworkInterface, destroyNetworkInterface, resolveGroups } from './network-interface.js';
import { getRouteTable } from './route-table.js';
import type { RouteTable } from './routing-model.js';
import { defaultSecurityGroup } from './security-group.js';
import { getSubnet } from './subnet.js';
import { TIMER_HANDLERS } from './timers.js';

/** The principal AWS shows as RequesterId on interface endpoints' interfaces (a fixed service identity here). */
export const VPCE_REQUESTER_ID = 'AROAJ3KQSVBYBCDWQWERA:vpce-service';

export function getVpcEndpoint(region: RegionState, id: string): VpcEndpoint {
  checkId(ID_KINDS.vpcEndpoint, id);
  const e = region.vpcEndpoints.get(id);
  if (!e) throw notFound(ID_KINDS.vpcEndpoint, id);
  return e;
}

/** Observed code for an unknown service: InvalidServiceName ("The Vpc Endpoint Service '…' does not exist"). */
function resolveService(region: RegionState, name: string | undefined, type: VpcEndpointType): EndpointService {
  if (name === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter ServiceName');
  const any = findEndpointService(region.info, name);
  if (!any) throw new Ec2Error('InvalidServiceName', `The Vpc Endpoint Service '${name}' does not exist`);
  const s = findEndpointService(region.info, name, type);
  if (!s) throw new Ec2Error('InvalidParameter', `The Vpc Endpoint Service '${name}' does not support endpoint type '${type}'.`);
  return s;
}

function checkRouteTables(region: RegionState, vpc: Vpc, ids: readonly string[], prefixListId: string, except?: VpcEndpoint): RouteTable[] {
  const tables = [...new Set(ids)].map((id) => getRouteTable(region, id));
  for (const t of tables) {
    if (t.vpcId !== vpc.id) throw invalidValue(`route table ${t.id} and vpc ${vpc.id} belong to different networks`);
    const clash = t.routes.find((r) => r.destinationPrefixListId === prefixListId && r.gatewayId !== except?.id);
    if (clash) throw new Ec2Error('RouteAlreadyExists', `route table ${t.id} already has a route with destination-prefix-list-id ${prefixListId}`);
  }
  return tables;
}

/** One subnet per zone (observed: DuplicateSubnetsInSameZone), each in the endpoint's VPC. */
function checkSubnets(region: RegionState, vpc: Vpc, ids: readonly string[], held: readonly Subnet[] = []): Subnet[] {
  const subnets = [...new Set(ids)].map((id) => getSubnet(region, id));
  const zones = new Set(held.map((s) => s.zone.zoneName));
  for (const s of subnets) {
    if (s.vpcId !== vpc.id) throw new Ec2Error('InvalidParameter', `The subnet ID '${s.id}' does not belong to the VPC '${vpc.id}'.`);
    if (zones.has(s.zone.zoneName)) {
      throw new Ec2Error('DuplicateSubnetsInSameZone', `Found another VPC endpoint subnet in the availability zone of ${s.id}`);
    }
    zones.add(s.zone.zoneName);
    if (!s.pool.canAllocateCount(1)) throw new Ec2Error('InsufficientFreeAddressesInSubnet', `Subnet ${s.id} has insufficient free addresses.`);
  }
  return subnets;
}

/** "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true" (PrivateLink guide, "DNS attributes"). */
function checkPrivateDns(vpc: Vpc): void {
  if (!vpc.enableDnsSupport || !vpc.enableDnsHostnames) {
    throw new Ec2Error(
      'InvalidParameter',
      `Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpc.id}`,
    );
  }
}

export interface CreateEndpointParams {
  readonly vpc: Vpc;
  readonly type?: string;
  readonly serviceName?: string;
  readonly policyDocument?: string;
  readonly routeTableIds?: readonly string[];
  readonly subnetIds?: readonly string[];
  readonly securityGroupIds?: readonly string[];
  readonly privateDnsEnabled?: boolean;
  readonly tags: Tags;
}

const FULL_ACCESS_POLICY = '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';

/** Whether `text` is a JSON object (an endpoint policy is an IAM policy document). */
function checkPolicy(text: string | undefined): void {
  if (text === undefined) return;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Ec2Error('MalformedPolicyDocument', 'The policy document is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Ec2Error('MalformedPolicyDocument', 'The policy document must be a JSON object.');
}

export function createVpcEndpoint(region: RegionState, p: CreateEndpointParams): VpcEndpoint {
  const { vpc } = p;
  const type = p.type ?? 'Gateway';
  if (type !== 'Gateway' && type !== 'Interface') {
    throw new Ec2Error('UnsupportedOperation', `VPC endpoints of type ${type} are not supported by ec2net yet.`);
  }
  const service = resolveService(region, p.serviceName, type);
  checkPolicy(p.policyDocument);
  let tables: RouteTable[] = [];
  let subnets: Subnet[] = [];
  let groupIds: string[] = [];
  let prefixListId: string | undefined;
  if (type === 'Gateway') {
    if (p.subnetIds?.length || p.securityGroupIds?.length) {
      throw new Ec2Error('InvalidParameter', 'Subnets and security groups are not supported for Gateway VPC endpoints.');
    }
    if (p.privateDnsEnabled === true) throw new Ec2Error('InvalidParameter', 'Private DNS is not supported for Gateway VPC endpoints.');
    prefixListId = awsPrefixListOfService(region.info.name, service.name)!.id;
    tables = checkRouteTables(region, vpc, p.routeTableIds ?? [], prefixListId);
  } else {
    if (p.routeTableIds?.length) throw new Ec2Error('InvalidParameter', 'Route tables are not supported for Interface VPC endpoints.');
    subnets = checkSubnets(region, vpc, p.subnetIds ?? []);
    groupIds = p.securityGroupIds?.length
      ? resolveGroups(region, vpc.id, subnets[0]?.id ?? vpc.id, p.securityGroupIds)
      : [defaultSecurityGroup(region, vpc.id).id];
    // "PrivateDnsEnabled … Default: true" for AWS services (API reference, CreateVpcEndpoint).
    if (p.privateDnsEnabled !== false) checkPrivateDns(vpc);
  }
  // Everything checked: make it.
  const id = region.ids.next(ID_KINDS.vpcEndpoint);
  const endpoint: VpcEndpoint = {
    id,
    resourceType: 'vpc-endpoint',
    ownerId: region.accountId,
    vpcId: vpc.id,
    serviceName: service.name,
    type,
    state: type === 'Gateway' ? 'available' : 'pending',
    policyDocument: p.policyDocument ?? FULL_ACCESS_POLICY,
    routeTableIds: [],
    subnetIds: [],
    networkInterfaceIds: [],
    groupIds,
    privateDnsEnabled: type === 'Interface' && p.privateDnsEnabled !== false,
    createTime: region.cloud.nowMs(),
    tags: p.tags,
  };
  for (const t of tables) addGatewayRoute(endpoint, t, prefixListId!);
  for (const s of subnets) addInterface(region, endpoint, s);
  region.vpcEndpoints.set(id, region.register(endpoint));
  if (type === 'Interface') region.schedule(region.cloud.nowMs() + region.cloud.timings.pendingMs, 'vpc-endpoint-available', id);
  return endpoint;
}

function addGatewayRoute(endpoint: VpcEndpoint, table: RouteTable, prefixListId: string): void {
  table.routes.push({ destinationPrefixListId: prefixListId, gatewayId: endpoint.id, origin: 'CreateRoute' });
  endpoint.routeTableIds.push(table.id);
}

function removeGatewayRoute(region: RegionState, endpoint: VpcEndpoint, tableId: string): void {
  const table = region.routeTables.get(tableId);
  if (table) {
    const i = table.routes.findIndex((r) => r.gatewayId === endpoint.id);
    if (i >= 0) table.routes.splice(i, 1);
  }
  endpoint.routeTableIds.splice(endpoint.routeTableIds.indexOf(tableId), 1);
}

function addInterface(region: RegionState, endpoint: VpcEndpoint, subnet: Subnet): void {
  const eni = createNetworkInterface(region, {
    subnet,
    description: `VPC Endpoint Interface ${endpoint.id}`,
    managed: {
      interfaceType: 'vpc_endpoint',
      requesterId: VPCE_REQUESTER_ID,
      attachmentId: region.ids.next(ID_KINDS.serviceAttachment),
      groupIds: endpoint.groupIds,
      sourceDestCheck: true,
    },
  });
  endpoint.subnetIds.push(subnet.id);
  endpoint.networkInterfaceIds.push(eni.id);
}

function removeInterface(region: RegionState, endpoint: VpcEndpoint, subnetId: string): void {
  const i = endpoint.subnetIds.indexOf(subnetId);
  const eni = region.networkInterfaces.get(endpoint.networkInterfaceIds[i]!);
  if (eni) destroyNetworkInterface(region, eni);
  endpoint.subnetIds.splice(i, 1);
  endpoint.networkInterfaceIds.splice(i, 1);
}

export interface ModifyEndpointParams {
  readonly policyDocument?: string;
  readonly resetPolicy?: boolean;
  readonly addRouteTableIds?: readonly string[];
  readonly removeRouteTableIds?: readonly string[];
  readonly addSubnetIds?: readonly string[];
  readonly removeSubnetIds?: readonly string[];
  readonly addSecurityGroupIds?: readonly string[];
  readonly removeSecurityGroupIds?: readonly string[];
  readonly privateDnsEnabled?: boolean;
}

/** ModifyVpcEndpoint: everything is checked before anything changes. */
export function modifyVpcEndpoint(region: RegionState, e: VpcEndpoint, p: ModifyEndpointParams): void {
  const vpc = region.vpcs.get(e.vpcId)!;
  if (e.state === 'deleting') throw invalidValue(`The VPC endpoint ${e.id} is being deleted.`);
  checkPolicy(p.policyDocument);
  const gateway = e.type === 'Gateway';
  if (gateway && (p.addSubnetIds?.length || p.removeSubnetIds?.length || p.addSecurityGroupIds?.length || p.removeSecurityGroupIds?.length)) {
    throw new Ec2Error('InvalidParameter', 'Subnets and security groups are not supported for Gateway VPC endpoints.');
  }
  if (!gateway && (p.addRouteTableIds?.length || p.removeRouteTableIds?.length)) {
    throw new Ec2Error('InvalidParameter', 'Route tables are not supported for Interface VPC endpoints.');
  }
  if (gateway && p.privateDnsEnabled === true) throw new Ec2Error('InvalidParameter', 'Private DNS is not supported for Gateway VPC endpoints.');
  const prefixListId = gateway ? awsPrefixListOfService(region.info.name, e.serviceName)!.id : '';
  const removeTables = [...new Set(p.removeRouteTableIds ?? [])];
  for (const id of removeTables) {
    getRouteTable(region, id);
    if (!e.routeTableIds.includes(id)) throw invalidValue(`The route table ${id} is not associated with the VPC endpoint ${e.id}.`);
  }
  const addTables = checkRouteTables(
    region,
    vpc,
    (p.addRouteTableIds ?? []).filter((id) => !e.routeTableIds.includes(id) || removeTables.includes(id)),
    prefixListId,
    e,
  );
  const removeSubnets = [...new Set(p.removeSubnetIds ?? [])];
  for (const id of removeSubnets) {
    getSubnet(region, id);
    if (!e.subnetIds.includes(id)) throw invalidValue(`The subnet ${id} is not associated with the VPC endpoint ${e.id}.`);
  }
  const keptSubnets = e.subnetIds.filter((id) => !removeSubnets.includes(id)).map((id) => region.subnets.get(id)!);
  const addSubnets = checkSubnets(
    region,
    vpc,
    (p.addSubnetIds ?? []).filter((id) => !keptSubnets.some((s) => s.id === id)),
    keptSubnets,
  );
  let groups: string[] | undefined;
  if (p.addSecurityGroupIds?.length || p.removeSecurityGroupIds?.length) {
    const next = [...e.groupIds.filter((g) => !(p.removeSecurityGroupIds ?? []).includes(g)), ...(p.addSecurityGroupIds ?? [])];
    if (next.length === 0) throw new Ec2Error('InvalidParameter', 'A VPC endpoint of type Interface must have at least one security group.');
    groups = resolveGroups(region, vpc.id, e.subnetIds[0] ?? vpc.id, next);
  }
  if (p.privateDnsEnabled === true && !e.privateDnsEnabled) checkPrivateDns(vpc);
  // Apply.
  for (const id of removeTables) removeGatewayRoute(region, e, id);
  for (const t of addTables) addGatewayRoute(e, t, prefixListId);
  for (const id of removeSubnets) removeInterface(region, e, id);
  if (groups) {
    e.groupIds.splice(0, e.groupIds.length, ...groups);
    for (const eniId of e.networkInterfaceIds) {
      const eni = region.networkInterfaces.get(eniId);
      if (eni) eni.groupIds.splice(0, eni.groupIds.length, ...groups);
    }
  }
  for (const s of addSubnets) addInterface(region, e, s);
  if (p.resetPolicy) e.policyDocument = FULL_ACCESS_POLICY;
  else if (p.policyDocument !== undefined) e.policyDocument = p.policyDocument;
  if (p.privateDnsEnabled !== undefined && !gateway) e.privateDnsEnabled = p.privateDnsEnabled;
}

/**
 * DeleteVpcEndpoints, one endpoint: a gateway endpoint and its routes go at once; an interface
 * endpoint is `deleting` until its interfaces are gone. Deleting one being deleted is harmless.
 */
export function deleteVpcEndpoint(region: RegionState, e: VpcEndpoint): void {
  if (e.type === 'Gateway') {
    for (const id of [...e.routeTableIds]) removeGatewayRoute(region, e, id);
    region.vpcEndpoints.delete(e.id);
    region.unregister(e.id);
    return;
  }
  if (e.state === 'deleting') return;
  region.unschedule(e.id, 'vpc-endpoint-available');
  e.state = 'deleting';
  region.schedule(region.cloud.nowMs() + region.cloud.timings.shuttingDownMs, 'vpc-endpoint-deleted', e.id);
}

/** Endpoints keep their VPC from deletion (DeleteVpc: "delete or detach all … VPC endpoints" first). */
export function vpcHasEndpoints(region: RegionState, vpcId: string): boolean {
  for (const e of region.vpcEndpoints.values()) if (e.vpcId === vpcId) return true;
  return false;
}

/** The endpoint owning a requester-managed interface, if any. */
export function endpointOfInterface(region: RegionState, eniId: string): VpcEndpoint | undefined {
  for (const e of region.vpcEndpoints.values()) if (e.networkInterfaceIds.includes(eniId)) return e;
  return undefined;
}

/** Whether a route to `gatewayId` (a vpce-…) still has its endpoint. */
export const endpointRouteActive = (region: RegionState, gatewayId: string) => region.vpcEndpoints.has(gatewayId);

/** A stable per-endpoint label for its DNS names (derived from its id, so it needs no random draw). */
export const endpointDnsLabel = (id: string) => `${id}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;

TIMER_HANDLERS.set('vpc-endpoint-available', (region, id) => {
  const e = region.vpcEndpoints.get(id);
  if (e?.state === 'pending') e.state = 'available';
});

TIMER_HANDLERS.set('vpc-endpoint-deleted', (region, id) => {
  const e = region.vpcEndpoints.get(id);
  if (e?.state !== 'deleting') return;
  for (const subnetId of [...e.subnetIds]) removeInterface(region, e, subnetId);
  region.vpcEndpoints.delete(id);
  region.unregister(id);
});
