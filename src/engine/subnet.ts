/**
 * Subnets and their address pools. Rules from the Amazon VPC User Guide ("Subnet CIDR blocks",
 * "subnet sizing"): /16–/28 inside one of the VPC's CIDR blocks, no overlap with another subnet,
 * five reserved addresses, IPv6 subnets are exactly /64 inside the VPC's /56.
 */
import { associated, beginDisassociation, isAssociated } from './cidr-association.js';
import { parseIpv4Cidr, parseIpv6Cidr, type Ipv4Cidr, type Ipv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import { Ipv4Pool, Ipv6Pool } from './ipam.js';
import type { Subnet, Tags, Vpc } from './model.js';
import { findZone, type ZoneInfo } from './regions.js';
import { MAX_PREFIX, MIN_PREFIX } from './vpc.js';
import { associateDefaultAcl, dropSubnetAclAssociation } from './network-acl.js';
import { dropSubnetRouteAssociation } from './route-table.js';

export function getSubnet(region: RegionState, id: string): Subnet {
  checkId(ID_KINDS.subnet, id);
  const subnet = region.subnets.get(id);
  if (!subnet) throw notFound(ID_KINDS.subnet, id);
  return subnet;
}

export interface SubnetRecordParams {
  readonly vpc: Vpc;
  readonly zone: ZoneInfo;
  readonly cidr: Ipv4Cidr;
  readonly ipv6Cidr?: Ipv6Cidr;
  readonly defaultForAz?: boolean;
  readonly mapPublicIpOnLaunch?: boolean;
  readonly tags?: Tags;
}

/** Creates the record with no checks: callers have validated (or, for default subnets, know it is valid). */
export function createSubnetRecord(region: RegionState, p: SubnetRecordParams): Subnet {
  const subnet: Subnet = {
    id: region.ids.next(ID_KINDS.subnet),
    resourceType: 'subnet',
    ownerId: region.accountId,
    vpcId: p.vpc.id,
    zone: p.zone,
    cidr: p.cidr,
    pool: new Ipv4Pool(p.cidr),
    defaultForAz: p.defaultForAz ?? false,
    ipv6: [],
    mapPublicIpOnLaunch: p.mapPublicIpOnLaunch ?? false,
    assignIpv6AddressOnCreation: false,
    state: 'available',
    tags: p.tags ?? new Map(),
  };
  if (p.ipv6Cidr) addSubnetIpv6(region, subnet, p.ipv6Cidr);
  region.subnets.set(subnet.id, region.register(subnet));
  region.subnetsOf(subnet.vpcId).add(subnet);
  // Its association with the VPC's default ACL; the id is derived from the subnet's, not drawn.
  associateDefaultAcl(region, subnet, region.ids.derive(ID_KINDS.networkAclAssociation, `${subnet.id}/network-acl-association`));
  return subnet;
}

function addSubnetIpv6(region: RegionState, subnet: Subnet, cidr: Ipv6Cidr): string {
  const associationId = region.ids.next(ID_KINDS.subnetCidrAssociation);
  subnet.ipv6.push({ associationId, cidr, pool: new Ipv6Pool(cidr), state: 'associated' });
  return associationId;
}

export interface CreateSubnetParams {
  readonly vpc: Vpc;
  readonly cidrBlock: string;
  readonly zoneName?: string;
  readonly zoneId?: string;
  readonly ipv6CidrBlock?: string;
  readonly tags?: Tags;
}

/** Resolves the zone by name or ID; with neither, AWS picks one — we pick the zone with the fewest subnets in the VPC. */
export function resolveZone(region: RegionState, vpc: Vpc, zoneName?: string, zoneId?: string): ZoneInfo {
  if (zoneName !== undefined && zoneId !== undefined) {
    throw new Ec2Error('InvalidParameterCombination', 'Only one of availabilityZone or availabilityZoneId may be specified.');
  }
  const wanted = zoneName ?? zoneId;
  if (wanted !== undefined) {
    const zone = findZone(region.info, wanted);
    const matchesKind = zone && (zoneName !== undefined ? zone.zoneName === wanted : zone.zoneId === wanted);
    if (!zone || !matchesKind) {
      const param = zoneName !== undefined ? 'availabilityZone' : 'availabilityZoneId';
      const offered = region.info.zones.map((z) => (zoneName !== undefined ? z.zoneName : z.zoneId)).join(', ');
      throw invalidParam(wanted, param, `Subnets can currently only be created in the following availability zones: ${offered}.`);
    }
    return zone;
  }
  const counts = region.subnetsOf(vpc.id).zoneCounts;
  let best = region.info.zones[0]!;
  for (const z of region.info.zones) if ((counts.get(z.zoneName) ?? 0) < (counts.get(best.zoneName) ?? 0)) best = z;
  return best;
}

/** Validates everything first, then creates: a refused request changes nothing. */
export function createSubnet(region: RegionState, p: CreateSubnetParams): Subnet {
  const { vpc } = p;
  const cidr = parseIpv4Cidr(p.cidrBlock);
  if (!cidr) throw invalidParam(p.cidrBlock, 'cidrBlock', 'This is not a valid CIDR block.');
  if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) {
    throw new Ec2Error('InvalidSubnet.Range', `The CIDR '${p.cidrBlock}' is invalid.`);
  }
  if (!associated(vpc.cidrs).some((c) => c.cidr.containsCidr(cidr))) {
    throw new Ec2Error('InvalidSubnet.Range', `The CIDR '${p.cidrBlock}' is invalid.`);
  }
  if (region.subnetsOf(vpc.id).overlapping(cidr)) {
    throw new Ec2Error('InvalidSubnet.Conflict', `The CIDR '${p.cidrBlock}' conflicts with another subnet`);
  }
  const ipv6Cidr = p.ipv6CidrBlock !== undefined ? checkSubnetIpv6(region, vpc, p.ipv6CidrBlock) : undefined;
  const zone = resolveZone(region, vpc, p.zoneName, p.zoneId);
  return createSubnetRecord(region, { vpc, zone, cidr, ipv6Cidr, tags: p.tags });
}

/** An IPv6 subnet block must be a /64 inside one of the VPC's IPv6 blocks and overlap no other subnet's. */
export function checkSubnetIpv6(region: RegionState, vpc: Vpc, text: string): Ipv6Cidr {
  const cidr = parseIpv6Cidr(text);
  if (!cidr) throw invalidParam(text, 'ipv6CidrBlock', 'This is not a valid IPv6 CIDR block.');
  if (cidr.prefix !== 64) throw new Ec2Error('InvalidSubnet.Range', `The IPv6 CIDR '${text}' is invalid. Subnet IPv6 CIDR blocks must be /64.`);
  if (!associated(vpc.ipv6Cidrs).some((c) => c.cidr.containsCidr(cidr))) {
    throw new Ec2Error('InvalidSubnet.Range', `The IPv6 CIDR '${text}' is invalid.`);
  }
  for (const s of region.subnetsOf(vpc.id).all()) {
    if (associated(s.ipv6).some((a) => a.cidr.overlaps(cidr))) {
      throw new Ec2Error('InvalidSubnet.Conflict', `The IPv6 CIDR '${text}' conflicts with another subnet`);
    }
  }
  return cidr;
}

export function associateSubnetIpv6(region: RegionState, subnet: Subnet, text: string): string {
  const vpc = region.vpcs.get(subnet.vpcId)!;
  if (subnet.ipv6.some(isAssociated)) {
    throw new Ec2Error('InvalidParameterValue', `The subnet '${subnet.id}' already has an IPv6 CIDR block associated.`);
  }
  return addSubnetIpv6(region, subnet, checkSubnetIpv6(region, vpc, text));
}

export function disassociateSubnetIpv6(region: RegionState, associationId: string) {
  checkId(ID_KINDS.subnetCidrAssociation, associationId);
  for (const subnet of region.subnets.values()) {
    // A block already disassociating or disassociated is no longer found, as for VPC blocks.
    const a = associated(subnet.ipv6).find((x) => x.associationId === associationId);
    if (!a) continue;
    // Delegated /80 prefixes are addresses in use too (EC2 User Guide, "Assign prefixes").
    if (a.pool.usedCount > 0 || a.pool.prefixCount > 0) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `The subnet CIDR block with association ID ${associationId} may not be disassociated. It has IPv6 addresses in use.`,
      );
    }
    beginDisassociation(region, a);
    return { subnet, association: a };
  }
  throw new Ec2Error('InvalidSubnetCidrBlockAssociationID.NotFound', `The subnet CIDR block association ID '${associationId}' does not exist`);
}

export function deleteSubnet(region: RegionState, id: string): void {
  const subnet = getSubnet(region, id);
  if (subnet.pool.usedCount > 0 || region.subnetHasOtherDependencies(id)) {
    throw new Ec2Error('DependencyViolation', `The subnet '${id}' has dependencies and cannot be deleted.`);
  }
  dropSubnetRouteAssociation(region, id);
  dropSubnetAclAssociation(region, id);
  region.subnets.delete(id);
  region.subnetsOf(subnet.vpcId).delete(subnet);
  region.unregister(id);
}

/** AvailableIpAddressCount: size − 5 reserved − addresses in use (stopped instances' addresses stay in use). */
export const availableIpAddressCount = (s: Subnet): number => s.pool.freeCount;
