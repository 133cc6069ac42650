/**
 * Elastic IPs and the one invariant that rules them: one Elastic IP ↔ one private IPv4, both
 * ways, at all times. The interface's half lives on PrivateIp.elasticIp, the address's half on
 * ElasticIp.association; only this module writes either. Rules: aws-behaviour.md §4.12–4.16,
 * the EC2 User Guide "Elastic IP addresses" and the user's ENI notes.
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidValue } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import { requireInternetGateway } from './internet-gateway.js';
import type { ElasticIp, NetworkInterface, PrivateIp, Tags } from './model.js';

export function getElasticIp(region: RegionState, allocationId: string): ElasticIp {
  checkId(ID_KINDS.allocation, allocationId);
  const eip = region.elasticIps.get(allocationId);
  if (!eip) throw notFound(ID_KINDS.allocation, allocationId);
  return eip;
}

export function findElasticIpByPublicIp(region: RegionState, publicIp: string): ElasticIp | undefined {
  for (const eip of region.elasticIps.values()) if (eip.publicIp === publicIp) return eip;
  return undefined;
}

export function allocateElasticIp(region: RegionState, p: { address?: string; networkBorderGroup?: string; tags?: Tags }): ElasticIp {
  if (p.networkBorderGroup !== undefined && p.networkBorderGroup !== region.name) {
    throw invalidValue(`Invalid value '${p.networkBorderGroup}' for NetworkBorderGroup. The network border group must be ${region.name}.`);
  }
  if (region.elasticIps.size >= region.cloud.quotas.elasticIpsPerRegion) {
    throw new Ec2Error('AddressLimitExceeded', 'The maximum number of addresses has been reached.');
  }
  let publicIp: string;
  if (p.address !== undefined) {
    if (!region.cloud.publicIps.claim(region.name, p.address)) {
      throw new Ec2Error('InvalidAddress.NotFound', `Address ${p.address} not found or not available.`);
    }
    publicIp = p.address;
  } else {
    publicIp = region.cloud.publicIps.allocate(region.name);
  }
  const allocationId = region.ids.next(ID_KINDS.allocation);
  const eip: ElasticIp = {
    id: allocationId,
    resourceType: 'elastic-ip',
    allocationId,
    publicIp,
    ownerId: region.accountId,
    networkBorderGroup: region.name,
    publicIpv4Pool: 'amazon',
    tags: p.tags ?? new Map(),
  };
  region.elasticIps.set(allocationId, region.register(eip));
  return eip;
}

/** Breaks both halves of an association. The address stays allocated. */
export function disassociateElasticIp(region: RegionState, eip: ElasticIp): void {
  const a = eip.association;
  if (!a) return;
  const eni = region.networkInterfaces.get(a.networkInterfaceId);
  const ip = eni?.privateIps.find((x) => x.text === a.privateIp);
  if (ip && ip.elasticIp === eip.allocationId) delete ip.elasticIp;
  delete eip.association;
  if (eni) afterPublicMappingChange(region, eni);
}

/**
 * Associates `eip` with `ip` of `eni`. The interface's VPC must have an internet gateway attached
 * (checked once the target is known to be valid; AWS does not document the order of its checks).
 * An Elastic IP already associated elsewhere moves unless `allowReassociation` is false; an Elastic
 * IP already on the target address is displaced (disassociated, still allocated), as the
 * AssociateAddress reference describes.
 */
export function associateElasticIp(region: RegionState, eip: ElasticIp, eni: NetworkInterface, ip: PrivateIp, allowReassociation: boolean): string {
  requireInternetGateway(region, eni.vpcId);
  if (eip.association && eip.association.networkInterfaceId === eni.id && eip.association.privateIp === ip.text) {
    return eip.association.associationId; // the same association again: idempotent
  }
  if (eip.association && !allowReassociation) {
    throw new Ec2Error('Resource.AlreadyAssociated', `resource ${eip.allocationId} is already associated with associate-id ${eip.association.associationId}`);
  }
  if (ip.elasticIp && ip.elasticIp !== eip.allocationId && !allowReassociation) {
    const other = region.elasticIps.get(ip.elasticIp)!;
    throw new Ec2Error('Resource.AlreadyAssociated', `resource ${eni.id} and ${ip.text} is already associated with public address ${other.publicIp}`);
  }
  disassociateElasticIp(region, eip);
  if (ip.elasticIp) disassociateElasticIp(region, region.elasticIps.get(ip.elasticIp)!);
  const associationId = region.ids.next(ID_KINDS.association);
  eip.association = { associationId, networkInterfaceId: eni.id, privateIp: ip.text };
  ip.elasticIp = eip.allocationId;
  afterPublicMappingChange(region, eni);
  return associationId;
}

/** After an IP moves to another interface, the Elastic IP's half follows it (same association id). */
export function followMovedIp(region: RegionState, ip: PrivateIp, to: NetworkInterface, from: NetworkInterface): void {
  if (!ip.elasticIp) return;
  const eip = region.elasticIps.get(ip.elasticIp)!;
  eip.association = { ...eip.association!, networkInterfaceId: to.id };
  afterPublicMappingChange(region, from);
  afterPublicMappingChange(region, to);
}

export function releaseElasticIp(region: RegionState, eip: ElasticIp): void {
  if (eip.association) {
    throw new Ec2Error('InvalidIPAddress.InUse', 'The specified IP address is already in use.');
  }
  region.elasticIps.delete(eip.allocationId);
  region.unregister(eip.allocationId);
  region.cloud.publicIps.release(region.name, eip.publicIp);
}

export function findAssociation(region: RegionState, associationId: string): ElasticIp {
  checkId(ID_KINDS.association, associationId);
  for (const eip of region.elasticIps.values()) if (eip.association?.associationId === associationId) return eip;
  throw notFound(ID_KINDS.association, associationId);
}

/**
 * Hook for the instance module: an Elastic IP on the primary address replaces the auto-assigned
 * public IPv4, and losing it may bring a new one (EC2 User Guide, "Public IPv4 addresses").
 */
export const publicMappingHooks: ((region: RegionState, eni: NetworkInterface) => void)[] = [];

function afterPublicMappingChange(region: RegionState, eni: NetworkInterface): void {
  const primary = eni.privateIps[0];
  if (primary?.elasticIp && eni.autoPublicIp) {
    region.cloud.publicIps.release(region.name, eni.autoPublicIp);
    delete eni.autoPublicIp;
  }
  for (const hook of publicMappingHooks) hook(region, eni);
}
