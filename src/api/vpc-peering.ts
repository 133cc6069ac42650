/** VPC peering connection operations: Create, Accept, Reject, Delete, Describe, ModifyVpcPeeringConnectionOptions. */
import type { RegionState } from '../engine/cloud.js';
import { missingParam } from '../engine/errors.js';
import { perWorld, type FilterSpec } from '../engine/filters.js';
import type { PeeringEnd, PeeringOptions, VpcPeeringConnection, VpcPeeringSide } from '../engine/peering-model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import {
  acceptPeering,
  createPeering,
  deletePeering,
  getPeering,
  modifyPeeringOptions,
  rejectPeering,
  statusMessage,
  vpcOfEnd,
} from '../engine/vpc-peering.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

const optionsView = (o: PeeringOptions) => ({
  AllowDnsResolutionFromRemoteVpc: o.allowDnsResolutionFromRemoteVpc,
  AllowEgressFromLocalClassicLinkToRemoteVpc: o.allowEgressFromLocalClassicLinkToRemoteVpc,
  AllowEgressFromLocalVpcToRemoteClassicLink: o.allowEgressFromLocalVpcToRemoteClassicLink,
});

/**
 * "CIDR block information is only returned when describing an active VPC peering connection"
 * (API reference, VpcPeeringConnection) — for the accepter; the requester's blocks show from the
 * request on, and neither once the connection has ended (community.aws ec2_vpc_peer's integration
 * test, written against AWS, asserts exactly this).
 */
function showsBlocks(c: VpcPeeringConnection, end: 'requester' | 'accepter'): boolean {
  if (c.state === 'active' || c.state === 'provisioning') return true;
  return end === 'requester' && (c.state === 'initiating-request' || c.state === 'pending-acceptance');
}

function vpcInfo(region: RegionState, c: VpcPeeringConnection, which: 'requester' | 'accepter') {
  const end: PeeringEnd = c[which];
  const vpc = showsBlocks(c, which) ? vpcOfEnd(region, end) : undefined;
  const v4 = vpc?.cidrs.filter((b) => b.state === 'associated').map((b) => b.cidr.toString()) ?? [];
  const v6 = vpc?.ipv6Cidrs.filter((b) => b.state === 'associated').map((b) => b.cidr.toString()) ?? [];
  return {
    CidrBlock: vpc ? v4[0] : undefined,
    CidrBlockSet: vpc ? v4.map((CidrBlock) => ({ CidrBlock })) : undefined,
    Ipv6CidrBlockSet: vpc && v6.length > 0 ? v6.map((Ipv6CidrBlock) => ({ Ipv6CidrBlock })) : undefined,
    OwnerId: end.ownerId,
    PeeringOptions: vpc ? optionsView(which === 'requester' ? c.requesterOptions : c.accepterOptions) : undefined,
    VpcId: end.vpcId,
    Region: end.region,
  };
}

export function peeringView(region: RegionState, side: VpcPeeringSide) {
  const c = side.connection;
  const unanswered = c.state === 'initiating-request' || c.state === 'pending-acceptance';
  return {
    AccepterVpcInfo: vpcInfo(region, c, 'accepter'),
    ExpirationTime: unanswered ? new Date(c.expirationTime) : undefined,
    RequesterVpcInfo: vpcInfo(region, c, 'requester'),
    Status: { Code: c.state, Message: statusMessage(c) },
    Tags: tagList(side.tags) ?? [],
    VpcPeeringConnectionId: c.id,
  };
}

/** The blocks a connection's end shows, for the cidr-block filters (as the Describe shows them). */
const blocksOf = (region: RegionState, s: VpcPeeringSide, which: 'requester' | 'accepter') =>
  vpcInfo(region, s.connection, which).CidrBlockSet?.map((b) => b.CidrBlock) ?? [];

/** The filters the DescribeVpcPeeringConnections reference lists. */
const peeringFilters = perWorld((region: RegionState): FilterSpec<VpcPeeringSide> => ({
  resourceName: 'vpc-peering-connection',
  tags: (s) => s.tags,
  getters: {
    'accepter-vpc-info.cidr-block': (s) => blocksOf(region, s, 'accepter'),
    'accepter-vpc-info.owner-id': (s) => s.connection.accepter.ownerId,
    'accepter-vpc-info.vpc-id': (s) => s.connection.accepter.vpcId,
    'expiration-time': (s) => new Date(s.connection.expirationTime).toISOString(),
    'requester-vpc-info.cidr-block': (s) => blocksOf(region, s, 'requester'),
    'requester-vpc-info.owner-id': (s) => s.connection.requester.ownerId,
    'requester-vpc-info.vpc-id': (s) => s.connection.requester.vpcId,
    'status-code': (s) => s.connection.state,
    'status-message': (s) => statusMessage(s.connection),
    'vpc-peering-connection-id': (s) => s.id,
  },
}));

export const vpcPeeringHandlers = handlers({
  CreateVpcPeeringConnection: (ctx, input) => {
    if (input.PeerVpcId === undefined) throw missingParam('peerVpcId');
    const side = createPeering(ctx.region, {
      vpc: getVpc(ctx.region, input.VpcId),
      peerVpcId: input.PeerVpcId,
      peerOwnerId: input.PeerOwnerId,
      peerRegion: input.PeerRegion,
      tags: tagsFromSpecs(input.TagSpecifications, 'vpc-peering-connection'),
    });
    return { VpcPeeringConnection: peeringView(ctx.region, side) };
  },

  AcceptVpcPeeringConnection: (ctx, input) => {
    const side = getPeering(ctx.region, input.VpcPeeringConnectionId);
    acceptPeering(ctx.region, side);
    return { VpcPeeringConnection: peeringView(ctx.region, side) };
  },

  RejectVpcPeeringConnection: (ctx, input) => {
    rejectPeering(ctx.region, getPeering(ctx.region, input.VpcPeeringConnectionId));
    return { Return: true };
  },

  DeleteVpcPeeringConnection: (ctx, input) => {
    deletePeering(ctx.region, getPeering(ctx.region, input.VpcPeeringConnectionId));
    return { Return: true };
  },

  DescribeVpcPeeringConnections: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      peeringFilters(ctx.region),
      input.VpcPeeringConnectionIds,
      (id) => getPeering(ctx.region, id),
      () => ctx.region.vpcPeeringConnections.values(),
      'vpcPeeringConnectionIds',
    );
    return { VpcPeeringConnections: page.items.map((s) => peeringView(ctx.region, s)), NextToken: page.nextToken };
  },

  ModifyVpcPeeringConnectionOptions: (ctx, input) => {
    const side = getPeering(ctx.region, input.VpcPeeringConnectionId);
    modifyPeeringOptions(ctx.region, side, input.RequesterPeeringConnectionOptions, input.AccepterPeeringConnectionOptions);
    const c = side.connection;
    return {
      RequesterPeeringConnectionOptions: input.RequesterPeeringConnectionOptions
        ? { AllowDnsResolutionFromRemoteVpc: c.requesterOptions.allowDnsResolutionFromRemoteVpc }
        : undefined,
      AccepterPeeringConnectionOptions: input.AccepterPeeringConnectionOptions
        ? { AllowDnsResolutionFromRemoteVpc: c.accepterOptions.allowDnsResolutionFromRemoteVpc }
        : undefined,
    };
  },
});
