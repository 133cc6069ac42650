/**
 * VPC peering connections between two VPCs of any accounts and regions in the cloud.
 *
 * Rules from the VPC Peering Guide ("VPC peering connection lifecycle", "VPC peering limitations",
 * "Accept or reject", "Delete a VPC peering connection"), the EC2 API reference
 * (CreateVpcPeeringConnection: "If you create a VPC peering connection request between VPCs with
 * overlapping CIDR blocks, the VPC peering connection has a status of failed"; the request "expires
 * after 7 days"), Amazon VPC quotas (50 active connections per VPC, 25 outstanding requests) and
 * AWS answers quoted in public threads (cited where used).
 *
 * One connection record is shared by the worlds of both ends; each world holds a side (the record
 * and that world's tags). Timed transitions are scheduled in every world holding a side, so a
 * request in either world settles them; each handler checks the state, so the second to fire does
 * nothing. How long an ended connection stays visible differs per side, so each world forgets its
 * own side on its own timer.
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidParam, invalidValue } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Tags, Vpc } from './model.js';
import type { PeeringEnd, PeeringOptions, PeeringState, VpcPeeringConnection, VpcPeeringSide } from './peering-model.js';
import { findRegion } from './regions.js';
import { TIMER_HANDLERS } from './timers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "If no action is taken on the request, it expires after 7 days." */
export const PEERING_REQUEST_LIFETIME_MS = 7 * DAY;

/** Observed status message of a failed request (quoted in terraform and terragrunt reports, e.g. gruntwork-io examples). */
export const PEERING_FAILED_MESSAGE = 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range';

/** States in which the connection still stands (or is on its way to): it counts, it can be routed to. */
const LIVE: ReadonlySet<PeeringState> = new Set(['initiating-request', 'pending-acceptance', 'provisioning', 'active']);
const ENDED: ReadonlySet<PeeringState> = new Set(['deleted', 'rejected', 'failed', 'expired']);

export const isLive = (c: VpcPeeringConnection) => LIVE.has(c.state);

export function getPeering(region: RegionState, id: string): VpcPeeringSide {
  checkId(ID_KINDS.vpcPeeringConnection, id);
  const side = region.vpcPeeringConnections.get(id);
  if (!side) throw notFound(ID_KINDS.vpcPeeringConnection, id);
  return side;
}

/** The status message AWS shows beside each code. */
export function statusMessage(c: VpcPeeringConnection): string {
  switch (c.state) {
    case 'initiating-request':
      return `Initiating Request to ${c.accepter.ownerId}`;
    case 'pending-acceptance':
      return `Pending Acceptance by ${c.accepter.ownerId}`;
    case 'provisioning':
      return 'Provisioning';
    case 'active':
      return 'Active';
    case 'deleting':
      return 'Deleting';
    case 'deleted':
      return `Deleted by ${c.endedBy ?? c.requester.ownerId}`;
    case 'rejected':
      return `Rejected by ${c.endedBy ?? c.accepter.ownerId}`;
    case 'failed':
      return PEERING_FAILED_MESSAGE;
    case 'expired':
      return 'Expired';
  }
}

/** Whether `end` is a VPC of this world. */
const endIn = (region: RegionState, end: PeeringEnd) => end.ownerId === region.accountId && end.region === region.name;

/** The VPC at one end, if it still exists (its world is never created for the look-up). */
export function vpcOfEnd(region: RegionState, end: PeeringEnd): Vpc | undefined {
  return region.cloud.existingRegion(end.ownerId, end.region)?.vpcs.get(end.vpcId);
}

/** The worlds that hold a side of the connection (one when both ends are in the same world). */
function worldsOf(region: RegionState, c: VpcPeeringConnection): RegionState[] {
  const out: RegionState[] = [];
  for (const end of [c.requester, c.accepter]) {
    const world = region.cloud.existingRegion(end.ownerId, end.region);
    if (world && !out.includes(world) && world.vpcPeeringConnections.get(c.id)?.connection === c) out.push(world);
  }
  return out;
}

function scheduleEverywhere(region: RegionState, c: VpcPeeringConnection, at: number, kind: string): void {
  for (const world of worldsOf(region, c)) world.schedule(at, kind, c.id);
}

function unscheduleEverywhere(region: RegionState, c: VpcPeeringConnection, ...kinds: string[]): void {
  for (const world of worldsOf(region, c)) for (const kind of kinds) world.unschedule(c.id, kind);
}

function addSide(world: RegionState, c: VpcPeeringConnection, tags: Tags): VpcPeeringSide {
  const side: VpcPeeringSide = { id: c.id, resourceType: 'vpc-peering-connection', connection: c, tags };
  world.vpcPeeringConnections.set(c.id, world.register(side));
  return side;
}

const defaultOptions = (): PeeringOptions => ({
  allowDnsResolutionFromRemoteVpc: false,
  allowEgressFromLocalClassicLinkToRemoteVpc: false,
  allowEgressFromLocalVpcToRemoteClassicLink: false,
});

/** Whether any IPv4 or IPv6 block of one VPC overlaps one of the other's ("matching or overlapping IPv4 or IPv6 CIDR blocks"). */
function blocksOverlap(a: Vpc, b: Vpc): boolean {
  const v4 = (v: Vpc) => v.cidrs.filter((c) => c.state === 'associated').map((c) => c.cidr);
  const v6 = (v: Vpc) => v.ipv6Cidrs.filter((c) => c.state === 'associated').map((c) => c.cidr);
  return v4(a).some((x) => v4(b).some((y) => x.overlaps(y))) || v6(a).some((x) => v6(b).some((y) => x.overlaps(y)));
}

export interface CreatePeeringParams {
  readonly vpc: Vpc;
  readonly peerVpcId: string;
  /** Default: the caller's account. */
  readonly peerOwnerId?: string;
  /** Default: the caller's region. */
  readonly peerRegion?: string;
  readonly tags: Tags;
}

/**
 * CreateVpcPeeringConnection: `initiating-request`, then `pending-acceptance`, or `failed` when the
 * accepter VPC does not exist (in that account and region) or its blocks overlap the requester's.
 * Asking again for the same requester and accepter VPCs while a connection between them stands
 * returns that connection ("AWS will return the connection id that already exists",
 * hashicorp/terraform-provider-aws#27750).
 */
export function createPeering(region: RegionState, p: CreatePeeringParams): VpcPeeringSide {
  checkId(ID_KINDS.vpc, p.peerVpcId);
  const peerRegion = p.peerRegion ?? region.name;
  if (!findRegion(peerRegion)) throw invalidParam(peerRegion, 'peerRegion', 'The region does not exist.');
  const peerOwnerId = p.peerOwnerId ?? region.accountId;
  const accepter: PeeringEnd = { ownerId: peerOwnerId, vpcId: p.peerVpcId, region: peerRegion };
  for (const side of region.vpcPeeringConnections.values()) {
    const c = side.connection;
    const same =
      c.requester.vpcId === p.vpc.id &&
      endIn(region, c.requester) &&
      c.accepter.vpcId === accepter.vpcId &&
      c.accepter.ownerId === peerOwnerId &&
      c.accepter.region === peerRegion;
    if (same && isLive(c)) return side;
  }
  const outstanding = [...region.vpcPeeringConnections.values()].filter(
    (s) => endIn(region, s.connection.requester) && (s.connection.state === 'initiating-request' || s.connection.state === 'pending-acceptance'),
  ).length;
  if (outstanding >= region.cloud.quotas.outstandingPeeringRequests) {
    throw new Ec2Error(
      'OutstandingVpcPeeringConnectionLimitExceeded',
      `You have reached the limit of ${region.cloud.quotas.outstandingPeeringRequests} outstanding VPC peering connection requests.`,
    );
  }
  const peerWorld = region.cloud.existingRegion(peerOwnerId, peerRegion);
  const peerVpc = peerWorld?.vpcs.get(p.peerVpcId);
  const now = region.cloud.nowMs();
  const c: VpcPeeringConnection = {
    id: region.ids.next(ID_KINDS.vpcPeeringConnection),
    requester: { ownerId: region.accountId, vpcId: p.vpc.id, region: region.name },
    accepter,
    state: 'initiating-request',
    createTime: now,
    expirationTime: now + PEERING_REQUEST_LIFETIME_MS,
    fails: !peerVpc || blocksOverlap(p.vpc, peerVpc),
    requesterOptions: defaultOptions(),
    accepterOptions: defaultOptions(),
  };
  const side = addSide(region, c, p.tags);
  // The accepter sees the request (without the requester's tags); a request that fails stays the requester's alone.
  if (!c.fails && peerWorld && peerWorld !== region) addSide(peerWorld, c, new Map());
  scheduleEverywhere(region, c, now + region.cloud.timings.pendingMs, 'vpc-peering-settled');
  return side;
}

/** OperationNotPermitted wordings for the wrong account and the wrong region (as moto reproduces them from AWS). */
function requireAccepter(region: RegionState, c: VpcPeeringConnection, verb: 'accept' | 'reject'): void {
  if (c.accepter.ownerId !== region.accountId) throw new Ec2Error('OperationNotPermitted', `User (${region.accountId}) cannot ${verb} peering ${c.id}`);
  if (c.accepter.region !== region.name) {
    const must = verb === 'accept' ? 'accepted' : 'accepted or rejected';
    throw new Ec2Error(
      'OperationNotPermitted',
      `Incorrect region (${region.name}) specified for this request. VPC peering connection ${c.id} must be ${must} in region ${c.accepter.region}`,
    );
  }
}

/** "The specified VPC peering connection is not in the correct state for the request" (EC2 error codes, InvalidStateTransition). */
function wrongState(c: VpcPeeringConnection): Ec2Error {
  return new Ec2Error('InvalidStateTransition', `Invalid state transition for ${c.id}, attempted to transition from ${c.state}`);
}

const connects = (c: VpcPeeringConnection, a: PeeringEnd, b: PeeringEnd) => {
  const is = (x: PeeringEnd, y: PeeringEnd) => x.vpcId === y.vpcId && x.ownerId === y.ownerId && x.region === y.region;
  return (is(c.requester, a) && is(c.accepter, b)) || (is(c.requester, b) && is(c.accepter, a));
};

/** Connections standing (provisioning or active) that involve the VPC at `end`, as its own world sees them. */
function activeAt(region: RegionState, end: PeeringEnd): VpcPeeringConnection[] {
  const world = region.cloud.existingRegion(end.ownerId, end.region);
  if (!world) return [];
  const out: VpcPeeringConnection[] = [];
  for (const s of world.vpcPeeringConnections.values()) {
    const c = s.connection;
    if ((c.state === 'active' || c.state === 'provisioning') && (c.requester.vpcId === end.vpcId || c.accepter.vpcId === end.vpcId)) out.push(c);
  }
  return out;
}

/**
 * AcceptVpcPeeringConnection, by the accepter's owner in the accepter's region: `provisioning`, then
 * `active`. A second standing connection between the same VPCs is refused: "VpcPeeringConnectionAlreadyExists:
 * The vpc peering connection identified by pcx-… already exists." (hashicorp/terraform-provider-aws#44315).
 */
export function acceptPeering(region: RegionState, side: VpcPeeringSide): void {
  const c = side.connection;
  requireAccepter(region, c, 'accept');
  if (c.state !== 'pending-acceptance') throw wrongState(c);
  const others = activeAt(region, c.requester).filter((o) => o !== c);
  if (others.some((o) => connects(o, c.requester, c.accepter))) {
    throw new Ec2Error('VpcPeeringConnectionAlreadyExists', `The vpc peering connection identified by ${c.id} already exists.`);
  }
  const limit = region.cloud.quotas.activePeeringsPerVpc;
  for (const end of [c.requester, c.accepter]) {
    if (activeAt(region, end).length >= limit) {
      throw new Ec2Error(
        'ActiveVpcPeeringConnectionPerVpcLimitExceeded',
        `The VPC ${end.vpcId} has reached the limit of ${limit} active VPC peering connections.`,
      );
    }
  }
  unscheduleEverywhere(region, c, 'vpc-peering-expired');
  c.state = 'provisioning';
  scheduleEverywhere(region, c, region.cloud.nowMs() + region.cloud.timings.pendingMs, 'vpc-peering-active');
}

/** RejectVpcPeeringConnection: by the accepter's owner, while the request is pending. */
export function rejectPeering(region: RegionState, side: VpcPeeringSide): void {
  const c = side.connection;
  requireAccepter(region, c, 'reject');
  if (c.state !== 'pending-acceptance') throw wrongState(c);
  unscheduleEverywhere(region, c, 'vpc-peering-expired');
  c.state = 'rejected';
  c.endedBy = region.accountId;
  // Visible to the requester for 2 days and to the accepter for 2 hours; within one account, 2 hours.
  scheduleForget(region, c, (world) => (c.requester.ownerId !== c.accepter.ownerId && endIn(world, c.requester) ? 2 * DAY : 2 * HOUR));
}

/**
 * DeleteVpcPeeringConnection: either owner, while the connection stands; a pending request only by
 * its requester ("the owner of the requester VPC can delete the request"). A connection between two
 * regions goes through `deleting`.
 */
export function deletePeering(region: RegionState, side: VpcPeeringSide): void {
  const c = side.connection;
  const asRequester = endIn(region, c.requester);
  const pending = c.state === 'initiating-request' || c.state === 'pending-acceptance';
  if (!(pending && asRequester) && c.state !== 'active' && c.state !== 'provisioning') throw wrongState(c);
  endPeering(region, c, c.requester.region !== c.accepter.region);
}

/** Ends a standing connection as deleted by this world's account (now, or through `deleting` when `slowly`). */
function endPeering(region: RegionState, c: VpcPeeringConnection, slowly: boolean): void {
  unscheduleEverywhere(region, c, 'vpc-peering-settled', 'vpc-peering-active', 'vpc-peering-expired');
  c.endedBy = region.accountId;
  if (slowly) {
    c.state = 'deleting';
    scheduleEverywhere(region, c, region.cloud.nowMs() + region.cloud.timings.shuttingDownMs, 'vpc-peering-deleted');
    return;
  }
  markDeleted(region, c);
}

/** `deleted`: visible to the party that deleted it for 2 hours and to the other for 2 days; within one account, 2 hours. */
function markDeleted(region: RegionState, c: VpcPeeringConnection): void {
  c.state = 'deleted';
  scheduleForget(region, c, (world) => (c.requester.ownerId !== c.accepter.ownerId && world.accountId !== c.endedBy ? 2 * DAY : 2 * HOUR));
}

function scheduleForget(region: RegionState, c: VpcPeeringConnection, visibleFor: (world: RegionState) => number): void {
  const now = region.cloud.nowMs();
  for (const world of worldsOf(region, c)) world.schedule(now + visibleFor(world), 'vpc-peering-forget', c.id);
}

/**
 * DeleteVpc: refused while another account's request to this VPC awaits acceptance ("You cannot
 * delete a VPC for which you have a pending-acceptance request from a VPC in another account. You
 * must first reject the VPC peering connection request.").
 */
export function vpcHasIncomingPeeringRequest(region: RegionState, vpcId: string): boolean {
  for (const s of region.vpcPeeringConnections.values()) {
    const c = s.connection;
    const pending = c.state === 'initiating-request' || c.state === 'pending-acceptance';
    if (pending && c.accepter.vpcId === vpcId && endIn(region, c.accepter) && c.requester.ownerId !== c.accepter.ownerId) return true;
  }
  return false;
}

/**
 * DeleteVpc: the VPC's standing connections and its own pending requests are deleted with it ("Deleting
 * a VPC … that's part of an active VPC peering connection also deletes the VPC peering connection. If
 * you have requested a VPC peering connection with a VPC in another account, and you delete your VPC
 * before the other party has accepted the request, the VPC peering connection is also deleted.").
 */
export function endVpcPeerings(region: RegionState, vpcId: string): void {
  for (const s of [...region.vpcPeeringConnections.values()]) {
    const c = s.connection;
    const mine = (c.requester.vpcId === vpcId && endIn(region, c.requester)) || (c.accepter.vpcId === vpcId && endIn(region, c.accepter));
    if (mine && (isLive(c) || c.state === 'deleting')) {
      unscheduleEverywhere(region, c, 'vpc-peering-settled', 'vpc-peering-active', 'vpc-peering-expired', 'vpc-peering-deleted');
      c.endedBy = region.accountId;
      markDeleted(region, c);
    }
  }
}

// ---- options -------------------------------------------------------------------------------------

export interface OptionsInput {
  readonly AllowDnsResolutionFromRemoteVpc?: boolean;
  readonly AllowEgressFromLocalClassicLinkToRemoteVpc?: boolean;
  readonly AllowEgressFromLocalVpcToRemoteClassicLink?: boolean;
}

/**
 * ModifyVpcPeeringConnectionOptions on an active connection: each owner changes its own end's options
 * from its own region; DNS resolution needs DNS hostnames on both VPCs
 * (InvalidVpcPeeringConnectionState.DnsHostnamesDisabled, EC2 error codes).
 */
export function modifyPeeringOptions(region: RegionState, side: VpcPeeringSide, requester?: OptionsInput, accepter?: OptionsInput): void {
  const c = side.connection;
  if (c.state !== 'active') throw wrongState(c);
  if (requester === undefined && accepter === undefined) {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter requesterPeeringConnectionOptions or accepterPeeringConnectionOptions');
  }
  for (const [input, end] of [
    [requester, c.requester],
    [accepter, c.accepter],
  ] as const) {
    if (input === undefined) continue;
    if (!endIn(region, end)) {
      throw new Ec2Error(
        'OperationNotPermitted',
        `User (${region.accountId}) in ${region.name} cannot modify the options of VPC ${end.vpcId} of peering ${c.id}`,
      );
    }
    if (input.AllowEgressFromLocalClassicLinkToRemoteVpc || input.AllowEgressFromLocalVpcToRemoteClassicLink) {
      throw invalidValue('ClassicLink has been retired: its peering options cannot be enabled.');
    }
  }
  if (requester?.AllowDnsResolutionFromRemoteVpc || accepter?.AllowDnsResolutionFromRemoteVpc) {
    for (const end of [c.requester, c.accepter]) {
      const vpc = vpcOfEnd(region, end);
      if (vpc && !vpc.enableDnsHostnames) {
        throw new Ec2Error(
          'InvalidVpcPeeringConnectionState.DnsHostnamesDisabled',
          `Can not enable DNS resolution for peering connection ${c.id} as DNS hostnames are disabled on VPC ${end.vpcId}`,
        );
      }
    }
  }
  const apply = (o: PeeringOptions, input?: OptionsInput) => {
    if (input?.AllowDnsResolutionFromRemoteVpc !== undefined) o.allowDnsResolutionFromRemoteVpc = input.AllowDnsResolutionFromRemoteVpc;
  };
  apply(c.requesterOptions, requester);
  apply(c.accepterOptions, accepter);
}

// ---- routes --------------------------------------------------------------------------------------

/**
 * A route target: the connection must be one this world sees, standing, and one of its ends the
 * table's VPC. (A route to a connection that is not yet active is a blackhole until it is.)
 */
export function peeringRouteTarget(region: RegionState, tableId: string, vpcId: string, id: string): string {
  checkId(ID_KINDS.vpcPeeringConnection, id);
  const side = region.vpcPeeringConnections.get(id);
  if (!side || !isLive(side.connection)) throw notFound(ID_KINDS.vpcPeeringConnection, id);
  const c = side.connection;
  const here = (end: PeeringEnd) => end.vpcId === vpcId && endIn(region, end);
  if (!here(c.requester) && !here(c.accepter)) throw invalidValue(`route table ${tableId} and peering connection ${id} belong to different networks`);
  return id;
}

/** A route to a connection is active while the connection is; blackhole before, and once it is deleted or gone. */
export function peeringRouteActive(region: RegionState, id: string): boolean {
  return region.vpcPeeringConnections.get(id)?.connection.state === 'active';
}

// ---- timers --------------------------------------------------------------------------------------

TIMER_HANDLERS.set('vpc-peering-settled', (region, id) => {
  const c = region.vpcPeeringConnections.get(id)?.connection;
  if (c?.state !== 'initiating-request') return;
  if (c.fails) {
    c.state = 'failed';
    // "The failed VPC peering connection remains visible to the requester for 2 hours."
    scheduleForget(region, c, () => 2 * HOUR);
    return;
  }
  c.state = 'pending-acceptance';
  scheduleEverywhere(region, c, c.expirationTime, 'vpc-peering-expired');
});

TIMER_HANDLERS.set('vpc-peering-active', (region, id) => {
  const c = region.vpcPeeringConnections.get(id)?.connection;
  if (c?.state === 'provisioning') c.state = 'active';
});

TIMER_HANDLERS.set('vpc-peering-deleted', (region, id) => {
  const c = region.vpcPeeringConnections.get(id)?.connection;
  if (c?.state === 'deleting') markDeleted(region, c);
});

/** "The expired VPC peering connection remains visible to both VPC owners for 2 days." */
TIMER_HANDLERS.set('vpc-peering-expired', (region, id) => {
  const c = region.vpcPeeringConnections.get(id)?.connection;
  if (c?.state !== 'pending-acceptance') return;
  c.state = 'expired';
  scheduleForget(region, c, () => 2 * DAY);
});

TIMER_HANDLERS.set('vpc-peering-forget', (region, id) => {
  const side = region.vpcPeeringConnections.get(id);
  if (!side || !ENDED.has(side.connection.state)) return;
  region.vpcPeeringConnections.delete(id);
  region.unregister(id);
});
