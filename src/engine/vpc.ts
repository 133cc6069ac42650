/**
 * VPCs: the default VPC created on first use of a region, CreateVpc/DeleteVpc, and IPv4/IPv6
 * CIDR associations. Rules from the Amazon VPC User Guide ("VPC CIDR blocks", "Default VPCs").
 */
import { vpcHasEndpoints } from './vpc-endpoint.js';
import { vpcHasVpnGateway } from './vpn-gateway.js';
import { endVpcPeerings, vpcHasIncomingPeeringRequest } from './vpc-peering.js';
import { associated, beginDisassociation } from './cidr-association.js';
import { parseIpv4Cidr, type Ipv4Cidr, type Ipv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import { attachInternetGateway, createInternetGateway, gatewayOfVpc } from './internet-gateway.js';
import type { Tags, Vpc } from './model.js';
import { createDefaultSecurityGroup, removeSecurityGroupRecord } from './security-group.js';
import { createSubnetRecord } from './subnet.js';
import { recordDefaultDhcpOptions } from './dhcp-options.js';
import { vpcHasEgressOnlyInternetGateway } from './egress-only-internet-gateway.js';
import { addIpv6AclEntries, createDefaultNetworkAcl, removeVpcNetworkAcls, vpcHasCustomNetworkAcls } from './network-acl.js';
import { createMainRouteTable, mainAssociation, removeVpcRouteTables, syncLocalRoutes, vpcHasCustomRouteTables, type IdSource } from './route-table.js';

/** Up to 5 IPv4 CIDR blocks per VPC (a default quota); IPv6 likewise. */
export const MAX_VPC_CIDRS = 5;
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

export function getVpc(region: RegionState, id: string): Vpc {
  checkId(ID_KINDS.vpc, id);
  const vpc = region.vpcs.get(id);
  if (!vpc) throw notFound(ID_KINDS.vpc, id);
  return vpc;
}

/** Parses and checks a VPC IPv4 CIDR (canonicalised, /16–/28). */
export function parseVpcCidr(text: string): Ipv4Cidr {
  const cidr = parseIpv4Cidr(text);
  if (!cidr) throw invalidParam(text, 'cidrBlock', 'This is not a valid CIDR block.');
  if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) throw new Ec2Error('InvalidVpc.Range', `The CIDR '${text}' is invalid.`);
  return cidr;
}

export interface CreateVpcParams {
  readonly cidr: Ipv4Cidr;
  readonly amazonIpv6?: boolean;
  readonly instanceTenancy?: string;
  readonly tags?: Tags;
  readonly isDefault?: boolean;
}

export function createVpc(region: RegionState, p: CreateVpcParams): Vpc {
  // The default VPC counts towards the quota but is always made. Observed: "VpcLimitExceeded: The maximum
  // number of VPCs has been reached." (AWS error-code list; CDK/CloudFormation and CLI reports quoting it.)
  if (!p.isDefault && region.vpcs.size >= region.cloud.quotas.vpcsPerRegion) {
    throw new Ec2Error('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
  }
  const ids = region.ids;
  const vpc: Vpc = {
    id: ids.next(ID_KINDS.vpc),
    resourceType: 'vpc',
    ownerId: region.accountId,
    isDefault: p.isDefault ?? false,
    cidrs: [{ associationId: ids.next(ID_KINDS.vpcCidrAssociation), cidr: p.cidr, state: 'associated' }],
    ipv6Cidrs: [],
    dhcpOptionsId: dhcpOptionsId(region),
    instanceTenancy: p.instanceTenancy ?? 'default',
    state: 'available',
    enableDnsSupport: true,
    enableDnsHostnames: p.isDefault ?? false,
    tags: p.tags ?? new Map(),
  };
  if (p.amazonIpv6) addIpv6Block(region, vpc, region.cloud.allocateIpv6Block());
  region.vpcs.set(vpc.id, region.register(vpc));
  createDefaultSecurityGroup(region, vpc);
  // The main route table and the default network ACL ("When you create a VPC, it automatically has a
  // main route table … and a default network ACL", VPC User Guide). Their ids are derived from the
  // VPC's, not drawn: every id drawn after this call stays what it was before they existed.
  const derived: IdSource = (k, label) => region.ids.derive(k, `${vpc.id}/${label}`);
  createMainRouteTable(region, vpc, derived);
  createDefaultNetworkAcl(region, vpc, derived);
  return vpc;
}

/** The account's default DHCP options set in this region (one per world, made on first need). */
function dhcpOptionsId(region: RegionState): string {
  // A default set that was deleted is made again for the next VPC, as AWS does.
  if (region.defaultDhcpOptionsId === undefined || !region.dhcpOptions.has(region.defaultDhcpOptionsId)) {
    region.defaultDhcpOptionsId = region.ids.next(ID_KINDS.dhcpOptions);
    recordDefaultDhcpOptions(region, region.defaultDhcpOptionsId);
  }
  return region.defaultDhcpOptionsId;
}

/** The default VPC: 172.31.0.0/16 with one default /20 subnet per zone, in zone order, and an internet gateway attached. */
export function createDefaultVpc(region: RegionState): Vpc {
  const vpc = createVpc(region, { cidr: parseIpv4Cidr('172.31.0.0/16')!, isDefault: true });
  region.info.zones.forEach((zone, k) => {
    const cidr = parseIpv4Cidr(`172.31.${16 * k}.0/20`)!;
    createSubnetRecord(region, { vpc, zone, cidr, defaultForAz: true, mapPublicIpOnLaunch: true });
  });
  // Its ID comes from the seed, not the random stream: journals written before gateways existed
  // replay to the same IDs as when they were written.
  const gatewayId = region.ids.derive(ID_KINDS.internetGateway, `${region.cloud.random.seed}/${region.accountId}/${region.name}/default-gateway`);
  attachInternetGateway(region, createInternetGateway(region, new Map(), gatewayId), vpc);
  // "0.0.0.0/0 → igw" in the main route table (VPC User Guide, "Default VPC components").
  const main = region.routeTables.get(mainAssociation(region, vpc.id)!.routeTableId)!;
  main.routes.push({ destinationCidrBlock: '0.0.0.0/0', gatewayId, origin: 'CreateRoute' });
  return vpc;
}

function addIpv6Block(region: RegionState, vpc: Vpc, cidr: Ipv6Cidr): void {
  vpc.ipv6Cidrs.push({
    associationId: region.ids.next(ID_KINDS.vpcCidrAssociation),
    cidr,
    networkBorderGroup: region.name,
    state: 'associated',
  });
}

export function deleteVpc(region: RegionState, id: string): void {
  getVpc(region, id); // an unknown VPC is InvalidVpcID.NotFound before anything else
  const busy =
    region.subnetsOf(id).size > 0 ||
    [...region.securityGroups.values()].some((g) => g.vpcId === id && !g.isDefault) ||
    gatewayOfVpc(region, id) !== undefined ||
    vpcHasCustomRouteTables(region, id) ||
    vpcHasCustomNetworkAcls(region, id) ||
    vpcHasEgressOnlyInternetGateway(region, id) ||
    vpcHasEndpoints(region, id) ||
    vpcHasVpnGateway(region, id) ||
    vpcHasIncomingPeeringRequest(region, id) ||
    region.vpcHasOtherDependencies(id);
  if (busy) throw new Ec2Error('DependencyViolation', `The vpc '${id}' has dependencies and cannot be deleted.`);
  for (const g of [...region.securityGroups.values()]) if (g.vpcId === id) removeSecurityGroupRecord(region, g);
  removeVpcRouteTables(region, id);
  removeVpcNetworkAcls(region, id);
  endVpcPeerings(region, id);
  region.vpcs.delete(id);
  region.unregister(id);
}

export function associateVpcCidr(region: RegionState, vpc: Vpc, cidr: Ipv4Cidr): string {
  // Disassociated blocks stay listed but neither count towards the quota nor conflict: the same CIDR may come back.
  const live = associated(vpc.cidrs);
  if (live.length >= MAX_VPC_CIDRS) {
    throw new Ec2Error('CidrLimitExceeded', `This network '${vpc.id}' has met its maximum number of allowed CIDRs: ${MAX_VPC_CIDRS}`);
  }
  for (const c of live) {
    if (c.cidr.overlaps(cidr)) {
      throw new Ec2Error('InvalidVpc.Range', `The CIDR '${cidr}' conflicts with another CIDR block '${c.cidr}' of the VPC '${vpc.id}'.`);
    }
  }
  const associationId = region.ids.next(ID_KINDS.vpcCidrAssociation);
  vpc.cidrs.push({ associationId, cidr, state: 'associated' });
  syncLocalRoutes(region, vpc);
  return associationId;
}

export function associateVpcIpv6(region: RegionState, vpc: Vpc): string {
  if (associated(vpc.ipv6Cidrs).length >= MAX_VPC_CIDRS) {
    throw new Ec2Error('CidrLimitExceeded', `This network '${vpc.id}' has met its maximum number of allowed IPv6 CIDRs: ${MAX_VPC_CIDRS}`);
  }
  addIpv6Block(region, vpc, region.cloud.allocateIpv6Block());
  syncLocalRoutes(region, vpc);
  addIpv6AclEntries(region, vpc);
  return vpc.ipv6Cidrs[vpc.ipv6Cidrs.length - 1]!.associationId;
}

/** Finds a VPC CIDR association (IPv4 or IPv6) by its id, across the world's VPCs. */
export function findVpcCidrAssociation(region: RegionState, associationId: string) {
  checkId(ID_KINDS.vpcCidrAssociation, associationId);
  for (const vpc of region.vpcs.values()) {
    const v4 = vpc.cidrs.find((c) => c.associationId === associationId && c.state === 'associated');
    if (v4) return { vpc, v4 };
    const v6 = vpc.ipv6Cidrs.find((c) => c.associationId === associationId && c.state === 'associated');
    if (v6) return { vpc, v6 };
  }
  throw new Ec2Error('InvalidVpcCidrBlockAssociationID.NotFound', `The vpc CIDR block association ID '${associationId}' does not exist`);
}

/**
 * Disassociates a CIDR block; the primary IPv4 block and blocks still holding subnets are refused.
 * The entry stays listed, `disassociating` then `disassociated` (see cidr-association.ts).
 */
export function disassociateVpcCidr(region: RegionState, associationId: string) {
  const found = findVpcCidrAssociation(region, associationId);
  const { vpc } = found;
  const subnets = region.subnetsOf(vpc.id).all();
  if (found.v4) {
    if (vpc.cidrs[0] === found.v4) {
      throw new Ec2Error(
        'OperationNotPermitted',
        `The vpc CIDR block with association ID ${associationId} may not be disassociated. It is the primary IPv4 CIDR block of the VPC`,
      );
    }
    if (subnets.some((s) => found.v4!.cidr.containsCidr(s.cidr))) {
      throw new Ec2Error('DependencyViolation', `The vpc CIDR block with association ID ${associationId} may not be disassociated. It is in use by a subnet.`);
    }
    beginDisassociation(region, found.v4);
    syncLocalRoutes(region, vpc);
    return { vpc, v4: found.v4 };
  }
  const v6 = found.v6!;
  if (subnets.some((s) => s.ipv6.some((a) => v6.cidr.containsCidr(a.cidr)))) {
    throw new Ec2Error('DependencyViolation', `The vpc CIDR block with association ID ${associationId} may not be disassociated. It is in use by a subnet.`);
  }
  beginDisassociation(region, v6);
  syncLocalRoutes(region, vpc);
  return { vpc, v6 };
}
