/**
 * The life of a VPC's or subnet's CIDR block association after DisassociateVpcCidrBlock /
 * DisassociateSubnetCidrBlock. AWS answers `disassociating`, then lists the block as
 * `disassociated` in CidrBlockAssociationSet / Ipv6CidrBlockAssociationSet (state values from the
 * API reference, VpcCidrBlockState and SubnetCidrBlockState). Clients wait for that state:
 * amazon.aws ec2_vpc_net polls DescribeVpcs until every Amazon IPv6 block shows `disassociated`.
 * Only `associated` blocks count for anything else (routes, subnets, overlap, quotas, addresses).
 */
import type { RegionState } from './cloud.js';
import { TIMER_HANDLERS } from './timers.js';

export type CidrAssociationState = 'associated' | 'disassociating' | 'disassociated';

interface CidrAssociation {
  readonly associationId: string;
  state: CidrAssociationState;
}

export const isAssociated = (a: { readonly state: CidrAssociationState }): boolean => a.state === 'associated';

/** The associated entries of a listing. */
export const associated = <T extends { readonly state: CidrAssociationState }>(list: readonly T[]): T[] => list.filter(isAssociated);

const SETTLED = 'cidr-disassociated';

/** Starts the disassociation; it settles as `disassociated` after the detaching time (at once when that is 0). */
export function beginDisassociation(region: RegionState, assoc: CidrAssociation): void {
  assoc.state = 'disassociating';
  const delay = region.cloud.timings.detachingMs;
  if (delay <= 0) assoc.state = 'disassociated';
  else region.schedule(region.now().getTime() + delay, SETTLED, assoc.associationId);
}

function findListed(region: RegionState, associationId: string): CidrAssociation | undefined {
  for (const vpc of region.vpcs.values()) {
    const found = vpc.cidrs.find((c) => c.associationId === associationId) ?? vpc.ipv6Cidrs.find((c) => c.associationId === associationId);
    if (found) return found;
  }
  for (const subnet of region.subnets.values()) {
    const found = subnet.ipv6.find((a) => a.associationId === associationId);
    if (found) return found;
  }
  return undefined;
}

TIMER_HANDLERS.set(SETTLED, (region, id) => {
  const assoc = findListed(region, id);
  if (assoc?.state === 'disassociating') assoc.state = 'disassociated';
});
