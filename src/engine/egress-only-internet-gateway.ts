/**
 * Egress-only internet gateways: outbound-only IPv6 to the internet, one VPC each, attached from
 * creation (Amazon VPC User Guide, "Enable outbound IPv6 traffic using an egress-only internet
 * gateway"; EC2 API reference, CreateEgressOnlyInternetGateway). Routes to one take IPv6 destinations.
 */
import type { RegionState } from './cloud.js';
import { Ec2Error } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Tags, Vpc } from './model.js';
import type { EgressOnlyInternetGateway } from './routing-model.js';

export function getEgressOnlyInternetGateway(region: RegionState, id: string): EgressOnlyInternetGateway {
  checkId(ID_KINDS.egressOnlyInternetGateway, id);
  const g = region.egressOnlyInternetGateways.get(id);
  if (!g) throw notFound(ID_KINDS.egressOnlyInternetGateway, id);
  return g;
}

export function createEgressOnlyInternetGateway(region: RegionState, vpc: Vpc, tags: Tags): EgressOnlyInternetGateway {
  const g: EgressOnlyInternetGateway = {
    id: region.ids.next(ID_KINDS.egressOnlyInternetGateway),
    resourceType: 'egress-only-internet-gateway',
    ownerId: region.accountId,
    vpcId: vpc.id,
    tags,
  };
  region.egressOnlyInternetGateways.set(g.id, region.register(g));
  return g;
}

/** Deleting one turns routes to it into blackholes (their state follows the target). */
export function deleteEgressOnlyInternetGateway(region: RegionState, g: EgressOnlyInternetGateway): void {
  region.egressOnlyInternetGateways.delete(g.id);
  region.unregister(g.id);
}

export function vpcHasEgressOnlyInternetGateway(region: RegionState, vpcId: string): boolean {
  for (const g of region.egressOnlyInternetGateways.values()) if (g.vpcId === vpcId) return true;
  return false;
}

/** A route to an egress-only gateway carries IPv6 traffic only. */
export function requireIpv6Destination(ipv6: boolean): void {
  if (!ipv6) throw new Ec2Error('InvalidParameterValue', 'Egress-only internet gateways support IPv6 destinations only.');
}
