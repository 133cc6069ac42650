/**
 * The records of VPC peering connections. A connection joins two worlds (the requester's and the
 * accepter's account × region): its state is one shared record, referenced from a *side* in each
 * world that sees it. Tags live on the side, since "any tags that you create for your VPC peering
 * connection are only applied in the account or region in which you create them" (VPC Peering
 * Guide, "VPC peering limitations"). Plain data only; behaviour lives in vpc-peering.ts.
 */
import type { Taggable } from './model.js';

export type PeeringState = 'initiating-request' | 'pending-acceptance' | 'provisioning' | 'active' | 'deleting' | 'deleted' | 'rejected' | 'failed' | 'expired';

/** One end of a connection: which account's VPC, in which region. */
export interface PeeringEnd {
  readonly ownerId: string;
  readonly vpcId: string;
  readonly region: string;
}

/** The peering options of one end (ModifyVpcPeeringConnectionOptions). */
export interface PeeringOptions {
  allowDnsResolutionFromRemoteVpc: boolean;
  allowEgressFromLocalClassicLinkToRemoteVpc: boolean;
  allowEgressFromLocalVpcToRemoteClassicLink: boolean;
}

/** The connection itself, shared by both worlds' sides. */
export interface VpcPeeringConnection {
  readonly id: string;
  readonly requester: PeeringEnd;
  readonly accepter: PeeringEnd;
  state: PeeringState;
  /** Who rejected or deleted it (the status message names them). */
  endedBy?: string;
  readonly createTime: number;
  /** When an unaccepted request expires (7 days after it is made). */
  readonly expirationTime: number;
  /** Decided when the request is made, shown when it settles: the accepter VPC is unknown or the blocks overlap. */
  readonly fails: boolean;
  readonly requesterOptions: PeeringOptions;
  readonly accepterOptions: PeeringOptions;
}

/** One world's view of a connection: the shared record and this world's tags. */
export interface VpcPeeringSide extends Taggable {
  readonly resourceType: 'vpc-peering-connection';
  readonly connection: VpcPeeringConnection;
}
