/**
 * VPC peering connections at the engine level: one record shared by two worlds, its timed
 * lifecycle, who may do what, visibility after the end, quotas, routes and DeleteVpc.
 *
 * Sources:
 * - [life]: VPC Peering Guide, "VPC peering connection lifecycle" (initiating-request → failed or
 *   pending-acceptance; expires after 7 days; failed visible to the requester for 2 hours; expired
 *   visible to both for 2 days; rejected visible to the requester for 2 days and to the accepter for
 *   2 hours, 2 hours within one account; deleted visible to the deleter for 2 hours and to the other
 *   for 2 days, 2 hours within one account; `deleting` only between regions);
 * - [lim]: "VPC peering limitations" (no overlapping blocks; tags apply only in the account or
 *   region where they are made); Amazon VPC quotas (50 active per VPC, 25 outstanding requests);
 * - [del]: "Delete a VPC peering connection" (either owner deletes; DeleteVpc and pending requests);
 * - [api]: EC2 API reference CreateVpcPeeringConnection ("overlapping CIDR blocks … status of failed");
 * - [tf]: hashicorp/terraform-provider-aws#27750 (the same request returns the existing connection),
 *   #44315 (VpcPeeringConnectionAlreadyExists at acceptance of a reversed duplicate).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';
import { Cloud, type Quotas, type RegionState } from '../../src/engine/cloud.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { createRoute, mainAssociation, parseDestination, routeState } from '../../src/engine/route-table.js';
import { createVpc, deleteVpc } from '../../src/engine/vpc.js';
import { acceptPeering, createPeering, deletePeering, getPeering, modifyPeeringOptions, rejectPeering } from '../../src/engine/vpc-peering.js';
import type { Vpc } from '../../src/engine/model.js';
import { decodeCloud, encodeCloud } from '../../src/store/cloud-image.js';
import { T0, throwsEc2, TIMINGS } from './clocked-world.js';

const A = '111111111111';
const B = '222222222222';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

class Clouds {
  t = T0;
  readonly cloud: Cloud;
  constructor(quotas: Partial<Quotas> = {}) {
    this.cloud = new Cloud({ defaultAccountId: A, seed: 'peering', now: () => new Date(this.t), lifecycle: TIMINGS, quotas });
  }
  world(account = A, region = 'us-east-1'): RegionState {
    return this.cloud.region(account, region);
  }
  vpc(world: RegionState, cidr: string): Vpc {
    return createVpc(world, { cidr: parseIpv4Cidr(cidr)! });
  }
  /** Moves the clock and settles every world, as requests in each would. */
  advance(ms: number): void {
    this.t += ms;
    for (const w of this.cloud.allRegions()) w.settle();
  }
  clean(): void {
    assert.deepEqual(checkInvariants(this.cloud), []);
  }
}

const state = (w: RegionState, id: string) => w.vpcPeeringConnections.get(id)?.connection.state;

describe('VPC peering connections (engine)', () => {
  it('[life] within one world: initiating-request → pending-acceptance → provisioning → active; deleted, then forgotten after 2 hours', () => {
    const c = new Clouds();
    const w = c.world();
    const x = c.vpc(w, '10.0.0.0/16');
    const y = c.vpc(w, '10.1.0.0/16');
    const side = createPeering(w, { vpc: x, peerVpcId: y.id, tags: new Map([['Name', 'p']]) });
    assert.equal(side.connection.state, 'initiating-request');
    assert.equal(side.connection.expirationTime, T0 + 7 * DAY);
    c.advance(TIMINGS.pendingMs);
    assert.equal(state(w, side.id), 'pending-acceptance');
    acceptPeering(w, side);
    assert.equal(side.connection.state, 'provisioning');
    c.advance(TIMINGS.pendingMs);
    assert.equal(side.connection.state, 'active');
    c.clean();
    deletePeering(w, side);
    assert.deepEqual([side.connection.state, side.connection.endedBy], ['deleted', A]);
    c.advance(2 * HOUR - 1);
    assert.ok(w.vpcPeeringConnections.has(side.id));
    c.advance(1);
    assert.equal(w.vpcPeeringConnections.has(side.id), false);
    assert.equal(w.taggables.has(side.id), false);
    c.clean();
  });

  it('[api][lim] overlapping blocks or an unknown accepter VPC: created, then failed, seen by the requester alone for 2 hours', () => {
    const c = new Clouds();
    const a = c.world(A);
    const b = c.world(B);
    const x = c.vpc(a, '10.0.0.0/16');
    const y = c.vpc(b, '10.0.128.0/17');
    const overlap = createPeering(a, { vpc: x, peerVpcId: y.id, peerOwnerId: B, tags: new Map() });
    const unknown = createPeering(a, { vpc: x, peerVpcId: 'vpc-0123456789abcdef0', peerOwnerId: B, tags: new Map() });
    const unusedWorld = createPeering(a, { vpc: x, peerVpcId: y.id, peerOwnerId: B, peerRegion: 'eu-west-3', tags: new Map() });
    assert.equal(c.cloud.existingRegion(B, 'eu-west-3'), undefined, 'the look-up creates no world');
    assert.equal(b.vpcPeeringConnections.size, 0);
    c.advance(TIMINGS.pendingMs);
    for (const s of [overlap, unknown, unusedWorld]) assert.equal(s.connection.state, 'failed');
    throwsEc2(() => deletePeering(a, overlap), 'InvalidStateTransition');
    c.advance(2 * HOUR);
    assert.equal(a.vpcPeeringConnections.size, 0);
    c.clean();
  });

  it('[life][lim] across accounts: the accepter sees it without the requester’s tags; only the accepter accepts; routes are blackholes until active', () => {
    const c = new Clouds();
    const a = c.world(A);
    const b = c.world(B);
    const x = c.vpc(a, '10.0.0.0/16');
    const y = c.vpc(b, '10.1.0.0/16');
    const mine = createPeering(a, { vpc: x, peerVpcId: y.id, peerOwnerId: B, tags: new Map([['side', 'requester']]) });
    const theirs = getPeering(b, mine.id);
    assert.equal(theirs.connection, mine.connection, 'one shared record');
    assert.equal(theirs.tags.size, 0);
    c.advance(TIMINGS.pendingMs);
    const table = a.routeTables.get(mainAssociation(a, x.id)!.routeTableId)!;
    const route = createRoute(a, table, parseDestination({ DestinationCidrBlock: '10.1.0.0/16' }), { VpcPeeringConnectionId: mine.id });
    assert.equal(routeState(a, table, route), 'blackhole');
    throwsEc2(() => acceptPeering(a, mine), 'OperationNotPermitted', `User (${A}) cannot accept peering ${mine.id}`);
    throwsEc2(() => rejectPeering(a, mine), 'OperationNotPermitted');
    throwsEc2(() => deletePeering(b, theirs), 'InvalidStateTransition');
    acceptPeering(b, theirs);
    c.advance(TIMINGS.pendingMs);
    assert.equal(routeState(a, table, route), 'active');
    throwsEc2(() => acceptPeering(b, theirs), 'InvalidStateTransition');
    // Either owner deletes a standing connection: here the accepter; the requester still sees it for 2 days.
    deletePeering(b, theirs);
    assert.equal(routeState(a, table, route), 'blackhole');
    c.advance(2 * HOUR);
    assert.deepEqual([b.vpcPeeringConnections.has(mine.id), state(a, mine.id)], [false, 'deleted']);
    c.advance(2 * DAY);
    assert.equal(a.vpcPeeringConnections.has(mine.id), false);
    assert.equal(routeState(a, table, route), 'blackhole');
    c.clean();
  });

  it('[life] rejected: 2 days for the requester, 2 hours for the accepter; expired: 2 days for both', () => {
    const c = new Clouds();
    const a = c.world(A);
    const b = c.world(B);
    const x = c.vpc(a, '10.0.0.0/16');
    const y = c.vpc(b, '10.1.0.0/16');
    const z = c.vpc(b, '10.2.0.0/16');
    const rejected = createPeering(a, { vpc: x, peerVpcId: y.id, peerOwnerId: B, tags: new Map() });
    const ignored = createPeering(a, { vpc: x, peerVpcId: z.id, peerOwnerId: B, tags: new Map() });
    c.advance(TIMINGS.pendingMs);
    rejectPeering(b, getPeering(b, rejected.id));
    assert.equal(rejected.connection.state, 'rejected');
    throwsEc2(() => deletePeering(a, rejected), 'InvalidStateTransition');
    c.advance(2 * HOUR);
    assert.deepEqual([state(a, rejected.id), b.vpcPeeringConnections.has(rejected.id)], ['rejected', false]);
    c.advance(7 * DAY - 2 * HOUR - TIMINGS.pendingMs);
    assert.equal(a.vpcPeeringConnections.has(rejected.id), false);
    assert.deepEqual([state(a, ignored.id), state(b, ignored.id)], ['expired', 'expired']);
    throwsEc2(() => acceptPeering(b, getPeering(b, ignored.id)), 'InvalidStateTransition');
    c.advance(2 * DAY);
    assert.deepEqual([a.vpcPeeringConnections.size, b.vpcPeeringConnections.size], [0, 0]);
    c.clean();
  });

  it('[life] across regions: accepted only in the accepter region; deleting goes through `deleting`', () => {
    const c = new Clouds();
    const east = c.world(A, 'us-east-1');
    const west = c.world(A, 'us-west-2');
    const x = c.vpc(east, '10.0.0.0/16');
    const y = c.vpc(west, '10.1.0.0/16');
    const side = createPeering(east, { vpc: x, peerVpcId: y.id, peerRegion: 'us-west-2', tags: new Map() });
    c.advance(TIMINGS.pendingMs);
    throwsEc2(
      () => acceptPeering(east, side),
      'OperationNotPermitted',
      `Incorrect region (us-east-1) specified for this request. VPC peering connection ${side.id} must be accepted in region us-west-2`,
    );
    acceptPeering(west, getPeering(west, side.id));
    c.advance(TIMINGS.pendingMs);
    assert.equal(side.connection.state, 'active');
    deletePeering(east, side);
    assert.equal(side.connection.state, 'deleting');
    c.advance(TIMINGS.shuttingDownMs);
    assert.equal(side.connection.state, 'deleted');
    c.advance(2 * HOUR);
    assert.deepEqual([east.vpcPeeringConnections.size, west.vpcPeeringConnections.size], [0, 0]);
    c.clean();
  });

  it('[tf] the same request again returns the standing connection; a reversed duplicate is refused at acceptance', () => {
    const c = new Clouds();
    const w = c.world();
    const x = c.vpc(w, '10.0.0.0/16');
    const y = c.vpc(w, '10.1.0.0/16');
    const first = createPeering(w, { vpc: x, peerVpcId: y.id, tags: new Map() });
    assert.equal(createPeering(w, { vpc: x, peerVpcId: y.id, tags: new Map() }), first);
    const reversed = createPeering(w, { vpc: y, peerVpcId: x.id, tags: new Map() });
    assert.notEqual(reversed.id, first.id);
    c.advance(TIMINGS.pendingMs);
    acceptPeering(w, first);
    throwsEc2(() => acceptPeering(w, reversed), 'VpcPeeringConnectionAlreadyExists', `The vpc peering connection identified by ${reversed.id} already exists.`);
    c.clean();
  });

  it('[lim] quotas: outstanding requests per world, active connections per VPC (both ends)', () => {
    const c = new Clouds({ outstandingPeeringRequests: 2, activePeeringsPerVpc: 1 });
    const w = c.world();
    const hub = c.vpc(w, '10.0.0.0/16');
    const s1 = c.vpc(w, '10.1.0.0/16');
    const s2 = c.vpc(w, '10.2.0.0/16');
    const s3 = c.vpc(w, '10.3.0.0/16');
    const p1 = createPeering(w, { vpc: hub, peerVpcId: s1.id, tags: new Map() });
    const p2 = createPeering(w, { vpc: hub, peerVpcId: s2.id, tags: new Map() });
    throwsEc2(() => createPeering(w, { vpc: hub, peerVpcId: s3.id, tags: new Map() }), 'OutstandingVpcPeeringConnectionLimitExceeded');
    c.advance(TIMINGS.pendingMs);
    acceptPeering(w, p1);
    throwsEc2(() => acceptPeering(w, p2), 'ActiveVpcPeeringConnectionPerVpcLimitExceeded');
    assert.equal(p2.connection.state, 'pending-acceptance');
    c.clean();
  });

  it('[del] DeleteVpc: refused while another account’s request awaits; otherwise the VPC’s connections are deleted with it', () => {
    const c = new Clouds();
    const a = c.world(A);
    const b = c.world(B);
    const x = c.vpc(a, '10.0.0.0/16');
    const y = c.vpc(b, '10.1.0.0/16');
    const side = createPeering(a, { vpc: x, peerVpcId: y.id, peerOwnerId: B, tags: new Map() });
    c.advance(TIMINGS.pendingMs);
    throwsEc2(() => deleteVpc(b, y.id), 'DependencyViolation');
    deleteVpc(a, x.id);
    assert.deepEqual([side.connection.state, side.connection.endedBy], ['deleted', A]);
    deleteVpc(b, y.id);
    // Same account: an active connection goes with either VPC.
    const p = c.vpc(a, '10.5.0.0/16');
    const q = c.vpc(a, '10.6.0.0/16');
    const local = createPeering(a, { vpc: p, peerVpcId: q.id, tags: new Map() });
    c.advance(TIMINGS.pendingMs);
    acceptPeering(a, local);
    c.advance(TIMINGS.pendingMs);
    deleteVpc(a, q.id);
    assert.equal(local.connection.state, 'deleted');
    c.clean();
  });

  it('ModifyVpcPeeringConnectionOptions: active only, each owner its own end, DNS hostnames needed', () => {
    const c = new Clouds();
    const a = c.world(A);
    const b = c.world(B);
    const x = c.vpc(a, '10.0.0.0/16');
    const y = c.vpc(b, '10.1.0.0/16');
    const side = createPeering(a, { vpc: x, peerVpcId: y.id, peerOwnerId: B, tags: new Map() });
    c.advance(TIMINGS.pendingMs);
    throwsEc2(() => modifyPeeringOptions(a, side, { AllowDnsResolutionFromRemoteVpc: true }), 'InvalidStateTransition');
    acceptPeering(b, getPeering(b, side.id));
    c.advance(TIMINGS.pendingMs);
    throwsEc2(() => modifyPeeringOptions(a, side, undefined, { AllowDnsResolutionFromRemoteVpc: true }), 'OperationNotPermitted');
    throwsEc2(() => modifyPeeringOptions(a, side, { AllowDnsResolutionFromRemoteVpc: true }), 'InvalidVpcPeeringConnectionState.DnsHostnamesDisabled');
    x.enableDnsHostnames = true;
    y.enableDnsHostnames = true;
    modifyPeeringOptions(a, side, { AllowDnsResolutionFromRemoteVpc: true });
    assert.deepEqual(
      [side.connection.requesterOptions.allowDnsResolutionFromRemoteVpc, side.connection.accepterOptions.allowDnsResolutionFromRemoteVpc],
      [true, false],
    );
  });

  it('survives a snapshot: the record stays shared by both worlds, and its timers run after the restart', () => {
    const c = new Clouds();
    const a = c.world(A);
    const b = c.world(B, 'eu-west-1');
    const x = c.vpc(a, '10.0.0.0/16');
    const y = c.vpc(b, '10.1.0.0/16');
    const side = createPeering(a, { vpc: x, peerVpcId: y.id, peerOwnerId: B, peerRegion: 'eu-west-1', tags: new Map([['k', 'v']]) });
    c.advance(TIMINGS.pendingMs);
    acceptPeering(b, getPeering(b, side.id));
    const restored = new Cloud({ defaultAccountId: A, now: () => new Date(c.t), lifecycle: TIMINGS });
    decodeCloud(encodeCloud(c.cloud), restored);
    const ra = restored.existingRegion(A, 'us-east-1')!;
    const rb = restored.existingRegion(B, 'eu-west-1')!;
    const mine = getPeering(ra, side.id);
    assert.equal(getPeering(rb, side.id).connection, mine.connection, 'still one record');
    assert.deepEqual([mine.connection.state, [...mine.tags]], ['provisioning', [['k', 'v']]]);
    c.t += TIMINGS.pendingMs;
    rb.settle();
    assert.equal(mine.connection.state, 'active', 'the accepter world’s timer moved the shared record');
    assert.deepEqual(checkInvariants(restored), []);
  });
});
