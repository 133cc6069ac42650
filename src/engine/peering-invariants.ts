/**
 * Invariants of VPC peering connections: a side belongs to a world at one of its connection's ends;
 * a connection seen by both ends' worlds is one shared record (never two copies that could
 * disagree); a standing connection joins VPCs that exist; a route to a connection that is not
 * active is a blackhole.
 */
import type { RegionState } from './cloud.js';
import { routeState } from './route-table.js';
import { isLive } from './vpc-peering.js';

export function checkPeering(region: RegionState, v: (rule: string, detail: string) => void): void {
  for (const [id, side] of region.vpcPeeringConnections) {
    const c = side.connection;
    if (side.id !== id || c.id !== id) v('peering-id', `${id} is filed under another id (${side.id}, ${c.id})`);
    const ends = [c.requester, c.accepter];
    if (!ends.some((e) => e.ownerId === region.accountId && e.region === region.name)) v('peering-world', `${id} is held by a world at neither of its ends`);
    for (const end of ends) {
      const world = region.cloud.existingRegion(end.ownerId, end.region);
      const other = world?.vpcPeeringConnections.get(id);
      if (other && other.connection !== c) v('peering-shared', `${id} has a separate copy in ${end.ownerId}/${end.region}`);
      if ((c.state === 'active' || c.state === 'provisioning') && !world?.vpcs.has(end.vpcId))
        v('peering-vpc', `${id} (${c.state}) joins missing VPC ${end.vpcId}`);
    }
    if (c.state === 'pending-acceptance' && c.fails) v('peering-failed', `${id} should have failed`);
    if (!isLive(c) && c.endedBy === undefined && c.state !== 'failed' && c.state !== 'expired')
      v('peering-ended-by', `${id} (${c.state}) names no one who ended it`);
  }
  for (const t of region.routeTables.values()) {
    for (const r of t.routes) {
      if (r.vpcPeeringConnectionId === undefined) continue;
      const c = region.vpcPeeringConnections.get(r.vpcPeeringConnectionId)?.connection;
      if (c?.state !== 'active' && routeState(region, t, r) !== 'blackhole')
        v('peering-route', `${t.id} route to ${r.vpcPeeringConnectionId} (${c?.state ?? 'gone'}) is not a blackhole`);
    }
  }
}
